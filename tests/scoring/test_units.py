"""Business units: overlays of the organisation's requirements, and the organisation's verdict."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator.catalog import Catalog
from evaluator.models import Requirements, Stack
from evaluator.reporting import Format, render_comparison
from evaluator.scoring import compare
from evaluator.scoring.units import union_violations, unit_requirements
from tests.scoring.strategies import catalogs, requirements, requirements_with_units, stacks

TODAY = dt.date(2026, 11, 26)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def with_units(req: Requirements, units: list[dict[str, Any]]) -> Requirements:
    return Requirements.model_validate({**req.model_dump(mode="json"), "units": units})


def every_stack(catalog: Catalog, stack: Stack) -> list[tuple[Stack, str | None]]:
    whole = Stack.model_validate(
        {"kind": "stack", "version": 1, "name": "all", "tools": sorted(catalog.tools)}
    )
    return [(stack, None), (whole, None)]


@SETTINGS
@given(st.data())
def test_a_stack_viable_for_the_organisation_is_viable_for_each_unit(data: st.DataObject) -> None:
    catalog = data.draw(catalogs())
    req = data.draw(requirements_with_units(catalog))
    stack = data.draw(stacks(catalog))
    c = compare(every_stack(catalog, stack), req, catalog, today=TODAY)
    for r in c.stacks:
        e = r.evaluation
        assert [u.unit for u in e.units] == sorted(u.id for u in req.units)
        if e.viable:
            assert all(u.viable for u in e.units)
        assert e.viable == all(u.viable for u in e.units)
        assert bool(e.violations) == (not e.viable)


@SETTINGS
@given(st.data())
def test_one_unit_that_changes_nothing_equals_no_units(data: st.DataObject) -> None:
    """Byte for byte: the JSON without units equals the JSON with one unchanged unit once the
    keys only units fill are taken out; and that unit's scores are the organisation's."""
    catalog = data.draw(catalogs())
    req = data.draw(requirements(catalog))
    stack = data.draw(stacks(catalog))
    unit: dict[str, Any] = {"id": "all", "name": data.draw(st.none() | st.just("Everyone"))}
    if data.draw(st.booleans()):  # stating the organisation's own values changes nothing either
        unit |= {
            "sensitivity": req.sensitivity.value,
            "governance": {"posture": req.governance.posture},
            "uses": sorted(req.capabilities),
        }
    before = render_comparison(
        compare(every_stack(catalog, stack), req, catalog, today=TODAY), Format.JSON
    )
    after_text = render_comparison(
        compare(every_stack(catalog, stack), with_units(req, [unit]), catalog, today=TODAY),
        Format.JSON,
    )
    after = json.loads(after_text)
    assert "divergent" not in after  # left out when empty, as without units
    assert after.pop("units")[0]["differs"] == []
    for r in after["stacks"]:
        (mine,) = r["evaluation"].pop("units")
        for key in (
            *("viable", "violations", "pending", "unverified", "idle"),
            *("fit", "glue", "lock_in", "cost", "overall"),
        ):
            assert mine[key] == r["evaluation"][key]
    assert json.dumps(after, indent=2, sort_keys=True, ensure_ascii=False) + "\n" == before


@SETTINGS
@given(st.data(), st.randoms(use_true_random=False))
def test_order_of_units_changes_nothing(data: st.DataObject, rnd: Any) -> None:
    catalog = data.draw(catalogs())
    req = data.draw(requirements_with_units(catalog, min_units=2))
    stack = data.draw(stacks(catalog))
    units = list(req.units)
    rnd.shuffle(units)
    shuffled = req.model_copy(update={"units": tuple(units)})
    first = compare(every_stack(catalog, stack), req, catalog, today=TODAY)
    second = compare(every_stack(catalog, stack), shuffled, catalog, today=TODAY)
    assert render_comparison(first, Format.JSON) == render_comparison(second, Format.JSON)


def test_a_unit_changes_only_the_fields_it_states() -> None:
    req = Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "org",
            "sensitivity": "internal",
            "regulations": ["gdpr"],
            "deployment": {"allowed": ["aws", "saas"]},
            "capabilities": {
                "warehouse": {"weight": 4, "must": True, "min_level": 2},
                "bi": 3,
                "training": 2,
            },
            "units": [
                {
                    "id": "finance",
                    "sensitivity": "regulated",
                    "regulations": [],
                    "capabilities": {"warehouse": 5, "bi": {"must": True}},
                    "uses": ["warehouse", "bi"],
                },
                {"id": "anywhere", "deployment": {}},
            ],
        }
    )
    finance = unit_requirements(req, req.units[0])
    assert finance.sensitivity.value == "regulated"
    assert finance.regulations == ()
    assert finance.deployment == req.deployment
    assert set(finance.capabilities) == {"warehouse", "bi"}
    warehouse = finance.capabilities["warehouse"]
    assert (warehouse.weight, warehouse.must, warehouse.min_level) == (5, True, 2)
    bi = finance.capabilities["bi"]
    assert (bi.weight, bi.must, bi.min_level) == (3, True, 1)
    assert finance.units == ()
    anywhere = unit_requirements(req, req.units[1])
    assert anywhere.deployment.allowed is None
    assert anywhere.capabilities == req.capabilities


def test_a_violation_some_units_share_names_them() -> None:
    from evaluator.scoring.results import Violation

    shared = Violation(gate="avoid", subject="x", message="x is on the avoid list")
    only = Violation(gate="sensitivity", subject="x", message="regulated data needs sso on x")
    out = union_violations([("a", [shared]), ("b", [shared, only]), ("c", [only, shared])])
    assert [v.message for v in out] == [
        "x is on the avoid list",
        "b, c: regulated data needs sso on x",
    ]
