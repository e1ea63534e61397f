"""stackfit report through typer's runner: a file or stdout, the robustness section, input errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from evaluator.cli import app
from evaluator.resources import builtin_stacks_dir

runner = CliRunner()
DAY = ["--as-of", "2026-11-26", "--samples", "500"]


def test_report_writes_one_html_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(builtin_stacks_dir()), *DAY, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<article class="stack"') == 4
    assert 'id="robustness"' in page
    assert "Catalog levels" not in page


def test_report_to_stdout_with_the_level_check() -> None:
    result = runner.invoke(app, ["report", str(builtin_stacks_dir()), *DAY, "--levels"])
    assert result.exit_code == 0, result.stderr
    assert "Catalog levels: does the winner hold" in result.stdout


def test_report_input_errors_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "missing"), *DAY])
    assert result.exit_code == 2
    assert "nothing was evaluated" in result.stderr
