"""stackfit radar: rings from decision records, new and moved from their git history, and the
BYOR and Backstage formats exactly as those projects define them (checked field by field, and a
small fixture of each byte for byte)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluator.catalog import Catalog
from evaluator.cli import app
from evaluator.decisions import radar as rd
from evaluator.decisions.radarfmt import BYOR_COLUMNS, QUADRANT_NAMES
from evaluator.models import CapabilityKind
from evaluator.resources import builtin_stacks_dir
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()
TITLE = "Choose the ML data platform"
STACKS = [
    "stacks/databricks-platform.yaml",
    "stacks/snowflake-dataiku.yaml",
    "-r",
    "stacks/requirements.yaml",
]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str, date: str = "2026-10-01T09:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def decide(repo: Path, status: str, day: str) -> None:
    invoke(
        "decide", *STACKS, "--title", TITLE, "--choose", "Databricks end to end",
        "--status", status, "--as-of", day, "--date", day,
    )  # fmt: skip
    git(repo, "add", "decisions")
    git(repo, "commit", "-qm", f"{status} decision", date=f"{day}T10:00:00+00:00")


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A proposed decision, then the same question accepted (the first is superseded)."""
    root = tmp_path / "repo"
    shutil.copytree(builtin_stacks_dir(), root / "stacks")
    git(root, "init", "-q")
    git(root, "add", "stacks")
    git(root, "commit", "-qm", "stacks")
    monkeypatch.chdir(root)
    decide(root, "proposed", "2026-11-01")
    decide(root, "accepted", "2026-11-26")
    return root


FIXTURE = (
    rd.Entry(
        tool="warehouse-x",
        name="Warehouse X",
        url="https://example.org/warehouse-x",
        quadrant="data-platform",
        ring="adopt",
        description='Adopt: chosen: Lakehouse (rank 1 of 2, overall 79.6) in decision 0002 "Pick a platform" (accepted 2026-11-26)',
        is_new=False,
        status="Moved In",
        timeline=(
            rd.Step("2026-11-26T10:00:00+00:00", "adopt", 1, "chosen: Lakehouse in decision 0002"),
            rd.Step("2026-11-01T10:00:00+00:00", "trial", 0, "chosen: Lakehouse in decision 0001"),
        ),
    ),
    rd.Entry(
        tool="notebook-y",
        name="Notebook, Y",
        url="#",
        quadrant="ml-ai",
        ring="hold",
        description="Hold: not viable in Suite: regulated data needs audit on notebook-y (decision 0002)",
        is_new=True,
        status="New",
        timeline=(rd.Step("2026-11-26", "hold", 0, "not viable in Suite"),),
    ),
)
FORMATS = [
    ("byor-csv", "radar.csv"),
    ("byor-json", "radar-byor.json"),
    ("backstage", "radar-backstage.json"),
]


@pytest.mark.parametrize(("fmt", "golden"), FORMATS)
def test_radar_formats_golden(fmt: str, golden: str) -> None:
    from evaluator.decisions.radarfmt import RadarFormat, render

    assert_golden(GOLDEN / golden, render(FIXTURE, RadarFormat(fmt)))


def test_byor_csv_is_what_byor_reads(history: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("radar", "--as-of", "2026-11-26"))))
    assert rows
    assert list(rows[0]) == list(BYOR_COLUMNS)
    assert {r["ring"] for r in rows} <= {"adopt", "trial", "assess", "hold"}
    assert len({r["quadrant"] for r in rows}) <= 4
    assert {r["quadrant"] for r in rows} <= set(QUADRANT_NAMES.values())
    assert {r["isNew"] for r in rows} <= {"TRUE", "FALSE"}
    assert {r["status"] for r in rows} <= {"New", "Moved In", "Moved Out", "No Change"}
    by_name = {r["name"]: r for r in rows}
    # Proposed (trial) then accepted (adopt): the chosen tools moved in.
    databricks = by_name["Databricks Data Intelligence Platform"]
    assert (databricks["ring"], databricks["status"], databricks["isNew"]) == (
        "adopt", "Moved In", "FALSE",
    )  # fmt: skip
    assert "decision 0002" in databricks["description"]
    # BYOR draws quadrants and rings in the order rows name them first: adopt innermost.
    order = [list(QUADRANT_NAMES.values()).index(r["quadrant"]) for r in rows]
    assert order == sorted(order)


def test_byor_json_is_an_array_of_the_same_objects(history: Path) -> None:
    data = json.loads(invoke("radar", "--format", "byor-json", "--as-of", "2026-11-26"))
    assert isinstance(data, list)
    assert all(list(item) == list(BYOR_COLUMNS) for item in data)
    assert all(isinstance(v, str) for item in data for v in item.values())


