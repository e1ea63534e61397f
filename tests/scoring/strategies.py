"""Hypothesis strategies: random catalogs, requirements and stacks over the real taxonomy."""

from __future__ import annotations

import datetime as dt
from functools import cache

import yaml
from hypothesis import strategies as st

from evaluator.catalog import Catalog
from evaluator.models import CatalogFile, Requirements, Stack, Tool
from evaluator.resources import builtin_catalog_dir

ACCESS = ["none", "coarse", "role", "fine"]
DEPLOY = ["aws", "azure", "gcp", "self-hosted", "saas"]
FORMATS = ["parquet", "iceberg", "delta", "onnx", "mlflow-model"]
STANDARDS = ["jdbc", "s3-api", "kafka-protocol", "openlineage", "oidc", "python"]
LICENSES = [
    "Apache-2.0",
    "MIT",
    "proprietary",
    "BUSL-1.1",
    "AGPL-3.0-only",
    "AGPL-3.0-only OR SSPL-1.0",
    "Apache-2.0 AND BUSL-1.1",
]
ROLES = ["stores", "serves", "format", "processes", "none", "unknown"]
CARRIES = ["access-control", "audit", "lineage"]


@cache
def taxonomy() -> CatalogFile:
    text = (builtin_catalog_dir() / "taxonomy.yaml").read_text(encoding="utf-8")
    return CatalogFile.model_validate(yaml.safe_load(text))


def capability_ids() -> list[str]:
    return sorted(c.id for c in taxonomy().capabilities)


def make_catalog(tools: list[Tool]) -> Catalog:
    tax = taxonomy()
    return Catalog(
        capabilities={c.id: c for c in tax.capabilities},
        formats={f.id: f for f in tax.formats},
        standards={s.id: s for s in tax.standards},
        regulations={r.id: r for r in tax.regulations},
        tools={t.id: t for t in tools},
        origin={t.id: "test" for t in tools},
    )


@st.composite
def tool_dicts(draw: st.DrawFn, tool_id: str, others: list[str]) -> dict[str, object]:
    caps = draw(
        st.dictionaries(
            st.sampled_from(capability_ids()), st.integers(1, 3), min_size=1, max_size=6
        )
    )
    standards = draw(st.lists(st.sampled_from(STANDARDS), unique=True, max_size=2))
    return {
        "id": tool_id,
        "name": tool_id.upper(),
        "vendor": draw(st.sampled_from(["v1", "v2", "v3", tool_id])),
        "license": draw(st.sampled_from(LICENSES)),
        "homepage": f"https://{tool_id}.example/",
        "deployment": draw(st.lists(st.sampled_from(DEPLOY), min_size=1, max_size=3, unique=True)),
        "capabilities": caps,
        "governance": {
            "lineage": draw(st.booleans()),
            "audit": draw(st.booleans()),
            "access_control": draw(st.sampled_from(ACCESS)),
            "sso": draw(st.booleans()),
            "approvals": draw(st.booleans()),
            "versioning": draw(
                st.lists(st.sampled_from(["data", "models", "pipelines"]), unique=True, max_size=2)
            ),
            "triggers": draw(st.booleans()),
        },
        "openness": {
            "data_format": draw(st.sampled_from(["open", "proprietary", "none"])),
            "api": draw(st.sampled_from(["open", "proprietary"])),
            "bulk_export": draw(st.booleans()),
        },
        "formats": draw(st.lists(st.sampled_from(FORMATS), unique=True, max_size=2)),
        # A library runs inside the python runtime that hosts list among their standards.
        **(
            {"standards": [x for x in standards if x != "python"], "runs_in": ["python"]}
            if draw(st.integers(0, 3)) == 0
            else {"standards": standards}
        ),
        "integrations": [
            {
                "tool": other,
                **(
                    {"carries": carried, "source": f"https://{tool_id}.example/{other}"}
                    if (
                        carried := draw(st.lists(st.sampled_from(CARRIES), unique=True, max_size=3))
                    )
                    else {}
                ),
            }
            for other in (
                draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []
            )
        ],
        "data_role": draw(st.sampled_from(ROLES)),
        **draw(pricing()),
        **draw(operations()),
        "sources": [f"https://{tool_id}.example/docs"],
        "as_of": "2026-11-01",
    }


@st.composite
def pricing(draw: st.DrawFn) -> dict[str, object]:
    model = draw(st.sampled_from(["none", "free", "consumption", "per-node", "per-user", "quote"]))
    if model == "none":
        return {}
    low = 0.0 if model == "free" else draw(st.floats(0, 200_000))
    high = 0.0 if model == "free" else low + draw(st.floats(0, 200_000))
    out: dict[str, object] = {"model": model, "annual_usd": [low, high], "as_of": "2026-12-01"}
    if model == "per-user":
        out["per_user_month_usd"] = draw(st.floats(1, 200))
    return {"pricing": out}


@st.composite
def operations(draw: st.DrawFn) -> dict[str, object]:
    if not draw(st.booleans()):
        return {}
    return {
        "operations": {
            "self_hosted_days": draw(st.floats(0, 150)),
            "managed_days": draw(st.floats(0, 20)),
        }
    }


