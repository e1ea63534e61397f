"""Every shipped and documented example is valid under the exported JSON Schemas, checked with
the `jsonschema` library (what editors run), not only with the models.

The requirements schema rejected the documented short form `transformation: 4` ("4 is not of
type 'object'"), so editors flagged valid files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from evaluator.loading.yamlsafe import parse_yaml
from evaluator.schema import json_schema

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [
        *ROOT.glob("stacks/*.yaml"),
        *ROOT.glob("catalog/**/*.yaml"),
        *ROOT.glob("tests/inputs/valid/**/*.yaml"),
        *ROOT.glob("tests/inputs/worked/**/*.yaml"),
    ]
)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)


def documented() -> list[tuple[str, str]]:
    """The YAML blocks of the README and docs that are whole files (they start with kind:)."""
    found = []
    for doc in DOCS:
        for i, block in enumerate(_BLOCK.findall(doc.read_text(encoding="utf-8"))):
            if block.startswith("kind:"):
                found.append((f"{doc.name}#{i}", block))
    return found


def as_json(value: Any) -> Any:
    """YAML data as a JSON document holds it (dates as text), which is what schemas describe."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def validator(kind: str) -> jsonschema.protocols.Validator:
    if kind not in _VALIDATORS:
        schema = json.loads(json_schema(kind))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _VALIDATORS[kind] = cls(schema)
    return _VALIDATORS[kind]


def problems(text: str, name: str) -> list[str]:
    data = as_json(parse_yaml(text, name).data)
    found = validator(data["kind"]).iter_errors(data)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_shipped_files_are_valid_under_the_schema(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8"), path.name) == []


@pytest.mark.parametrize(("name", "text"), documented(), ids=[n for n, _ in documented()])
def test_documented_examples_are_valid_under_the_schema(name: str, text: str) -> None:
    assert problems(text, name) == []


def test_the_short_form_is_accepted_and_its_bounds_kept() -> None:
    base = "kind: requirements\nversion: 1\nname: r\ncapabilities:\n  transformation: {}\n"
    assert problems(base.replace("{}", "4"), "r.yaml") == []
    assert problems(base.replace("{}", "{weight: 4, must: true}"), "r.yaml") == []
    assert problems(base.replace("{}", "9"), "r.yaml") != []
    assert problems(base.replace("{}", "text"), "r.yaml") != []


def test_there_are_documented_examples_to_check() -> None:
    kinds = {parse_yaml(text, name).data["kind"] for name, text in documented()}
    assert {"requirements", "stack"} <= kinds
