"""Issue 17's taxonomy and breadth (data half): operational databases, time series and semantic
layers are lifecycle stages wired into the flow, each served by at least five sourced tools, and
the landscape importer maps CNCF's databases onto them."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.catalog import Catalog, load_catalog
from evaluator.catalog_tools.landscape import load_mapping, read_landscape
from evaluator.catalog_tools.layers import load_layers
from evaluator.catalog_tools.merge import plan_import
from evaluator.models import CapabilityKind
from evaluator.scoring.context import required_handoffs
from tests.catalog_tools.helpers import TODAY

# The tools each new capability must keep: removing one (or its capability) fails here, so a
# capability cannot silently fall back under five well-sourced tools.
PINNED = {
    "operational-database": {
        "mongodb",
        "mysql",
        "sql-server",
        "oracle-database",
        "aws-dynamodb",
        "aws-elasticache",
        "cassandra",
        "cockroachdb",
        "postgresql",
        "redis",
        "mongodb-atlas",
        "azure-cosmos-db",
    },
    "time-series": {
        "influxdb",
        "timescaledb",
        "questdb",
        "azure-data-explorer",
        "aveva-pi-system",
    },
    "semantic-layer": {"cube", "atscale", "metricflow", "dbt-cloud", "looker", "power-bi"},
}
LEGACY = {
    "informatica-powercenter",
    "sas-9-4",
    "confluent-platform",
    "posit-workbench",
    "posit-connect",
    "azure-iot-hub",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_new_capabilities_are_stages_with_their_flags(catalog: Catalog) -> None:
    caps = catalog.capabilities
    for cap in PINNED:
        assert caps[cap].kind is CapabilityKind.STAGE
    assert caps["operational-database"].holds_data
    assert caps["time-series"].holds_data
    assert caps["semantic-layer"].versioned
    assert not caps["semantic-layer"].sign_off
    order = {
        cap: caps[cap].order or 0
        for cap in ("operational-database", "ingestion", "warehouse", "semantic-layer", "bi")
    }
    assert order["operational-database"] < order["ingestion"]
    assert order["warehouse"] < order["semantic-layer"] < order["bi"]


@pytest.mark.parametrize("cap", sorted(PINNED))
def test_each_new_capability_keeps_five_sourced_tools(catalog: Catalog, cap: str) -> None:
    serving = {t.id for t in catalog.tools.values() if cap in t.capabilities}
    assert PINNED[cap] <= serving, sorted(PINNED[cap] - serving)
    assert len(serving) >= 5
    for tool_id in PINNED[cap]:
        tool = catalog.tools[tool_id]
        assert tool.sources
        assert tool.as_of.isoformat() >= "2026-11-26"
        assert tool.pricing is not None
        assert tool.pricing.source is not None


def test_the_legacy_estates_are_in_the_catalog(catalog: Catalog) -> None:
    assert set(catalog.tools) >= LEGACY
    assert catalog.tools["mongodb"].license == "SSPL-1.0"
    assert catalog.tools["mongodb"].license_history[0].license == "AGPL-3.0-only"
    assert catalog.tools["aws-dynamodb"].capabilities["feature-store"] in (1, 2)
    assert catalog.tools["aws-elasticache"].capabilities["feature-store"] in (1, 2)


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        # an application database reaches the warehouse through ingestion
        (
            {"operational-database", "ingestion", "warehouse"},
            {("operational-database", "ingestion"), ("ingestion", "warehouse")},
        ),
        # without an ingestion tool it still hands data on to the warehouse
        ({"operational-database", "warehouse"}, {("operational-database", "warehouse")}),
        # plant data: ingestion and historian, then lake and dashboards
        (
            {"ingestion", "time-series", "lakehouse-table-format", "bi"},
            {
                ("ingestion", "time-series"),
                ("ingestion", "lakehouse-table-format"),
                ("time-series", "lakehouse-table-format"),
                ("time-series", "bi"),
                ("lakehouse-table-format", "bi"),
            },
        ),
        # the semantic layer sits between the warehouse and BI; the direct flow stays a handoff
        (
            {"warehouse", "semantic-layer", "bi"},
            {("warehouse", "semantic-layer"), ("semantic-layer", "bi"), ("warehouse", "bi")},
        ),
    ],
)
def test_handoffs_through_the_new_stages(
    catalog: Catalog, stages: set[str], expected: set[tuple[str, str]]
) -> None:
    assert set(required_handoffs(catalog, frozenset(stages))) == expected


CNCF_DATABASES = """\
landscape:
  - category:
    name: App Definition and Development
    subcategories:
      - subcategory:
        name: Database
        items:
          - item:
            name: YugabyteDB
            homepage_url: https://www.yugabyte.com/
            repo_url: https://github.com/yugabyte/yugabyte-db
          - item:
            name: TDengine
            homepage_url: https://tdengine.com/
            repo_url: https://github.com/taosdata/TDengine
          - item:
            name: SpiceDB
            homepage_url: https://authzed.com/spicedb
            repo_url: https://github.com/authzed/spicedb
          - item:
            name: MySQL
            homepage_url: https://www.mysql.com/
            repo_url: https://github.com/mysql/mysql-server
"""


def test_cncf_databases_map_to_the_new_capabilities(tmp_path: Path) -> None:
    path = tmp_path / "landscape.yml"
    path.write_text(CNCF_DATABASES, encoding="utf-8")
    layers = load_layers()
    mapping = load_mapping(None, layers.capabilities)
    report, entries = plan_import(read_landscape(path), mapping, layers, as_of=TODAY)
    caps = {e["name"]: e["capabilities"] for e in entries}
    assert caps == {"YugabyteDB": {"operational-database": 1}, "TDengine": {"time-series": 1}}
    assert [u.name for u in report.unmapped] == ["SpiceDB"]  # an authorization service
    assert [s.tool for s in report.skipped] == ["mysql"]
