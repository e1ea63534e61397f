"""The safe YAML reader: positions, and refusal of every kind of hostile or broken input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.errors import InputErrors
from evaluator.loading import yamlsafe
from evaluator.loading.yamlsafe import format_path, parse_yaml, read_yaml
from tests.conftest import count_calls


def errors(text: str, **kwargs: int) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        parse_yaml(text, "f.yaml", **kwargs)
    return [str(e) for e in caught.value.errors]


def test_data_and_positions() -> None:
    parsed = parse_yaml("a: 1\nb:\n  - x\n  - {c: 2026-11-26}\n", "f.yaml")
    assert parsed.data == {"a": 1, "b": ["x", {"c": dt.date(2026, 11, 26)}]}
    pos = parsed.positions
    assert pos.locate(("b",), at_key=True) == (2, 1)
    assert pos.locate(("b",)) == (3, 3)
    assert pos.locate(("b", 1, "c"), at_key=True) == (4, 6)
    assert pos.locate(("b", 1, "c")) == (4, 9)


def test_missing_path_points_at_nearest_enclosing_entry() -> None:
    pos = parse_yaml("# c\na: 1\nb:\n  c: 1\n", "f.yaml").positions
    assert pos.locate(("b", "missing")) == (3, 1)
    assert pos.locate(("b", "missing", 3, "deeper")) == (3, 1)
    assert pos.locate(("nope",)) == (2, 1)


def test_merge_keys_follow_yaml_rules() -> None:
    text = "base: &b {x: 1, y: 2}\nk:\n  <<: *b\n  y: 3\n"
    parsed = parse_yaml(text, "f.yaml")
    assert parsed.data["k"] == {"x": 1, "y": 3}
    assert parsed.positions.locate(("k",)) == (3, 3)
    assert parsed.positions.locate(("k", "y")) == (4, 6)


def test_duplicate_keys_name_both_lines() -> None:
    assert errors("a: 1\nb: 2\na: 3\n") == [
        "f.yaml:3:1: a: duplicate key 'a' (also defined on line 1)"
    ]


def test_all_problems_are_reported_together() -> None:
    assert errors("a: 1\na: 2\n3: x\nd: !!binary aGk=\n") == [
        "f.yaml:2:1: a: duplicate key 'a' (also defined on line 1)",
        "f.yaml:3:1: keys must be text, but this key is read as the number 3; put it in quotes",
        "f.yaml:4:4: d: YAML tag '!!binary' is not supported; only plain data is allowed",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "f.yaml: file is empty"),
        ("# just a comment\n\n", "f.yaml: file is empty"),
        ("---\n", "f.yaml: file is empty"),
        (
            "just text",
            "f.yaml:1:1: the top level must be a mapping of keys (such as 'kind: catalog'), "
            "not text 'just text'",
        ),
        (
            "a: !custom {x: 1}",
            "f.yaml:1:4: a: YAML tag '!custom' is not supported; only plain data is allowed",
        ),
        ("a: *nowhere", "f.yaml:1:4: YAML syntax error: found undefined alias"),
        (
            "a: \x07",
            "f.yaml:1:4: YAML syntax error: control characters are not allowed (character '\\x07')",
        ),
        (
            "? [1, 2]\n: x\n",
            "f.yaml:1:3: keys must be text, but this key is read as a list; put it in quotes",
        ),
        (
            "n: " + "9" * 5000,
            "f.yaml:1:4: n: cannot read the value '"
            + "9" * 37
            + "...' as a whole number: Exceeds the limit (4300 digits) for integer string "
            "conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase "
            "the limit",
        ),
    ],
)
def test_refusals(text: str, message: str) -> None:
    assert errors(text) == [message]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!bool maybe", "f.yaml:1:4: a: cannot read the value 'maybe' as true or false: "),
        ("a: !!bool", "f.yaml:1:4: a: cannot read the value '' as true or false: "),
        ("a: !!timestamp bar", "f.yaml:1:4: a: cannot read the value 'bar' as a date: "),
        ("a: !!int", "f.yaml:1:4: a: cannot read the value '' as a whole number: "),
        ("a: !!float", "f.yaml:1:4: a: cannot read the value '' as a number: "),
        ("!!bool x: 1", "f.yaml:1:1: cannot read the value 'x' as true or false: "),
        ("a: [!!int , !!int 1]", "f.yaml:1:5: a[0]: cannot read the value '' as a whole number: "),
    ],
)
def test_explicit_tags_on_malformed_scalars(text: str, message: str) -> None:
    """PyYAML's constructors trust the resolver's regex, which an explicit tag skips: these were
    KeyError, AttributeError and IndexError tracebacks."""
    found = errors(text)
    assert len(found) == 1
    assert found[0].startswith(message)


def test_alias_bomb_refused_quickly_and_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    built = count_calls(monkeypatch, yamlsafe._Builder, "build")
    found = errors("\n".join(lines))
    assert built[0] <= yamlsafe.MAX_NODES + 1  # work done, not seconds: 10**30 values refused
    assert len(found) == 1
    assert "expands to more than 100,000 values" in found[0]


def test_mapping_alias_bomb_and_node_bound() -> None:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4}"]
    lines += [f"m{i}: &m{i} {{a: *m{i - 1}, b: *m{i - 1}, c: *m{i - 1}}}" for i in range(1, 25)]
    assert "expands to more than" in errors("\n".join(lines))[0]
    assert (
        "expands to more than 10 values"
        in errors("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", max_nodes=10)[0]
    )


def test_recursive_alias_and_deep_nesting() -> None:
    assert errors("a: &a [*a]") == ["f.yaml:1:4: values are nested more than 64 levels deep"]
    assert "nested more than 64 levels" in errors("a: " + "[" * 70 + "]" * 70)[0]
    # libyaml composes recursively in C: 100,000 '[' overflowed the C stack (a segfault, the
    # whole run lost), and libyaml versions differ on whether they cap nesting themselves.
    # The refusal comes from our event count (at the 66th '[', column 68) or, with libyaml
    # 0.2.5+, from its own cap while it scans ahead: one located error, in our words, either way.
    for n in (5000, 100_000):
        (deep,) = errors("a: " + "[" * n + "]" * n)
        assert re.fullmatch(r"f\.yaml:1:\d+: values are nested more than 64 levels deep", deep)
    assert errors("a: " + "{a: " * 100_000 + "1" + "}" * 100_000)[0].endswith("64 levels deep")


def test_read_rejects_non_utf8_with_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("kind: stack\nname: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputErrors) as caught:
        read_yaml(path, "latin1.yaml")
    assert (
        str(caught.value)
        == "latin1.yaml:2:10: file is not UTF-8 text (byte 0xe9 cannot be decoded)"
    )


def test_read_rejects_utf16_and_accepts_bom(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    with pytest.raises(InputErrors, match="not UTF-8"):
        read_yaml(path, "f.yaml")
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_yaml(path, "f.yaml").data == {"a": 1}


def test_read_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: " + "x" * 2000)
    with pytest.raises(
        InputErrors, match=r"^f.yaml: file is too large \(0.0 MiB; the limit is 0 MiB\)$"
    ):
        read_yaml(path, "f.yaml", max_bytes=1000)


def test_read_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputErrors, match="cannot read the file"):
        read_yaml(tmp_path, "dir")


def test_format_path() -> None:
    assert format_path(("tools", 3, "capabilities", "trainig")) == "tools[3].capabilities.trainig"
    assert format_path((0, "a")) == "[0].a"
    assert format_path(()) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_data_or_input_errors(text: str) -> None:
    try:
        parse_yaml(text, "f.yaml")
    except InputErrors as exc:
        problems = exc.errors
    else:
        problems = ("parsed",)
    assert problems


_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates()
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _values, min_size=1, max_size=5))
def test_round_trips_what_safe_dump_writes(data: dict[str, object]) -> None:
    assert parse_yaml(yaml.safe_dump(data), "f.yaml").data == data
