"""Four realistic situations (stacks/situations/), each with the stacks a practitioner would
shortlist, pinned as golden Markdown comparisons: every later change to the model or catalog
shows its effect on cases people recognise. Rewrite with STACKFIT_UPDATE_GOLDEN=1 and read the
diff as a review board would before committing it."""

from __future__ import annotations

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
