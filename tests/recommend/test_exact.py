"""The search is exact: on random small catalogs its top K equals exhaustive enumeration of the
same search space scored by evaluate_stack, and its bound is never below a stack it covers."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.exhaustive import exhaustive as reference
from evaluator.catalog import Catalog
from evaluator.models import AccessGranularity, Deployment, Requirements
from evaluator.recommend import bound
from evaluator.recommend.bnb import Search, _State
from evaluator.recommend.explain import _runner_ups, recommend, stack_of
from evaluator.recommend.space import build_space
from evaluator.scoring import build_context, evaluate_stack
from evaluator.scoring.glue import permission_domains
from evaluator.scoring.stackview import build_view
from tests.scoring.strategies import catalogs, make_catalog, requirements, requirements_with_units

TODAY = dt.date(2026, 11, 26)
# STACKFIT_EXAMPLES raises the example count for a longer local run (CI uses the default).
SETTINGS = settings(
    max_examples=int(os.environ.get("STACKFIT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def exhaustive(
    catalog: Catalog,
    req: Requirements,
    *,
    top: int,
    base: tuple[str, ...] = (),
    allow_drop: bool = False,
    max_tools: int | None = None,
) -> list[tuple[tuple[str, ...], float]]:
    """Every stack of the search space, scored by evaluate_stack: the reference answer."""
    return reference(
        catalog, req, today=TODAY, top=top, base=base, allow_drop=allow_drop, max_tools=max_tools
    )


def check(
    catalog: Catalog,
    req: Requirements,
    top: int,
    base: tuple[str, ...] = (),
    allow_drop: bool = False,
    max_tools: int | None = None,
) -> None:
    want = exhaustive(catalog, req, top=top, base=base, allow_drop=allow_drop, max_tools=max_tools)
    base_stack = stack_of(base, "base") if base else None
    got = recommend(
        req,
        catalog,
        today=TODAY,
        top=top,
        base=base_stack,
        allow_drop=allow_drop,
        max_tools=max_tools,
        explain=False,
    )
    assert got.stats.proven
    have = [(r.stack.tools, r.evaluation.overall.value) for r in got.results]
    assert [round(v, 9) for _, v in have] == [round(v, 9) for _, v in want]
    assert [t for t, _ in have] == [t for t, _ in want]


@SETTINGS
@given(st.data())
def test_top_k_equals_exhaustive_enumeration(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=2, max_tools=7))
    req = data.draw(requirements(catalog))
    check(catalog, req, data.draw(st.integers(1, 5)))


def check_drawn(
    data: st.DataObject,
    reqs: Callable[[Catalog], st.SearchStrategy[Requirements]],
    *,
    base_size: int,
) -> None:
    """``check`` on a drawn catalog, requirements from ``reqs``, a partial stack of at most
    ``base_size`` tools and drawn options (top, allow_drop, max_tools)."""
    catalog = data.draw(catalogs(min_tools=2, max_tools=6))
    req = data.draw(reqs(catalog))
    base = tuple(
        data.draw(st.lists(st.sampled_from(sorted(catalog.tools)), max_size=base_size, unique=True))
    )
    check(
        catalog,
        req,
        top=data.draw(st.integers(1, 4)),
        base=base,
        allow_drop=data.draw(st.booleans()),
        max_tools=data.draw(st.none() | st.integers(1, 4)),
    )


@SETTINGS
@given(st.data())
def test_options_match_exhaustive_enumeration(data: st.DataObject) -> None:
    check_drawn(data, requirements, base_size=2)


@SETTINGS
@given(st.data())
def test_top_k_with_business_units_equals_exhaustive_enumeration(data: st.DataObject) -> None:
    """With units the search optimises the organisation's score under every unit's gates; its
    pruning by tool gates, must-haves and storage controls must stay sound for all of them."""
    check_drawn(data, requirements_with_units, base_size=1)


@SETTINGS
@given(st.data())
def test_bound_never_below_a_stack_on_its_path(data: st.DataObject) -> None:
    """Along the decision path of any stack of the space, every node's bound is at least the
    stack's exact overall score (the property pruning relies on)."""
    catalog = data.draw(catalogs(min_tools=2, max_tools=7))
    req = data.draw(requirements(catalog))
    context = build_context(req, catalog)
    space = build_space(catalog, context, TODAY, allow_drop=True)
    search = Search(space, top=1)
    tools = data.draw(st.lists(st.sampled_from(sorted(catalog.tools)), min_size=1, unique=True))
    e = evaluate_stack(stack_of(tools, "x"), context, catalog, today=TODAY)
    owning = {o for o in e.owners.values() if o is not None}
    allowed = {t for n in space.needs for t in n.candidates}
    if not e.viable or set(tools) - owning or not set(tools) <= allowed:
        return
    state = _State(tools=set())
    for k, need in enumerate(space.needs):
        assert search._bound(state, k) >= e.overall.value - 1e-7
        owner = e.owners[need.capability]
        state.owners[need.capability] = owner
        if owner is not None:
            state.tools.add(owner)
    assert search._bound(state, len(space.needs)) >= e.overall.value - 1e-7


