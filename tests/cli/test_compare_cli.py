"""The compare, evaluate, validate and schema commands, through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.cli import app
from evaluator.resources import builtin_stacks_dir
from tests.golden import assert_golden

WORKED = Path(__file__).parent.parent / "inputs" / "worked"
runner = CliRunner()


def test_compare_with_no_arguments_uses_the_shipped_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.stderr
    assert "Retail bank" in result.stdout
    for name in (
        "Open lakehouse",
        "Databricks end to end",
        "AWS native services",
        "Snowflake with Dataiku",
    ):
        assert name in result.stdout


def test_compare_prefers_a_local_stacks_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "stacks"
    local.mkdir()
    for name in ("requirements.yaml", "databricks-platform.yaml"):
        (local / name).write_text((builtin_stacks_dir() / name).read_text())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.stderr
    assert "Databricks end to end" in result.stdout
    assert "Open lakehouse" not in result.stdout


def test_compare_json_is_valid_and_ranked() -> None:
    result = runner.invoke(
        app, ["compare", str(builtin_stacks_dir()), "--format", "json", "--as-of", "2026-11-26"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["rank"] for s in data["stacks"]] == [1, 2, 3, 4]
    assert all(
        "reason" in c for s in data["stacks"] for c in s["evaluation"]["fit"]["contributions"]
    )


def test_compare_output_is_byte_identical_across_runs_and_argument_order() -> None:
    stacks = sorted(builtin_stacks_dir().glob("*.yaml"))
    first = runner.invoke(
        app, ["compare", *map(str, stacks), "--format", "json", "--as-of", "2026-11-26"]
    )
    second = runner.invoke(
        app, ["compare", *map(str, reversed(stacks)), "--format", "json", "--as-of", "2026-11-26"]
    )
    assert first.exit_code == second.exit_code == 0
    strip = lambda text: [  # noqa: E731 - the source paths are the only thing that may differ
        {k: v for k, v in s["evaluation"].items() if k != "source"}
        for s in json.loads(text)["stacks"]
    ]
    assert strip(first.stdout) == strip(second.stdout)


def test_compare_writes_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = runner.invoke(
        app,
        [
            "compare",
            str(builtin_stacks_dir()),
            "-f",
            "markdown",
            "-o",
            str(out),
            "--as-of",
            "2026-11-26",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("## Stack comparison: Retail bank")
    assert result.stdout == ""


def test_evaluate_explains_one_stack() -> None:
    stack = builtin_stacks_dir() / "open-lakehouse.yaml"
    result = runner.invoke(app, ["evaluate", str(stack), "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.stderr
    for section in ("Viable:", "Fit:", "Glue (", "Lock-in:", "Overall:", "Handoffs:"):
        assert section in result.stdout


def test_invalid_input_exits_2_with_located_errors_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "stack.yaml"
    bad.write_text("kind: stack\nversion: 1\nname: x\ntools: [snowflak, databricks]\ncolour: red\n")
    req = builtin_stacks_dir() / "requirements.yaml"
    result = runner.invoke(app, ["compare", str(bad), "-r", str(req)])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{bad}:5:1: colour: unknown key" in result.stderr
    assert result.stdout == ""


def test_unknown_tool_gets_a_suggestion(tmp_path: Path) -> None:
    bad = tmp_path / "stack.yaml"
    bad.write_text("kind: stack\nversion: 1\nname: x\ntools: [snowflak]\n")
    result = runner.invoke(
        app, ["compare", str(bad), "-r", str(builtin_stacks_dir() / "requirements.yaml")]
    )
    assert result.exit_code == 2
    assert (
        f"{bad}:4:9: tools[0]: unknown tool 'snowflak'; did you mean 'snowflake'?" in result.stderr
    )


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "--format", "pdf"],
        ["compare", "--as-of", "yesterday"],
        ["schema", "recipe"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2


def test_validate_reports_counts_and_errors(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["validate", str(builtin_stacks_dir())])
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.strip() == "valid: 8 requirements files, 33 stack files"  # with situations/
    bad = tmp_path / "r.yaml"
    bad.write_text("kind: requirements\nversion: 1\nname: r\ncapabilities: {trainig: 3}\n")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "unknown capability 'trainig'; did you mean 'training'?" in result.stderr


@pytest.mark.parametrize("kind", ["catalog", "requirements", "stack"])
def test_schema_is_json_schema(kind: str) -> None:
    result = runner.invoke(app, ["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "kind" in schema["properties"]


def test_shipped_example_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the README's quick start prints (review the diff when the catalog or model changes)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.stderr
    assert_golden(Path(__file__).parent.parent / "golden" / "compare.txt", result.stdout)
