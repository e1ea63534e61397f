"""Loading and validating single files, discovery, and the golden error texts of bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.catalog import Catalog, CatalogLayer, build_catalog
from evaluator.errors import InputError, InputErrors, sort_errors
from evaluator.loading import yamlsafe
from evaluator.loading.files import discover, load_document, load_many
from evaluator.models import Requirements, Stack
from evaluator.resolve import check_requirements, check_stack
from tests.conftest import INPUTS, count_calls, display, mini_layer
from tests.golden import assert_golden

INVALID = sorted((INPUTS / "invalid").glob("*.yaml"))
VALID = INPUTS / "valid"


def errors_for(path: Path, catalog: Catalog) -> tuple[InputError, ...]:
    """Everything stackfit reports for one file: loading, then references against the catalog."""
    try:
        doc = load_document(path, display_name=display(path))
    except InputErrors as exc:
        return exc.errors
    if doc.kind == "catalog":
        try:
            build_catalog([mini_layer(), CatalogLayer("case", (doc,))])
        except InputErrors as exc:
            return exc.errors
        return ()
    check = check_requirements if doc.kind == "requirements" else check_stack
    return sort_errors(check(doc, catalog))


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_input_reports_exact_errors(path: Path, mini_catalog: Catalog) -> None:
    errors = errors_for(path, mini_catalog)
    assert errors, f"{path.name} should be rejected"
    assert_golden(path.with_suffix(".expected"), "".join(f"{e}\n" for e in errors))


def test_every_expected_file_has_an_input() -> None:
    orphans = [p.name for p in (INPUTS / "invalid").glob("*.expected")]
    assert sorted(orphans) == sorted(p.with_suffix(".expected").name for p in INVALID)


def test_alias_bomb_is_refused_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast means bounded work, not a wall-clock figure (that flaked on loaded CI machines):
    building stops one value past the limit instead of expanding the billions of values."""
    built = count_calls(monkeypatch, yamlsafe._Builder, "build")
    with pytest.raises(InputErrors, match="expands to more than"):
        load_document(INPUTS / "invalid" / "alias_bomb.yaml")
    assert built[0] <= yamlsafe.MAX_NODES + 1


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputErrors) as caught:
        load_document(path, display_name="binary.yaml")
    assert str(caught.value) == "binary.yaml: file is binary (it contains NUL bytes), not YAML text"


def test_huge_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("kind: stack\n" + "# padding\n" * 600_000)
    parsed = count_calls(monkeypatch, yamlsafe, "parse_yaml")
    decoded = count_calls(monkeypatch, yamlsafe, "decode")
    with pytest.raises(InputErrors) as caught:
        load_document(path, display_name="huge.yaml")
    assert str(caught.value) == "huge.yaml: file is too large (5.7 MiB; the limit is 5 MiB)"
    assert parsed == [0]
    assert decoded == [0]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputErrors, match=r"^nope.yaml: cannot read the file: No such file"):
        load_document(tmp_path / "nope.yaml", display_name="nope.yaml")


@pytest.mark.parametrize(
    ("name", "model"), [("requirements.yaml", Requirements), ("stack.yaml", Stack)]
)
def test_valid_examples_load(name: str, model: type, mini_catalog: Catalog) -> None:
    doc = load_document(VALID / name)
    assert isinstance(doc.model, model)
    assert errors_for(VALID / name, mini_catalog) == ()


def test_dates_stay_dates() -> None:
    doc = load_document(VALID / "requirements.yaml")
    assert isinstance(doc.model, Requirements)
    assert doc.model.existing[0].until is not None
    assert doc.model.existing[0].until.isoformat() == "2027-06-30"


def test_document_error_points_at_key_or_value() -> None:
    doc = load_document(VALID / "stack.yaml", display_name="stack.yaml")
    assert str(doc.error(("roles", "warehouse"), "m", at_key=True)) == (
        "stack.yaml:6:3: roles.warehouse: m"
    )
    assert str(doc.error(("roles", "warehouse"), "m")) == "stack.yaml:6:14: roles.warehouse: m"
    assert str(doc.error(("roles", "bi"), "m")) == "stack.yaml:5:1: roles.bi: m"


def test_load_many_collects_errors_of_all_files() -> None:
    paths = [
        INPUTS / "invalid" / "bad_enum.yaml",
        VALID / "stack.yaml",
        INPUTS / "invalid" / "empty.yaml",
    ]
    documents, errors = load_many(paths)
    assert [d.kind for d in documents] == ["stack"]
    assert [e.message for e in errors] == [
        "'secret' is not allowed; use one of: public, internal, confidential, regulated",
        "file is empty",
    ]


# ----------------------------------------------------------------------------- discovery


def _write(folder: Path, name: str, kind: str) -> Path:
    body = {
        "requirements": "capabilities: {warehouse: 3}\n",
        "stack": "tools: [snowflake]\n",
        "catalog": "",
    }[kind]
    path = folder / name
    path.write_text(f"kind: {kind}\nversion: 1\nname: {path.stem}\n{body}")
    return path


def test_discover_sorts_by_kind(tmp_path: Path) -> None:
    _write(tmp_path, "b-stack.yaml", "stack")
    _write(tmp_path, "a-stack.yml", "stack")
    _write(tmp_path, "req.yaml", "requirements")
    _write(tmp_path, "cat.yaml", "catalog")
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "deep.yaml", "stack")
    found = discover([tmp_path])
    assert found.errors == ()
    assert [d.path.name for d in found.stacks] == ["a-stack.yml", "b-stack.yaml"]
    assert found.requirements is not None
    assert found.requirements.path.name == "req.yaml"
    assert [d.path.name for d in found.catalogs] == ["cat.yaml"]
    assert len(discover([tmp_path], recursive=True).stacks) == 3


def test_discover_refuses_two_requirements_unless_one_is_chosen(tmp_path: Path) -> None:
    first = _write(tmp_path, "r1.yaml", "requirements")
    _write(tmp_path, "r2.yaml", "requirements")
    ambiguous = discover([tmp_path])
    assert ambiguous.requirements is None
    assert [e.message for e in ambiguous.errors] == [
        f"found 2 requirements files ({tmp_path}/r1.yaml, {tmp_path}/r2.yaml); "
        "choose one explicitly to evaluate against"
    ]
    assert len(ambiguous.all_requirements) == 2
    chosen = discover([tmp_path], requirements=first)
    assert chosen.errors == ()
    assert chosen.requirements is not None
    assert chosen.requirements.path == first
    named = discover([tmp_path, first])
    assert named.errors == ()
    assert named.requirements is not None
    assert named.requirements.path == first


def test_discover_reports_missing_and_empty_paths(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    found = discover([tmp_path / "empty", tmp_path / "missing.yaml"])
    assert sorted(str(e) for e in found.errors) == [
        f"{tmp_path}/empty: folder holds no YAML files",
        f"{tmp_path}/missing.yaml: no such file or folder",
    ]
