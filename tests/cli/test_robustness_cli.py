"""`stackfit compare --robustness`, through typer's runner."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from evaluator import robustness as rb
from evaluator.cli import app
from evaluator.resources import builtin_stacks_dir

runner = CliRunner()
BASE = ["compare", str(builtin_stacks_dir()), "--as-of", "2026-11-26"]


def test_robustness_json_adds_one_object_and_keeps_the_rest() -> None:
    plain = runner.invoke(app, [*BASE, "--format", "json"])
    robust = runner.invoke(app, [*BASE, "--format", "json", "--robustness", "--seed", "11"])
    assert plain.exit_code == 0, plain.stderr
    assert robust.exit_code == 0, robust.stderr
    data = json.loads(robust.stdout)
    section = data.pop("robustness")
    assert data == json.loads(plain.stdout)
    assert section["seed"] == 11
    assert section["samples"] == rb.DEFAULT_SAMPLES
    assert sum(a["first"] for a in section["acceptability"]) == section["samples"]
    assert section["winner"] == data["stacks"][0]["evaluation"]["name"]
    assert section["swap"]["first"] == section["winner"]


def test_robustness_is_reproducible_from_the_command_line() -> None:
    args = [*BASE, "--robustness", "--samples", "5000", "--seed", "3"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout
    assert "5,000 weightings" in first.stdout
    assert "seed 3" in first.stdout


def test_robustness_table_and_markdown_sections() -> None:
    table = runner.invoke(app, [*BASE, "--robustness"])
    assert table.exit_code == 0, table.stderr
    assert "Robustness of the ranking" in table.stdout
    assert "Rank acceptability" in table.stdout
    assert re.search(r"^(Robust|FRAGILE): ", table.stdout, re.MULTILINE)
    md = runner.invoke(app, [*BASE, "--robustness", "--format", "markdown"])
    assert md.exit_code == 0, md.stderr
    assert "### Robustness of the ranking" in md.stdout


def test_fragile_below_one_flags_any_winner_short_of_every_weighting() -> None:
    result = runner.invoke(app, [*BASE, "--robustness", "--fragile-below", "1", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    section = json.loads(result.stdout)["robustness"]
    winner_share = section["acceptability"][0]["share"]
    assert section["fragile"] is (winner_share < 1)


def test_robustness_options_need_the_flag_and_valid_values() -> None:
    assert runner.invoke(app, [*BASE, "--seed", "3"]).exit_code == 2
    assert runner.invoke(app, [*BASE, "--robustness", "--samples", "0"]).exit_code == 2
    assert runner.invoke(app, [*BASE, "--robustness", "--fragile-below", "1.5"]).exit_code == 2


def test_help_states_the_defaults_of_the_robustness_module() -> None:
    # The help texts repeat the defaults so --help need not import evaluator.robustness.
    result = runner.invoke(app, ["compare", "--help"], terminal_width=400)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert f"default {rb.DEFAULT_SAMPLES}" in text
    assert f"default {rb.DEFAULT_SEED}" in text
    assert f"default {rb.DEFAULT_FRAGILE_BELOW}" in text


def test_every_format_says_whether_the_winner_holds_with_a_level_one_step_off() -> None:
    result = runner.invoke(app, [*BASE, "--robustness", "--samples", "100", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    section = json.loads(result.stdout)["robustness"]
    levels = section["levels"]
    assert levels["winner"] == section["winner"]
    assert levels["checked"] > 0
    assert levels["holds"] is (levels["flips"] == [])
    verdict = (
        rf"holds under all {levels['checked']:,} one-step level changes"
        if levels["holds"]
        else rf"{len(levels['flips']):,} of {levels['checked']:,} one-step level changes"
    )
    for fmt in ("table", "markdown"):
        text = runner.invoke(app, [*BASE, "--robustness", "--samples", "100", "-f", fmt])
        assert text.exit_code == 0, text.stderr
        assert "Catalog levels: does the winner hold" in text.stdout
        assert re.search(verdict, text.stdout), fmt
