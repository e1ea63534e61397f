"""The README must keep telling the truth: its quick start and its sample output."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_sample_output_is_the_real_output() -> None:
    block = re.search(
        r"```text\n\$ stackfit compare --as-of 2026-11-26\n(.*?)\n\.\.\.\n```", README, re.S
    )
    assert block, "README lost its sample compare output"
    golden = (ROOT / "tests" / "golden" / "compare.txt").read_text(encoding="utf-8")
    assert golden.startswith(block.group(1) + "\n")


def test_quick_start_has_the_two_commands_and_ci_runs_the_test_command() -> None:
    start = README.index("## Quick start")
    quick = README[start : README.index("\n## ", start + 1)]
    commands = re.findall(r"^python3 -m pip install .*$", quick, re.M)
    assert len(commands) == 2
    assert "stackfit compare" in commands[0]
    assert commands[1].endswith("python3 -m pytest") or "python3 -m pytest " in commands[1]
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_commands_table() -> None:
    from typer.main import get_command

    from evaluator.cli import app

    table = README[README.index("## Commands") : README.index("### Exit codes")]
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert re.search(rf"`(stackfit )?{name}\b", table), name


def test_console_script_is_stackfit() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"stackfit": "evaluator.cli:main"}
    assert project["name"] == "stackfit"


def test_recommend_sample_output_is_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's recommend sample is the start of what the command prints (node counts move
    whenever the search or the model does, so this keeps the sample honest)."""
    from typer.testing import CliRunner

    from evaluator.cli import app

    block = re.search(
        r"\$ stackfit recommend --as-of 2026-11-26 --top 3 --node-limit 5000\n(.*?)\n\.\.\.\n",
        README,
        re.S,
    )
    assert block, "README lost its sample recommend output"
    monkeypatch.chdir(ROOT)
    args = ["recommend", "--as-of", "2026-11-26", "--top", "3", "--node-limit", "5000"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(block.group(1) + "\n")
