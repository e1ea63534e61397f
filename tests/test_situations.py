"""Four realistic situations (stacks/situations/), each with the stacks a practitioner would
shortlist, pinned as golden Markdown comparisons: every later change to the model or catalog
shows its effect on cases people recognise. Rewrite with STACKFIT_UPDATE_GOLDEN=1 and read the
diff as a review board would before committing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.cli.main import app
from tests.golden import assert_golden

SITUATIONS = Path(__file__).parent.parent / "stacks" / "situations"
GOLDEN = Path(__file__).parent / "golden" / "situations"
RUNNER = CliRunner()


@pytest.mark.parametrize("name", sorted(p.name for p in SITUATIONS.iterdir() if p.is_dir()))
def test_situation_verdicts_are_pinned(name: str) -> None:
    result = RUNNER.invoke(
        app, ["compare", str(SITUATIONS / name), "--as-of", "2026-12-07", "--format", "markdown"]
    )
    assert result.exit_code == 0, result.stdout
    assert_golden(
        GOLDEN / f"{name}.md", result.stdout.replace(str(SITUATIONS), "stacks/situations")
    )


UNITS = "retailer-units"


@pytest.mark.parametrize(("fmt", "suffix"), [("table", "txt"), ("json", "json")])
def test_unit_verdicts_are_pinned_in_every_format(fmt: str, suffix: str) -> None:
    """The two-unit situation (Markdown above) as a table and as JSON too: per-unit verdicts
    and scores side by side, and the stacks on which the units disagree."""
    result = RUNNER.invoke(
        app, ["compare", str(SITUATIONS / UNITS), "--as-of", "2026-12-07", "--format", fmt]
    )
    assert result.exit_code == 0, result.stdout
    assert_golden(
        GOLDEN / f"{UNITS}.{suffix}", result.stdout.replace(str(SITUATIONS), "stacks/situations")
    )


def test_units_reach_different_verdicts() -> None:
    """Issue #15: an audit-first marketing unit on internal data and a permission-first finance
    unit on regulated data disagree on some stacks, and the organisation follows the stricter."""
    result = RUNNER.invoke(
        app, ["compare", str(SITUATIONS / UNITS), "--as-of", "2026-12-07", "--format", "json"]
    )
    data = json.loads(result.stdout)
    assert [u["id"] for u in data["units"]] == ["finance", "marketing"]
    assert data["divergent"], "the units should disagree on at least one stack"
    for d in data["divergent"]:
        assert d["viable_for"] == ["marketing"]
        assert d["not_viable_for"] == ["finance"]
    for r in data["stacks"]:
        e = r["evaluation"]
        assert e["viable"] == all(u["viable"] for u in e["units"])
