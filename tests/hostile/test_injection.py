"""Text from files is escaped wherever it lands: a PR comment (Markdown), a terminal, a CI log.

A stack name with newlines injected headings, HTML and @mentions into `diff --format markdown`
(which the README's Actions example posts as a PR comment); newlines in ids or file names forged
whole `file:line:col` and `::error` lines.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.cli import app
from evaluator.resources import builtin_stacks_dir
from evaluator.textsafe import md_text, one_line
from tests.decisions.test_workflow_cli import git, invoke, repo

__all__ = ["repo"]

RUNNER = CliRunner()
EVIL = (
    "Evil\n# Pwned\n<img src=x onerror=alert(1)>\n@org/admins [click](https://x.test) | `x`\x1b[31m"
)


def evil_stacks(folder: Path) -> Path:
    shutil.copytree(builtin_stacks_dir(), folder)
    stack = folder / "aws-native.yaml"
    text = stack.read_text()
    stack.write_text(text.replace("name: AWS native services", f"name: {json.dumps(EVIL)}"))
    return folder


def assert_inert_markdown(out: str) -> None:
    lines = out.splitlines()
    assert not any(line.startswith(("# Pwned", "<img", "@org")) for line in lines)
    assert "<img" not in out
    assert "@org/admins" not in out
    assert "[click](" not in out
    assert "\x1b" not in out
    assert md_text(EVIL) in out


def test_compare_markdown_escapes_names(tmp_path: Path) -> None:
    stacks = evil_stacks(tmp_path / "stacks")
    result = RUNNER.invoke(app, ["compare", str(stacks), "--as-of", "2026-11-26", "-f", "markdown"])
    assert result.exit_code == 0, result.output
    assert_inert_markdown(result.stdout)
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    cells = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert cells == {12}  # eleven columns on every row: no cell broken in two


def test_compare_table_keeps_one_value_on_one_line(tmp_path: Path) -> None:
    stacks = evil_stacks(tmp_path / "stacks")
    result = RUNNER.invoke(app, ["compare", str(stacks), "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert not any(line.startswith("# Pwned") for line in result.stdout.splitlines())
    assert one_line(EVIL) in result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_diff_markdown_escapes_names(repo: Path) -> None:
    stack = repo / "stacks" / "aws-native.yaml"
    stack.write_text(
        stack.read_text().replace("name: AWS native services", f"name: {json.dumps(EVIL)}")
    )
    git(repo, "commit", "-qam", "evil name")
    stack.write_text(stack.read_text().replace("aws-quicksight]", "aws-quicksight, dbt-core]"))
    code, out, err = invoke("diff", "--base", "HEAD", "--as-of", "2026-11-26", "-f", "markdown")
    assert code == 0, err
    assert_inert_markdown(out)


def test_one_error_is_one_line_whatever_the_file_name_holds(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x\n::error file=a.py::forged.yaml").write_text("kind: stack\nversion: 1\n")
    (folder / "ids.yaml").write_text(
        'kind: stack\nversion: 1\nname: n\ntools: ["snow\\nother.yaml:1:1: forged error"]\n'
    )
    result = RUNNER.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    errors = [line for line in lines if not line.endswith("nothing was evaluated.")]
    assert len(errors) == 4, lines  # 2 in each file
    assert not any(line.startswith(("::", "other.yaml")) for line in lines)
    assert all(line.startswith(str(folder)) for line in errors)


def test_a_file_named_like_a_workflow_command_cannot_start_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("::error::forged.yaml").write_text("kind: stack\n")
    result = RUNNER.invoke(app, ["validate", "::error::forged.yaml"])
    assert result.exit_code == 2
    assert not any(line.startswith("::") for line in result.stderr.splitlines())


def test_recommend_markdown_escapes_the_requirements_name(tmp_path: Path) -> None:
    req = tmp_path / "requirements.yaml"
    req.write_text(
        'kind: requirements\nversion: 1\nname: "x\\n# Injected <img src=x> @org/admins"\n'
        "capabilities: {warehouse: 3}\n",
        encoding="utf-8",
    )
    args = [
        "recommend",
        "-r",
        str(req),
        "--as-of",
        "2026-11-26",
        "--node-limit",
        "50",
        "--time-limit",
        "600",
    ]
    result = RUNNER.invoke(app, [*args, "-f", "markdown"])
    assert result.exit_code in (0, 1), result.output
    assert not any(line.startswith("# Injected") for line in result.stdout.splitlines())
    assert "<img" not in result.stdout
    assert "@org/admins" not in result.stdout
    assert md_text("x\n# Injected <img src=x> @org/admins") in result.stdout
    table = RUNNER.invoke(app, args)
    assert not any(line.startswith("# Injected") for line in table.stdout.splitlines())


def test_a_business_units_name_is_inert_in_every_format(tmp_path: Path) -> None:
    folder = tmp_path / "stacks"
    shutil.copytree(Path(__file__).parents[2] / "stacks" / "situations" / "retailer-units", folder)
    req = folder / "requirements.yaml"
    req.write_text(
        req.read_text().replace("name: Finance and credit risk", f"name: {json.dumps(EVIL)}")
    )
    md = RUNNER.invoke(app, ["compare", str(folder), "--as-of", "2026-11-26", "-f", "markdown"])
    assert md.exit_code == 0, md.output
    assert_inert_markdown(md.stdout)
    table = RUNNER.invoke(app, ["compare", str(folder), "--as-of", "2026-11-26"])
    assert "\x1b" not in table.stdout
    assert one_line(EVIL) in table.stdout
    assert not any(line.startswith("# Pwned") for line in table.stdout.splitlines())
