"""Properties of the scoring model that must hold for any catalog, requirements and stack."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from evaluator.catalog import Catalog
from evaluator.models import Integration, Requirements, Stack, Tool
from evaluator.reporting import Format, render_comparison
from evaluator.scoring import build_context, compare, evaluate_stack
from evaluator.scoring.results import StackEvaluation
from tests.scoring.strategies import make_catalog, scenarios, stacks

TODAY = dt.date(2026, 11, 26)
# The example count comes from the Hypothesis profile (tests/conftest.py): "ci" by default,
# HYPOTHESIS_PROFILE=thorough for the long documented run.
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def evaluate(catalog: Catalog, req: Requirements, stack: Stack) -> StackEvaluation:
    return evaluate_stack(stack, build_context(req, catalog), catalog, today=TODAY)


def two_tools(stack: Stack, data: st.DataObject) -> tuple[str, str]:
    assume(len(stack.tools) >= 2)
    a, b = data.draw(
        st.lists(st.sampled_from(sorted(stack.tools)), min_size=2, max_size=2, unique=True)
    )
    return a, b


def coverage(e: StackEvaluation) -> float:
    """Fit without reuse: a better or added tool may take a need over from an existing tool,
    which then does no work and earns no reuse credit (model v2), so only coverage is
    monotone when there are existing investments."""
    return sum(c.points for c in e.fit.contributions if c.key.startswith("coverage."))


def with_tool(catalog: Catalog, tool: Tool) -> Catalog:
    return make_catalog([*(t for t in catalog.tools.values() if t.id != tool.id), tool])


@SETTINGS
@given(scenarios())
def test_scores_stay_in_bounds(scenario: tuple[Catalog, Requirements, Stack]) -> None:
    e = evaluate(*scenario)
    for score in (e.fit, e.glue, e.lock_in, e.overall):
        assert -1e-9 <= score.value <= 100 + 1e-9
    assert e.glue_person_days >= 0


@SETTINGS
@given(scenarios(), st.randoms(use_true_random=False))
def test_order_of_tools_capabilities_and_stacks_changes_nothing(
    scenario: tuple[Catalog, Requirements, Stack], rnd: object
) -> None:
    catalog, req, stack = scenario
    other = Stack.model_validate(
        {"kind": "stack", "version": 1, "name": "other", "tools": sorted(catalog.tools)}
    )
    before = render_comparison(
        compare([(stack, None), (other, None)], req, catalog, today=TODAY), Format.JSON
    )
    tools = list(stack.tools)
    rnd.shuffle(tools)  # type: ignore[attr-defined]
    caps = list(req.capabilities.items())
    rnd.shuffle(caps)  # type: ignore[attr-defined]
    cat_tools = list(catalog.tools.values())
    rnd.shuffle(cat_tools)  # type: ignore[attr-defined]
    shuffled_catalog = make_catalog(
        [
            t.model_copy(update={"capabilities": dict(reversed(list(t.capabilities.items())))})
            for t in cat_tools
        ]
    )
    shuffled_req = req.model_copy(
        update={"capabilities": dict(caps), "existing": tuple(reversed(req.existing))}
    )
    shuffled_stack = stack.model_copy(update={"tools": tuple(tools)})
    after = render_comparison(
        compare(
            [(other, None), (shuffled_stack, None)], shuffled_req, shuffled_catalog, today=TODAY
        ),
        Format.JSON,
    )
    assert before == after


@SETTINGS
@given(scenarios(), st.data())
def test_adding_a_tool_never_lowers_fit(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    catalog, req, stack = scenario
    missing = sorted(set(catalog.tools) - set(stack.tools))
    assume(missing)
    extra = data.draw(st.sampled_from(missing))
    bigger = stack.model_copy(update={"tools": (*stack.tools, extra)})
    before, after = evaluate(catalog, req, stack), evaluate(catalog, req, bigger)
    assert coverage(after) >= coverage(before) - 1e-9
    if not req.existing:
        assert after.fit.value >= before.fit.value - 1e-9


@SETTINGS
@given(scenarios(), st.data())
def test_raising_a_capability_level_never_lowers_fit(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    catalog, req, stack = scenario
    tool = catalog.tools[data.draw(st.sampled_from(sorted(stack.tools)))]
    cap = data.draw(st.sampled_from(sorted(catalog.capabilities)))
    level = tool.capabilities.get(cap, 0)
    assume(level < 3)
    raised = tool.model_copy(update={"capabilities": {**tool.capabilities, cap: level + 1}})
    before = evaluate(catalog, req, stack)
    after = evaluate(with_tool(catalog, raised), req, stack)
    assert coverage(after) >= coverage(before) - 1e-9
    if not req.existing:
        assert after.fit.value >= before.fit.value - 1e-9


@SETTINGS
@given(scenarios(), st.data())
def test_upgrading_a_declared_integration_never_raises_glue(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    catalog, req, stack = scenario
    a, b = two_tools(stack, data)
    kinds = ["custom", "standard", "native"]
    worse = data.draw(st.integers(0, 1))
    better = data.draw(st.integers(worse + 1, 2))

    def declared(kind: str) -> Stack:
        keep = [
            i.model_dump(by_alias=True)
            for i in stack.integrations
            if {i.source, i.target} != {a, b}
        ]
        return Stack.model_validate(
            {
                **stack.model_dump(by_alias=True),
                "integrations": [*keep, {"from": a, "to": b, "kind": kind}],
            }
        )

    low = evaluate(catalog, req, declared(kinds[better])).glue.value
    high = evaluate(catalog, req, declared(kinds[worse])).glue.value
    assert low <= high + 1e-9


@SETTINGS
@given(scenarios(), st.data())
def test_a_new_catalog_integration_never_raises_glue(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    catalog, req, stack = scenario
    a, b = two_tools(stack, data)
    tool = catalog.tools[a]
    assume(not any(i.tool == b for i in tool.integrations))
    upgraded = tool.model_validate(
        {
            **tool.model_dump(),
            "integrations": [*(i.model_dump() for i in tool.integrations), {"tool": b}],
        }
    )
    before = evaluate(catalog, req, stack).glue.value
    assert evaluate(with_tool(catalog, upgraded), req, stack).glue.value <= before + 1e-9


@SETTINGS
@given(scenarios(), st.data())
def test_a_library_running_inside_a_stack_tool_never_raises_glue(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    """Recording that tool a is a Python library and tool b runs Python (so a can be called
    inside b) only adds a native connection, concerns b carries and no tool boundary."""
    catalog, req, stack = scenario
    a, b = two_tools(stack, data)
    lib, host = catalog.tools[a], catalog.tools[b]
    assume("python" not in lib.standards)
    library = lib.model_validate({**lib.model_dump(), "runs_in": ["python"]})
    hosting = host.model_validate(
        {**host.model_dump(), "standards": sorted({*host.standards, "python"} - set(host.runs_in))}
    )
    assume("python" not in host.runs_in)
    before = evaluate(catalog, req, stack)
    after = evaluate(with_tool(with_tool(catalog, library), hosting), req, stack)
    assert after.glue.value <= before.glue.value + 1e-9
    for h in after.handoffs:
        if {h.source_tool, h.target_tool} == {a, b}:
            assert h.connection in ("same", "native")
            assert not h.team_boundary


@SETTINGS
@given(scenarios())
def test_a_single_tool_stack_has_no_handoff_glue(
    scenario: tuple[Catalog, Requirements, Stack],
) -> None:
    catalog, req, stack = scenario
    single = stack.model_copy(update={"tools": stack.tools[:1], "integrations": ()})
    e = evaluate(catalog, req, single)
    assert all(h.connection == "same" for h in e.handoffs)
    assert e.glue.value == 0


@SETTINGS
@given(scenarios(), st.data())
def test_making_a_tool_more_open_never_raises_lock_in(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    catalog, req, stack = scenario
    tool = catalog.tools[data.draw(st.sampled_from(sorted(stack.tools)))]
    change = data.draw(
        st.sampled_from(["license", "format", "api", "export", "self-hosted", "saas"])
    )
    dumped = tool.model_dump()
    if change == "license":
        dumped["license"] = "Apache-2.0"
    elif change == "format":
        dumped["openness"]["data_format"] = "open"
    elif change == "api":
        dumped["openness"]["api"] = "open"
    elif change == "export":
        dumped["openness"]["bulk_export"] = True
    else:
        dumped["deployment"] = sorted({*dumped["deployment"], change})
    opened = Tool.model_validate(dumped)
    before = evaluate(catalog, req, stack).lock_in.value
    assert evaluate(with_tool(catalog, opened), req, stack).lock_in.value <= before + 1e-9


@SETTINGS
@given(scenarios())
def test_a_stack_missing_a_must_have_is_never_viable(
    scenario: tuple[Catalog, Requirements, Stack],
) -> None:
    catalog, req, stack = scenario
    e = evaluate(catalog, req, stack)
    missing = [
        cap for cap, need in req.capabilities.items() if need.must and e.owners.get(cap) is None
    ]
    if missing:
        assert not e.viable
        assert {v.subject for v in e.violations if v.gate == "must-have"} >= set(missing)


@SETTINGS
@given(scenarios())
def test_fit_is_exactly_the_sum_of_its_contributions(
    scenario: tuple[Catalog, Requirements, Stack],
) -> None:
    e = evaluate(*scenario)
    for score in (e.fit, e.glue, e.lock_in, e.overall):
        assert abs(score.value - sum(c.points for c in score.contributions)) < 1e-9


@SETTINGS
@given(scenarios(), st.data())
def test_the_pareto_front_is_never_empty_and_rank_one_is_viable_when_any_is(
    scenario: tuple[Catalog, Requirements, Stack], stacks_pair: st.DataObject
) -> None:
    catalog, req, stack = scenario
    other = stacks_pair.draw(stacks(catalog, name="t"))
    result = compare([(stack, None), (other, None)], req, catalog, today=TODAY)
    assert any(r.pareto for r in result.stacks)
    if any(r.evaluation.viable for r in result.stacks):
        assert result.stacks[0].evaluation.viable


@SETTINGS
@given(scenarios())
def test_removing_an_idle_tool_never_raises_cost(
    scenario: tuple[Catalog, Requirements, Stack],
) -> None:
    catalog, req, stack = scenario
    e = evaluate(catalog, req, stack)
    # An existing investment is not free to drop: its contract and migration still cost.
    owned = {x.tool for x in req.existing}
    idle = [t for t in e.idle if t not in owned]
    assume(idle and len(stack.tools) > 1)
    slimmer = stack.model_copy(update={"tools": tuple(t for t in stack.tools if t != idle[0])})
    lighter = evaluate(catalog, req, slimmer)
    assert lighter.cost.value <= e.cost.value + 1e-9
    assert lighter.annual_cost.high <= e.annual_cost.high + 1e-6


ID = st.sampled_from(["MIT", "Apache-2.0", "SSPL-1.0", "BUSL-1.1", "AGPL-3.0-only", "proprietary"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(ID, min_size=1, max_size=3), min_size=1, max_size=3),
    st.lists(ID, max_size=3),
)
def test_an_or_licence_is_avoided_only_when_every_option_is(
    options: list[list[str]], banned: list[str]
) -> None:
    from evaluator.scoring.licence import avoided

    expression = " OR ".join(" AND ".join(option) for option in options)
    every = all(any(i in banned for i in option) for option in options)
    assert avoided(expression, banned) == every


@SETTINGS
@given(scenarios(), st.data())
def test_an_integration_carrying_a_concern_never_makes_a_stack_less_viable(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    """Upgrading an integration to one documented to carry governance can only help gates."""
    catalog, req, stack = scenario
    a, b = two_tools(stack, data)
    tool = catalog.tools[a]
    carries = data.draw(
        st.lists(st.sampled_from(["access-control", "audit", "lineage"]), min_size=1, unique=True)
    )
    had = {c for i in tool.integrations if i.tool == b for c in i.carries}
    upgraded = tool.model_copy(
        update={
            "integrations": (
                *(i for i in tool.integrations if i.tool != b),
                Integration(
                    tool=b, carries=tuple(sorted(had | set(carries))), source="https://x.example/d"
                ),
            )
        }
    )
    before = evaluate(catalog, req, stack)
    after = evaluate(with_tool(catalog, upgraded), req, stack)
    assert before.owners == after.owners  # carrying changes no level, so no owner
    gates = ("sensitivity", "regulation")
    assert {v.message for v in after.violations if v.gate in gates} <= {
        v.message for v in before.violations if v.gate in gates
    }
    if before.viable:
        assert after.viable


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(*(st.sampled_from([0.0, 1.0, 2.0, 50.5]) for _ in range(4))),
        min_size=1,
        max_size=15,
    )
)
def test_the_pareto_sweep_equals_the_definition(vectors: list[tuple[float, ...]]) -> None:
    """rank() marks the front with a sorted sweep; it must equal "no other stack beats it"."""
    from evaluator.scoring.evaluate import _beats

    front: list[tuple[float, ...]] = []
    for k in sorted(set(vectors), reverse=True):
        if not any(_beats(f, k) for f in front):
            front.append(k)
    assert set(front) == {v for v in vectors if not any(_beats(o, v) for o in vectors)}


@SETTINGS
@given(scenarios())
def test_a_usage_priced_tool_is_billed_for_exactly_the_further_workloads_it_owns(
    scenario: tuple[Catalog, Requirements, Stack],
) -> None:
    """Its line names the stages it owns beyond its main jobs (no governance need, no light
    stage), and each one adds WORKLOAD_SHARE of its price: more work never costs less."""
    from evaluator.scoring import params
    from evaluator.scoring.cost import further_workloads, price, tool_line

    catalog, req, stack = scenario
    e = evaluate(catalog, req, stack)
    ctx = build_context(req, catalog)
    stated = {x.tool: x for x in req.existing}
    lines = {c.key: c.reason for c in e.cost.contributions}
    for tid in stack.tools:
        tool = catalog.tools[tid]
        owned = tuple(
            c
            for c, o in sorted(e.owners.items())
            if o == tid and further_workloads(tool, c, catalog)
        )
        fixed = tid in stated and stated[tid].annual_usd is not None
        named = "further workload" in lines[f"tool.{tid}"]
        assert named == bool(owned and not fixed)
        if owned and not fixed:
            assert f"further workload: {', '.join(owned)}," in lines[f"tool.{tid}"]
            assert not set(owned) & (params.LIGHT_STAGES | set(ctx.concerns))
    for tid, tool in catalog.tools.items():
        further = tuple(c for c in sorted(tool.capabilities) if further_workloads(tool, c, catalog))
        fixed = tid in stated and stated[tid].annual_usd is not None
        low, high, _ = price(tool, ctx, stated.get(tid))
        base = tool_line(tool, ctx, stated.get(tid), False)
        more = tool_line(tool, ctx, stated.get(tid), False, further)
        grow = 0.0 if fixed else params.WORKLOAD_SHARE * len(further)
        assert abs((more.low - base.low) - grow * low) <= 1e-6 * max(1.0, low)
        assert abs((more.high - base.high) - grow * high) <= 1e-6 * max(1.0, high)
