"""`stackfit recommend` on the shipped example: formats, options, and --save through compare."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from evaluator.cli.main import app
from evaluator.resources import builtin_stacks_dir

RUNNER = CliRunner()
AS_OF = ["--as-of", "2026-11-26"]
# The node limit, not the clock, stops these searches, so a loaded machine (which would reach
# the default 10 s limit earlier in the search) cannot change what they print.
NODES = ["--node-limit", "2000", "--time-limit", "600"]  # for the runs outside run()
"""The shipped example's top 2 is proven within 2,000 nodes, its top 3 and top 5 are not
(docs/benchmarks.md); a node limit makes every run stop at the same place on every machine."""


def run(*args: str, nodes: str = "2000") -> tuple[int, str]:
    limits = ["--node-limit", nodes, "--time-limit", "600"]
    result = RUNNER.invoke(app, ["recommend", *limits, *args, *AS_OF])
    return result.exit_code, result.stdout


def test_json_keeps_the_contract_tool_and_states_the_bound() -> None:
    code, out = run("--format", "json", "--top", "3", nodes="300")
    assert code == 0, out
    data = json.loads(out)
    search = data["search"]
    assert search["proven_optimal"] is False
    assert search["bound"] >= data["results"][0]["overall"] - 1e-4
    # Each figure is rounded to 4 decimals on its own, so their difference may differ by 1e-4.
    assert abs(search["gap"] - (search["bound"] - data["results"][0]["overall"])) <= 1.5e-4
    assert len(data["results"]) == 3
    overall = [r["overall"] for r in data["results"]]
    assert overall == sorted(overall, reverse=True)
    for r in data["results"]:
        assert "snowflake" in r["tools"]  # under contract until 2027-06-30
        assert r["viable"] is True
        assert {role["tool"] for role in r["roles"]} == set(r["tools"])


def test_the_shipped_examples_top_2_is_proven() -> None:
    code, out = run("--format", "json", "--top", "2")
    assert code == 0, out
    search = json.loads(out)["search"]
    assert search["proven_optimal"] is True
    assert search["gap"] is None
    assert search["nodes"] <= 500


def test_table_and_markdown() -> None:
    code, out = run("--top", "2", nodes="100")
    assert code == 0
    assert "NOT proven (search stopped early); no stack scores above" in out
    assert "runner-up" in out
    code, out = run("--top", "2")
    assert code == 0
    assert "NOT proven" not in out
    assert "; proven optimal" in out
    code, out = run("--top", "2", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Recommended stacks")


def test_allow_drop_and_max_tools() -> None:
    code, out = run("--format", "json", "--top", "1", "--allow-drop", "--max-tools", "4")
    assert code == 0, out
    (best,) = json.loads(out)["results"]
    assert len(best["tools"]) <= 4


def test_from_completes_a_partial_stack(tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        "kind: stack\nversion: 1\nname: partial\ntools: [airflow, great-expectations]\n",
        encoding="utf-8",
    )
    code, out = run("--format", "json", "--top", "2", "--from", str(partial))
    assert code == 0, out
    for r in json.loads(out)["results"]:
        assert {"airflow", "great-expectations", "snowflake"} <= set(r["tools"])


def test_save_round_trips_through_compare(tmp_path: Path) -> None:
    out_dir = tmp_path / "recommended"
    code, out = run("--format", "json", "--top", "2", "--save", str(out_dir))
    assert code == 0
    wanted = {r["name"]: r["overall"] for r in json.loads(out)["results"]}
    requirements = builtin_stacks_dir() / "requirements.yaml"
    result = RUNNER.invoke(
        app,
        ["compare", str(out_dir), "-r", str(requirements), "--format", "json", *AS_OF],
    )
    assert result.exit_code == 0, result.stdout
    compared = json.loads(result.stdout)
    got = {s["evaluation"]["name"]: s["evaluation"]["overall"]["value"] for s in compared["stacks"]}
    assert got.keys() == wanted.keys()
    for name, value in wanted.items():
        assert abs(got[name] - value) < 0.006  # compare rounds its JSON to 2 decimals


def test_bad_input_exits_2(tmp_path: Path) -> None:
    code, _ = run("--format", "yaml")
    assert code == 2
    missing = tmp_path / "nope.yaml"
    code, _ = run("--from", str(missing))
    assert code == 2


def test_the_report_is_byte_identical_between_runs() -> None:
    args = ["recommend", "--as-of", "2026-11-26", "--top", "3", "--format", "json", *NODES]
    first, second = RUNNER.invoke(app, args), RUNNER.invoke(app, args)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert "search took" in first.stderr


def test_time_limit_reports_not_proven() -> None:
    code, out = run("--time-limit", "0", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["search"]["proven_optimal"] is False
    code, out = run("--time-limit", "0")
    assert "NOT proven (search stopped early)" in out
    assert "No viable stack: every stack" not in out


def test_time_limit_must_not_be_negative() -> None:
    code, _ = run("--time-limit", "-1")
    assert code == 2


def test_with_business_units_every_result_is_viable_for_each_unit() -> None:
    req = (
        Path(__file__).parents[2] / "stacks" / "situations" / "retailer-units" / "requirements.yaml"
    )
    code, out = run("-r", str(req), "--top", "2", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert "of every business unit" in data["search_space"]
    assert data["results"]
    for result in data["results"]:
        assert [u["unit"] for u in result["units"]] == ["finance", "marketing"]
        assert all(u["viable"] for u in result["units"])
    _, table = run("-r", str(req), "--top", "1")
    assert "viable for every business unit; each unit's own overall: finance " in table
