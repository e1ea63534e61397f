"""Foundation stages read from excerpts of both landscape files, written into imported entries
and reported for tools the catalog already has; lint checks the maturity dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evaluator.catalog_tools.landscape import load_mapping, read_landscape
from evaluator.catalog_tools.layers import load_layers
from evaluator.catalog_tools.lint import lint
from evaluator.catalog_tools.merge import maturity_of, plan_import
from evaluator.models import Maturity, Stage, Tool
from tests.catalog_tools.helpers import (
    LANDSCAPES,
    SHARED_DATA,
    TODAY,
    small_data,
    tool,
    write_catalog,
)

CNCF = LANDSCAPES / "cncf-stages.yml"
LFAI = LANDSCAPES / "lfai-stages.yml"


def _by_name(path: Path) -> dict[str, Maturity]:
    landscape = read_landscape(path)
    out = {}
    for item in landscape.items:
        data = maturity_of(item, landscape, TODAY)
        if data is not None:
            out[item.name] = Maturity.model_validate(data)
    return out


def test_cncf_stages_with_their_dates() -> None:
    found = _by_name(CNCF)
    kubeedge = found["KubeEdge"]
    assert kubeedge.foundation == "CNCF"
    assert kubeedge.stage is Stage.GRADUATED
    assert (kubeedge.accepted, kubeedge.incubating, kubeedge.graduated) == (
        dt.date(2019, 3, 18),
        dt.date(2020, 9, 16),
        dt.date(2024, 9, 11),
    )
    assert kubeedge.source == "https://landscape.cncf.io/"
    devstream = found["DevStream"]
    assert devstream.stage is Stage.ARCHIVED
    assert devstream.is_archived
    assert devstream.archived == dt.date(2025, 5, 22)
    # Monocle keeps its stage under `extra.project`, not `project`.
    assert found["Monocle"].stage is Stage.SANDBOX


def test_lfai_stages_without_dates_and_spelling() -> None:
    found = _by_name(LFAI)
    assert found["Feast"].foundation == "LF AI & Data"
    assert found["Feast"].stage is Stage.INCUBATING
    assert found["Feast"].accepted is None
    assert found["Elyra"].stage is Stage.INCUBATING  # written "incubation"


def test_imported_entries_carry_the_stage() -> None:
    layers = load_layers()
    mapping = load_mapping(None, layers.capabilities)
    landscape = read_landscape(LANDSCAPES / "cncf-excerpt.yml")
    report, entries = plan_import(landscape, mapping, layers, as_of=TODAY)
    volcano = next(e for e in entries if e["id"] == "volcano")
    assert Tool.model_validate(volcano).maturity == Maturity(
        foundation="CNCF",
        stage=Stage.INCUBATING,
        accepted=dt.date(2020, 4, 9),
        source="https://landscape.cncf.io/",
        as_of=TODAY,
    )
    assert list(volcano)[-2:] == ["maturity", "notes"]
    assert (report.staged, report.staged_added) == (2, 1)


def test_a_stage_the_catalog_lacks_is_reported_not_written() -> None:
    layers = load_layers()
    mapping = load_mapping(None, layers.capabilities)
    report, _ = plan_import(read_landscape(LFAI), mapping, layers, as_of=TODAY)
    # The shipped catalog records Feast's stage already: nothing to update.
    assert [u.tool for u in report.stage_updates] == []
    assert report.staged_known == 1


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="needs the shared landscape files")
def test_every_staged_project_of_both_files_is_read() -> None:
    counts = {}
    for name in ("cncf", "lfai"):
        landscape = read_landscape(SHARED_DATA / f"{name}-landscape.yml")
        counts[name] = sum(item.stage is not None for item in landscape.items)
    # 255 `project:` items and Monocle's `extra.project` in CNCF; 64 in LF AI & Data.
    assert counts == {"cncf": 256, "lfai": 64}


def test_shipped_catalog_stages() -> None:
    tools = {e.tool.id: e.tool for e in load_layers().entries}
    staged = {t: m.stage.value for t, tl in tools.items() if (m := tl.maturity) and m.stage}
    assert staged["open-policy-agent"] == "graduated"
    assert tools["open-policy-agent"].maturity.graduated == dt.date(2021, 1, 29)  # type: ignore[union-attr]
    assert staged["kserve"] == "incubating"
    assert staged["unity-catalog-oss"] == "sandbox"
    assert len(staged) == 14


def test_lint_maturity_dates_in_order(tmp_path: Path) -> None:
    data = small_data()
    entry = tool(data, data["tools"][0]["id"])
    entry["maturity"] = {
        "foundation": "CNCF",
        "stage": "graduated",
        "accepted": dt.date(2020, 1, 1),
        "incubating": dt.date(2019, 1, 1),
        "source": "https://landscape.cncf.io/",
        "as_of": dt.date(2026, 1, 1),
    }
    folder = tmp_path / "cat"
    write_catalog(folder, data)
    from evaluator.catalog_tools.layers import load_layers as layers_of

    report = lint(layers_of([folder], builtin=False), today=TODAY)
    rules = {f.rule: f.message for f in report.findings}
    assert "incubating 2019-01-01 is before accepted 2020-01-01" in rules["maturity-dates"]
    assert "graduated" in rules["maturity-stage"]
