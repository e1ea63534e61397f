"""Finding tools: filters, search ranking, show with positions, and org catalogs overriding."""

from __future__ import annotations

import pytest

from evaluator.catalog_tools.layers import open_catalog
from evaluator.catalog_tools.query import Filters, details, list_tools, search
from evaluator.errors import InputErrors
from tests.catalog_tools.helpers import ORG, SMALL


def small():  # type: ignore[no-untyped-def]
    return open_catalog([SMALL], builtin=False)


def ids(tools) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.id for t in tools]


def test_filters_combine() -> None:
    catalog, _ = small()
    assert ids(list_tools(catalog, Filters(capabilities=("streaming",)))) == [
        "kafka",
        "lake-sql",
        "quarry",
    ]
    assert ids(list_tools(catalog, Filters(capabilities=("streaming:2",)))) == ["kafka"]
    assert ids(list_tools(catalog, Filters(capabilities=("warehouse", "orchestration:2")))) == [
        "cronjob"
    ]
    assert ids(list_tools(catalog, Filters(licenses=("mit", "BSD-3-Clause")))) == [
        "cronjob",
        "lake-sql",
    ]
    assert ids(list_tools(catalog, Filters(deployments=("saas",)))) == ["quarry"]
    assert ids(list_tools(catalog, Filters(formats=("parquet",), standards=("jdbc",)))) == [
        "quarry"
    ]
    assert ids(list_tools(catalog, Filters(vendors=("quarry",)))) == ["quarry"]


def test_unknown_filter_values_suggest() -> None:
    catalog, _ = small()
    with pytest.raises(InputErrors, match="did you mean 'streaming'"):
        list_tools(catalog, Filters(capabilities=("streamin",)))
    with pytest.raises(InputErrors, match="level after ':'"):
        list_tools(catalog, Filters(capabilities=("streaming:5",)))


def test_search_ranks_id_and_name_before_description() -> None:
    catalog, _ = small()
    hits = search(catalog, "kafka")
    assert [h.tool.id for h in hits] == ["kafka"]
    hits = search(catalog, "warehouse")
    assert hits[0].tool.id == "quarry"  # in its name, not only a capability
    assert search(catalog, "streams")[0].tool.id == "quarry"  # description only
    assert search(catalog, "kafka nothing-like-this") == []


def test_show_says_where_each_fact_is() -> None:
    catalog, layers = small()
    shown = details(catalog, layers, "kafka")
    facts = {f.field: f for f in shown.facts}
    assert facts["license"].at.endswith("catalog.yaml:18")
    assert facts["governance.audit"].at.endswith("catalog.yaml:23")
    assert facts["governance.versioning"].at == "(default)"
    assert facts["integrations[0]"].text == "quarry (native): sink connector"
    assert shown.integrated_by == (("quarry", "native"),)
    with pytest.raises(InputErrors, match="did you mean 'kafka'"):
        details(catalog, layers, "kafak")


def test_org_catalog_overrides_and_extends() -> None:
    catalog, layers = open_catalog([SMALL, ORG], builtin=False)
    assert "acme-scheduler" in catalog.tools
    quarry = details(catalog, layers, "quarry")
    assert quarry.entry.layer == str(ORG)
    assert quarry.entry.tool.deployment[0].value == "self-hosted"
    assert len(quarry.replaces) == 1
    assert str(SMALL) in quarry.replaces[0]
    assert "overrides" in catalog.origin["quarry"]
