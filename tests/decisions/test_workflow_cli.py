"""decide, check and diff end to end in a temporary git repository, through typer's runner."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.cli import app
from evaluator.resources import builtin_stacks_dir
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()
DAY = ["--as-of", "2026-11-26"]
DECIDE = [
    "decide",
    "--title",
    "Choose the ML data platform",
    "--choose",
    "Databricks end to end",
    *DAY,
    "--date",
    "2026-11-26",
]
RECORD = Path("decisions/0001-choose-the-ml-data-platform.md")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(builtin_stacks_dir(), root / "stacks")
    git(root, "init", "-q")
    git(root, "add", "stacks")
    git(root, "commit", "-qm", "stacks")
    monkeypatch.chdir(root)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def lose_bi_must_have(root: Path) -> None:
    """Make bi a must-have at level 3, which Databricks (bi at level 2) cannot meet."""
    req = root / "stacks" / "requirements.yaml"
    text = req.read_text()
    assert "  bi: 2\n" in text
    req.write_text(text.replace("  bi: 2\n", "  bi: {weight: 2, must: true, min_level: 3}\n"))


def test_decide_check_diff_end_to_end(repo: Path) -> None:
    code, out, err = invoke(*DECIDE)
    assert code == 0, err
    assert RECORD.is_file()
    git(repo, "add", "decisions")
    git(repo, "commit", "-qm", "decide")

    code, out, err = invoke("check", *DAY)
    assert code == 0, err
    assert "inputs unchanged" in out

    lose_bi_must_have(repo)
    code, out, err = invoke("check", *DAY)
    assert code == 1, out + err
    assert "no longer viable" in out
    assert "must-have bi at level 3" in out
    assert "requirements stacks/requirements.yaml changed" in out

    git(repo, "commit", "-qam", "bi becomes a must-have")
    code, out, err = invoke("diff", "--base", "HEAD~1", "--format", "markdown", *DAY)
    assert code == 0, err
    assert "yes → **no**" in out
    assert "now fails: must-have bi at level 3" in out

    code, out, err = invoke("diff", "--base", "HEAD~1", "--format", "json", *DAY)
    assert code == 0, err
    import json

    data = json.loads(out)
    first = data["stacks"][0]
    assert first["fields"]["viable"] == {"past": True, "current": False, "diff": True}
    assert set(first["fields"]["fit"]) == {"past", "current", "diff"}

    git(repo, "revert", "--no-edit", "HEAD")
    code, out, err = invoke("check", *DAY)
    assert code == 0, out + err
    assert git(repo, "status", "--porcelain") == ""  # diff never touched the working tree


def test_decision_record_is_pinned(repo: Path) -> None:
    code, _, err = invoke(*DECIDE, "--decision-makers", "CTO, Head of Data", "--informed", "Risk")
    assert code == 0, err
    assert_golden(GOLDEN / "record.md", RECORD.read_text(encoding="utf-8"))


def test_record_is_deterministic(repo: Path) -> None:
    assert invoke(*DECIDE, "-o", "a")[0] == 0
    assert invoke(*DECIDE, "-o", str(repo / "b"))[0] == 0
    name = RECORD.name
    assert (repo / "a" / name).read_text() == (repo / "b" / name).read_text()


def test_choosing_a_non_top_stack_needs_because(repo: Path) -> None:
    args = [*DECIDE[:4], "Open lakehouse", *DECIDE[5:]]
    code, _, err = invoke(*args)
    assert code == 2
    assert "not viable" in err
    assert "--because" in err
    assert not Path("decisions").exists()
    code, _, err = invoke(*args, "--because", "We run everything on Kubernetes")
    assert code == 0, err
    text = RECORD.read_text()
    assert "because We run everything on Kubernetes." in text
    assert "**This is not the evaluator's recommendation**" in text
    assert 'because: "We run everything on Kubernetes"' in text


def test_a_new_decision_on_the_same_question_supersedes(repo: Path) -> None:
    assert invoke(*DECIDE)[0] == 0
    code, out, err = invoke(*DECIDE, "--status", "proposed")
    assert code == 0, err
    assert "marked decisions/0001" in out
    old = RECORD.read_text()
    new = Path("decisions/0002-choose-the-ml-data-platform.md").read_text()
    assert 'status: superseded\nsuperseded-by: "0002-choose-the-ml-data-platform.md"' in old
    assert 'supersedes: "0001-choose-the-ml-data-platform.md"' in new
    assert "status: proposed" in new
    code, out, _ = invoke("check", *DAY)
    assert code == 0
    assert "1 active decision checked" in out
    assert "0002-" in out
    assert "0001-" not in out.split("\n", 1)[1]


def test_explicit_supersedes_must_exist(repo: Path) -> None:
    code, _, err = invoke(*DECIDE, "--supersedes", "7")
    assert code == 2
    assert "no decision record numbered 7" in err


@pytest.mark.parametrize(
    "rev", ["--output=OUT", "HEAD:stacks", "no-such-branch", "", "HEAD~99", "HEAD;touch OUT"]
)
def test_diff_refuses_what_is_not_a_revision(repo: Path, tmp_path: Path, rev: str) -> None:
    out = tmp_path / "out"
    code, _, err = invoke("diff", "--base", rev.replace("OUT", str(out)))
    assert code == 2
    assert "is not a revision" in err
    assert not out.exists()


def test_check_fail_on_rank_and_threshold(repo: Path) -> None:
    assert invoke(*DECIDE)[0] == 0
    # Weighting lock-in heavily puts the open lakehouse's rivals in a different order.
    req = repo / "stacks" / "requirements.yaml"
    req.write_text(
        req.read_text().replace(
            "weights: {fit: 0.5, glue: 0.25, lock_in: 0.25, cost: 0.25}",
            "weights: {fit: 0.3, glue: 0.6, lock_in: 0.1}",
        )
    )
    code, out, _ = invoke("check", *DAY, "--format", "json")
    assert code == 0
    import json

    data = json.loads(out)
    decision = data["decisions"][0]
    assert decision["outcome"] in ("holds", "changed")
    assert "requirements stacks/requirements.yaml changed" in decision["changed_inputs"]
    code, out, _ = invoke("check", *DAY, "--fail-on", "rank,score-drop", "--threshold", "0")
    kinds = {f.split(":")[0].strip() for f in out.splitlines() if f.strip().startswith("FAIL")}
    assert (code == 1) == bool(kinds)


def test_check_notices_a_contract_that_ended(repo: Path) -> None:
    assert invoke(*DECIDE)[0] == 0
    code, out, _ = invoke("check", "--as-of", "2027-07-01")
    assert code == 0
    assert "contract for snowflake ended 2027-06-30" in out


def test_check_and_diff_errors_are_exit_2(repo: Path) -> None:
    code, _, err = invoke("check", "nowhere")
    assert code == 2
    assert "no such decisions folder" in err
    code, _, err = invoke("check", "--fail-on", "everything")
    assert code == 2
    assert "--fail-on must be one of" in err


def test_markdown_diff_is_pinned(repo: Path) -> None:
    req = repo / "stacks" / "requirements.yaml"
    text = req.read_text()
    text = text.replace(
        "licenses: [SSPL-1.0, BUSL-1.1]", "licenses: [SSPL-1.0, BUSL-1.1, Elastic-2.0]"
    )
    text = text.replace(
        "weights: {fit: 0.5, glue: 0.25, lock_in: 0.25}",
        "weights: {fit: 0.4, glue: 0.2, lock_in: 0.4}",
    )
    req.write_text(text)
    git(repo, "commit", "-qam", "avoid Elastic-2.0, weigh lock-in up")
    code, out, err = invoke("diff", "--base", "HEAD~1", "--format", "markdown", *DAY)
    assert code == 0, err
    assert "now fails: airbyte is licensed Elastic-2.0, and every option is avoided" in out
    assert_golden(GOLDEN / "diff.md", out)


def test_check_warns_when_the_chosen_stack_nears_end_of_support(repo: Path) -> None:
    """Databricks Runtime 15.4 LTS ends support on 2027-08-19 (the vendor's page): 266 days
    after the decision, outside the 180-day horizon; on 2027-03-01, 171 days before, inside."""
    path = repo / "stacks" / "databricks-platform.yaml"
    text = path.read_text()
    path.write_text(text.replace("tools: [databricks,", "tools: [databricks@15.4,", 1))
    code, _, err = invoke(*DECIDE)
    assert code == 0, err
    code, out, err = invoke("check", *DAY)
    assert code == 0, err
    assert "end of support" not in out
    later = ["--as-of", "2027-03-01"]
    code, out, err = invoke("check", *later)
    assert code == 0, out + err
    assert (
        "warn: Databricks end to end: databricks 15.4 reaches end of support on 2027-08-19, "
        "in 171 days (horizon 180)" in out
    )
    code, out, err = invoke("check", *later, "--fail-on", "eol")
    assert code == 1, out + err
    assert "[FAILED]" in out
    code, out, err = invoke("check", *later, "--fail-on", "eol", "--format", "json")
    import json

    findings = json.loads(out)["decisions"][0]["findings"]
    assert {"kind": "eol", "blocking": True} in [
        {"kind": f["kind"], "blocking": f["blocking"]} for f in findings
    ]


def test_a_record_shows_verdicts_by_business_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #15: with business units the record lists what each unit changes among the
    drivers, names the unit of each violation, and shows each option's verdict per unit."""
    root = tmp_path / "units"
    shutil.copytree(
        Path(__file__).parents[2] / "stacks" / "situations" / "retailer-units", root / "stacks"
    )
    git(root, "init", "-q")
    git(root, "add", "stacks")
    git(root, "commit", "-qm", "stacks")
    monkeypatch.chdir(root)
    code, _, err = invoke(
        "decide",
        "--title",
        "Choose the shared platform",
        "--choose",
        "Databricks with Fivetran and Power BI",
        *DAY,
        "--date",
        "2026-11-26",
    )
    assert code == 0, err
    text = (root / "decisions" / "0001-choose-the-shared-platform.md").read_text(encoding="utf-8")
    assert "* Business unit finance (Finance and credit risk): sensitivity regulated" in text
    assert "| Option | finance | marketing |" in text
    assert "| Databricks with Fivetran and Power BI (chosen) | yes " in text
    assert "| Open source on AWS with ClickHouse and Superset | **no** " in text
    assert "not viable: finance: regulated data needs" in text
    code, out, err = invoke("check", *DAY)
    assert code == 0, err
    assert "inputs unchanged" in out
