"""A fuzzing harness over the loaders, decision records and renderers.

Every input must give a result or ``InputErrors`` (each error one line), never another
exception. The normal suite runs a brief, derandomised pass (the same inputs every run, so it
never flakes); a long random run is

    STACKFIT_FUZZ_EXAMPLES=100000 python -m pytest -p no:cacheprovider tests/hostile/test_fuzz.py

and with ``STACKFIT_FUZZ_SAVE=1`` every crashing input is also written to
``tests/inputs/invalid/fuzz-<hash>.yaml``: fix the crash, then pin its errors with
``STACKFIT_UPDATE_GOLDEN=1`` so it stays a regression test.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator.catalog import Catalog
from evaluator.decisions.parse import parse_record
from evaluator.errors import InputErrors
from evaluator.loading.files import load_document
from evaluator.resolve import check_requirements, check_stack
from evaluator.textsafe import log_line, md_text, one_line
from tests.conftest import INPUTS

LONG = int(os.environ.get("STACKFIT_FUZZ_EXAMPLES", "0") or 0)
settings.register_profile(
    "fuzz",
    max_examples=LONG or 40,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")
SAVE = os.environ.get("STACKFIT_FUZZ_SAVE", "") not in ("", "0")
CRASHES = INPUTS / "invalid"

# ----------------------------------------------------------------------------- strategies,
# built once at import.

SEEDS = [
    p.read_text(encoding="utf-8")
    for p in sorted([*(INPUTS / "valid").rglob("*.yaml"), *(INPUTS / "invalid").glob("*.yaml")])
    if p.stat().st_size < 4000
]
RECORD = (Path(__file__).parent.parent / "decisions" / "golden" / "record.md").read_text()
TOKENS = [
    "!!bool ", "!!int ", "!!float ", "!!timestamp ", "!!str ", "!!null ", "!!binary ", "!x ",
    "&a ", "*a", "<<: ", "[", "]", "{", "}", "\n", "\n  ", "- ", ": ", ", ", "'", '"', "? ",
    "~", ".inf", ".nan", "1e999", "-", "0x", "2026-13-45", "\t", "\ufeff", "\u202e", "\\0",
    "version", "kind: ", "stack", "requirements", "catalog", "#", "...", "---", "|", ">",
    "@org/admins", "<img>", "\x1b[31m", "::error::", "\u2028", "データ", "9" * 30,
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed file with a few edits: tokens inserted, spans deleted or duplicated."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(("insert", "insert", "delete", "repeat")))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=4)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            span = text[at : at + draw(st.integers(1, 40))]
            text = text[:at] + span * draw(st.integers(2, 5)) + text[at:]
    return text


YAML_TEXT = mutated(SEEDS)
RECORD_TEXT = mutated([RECORD])
RAW_BYTES = st.binary(max_size=300)


# ----------------------------------------------------------------------------- harness


def survive(target: Callable[[str | bytes], None], data: str | bytes) -> None:
    """Run one input; an exception other than ``InputErrors`` is a crash (kept if asked)."""
    try:
        target(data)
    except InputErrors as exc:
        for error in exc.errors:
            assert "\n" not in str(error), str(error)
    except Exception:
        if SAVE:
            raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
            name = f"fuzz-{hashlib.sha256(raw).hexdigest()[:12]}.yaml"
            (CRASHES / name).write_bytes(raw)
        raise


def load_and_check(catalog: Catalog) -> Callable[[str | bytes], None]:
    def target(data: str | bytes) -> None:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "f.yaml"
            path.write_bytes(raw)
            doc = load_document(path, display_name="f.yaml")
        if doc.kind == "stack":
            errors = check_stack(doc, catalog)
        elif doc.kind == "requirements":
            errors = check_requirements(doc, catalog)
        else:
            errors = []
        assert all("\n" not in str(e) for e in errors)

    return target


def record(data: str | bytes) -> None:
    assert isinstance(data, str)
    parse_record(data, "0001-x.md")


# ----------------------------------------------------------------------------- targets


@FUZZ
@given(YAML_TEXT)
def test_fuzz_yaml_files(mini_catalog: Catalog, text: str) -> None:
    survive(load_and_check(mini_catalog), text)


@FUZZ
@given(RAW_BYTES)
def test_fuzz_raw_bytes(mini_catalog: Catalog, data: bytes) -> None:
    survive(load_and_check(mini_catalog), data)


@FUZZ
@given(RECORD_TEXT)
def test_fuzz_decision_records(text: str) -> None:
    survive(record, text)


@FUZZ
@given(st.text(max_size=80) | st.sampled_from(TOKENS))
def test_fuzz_renderers_keep_text_inert(text: str) -> None:
    for line in (one_line(text), log_line(text), md_text(text)):
        assert not any(c in line for c in "\n\r\x1b\u2028\u2029\u202e"), line
    assert not log_line(text).startswith("::")
    md = md_text(text)
    assert "<" not in md
    assert md.count("@") == md.count("@&#8203;")


@pytest.mark.parametrize("path", sorted(CRASHES.glob("fuzz-*.yaml")), ids=lambda p: p.name)
def test_kept_crashes_stay_fixed(mini_catalog: Catalog, path: Path) -> None:
    survive(load_and_check(mini_catalog), path.read_bytes())
