"""The landscape importer on excerpts of both real files, and merging into a catalog folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.catalog_tools.landscape import load_mapping, read_landscape, slug, spdx_from_text
from evaluator.catalog_tools.layers import load_layers
from evaluator.catalog_tools.merge import plan_import, write_entries
from evaluator.errors import InputErrors
from evaluator.loading.files import load_document
from evaluator.models import Curation, Openness
from tests.catalog_tools.helpers import LANDSCAPES, SHARED_DATA, TODAY, small_data, write_catalog

LFAI = LANDSCAPES / "lfai-excerpt.yml"
CNCF = LANDSCAPES / "cncf-excerpt.yml"


def mapping():  # type: ignore[no-untyped-def]
    return load_mapping(None, load_layers().capabilities)


def test_item_key_without_value_and_repeats_under_another_name() -> None:
    landscape = read_landscape(LFAI)
    names = [i.name for i in landscape.items]
    assert landscape.listed == 7
    assert names.count("PREFECT") == 1
    assert "Prefect" not in names
    prefect = next(i for i in landscape.items if i.name == "PREFECT")
    assert prefect.other_names == ["Prefect"]
    assert prefect.paths == ["Data / Stream Processing", "Model / Workflow"]
    assert ("Prefect", "PREFECT") in landscape.merged


def test_free_text_licence_and_empty_values() -> None:
    landscape = read_landscape(LFAI)
    mathesar = next(i for i in landscape.items if i.name == "Mathesar")
    assert mathesar.license_text == "GPL 3.0"
    assert mathesar.vendor is None  # `crunchbase:` with nothing after it
    assert spdx_from_text("Apache 2.0") == "Apache-2.0"
    assert spdx_from_text("MIT License") == "MIT"
    assert spdx_from_text("bsd-3-clause") == "BSD-3-Clause"
    assert spdx_from_text("Some custom terms") is None


def test_cncf_name_variants_second_path_and_no_repo() -> None:
    landscape = read_landscape(CNCF)
    flink = [i for i in landscape.items if "Flink" in i.name]
    assert len(flink) == 1
    assert flink[0].paths == [
        "App Definition and Development / Streaming & Messaging",
        "Data / Data Architecture",
    ]
    assert flink[0].description.startswith(
        "Open source stream processing"
    )  # filled from the repeat
    volcano = next(i for i in landscape.items if i.name == "Volcano")
    assert "AI Native Infra / Orchestration and Scheduling" in volcano.paths
    kinesis = next(i for i in landscape.items if i.name == "Amazon Kinesis")
    assert kinesis.repo is None
    assert kinesis.vendor == "Amazon Web Services (from Crunchbase)"
    assert next(i for i in landscape.items if i.name == "KubeEdge").shared_repo


def test_plan_against_the_built_in_catalog() -> None:
    report, entries = plan_import(read_landscape(CNCF), mapping(), load_layers(), as_of=TODAY)
    skipped = {s.name: (s.tool, s.reason) for s in report.skipped}
    assert skipped["Flink"] == ("flink", "repo")
    assert skipped["Amazon Kinesis"] == ("aws-kinesis", "homepage")  # another id and name
    assert report.ignored == 1  # the member company
    assert [u.name for u in report.unmapped] == ["KubeEdge"]
    assert report.added == ["volcano"]
    (volcano,) = entries
    assert volcano["capabilities"] == {"training": 1}
    assert volcano["curation"] == "imported"
    assert volcano["license"] == "unknown"
    assert volcano["deployment"] == ["self-hosted"]
    assert volcano["sources"] == ["https://volcano.sh/", "https://github.com/volcano-sh/volcano"]


def test_imported_defaults_are_pessimistic(tmp_path: Path) -> None:
    report, entries = plan_import(read_landscape(LFAI), mapping(), load_layers(), as_of=TODAY)
    assert report.added == ["airseai"]
    assert {s.name for s in report.skipped} == {"PREFECT", "Pulsar", "Metabase"}
    assert [u.name for u in report.unmapped] == ["Mathesar"]  # Data / Operations maps to nothing
    written = write_entries(entries, tmp_path, str(LFAI), TODAY)
    assert written is not None
    doc = load_document(written)
    tools = {t.id: t for t in doc.model.tools}  # type: ignore[attr-defined]
    airseai = tools["airseai"]
    assert airseai.curation is Curation.IMPORTED
    assert not airseai.license_known
    assert airseai.openness.data_format is Openness.UNKNOWN
    assert airseai.openness.bulk_export is False
    assert set(airseai.capabilities.values()) == {1}


def test_merge_never_overwrites_curated_fields(tmp_path: Path) -> None:
    out = tmp_path / "org"
    _report, entries = plan_import(read_landscape(LFAI), mapping(), load_layers(), as_of=TODAY)
    target = write_entries(entries, out, str(LFAI), TODAY)
    assert target is not None
    # A person curates one imported entry...
    text = target.read_text(encoding="utf-8")
    curated = text.replace("name: AIRSEAI", "name: AIRS EAI (checked)", 1)
    target.write_text(curated, encoding="utf-8")
    # ...and adds a curated tool that the next landscape also lists.
    data = small_data()
    data.pop("capabilities")
    data.pop("formats")
    data.pop("standards")
    data["tools"] = [
        dict(
            next(t for t in small_data()["tools"] if t["id"] == "lake-sql"),
            id="volcano",
            name="Volcano",
            description="our own words",
            integrations=[],
        )
    ]
    data["tools"][0]["capabilities"] = {"training": 2}
    write_catalog(out, data, name="curated.yaml")
    before_curated = (out / "curated.yaml").read_text(encoding="utf-8")
    # Re-import the same file, then the other landscape.
    again, new = plan_import(read_landscape(LFAI), mapping(), load_layers([out]), as_of=TODAY)
    assert new == []
    assert again.added == []
    assert {s.name for s in again.skipped} >= {"AIRSEAI"}
    assert write_entries(new, out, str(LFAI), TODAY) is None
    assert target.read_text(encoding="utf-8") == curated
    report2, _entries2 = plan_import(
        read_landscape(CNCF), mapping(), load_layers([out]), as_of=TODAY
    )
    assert ("Volcano", "volcano") in {(s.name, s.tool) for s in report2.skipped}
    assert (out / "curated.yaml").read_text(encoding="utf-8") == before_curated


def test_second_import_appends_to_the_same_file(tmp_path: Path) -> None:
    layers = load_layers()
    _, first = plan_import(read_landscape(LFAI), mapping(), layers, as_of=TODAY)
    target = write_entries(first, tmp_path, "same.yml", TODAY)
    _, second = plan_import(read_landscape(CNCF), mapping(), load_layers([tmp_path]), as_of=TODAY)
    assert second
    again = write_entries(second, tmp_path, "same.yml", TODAY)
    assert again == target
    ids = [t.id for t in load_document(target).model.tools]  # type: ignore[attr-defined]
    assert ids == [e["id"] for e in first + second]


def test_not_a_landscape_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.yml"
    bad.write_text("kind: catalog\n", encoding="utf-8")
    with pytest.raises(InputErrors, match="not a landscape file"):
        read_landscape(bad)


def test_mapping_with_unknown_capability_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text(
        "kind: landscape-mapping\nversion: 1\nsubcategories:\n  Data: [trainin]\n", encoding="utf-8"
    )
    with pytest.raises(InputErrors) as exc:
        load_mapping(bad, load_layers().capabilities)
    assert "m.yaml:4:" in str(exc.value)
    assert "did you mean 'training'" in str(exc.value)


def test_slug() -> None:
    assert slug("Open Platform for Enterprise AI (OPEA)") == "open-platform-for-enterprise-ai-opea"
    assert slug("Kŭbe Édge") == "kube-edge"
    assert slug("日本") == ""


@pytest.mark.parametrize("name", ["lfai-landscape.yml", "cncf-landscape.yml"])
def test_real_landscapes_import_without_error(tmp_path: Path, name: str) -> None:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    report, entries = plan_import(read_landscape(path), mapping(), load_layers(), as_of=TODAY)
    assert entries
    assert report.skipped
    assert report.unmapped
    written = write_entries(entries, tmp_path, str(path), TODAY)
    assert written is not None
    assert len(load_document(written).model.tools) == len(entries)  # type: ignore[attr-defined]
    # the written folder is a valid org catalog on top of the built-in one
    load_layers([tmp_path])