def every_node_covers_the_leaves_below(
    catalog: Catalog, req: Requirements, allow_drop: bool, below: float
) -> None:
    context = build_context(req, catalog)
    space = build_space(catalog, context, TODAY, allow_drop=allow_drop)
    if space.infeasible is not None:
        return
    every = reference(catalog, req, today=TODAY, top=10**6, allow_drop=allow_drop)
    for tools, value in every:
        search = Search(space, top=1)
        search.threshold = lambda v=value: v - below  # type: ignore[method-assign]
        e = evaluate_stack(stack_of(tools, "x"), context, catalog, today=TODAY)
        final = len(permission_domains(build_view(stack_of(tools, "x"), catalog, context)))
        state = _State(tools=set(space.forced))
        if "access-control" in search.need:
            # The bound's count of permission systems for an access-control option is the
            # model's count.
            holders = frozenset(
                o
                for o in e.owners.values()
                if o is not None and catalog.tools[o].governance.access().value != "none"
            )
            assert search._systems_with(holders, e.owners["access-control"]) == final, tools
        for k, need in enumerate(space.needs):
            bound, children = search._bound_and_options(state, k)
            assert bound >= value - 1e-7, (tools, k)
            # The child that takes this stack's owner covers it too (children are pruned and
            # ordered by these).
            assert children[e.owners[need.capability]] >= value - 1e-7, (tools, k)
            # The permission systems the bound counts: those of the node, and one more for
            # each later owner that is a system of its own.
            _, systems = search._decided_glue(state)
            working = {o for o in state.owners.values() if o is not None}
            later = {o for o in e.owners.values() if o is not None} - working
            if systems:
                own = sum(1 for t in later if search._new_system(t, state.owners))
                assert final >= systems + own, (tools, k)
            owner = e.owners[need.capability]
            state.owners[need.capability] = owner
            if owner is not None:
                state.tools.add(owner)
        assert search._bound(state, len(space.needs)) >= value - 1e-7


@SETTINGS
@given(st.data())
def test_bound_at_every_node_covers_the_best_leaf_below(data: st.DataObject) -> None:
    """Every node on the path of every stack of the space (so every node with a leaf below it)
    has a bound at least the best leaf below it, also once a K-th best is known: the bound may
    then give up completions that score below it (the cost cut), never one above."""
    catalog = data.draw(catalogs(min_tools=2, max_tools=6))
    req = data.draw(requirements(catalog))
    every_node_covers_the_leaves_below(
        catalog, req, data.draw(st.booleans()), data.draw(st.floats(0.0, 30.0))
    )


def test_solving_fewer_groups_of_governance_options_only_loosens_the_bound() -> None:
    """The joint bound solves at most MAX_GROUPS groups of a governance need's options one by one
    and bounds the rest without their coupling costs, so a lower limit can only loosen it. On
    the shipped catalog, with a real-catalog benchmark file whose governance needs have dozens
    of candidates (seed 20261412: 15 needs, at most 3 tools)."""
    from evaluator.catalog import load_catalog

    catalog = load_catalog()
    req = Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "seed 20261412",
            "capabilities": {
                "semantic-layer": {},
                "transformation": {},
                "experiment-tracking": 1,
                "data-labelling": {},
                "vector-search": {},
                "ingestion": 5,
                "warehouse": 5,
                "data-catalog": {"weight": 5, "must": True, "min_level": 2},
                "monitoring": 4,
                "lakehouse-table-format": {},
                "bi": 5,
                "audit": 2,
                "feature-store": {"weight": 5, "must": True},
                "orchestration": 1,
                "training": {"weight": 1, "must": True},
            },
            "existing": [{"tool": "h2o-ai-cloud"}],
        }
    )
    space = build_space(catalog, build_context(req, catalog), TODAY, max_tools=3)
    limit = bound.MAX_GROUPS
    try:
        bound.MAX_GROUPS = 1
        few, few_children = Search(space, top=1)._bound_and_options(_State(), 0)
        bound.MAX_GROUPS = 10**6
        every, every_children = Search(space, top=1)._bound_and_options(_State(), 0)
    finally:
        bound.MAX_GROUPS = limit
    assert few >= every - 1e-9
    assert all(few_children[t] >= v - 1e-9 for t, v in every_children.items())


