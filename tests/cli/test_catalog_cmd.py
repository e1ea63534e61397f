"""``stackfit catalog ...`` through typer's runner, with golden output for show and lint."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.catalog import load_catalog
from evaluator.catalog_tools.layers import load_layers
from evaluator.catalog_tools.lint import MIN_TOOLS_PER_CAPABILITY, lint
from evaluator.cli import app
from tests.catalog_tools.helpers import HERE, SHARED_DATA, TODAY, small_data, tool, write_catalog
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the fixtures' folder so file names in the output are short and stable."""
    monkeypatch.chdir(HERE)


# --------------------------------------------------------------------------- the shipped catalog


def test_shipped_catalog_lints_without_errors() -> None:
    report = lint(load_layers(), today=TODAY)
    errors = [str(f) for f in report.findings if f.severity.value == "error"]
    assert errors == []


def test_every_capability_has_enough_tools() -> None:
    catalog = load_catalog()
    counts = Counter(cap for t in catalog.tools.values() for cap in t.capabilities)
    short = {c: counts[c] for c in catalog.capabilities if counts[c] < MIN_TOOLS_PER_CAPABILITY}
    assert short == {}


def test_lint_command_on_the_shipped_catalog_exits_0() -> None:
    result = runner.invoke(app, ["catalog", "lint", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.stdout


# --------------------------------------------------------------------------- golden output


def test_show_golden(in_fixtures: None) -> None:
    result = runner.invoke(
        app,
        ["catalog", "show", "quarry", "-c", "fixtures/small", "-c", "fixtures/org", "--no-builtin"],
    )
    assert result.exit_code == 0, result.output
    assert "catalog: fixtures/org: fixtures/org/tools.yaml:7" in result.stdout
    assert "replaces: fixtures/small: fixtures/small/catalog.yaml:" in result.stdout
    assert_golden(GOLDEN / "catalog-show.txt", result.stdout)


def test_lint_golden(in_fixtures: None, tmp_path: Path) -> None:
    data = small_data()
    tool(data, "quarry")["integrations"] = [{"tool": "kafka", "kind": "standard"}]
    tool(data, "kafka")["integrations"].append({"tool": "flink"})
    tool(data, "cronjob").update(as_of="2024-01-01", license="BSD-3")
    data["tools"].append(dict(tool(data, "lake-sql"), id="lake_sql", name="Lake SQL"))
    write_catalog(HERE / "fixtures" / "broken-tmp", data)
    try:
        result = runner.invoke(
            app, ["catalog", "lint", "fixtures/broken-tmp", "--no-builtin", "--as-of", "2026-11-26"]
        )
    finally:
        (HERE / "fixtures" / "broken-tmp" / "catalog.yaml").unlink()
        (HERE / "fixtures" / "broken-tmp").rmdir()
    assert result.exit_code == 1, result.output
    assert_golden(GOLDEN / "catalog-lint.txt", result.stdout)


# --------------------------------------------------------------------------- commands


def test_lint_warnings_pass_unless_strict(tmp_path: Path) -> None:
    data = small_data()
    tool(data, "kafka")["as_of"] = "2024-01-01"
    folder = write_catalog(tmp_path / "c", data)
    args = ["catalog", "lint", str(folder), "--no-builtin", "--as-of", "2026-11-26"]
    assert runner.invoke(app, args).exit_code == 0
    strict = runner.invoke(app, [*args, "--strict", "--format", "json"])
    assert strict.exit_code == 1
    payload = json.loads(strict.stdout)
    assert payload["failed"] is True
    assert [f["rule"] for f in payload["findings"]] == ["stale-as-of"]


def test_lint_schema_problems_exit_2_with_position(tmp_path: Path) -> None:
    data = small_data()
    tool(data, "kafka")["sources"] = []
    del tool(data, "quarry")["as_of"]
    folder = write_catalog(tmp_path / "c", data)
    result = runner.invoke(app, ["catalog", "lint", str(folder), "--no-builtin"])
    assert result.exit_code == 2
    assert "tools[0].sources: must not be empty" in result.stderr
    assert "tools[1].as_of: missing key 'as_of'" in result.stderr


def test_list_and_search(in_fixtures: None) -> None:
    result = runner.invoke(
        app,
        [
            "catalog",
            "list",
            "--capability",
            "streaming",
            "--deployment",
            "saas",
            "-c",
            "fixtures/org",
        ],
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(
        app,
        [
            "catalog",
            "list",
            "--format",
            "json",
            "--capability",
            "orchestration:2",
            "-c",
            "fixtures/small",
            "-c",
            "fixtures/org",
            "--no-builtin",
        ],
    )
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows["acme-scheduler"]["origin"].startswith("fixtures/org: ")
    assert rows["cronjob"]["origin"].startswith("fixtures/small: ")
    found = runner.invoke(app, ["catalog", "search", "feature store", "--format", "json"])
    assert found.exit_code == 0
    hits = json.loads(found.stdout)
    assert "feast" in [h["id"] for h in hits]
    # The whole phrase naming a capability ranks tools that serve it first, best level first.
    assert all("capability" in h["matched"] for h in hits[:5]), hits[:5]
    bad = runner.invoke(app, ["catalog", "list", "--capability", "trainin"])
    assert bad.exit_code == 2
    assert "did you mean 'training'" in bad.stderr


def test_import_excerpt_into_a_folder_then_lint_it(tmp_path: Path) -> None:
    out = tmp_path / "org"
    excerpt = HERE / "landscape" / "cncf-excerpt.yml"
    args = ["catalog", "import", "landscape", str(excerpt), "-o", str(out), "--as-of", "2026-11-26"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == ["volcano"]
    assert {s["name"] for s in report["skipped"]} == {"Flink", "Amazon Kinesis"}
    assert [u["name"] for u in report["unmapped"]] == ["KubeEdge"]
    again = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert again["added"] == []
    assert again["written"] is None
    linted = runner.invoke(app, ["catalog", "lint", str(out), "--as-of", "2026-11-26"])
    assert linted.exit_code == 0  # imported entries are warnings
    assert "[imported] volcano" in linted.stdout
    shown = runner.invoke(app, ["catalog", "show", "volcano", "-c", str(out)])
    assert f"catalog: {out}: {out}/imported-cncf-excerpt.yaml" in shown.stdout


def test_import_without_output_prints_yaml(tmp_path: Path) -> None:
    excerpt = HERE / "landscape" / "lfai-excerpt.yml"
    result = runner.invoke(
        app, ["catalog", "import", "landscape", str(excerpt), "--as-of", "2026-11-26"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Imported by `stackfit catalog import landscape`")
    assert "id: airseai" in result.stdout
    assert "curation: imported" in result.stdout
    assert "added" in result.stderr


@pytest.mark.parametrize("name", ["lfai-landscape.yml", "cncf-landscape.yml"])
def test_real_landscape_through_the_cli(tmp_path: Path, name: str) -> None:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    result = runner.invoke(
        app, ["catalog", "import", "landscape", str(path), "-o", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"]
    assert report["written"]
    assert runner.invoke(app, ["catalog", "lint", str(tmp_path)]).exit_code == 0
