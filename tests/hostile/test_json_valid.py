"""JSON output is always valid JSON: `weights: {fit: .inf}` made every score NaN and
`--format json` printed `NaN` with exit 0, which other tools refuse to parse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from evaluator.cli import app
from evaluator.reporting.jsonfmt import dumps
from evaluator.resources import builtin_stacks_dir


def strict(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_are_null() -> None:
    out = dumps({"a": float("nan"), "b": [float("inf"), -float("inf")], "c": 1.234})
    assert strict(out) == {"a": None, "b": [None, None], "c": 1.23}


def test_infinite_weight_never_prints_invalid_json(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    shutil.copytree(builtin_stacks_dir(), stacks)
    req = stacks / "requirements.yaml"
    text = req.read_text()
    lines = [line for line in text.splitlines() if not line.startswith("weights:")]
    req.write_text("\n".join([*lines, "weights: {fit: .inf, glue: 0.25, lock_in: 0.25}", ""]))
    result = CliRunner().invoke(
        app, ["compare", str(stacks), "--as-of", "2026-11-26", "-f", "json"]
    )
    # Refusing the weight (exit 2) is right too; printing NaN with exit 0 is not.
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        strict(result.stdout)