@SETTINGS
@given(st.data())
def test_bound_with_open_source_tools_that_keep_their_own_permissions(
    data: st.DataObject,
) -> None:
    """The same on catalogs of open-source, self-hostable tools with their own access control:
    each is a permission system of its own unless the access-control tool governs it, which the
    bound counts before that tool is known."""
    drawn = data.draw(catalogs(min_tools=2, max_tools=6))
    tools = [
        t.model_copy(
            update={
                "license": "Apache-2.0",
                "deployment": tuple(dict.fromkeys((*t.deployment, Deployment.SELF_HOSTED))),
                "governance": t.governance.model_copy(
                    update={
                        "access_control": data.draw(
                            st.sampled_from([AccessGranularity.ROLE, AccessGranularity.FINE])
                        )
                    }
                ),
            }
        )
        for t in drawn.tools.values()
    ]
    catalog = make_catalog(tools)
    req = data.draw(requirements(catalog))
    every_node_covers_the_leaves_below(
        catalog, req, data.draw(st.booleans()), data.draw(st.floats(0.0, 30.0))
    )


def test_a_control_only_a_units_own_governance_tool_could_carry_is_not_pruned_by() -> None:
    """The search knows only the organisation's governance tools. An audit-first organisation
    needs no access-control tool; a permission-first unit on regulated data does, and its
    access-control tool may carry fine-grained access to a holder: pruning holders by that
    control would lose stacks, so the search leaves it to the model's own check at the leaves."""
    from evaluator.models import Control
    from evaluator.recommend.space import holder_controls
    from evaluator.scoring.units import unit_contexts
    from tests.scoring.strategies import make_catalog

    catalog = make_catalog([])
    req = Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "org",
            "governance": {"posture": 0},
            "capabilities": {"warehouse": 5, "bi": 3},
            "units": [
                {"id": "finance", "sensitivity": "regulated", "governance": {"posture": 1}},
                {"id": "marketing", "sensitivity": "confidential"},
            ],
        }
    )
    context = build_context(req, catalog)
    units = unit_contexts(req, catalog)
    assert "access-control" not in {n.capability for n in context.needs}
    controls = holder_controls(context, units, catalog)
    assert Control.ACCESS_FINE not in controls  # finance's own access-control tool may carry it
    assert Control.ACCESS_ROLE in controls  # marketing has no access-control need either
    assert {Control.AUDIT, Control.LINEAGE, Control.SSO} <= set(controls)


@SETTINGS
@given(st.data())
def test_runner_ups_skipped_by_the_bound_could_not_have_won(data: st.DataObject) -> None:
    """explain scores a role's runner-up candidates best bound first and skips those whose bound
    (the search's, with every need decided) is below the best so far: the runner-ups are the ones
    scoring every candidate gives, with and without business units."""
    catalog = data.draw(catalogs(min_tools=4, max_tools=8))
    req = data.draw(st.one_of(requirements(catalog), requirements_with_units(catalog)))
    context = build_context(req, catalog)
    space = build_space(catalog, context, TODAY)
    result = Search(space, top=3).run()
    relaxation = bound.Relaxation(space)
    for f in result.found:
        assert _runner_ups(space, f, {}, relaxation) == _runner_ups(space, f, {})


def test_runner_ups_on_the_shipped_example_are_those_of_scoring_every_candidate() -> None:
    """The same on the shipped catalog and example, where a role has a dozen candidates."""
    import yaml

    from evaluator.catalog import load_catalog

    catalog = load_catalog()
    path = Path(__file__).parents[2] / "stacks" / "requirements.yaml"
    req = Requirements.model_validate(yaml.safe_load(path.read_text()))
    space = build_space(catalog, build_context(req, catalog), TODAY)
    result = Search(space, top=2).run()
    relaxation = bound.Relaxation(space)
    for f in result.found:
        assert _runner_ups(space, f, {}, relaxation) == _runner_ups(space, f, {})