@st.composite
def catalogs(draw: st.DrawFn, min_tools: int = 2, max_tools: int = 7) -> Catalog:
    n = draw(st.integers(min_tools, max_tools))
    ids = [f"t{i}" for i in range(n)]
    tools = [Tool.model_validate(draw(tool_dicts(t, [o for o in ids if o != t]))) for t in ids]
    return make_catalog(tools)


@st.composite
def requirements(draw: st.DrawFn, catalog: Catalog) -> Requirements:
    caps = draw(st.lists(st.sampled_from(capability_ids()), min_size=1, max_size=8, unique=True))
    needs = {
        c: {
            "weight": draw(st.integers(1, 5)),
            "must": draw(st.booleans()),
            "min_level": draw(st.integers(1, 3)),
        }
        for c in caps
    }
    tool_ids = sorted(catalog.tools)
    existing = draw(st.lists(st.sampled_from(tool_ids), unique=True, max_size=2))
    stages = [c for c in caps if catalog.capabilities[c].kind.value == "stage"]
    teams = []
    if len(stages) >= 2:
        teams = [
            {"name": "a", "stages": stages[: len(stages) // 2]},
            {"name": "b", "stages": stages[len(stages) // 2 :]},
        ]
    return Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "random",
            "sensitivity": draw(
                st.sampled_from(["public", "internal", "confidential", "regulated"])
            ),
            "regulations": draw(
                st.lists(st.sampled_from(sorted(catalog.regulations)), unique=True, max_size=2)
            ),
            "governance": {"posture": draw(st.floats(0, 1))},
            "deployment": {
                "allowed": draw(
                    st.none() | st.lists(st.sampled_from(DEPLOY), min_size=1, unique=True)
                )
            },
            "capabilities": needs,
            "teams": teams,
            "existing": [
                {
                    "tool": t,
                    "commitment": draw(st.sampled_from(["contract", "in-use"])),
                    "until": draw(
                        st.sampled_from(
                            [None, dt.date(2025, 1, 1), dt.date(2027, 3, 1), dt.date(2030, 1, 1)]
                        )
                    ),
                    "migration_days": draw(st.none() | st.floats(0, 500)),
                }
                for t in existing
            ],
            "scale": {"size": draw(st.sampled_from(["small", "medium", "large"]))},
            "avoid": {
                "licenses": draw(st.lists(st.sampled_from(LICENSES), unique=True, max_size=1))
            },
            "weights": {
                "fit": draw(st.floats(0.1, 1)),
                "glue": draw(st.floats(0, 1)),
                "lock_in": draw(st.floats(0, 1)),
                "cost": draw(st.floats(0, 1)),
            },
        }
    )


@st.composite
def stacks(draw: st.DrawFn, catalog: Catalog, name: str = "s") -> Stack:
    tools = draw(st.lists(st.sampled_from(sorted(catalog.tools)), min_size=1, unique=True))
    declared = []
    if len(tools) >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(tools), min_size=2, max_size=2, unique=True))
        declared = [
            {"from": a, "to": b, "kind": draw(st.sampled_from(["native", "standard", "custom"]))}
        ]
    return Stack.model_validate(
        {"kind": "stack", "version": 1, "name": name, "tools": tools, "integrations": declared}
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Catalog, Requirements, Stack]:
    catalog = draw(catalogs())
    return catalog, draw(requirements(catalog)), draw(stacks(catalog))


@st.composite
def unit_dicts(
    draw: st.DrawFn, unit_id: str, org: Requirements, catalog: Catalog
) -> dict[str, object]:
    """A business unit over ``org``: any of the overlay keys, each drawn or left out."""
    caps = sorted(org.capabilities)
    out: dict[str, object] = {"id": unit_id}
    if draw(st.booleans()):
        out["sensitivity"] = draw(
            st.sampled_from(["public", "internal", "confidential", "regulated"])
        )
    if draw(st.booleans()):
        out["regulations"] = draw(
            st.lists(st.sampled_from(sorted(catalog.regulations)), unique=True, max_size=2)
        )
    if draw(st.booleans()):
        out["governance"] = {"posture": draw(st.floats(0, 1))}
    if draw(st.booleans()):
        out["deployment"] = {
            "allowed": draw(st.none() | st.lists(st.sampled_from(DEPLOY), min_size=1, unique=True))
        }
    if draw(st.booleans()):
        out["uses"] = draw(st.lists(st.sampled_from(caps), min_size=1, unique=True))
    changed = draw(st.lists(st.sampled_from(caps), unique=True, max_size=3))
    out["capabilities"] = {
        c: draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "weight": st.integers(1, 5),
                    "must": st.booleans(),
                    "min_level": st.integers(1, 3),
                },
            )
        )
        for c in changed
    }
    return out


@st.composite
def requirements_with_units(
    draw: st.DrawFn, catalog: Catalog, min_units: int = 1, max_units: int = 3
) -> Requirements:
    org = draw(requirements(catalog))
    n = draw(st.integers(min_units, max_units))
    units = [draw(unit_dicts(f"u{i}", org, catalog)) for i in range(n)]
    return Requirements.model_validate({**org.model_dump(mode="json"), "units": units})