BACKSTAGE_ENTRY = {"key", "id", "quadrant", "title", "url", "description", "timeline"}
BACKSTAGE_STEP = {"date", "ringId", "description", "moved"}


def test_backstage_follows_the_plugin_types(history: Path) -> None:
    data = json.loads(invoke("radar", "--format", "backstage", "--as-of", "2026-11-26"))
    assert set(data) == {"quadrants", "rings", "entries"}
    assert len(data["quadrants"]) == 4
    assert all(set(q) == {"id", "name"} for q in data["quadrants"])
    assert [r["id"] for r in data["rings"]] == ["adopt", "trial", "assess", "hold"]
    assert all(set(r) == {"id", "name", "color", "description"} for r in data["rings"])
    quadrants = {q["id"] for q in data["quadrants"]}
    rings = {r["id"] for r in data["rings"]}
    for entry in data["entries"]:
        assert set(entry) == BACKSTAGE_ENTRY
        assert entry["key"] == entry["id"]
        assert entry["quadrant"] in quadrants
        assert entry["url"].startswith("https://") or entry["url"] == "#"
        assert entry["timeline"]
        dates = [dt.datetime.fromisoformat(s["date"]) for s in entry["timeline"]]
        assert dates == sorted(dates, reverse=True), "newest first"
        for step in entry["timeline"]:
            assert set(step) == BACKSTAGE_STEP
            assert step["ringId"] in rings
            assert type(step["moved"]) is int
            assert step["moved"] in (-1, 0, 1)
    databricks = next(e for e in data["entries"] if e["id"] == "databricks")
    assert [(s["ringId"], s["moved"]) for s in databricks["timeline"]] == [
        ("adopt", 1),
        ("trial", 0),
    ]


def test_uncommitted_records_are_the_newest_moment(history: Path) -> None:
    record = history / "decisions" / "0002-choose-the-ml-data-platform.md"
    record.write_text(record.read_text().replace("status: accepted", "status: deprecated", 1))
    rows = list(csv.DictReader(io.StringIO(invoke("radar", "--as-of", "2026-12-01"))))
    databricks = next(r for r in rows if r["name"].startswith("Databricks"))
    assert (databricks["ring"], databricks["status"]) == ("hold", "Moved Out")


def test_outside_git_every_entry_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(builtin_stacks_dir(), tmp_path / "stacks")
    monkeypatch.chdir(tmp_path)
    invoke("decide", "--title", TITLE, "--choose", "Databricks end to end", "--as-of", "2026-11-26")
    rows = list(csv.DictReader(io.StringIO(invoke("radar", "--as-of", "2026-11-26"))))
    assert {r["status"] for r in rows} == {"New"}
    assert {r["isNew"] for r in rows} == {"TRUE"}


def test_a_missing_folder_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["radar"])
    assert result.exit_code == 2


def test_every_capability_has_one_of_four_quadrants() -> None:
    from evaluator import app as core

    catalog: Catalog = core.load_catalog_layers([])
    for cap in catalog.capabilities.values():
        assert rd.capability_quadrant(cap.kind, cap.order) in QUADRANT_NAMES
    assert rd.capability_quadrant(CapabilityKind.CONCERN, None) == "governance"
    assert rd.capability_quadrant(CapabilityKind.STAGE, 10) == "data-platform"
    assert rd.capability_quadrant(CapabilityKind.STAGE, 40) == "analytics"
    assert rd.capability_quadrant(CapabilityKind.STAGE, 55) == "ml-ai"
    assert rd.capability_quadrant(CapabilityKind.STAGE, 90) == "analytics"


def test_hostile_text_is_inert_in_every_format() -> None:
    from evaluator.decisions.radarfmt import backstage, byor_csv, byor_json

    entry = rd.Entry(
        tool="x",
        name='=HYPERLINK("http://evil")',
        url="#",
        quadrant="governance",
        ring="hold",
        description="<img src=x onerror=alert(1)> [link](javascript:alert(1)) @org/admins\n",
        is_new=True,
        status="New",
        timeline=(rd.Step("2026-11-26", "hold", 0, "<b>x</b>"),),
    )
    text = byor_csv([entry])
    assert "'=HYPERLINK" in text
    assert "<img" not in text
    assert "<img" not in byor_json([entry])
    data = json.loads(backstage([entry]))
    assert "<img" not in data["entries"][0]["description"]
    assert "](" not in data["entries"][0]["description"].replace("\\](", "")
    assert (
        "@\u200b" in data["entries"][0]["description"]
        or "@&#8203;" in data["entries"][0]["description"]
    )
