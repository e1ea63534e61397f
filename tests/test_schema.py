"""The JSON Schemas committed for editors must match the models (regenerate with
STACKFIT_UPDATE_GOLDEN=1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.schema import KINDS, json_schema
from tests.golden import assert_golden

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_is_current(kind: str) -> None:
    assert_golden(SCHEMAS / f"{kind}.schema.json", json_schema(kind))
