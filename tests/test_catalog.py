"""Merging catalog layers, overrides, and the cross-reference checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.catalog import BUILTIN_LABEL, Catalog, CatalogLayer, build_catalog, load_catalog
from evaluator.errors import InputErrors
from evaluator.loading.files import load_document
from evaluator.resources import builtin_catalog_dir, builtin_stacks_dir
from tests.conftest import MINI_CATALOG_DIR, mini_layer

TOOL = """\
  - id: {id}
    name: {name}
    vendor: V
    license: MIT
    homepage: https://example.org/
    deployment: [self-hosted]
    capabilities: {{{caps}}}
    openness: {{data_format: open, api: open, bulk_export: true}}
    integrations: [{integrations}]
    sources: [https://example.org/docs]
    as_of: 2026-11-26
"""


def catalog_file(folder: Path, name: str, *tools: str) -> Path:
    path = folder / name
    path.write_text("kind: catalog\nversion: 1\ntools:\n" + "".join(tools))
    return path


def tool(tool_id: str, *, caps: str = "bi: 2", integrations: str = "", name: str = "T") -> str:
    return TOOL.format(id=tool_id, name=name, caps=caps, integrations=integrations)


def test_mini_catalog_merges(mini_catalog: Catalog) -> None:
    assert sorted(mini_catalog.tools) == ["airflow", "mlflow", "snowflake", "tableau"]
    assert mini_catalog.tool("mlflow").capabilities == {"training": 1, "model-registry": 3}
    assert [c.id for c in mini_catalog.stages_in_order()] == [
        "ingestion",
        "warehouse",
        "training",
        "model-registry",
        "bi",
    ]
    assert set(mini_catalog.formats) == {"parquet", "mlflow-model"}
    assert mini_catalog.origin["snowflake"].startswith("test: ")


def test_org_layer_overrides_and_origin_says_so(tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    catalog_file(org, "ours.yaml", tool("tableau", name="Tableau (our build)"), tool("inhouse"))
    catalog = load_catalog([MINI_CATALOG_DIR, org], builtin=False)
    assert catalog.tool("tableau").name == "Tableau (our build)"
    assert catalog.origin["tableau"] == (
        f"{org}: {org}/ours.yaml (overrides {MINI_CATALOG_DIR}: {MINI_CATALOG_DIR}/tools.yaml)"
    )
    assert catalog.origin["inhouse"] == f"{org}: {org}/ours.yaml"


def test_same_tool_twice_in_one_layer_names_both_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    catalog_file(tmp_path, "a.yaml", tool("x"))
    catalog_file(tmp_path / "sub", "b.yml", tool("x"))
    catalog_file(tmp_path, "tax.yaml")
    (tmp_path / "tax.yaml").write_text(
        "kind: catalog\nversion: 1\ncapabilities:\n"
        "  - {id: bi, name: BI, kind: stage, description: d}\n"
    )
    with pytest.raises(InputErrors) as caught:
        load_catalog([tmp_path], builtin=False)
    assert str(caught.value) == (
        f"{tmp_path}/sub/b.yml:4:9: tools[0].id: tool 'x' is defined twice in the same catalog "
        f"(also in {tmp_path}/a.yaml:4)"
    )


def test_cross_references_all_reported(tmp_path: Path) -> None:
    path = catalog_file(
        tmp_path, "c.yaml", tool("y", caps="bi: 1, orchestraton: 2", integrations="snowflak, z")
    )
    doc = load_document(path, display_name="c.yaml")
    with pytest.raises(InputErrors) as caught:
        build_catalog([mini_layer(), CatalogLayer("org", (doc,))])
    assert str(caught.value).splitlines() == [
        "c.yaml:10:27: tools[0].capabilities.orchestraton: unknown capability 'orchestraton'; "
        "did you mean 'orchestration'?",
        "c.yaml:12:20: tools[0].integrations[0].tool: unknown tool 'snowflak'; "
        "did you mean 'snowflake'?",
        "c.yaml:12:30: tools[0].integrations[1].tool: unknown tool 'z'",
    ]


def test_non_catalog_file_in_catalog_folder(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("kind: stack\nversion: 1\nname: s\ntools: [a]\n")
    with pytest.raises(InputErrors, match="expected a catalog file here, but this file is kind"):
        load_catalog([tmp_path], builtin=False)


def test_missing_catalog_folder(tmp_path: Path) -> None:
    with pytest.raises(InputErrors, match="no such file or folder"):
        load_catalog([tmp_path / "nope"], builtin=False)


def test_builtin_dirs_point_at_repo_data_in_a_checkout() -> None:
    root = Path(__file__).resolve().parents[1]
    assert builtin_catalog_dir() == root / "catalog"
    assert builtin_stacks_dir() == root / "stacks"


def test_shipped_catalog_loads_cleanly() -> None:
    """Dogfood: the catalog we ship passes our own checks."""
    catalog = load_catalog()
    assert "warehouse" in catalog.capabilities
    assert all(
        origin.startswith(f"{BUILTIN_LABEL}: catalog/") for origin in catalog.origin.values()
    )


def test_runs_in_names_a_runtime_the_library_does_not_host(tmp_path: Path) -> None:
    from evaluator.catalog import load_layer

    bad = TOOL.replace("    integrations:", "    runs_in: [pyton]\n    integrations:")
    both = TOOL.replace(
        "    integrations:", "    standards: [python]\n    runs_in: [python]\n    integrations:"
    )
    path = catalog_file(
        tmp_path,
        "c.yaml",
        bad.format(id="lib-a", name="A", caps="responsible-ai: 2", integrations=""),
        both.format(id="lib-b", name="B", caps="responsible-ai: 2", integrations=""),
    )
    doc = load_document(path, display_name="c.yaml")
    builtin, errors = load_layer(builtin_catalog_dir(), BUILTIN_LABEL)
    assert not errors
    with pytest.raises(InputErrors) as caught:
        build_catalog([builtin, CatalogLayer("org", (doc,))])
    assert str(caught.value).splitlines() == [
        "c.yaml:12:15: tools[0].runs_in[0]: unknown runtime 'pyton'; did you mean 'python'?",
        "c.yaml:25:15: tools[1].runs_in[0]: lib-b runs inside the python runtime, so it cannot "
        "host it too: remove python from its standards",
    ]
