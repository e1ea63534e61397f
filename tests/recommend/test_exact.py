"""The search is exact: on random small catalogs its top K equals exhaustive enumeration scored
by evaluate_stack, and its kernel equals evaluate_stack on any stack."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator.catalog import Catalog
from evaluator.models import Requirements, Stack
from evaluator.recommend.explain import recommend, stack_of
from evaluator.recommend.kernel import score
from evaluator.recommend.problem import compile_problem
from evaluator.recommend.search import search
from evaluator.scoring import build_context, evaluate_stack
from tests.recommend.solvers import SOLVERS, solver
from tests.scoring.strategies import catalogs, requirements, scenarios

TODAY = dt.date(2026, 11, 26)
# STACKFIT_EXAMPLES raises the example count for a longer local run (CI uses the default).
SETTINGS = settings(
    max_examples=int(os.environ.get("STACKFIT_EXAMPLES", "120")),
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
    context = build_context(req, catalog)
    contracts = set()
    if not allow_drop:
        contracts = {
            e.tool
            for e in req.existing
            if e.commitment.value == "contract" and (e.until is None or e.until >= TODAY)
        }
    forced = set(base) | contracts
    others = sorted(set(catalog.tools) - forced)
    out = []
    for n in range(len(others) + 1):
        for extra in itertools.combinations(others, n):
            tools = sorted(forced | set(extra))
            if not tools or (max_tools is not None and len(tools) > max_tools):
                continue
            e = evaluate_stack(stack_of(tools, "x"), context, catalog, today=TODAY)
            owning = {o for o in e.owners.values() if o is not None}
            if not e.viable or not set(extra) <= owning:
                continue
            out.append((tuple(tools), e.overall.value))
    out.sort(key=lambda x: (-round(x[1], 9), x[0]))
    return out[:top]


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
    have = [(r.stack.tools, r.evaluation.overall.value) for r in got.results]
    assert [t for t, _ in have] == [t for t, _ in want]
    for (_, a), (_, b) in zip(have, want, strict=True):
        assert abs(a - b) <= 1e-9


@pytest.mark.parametrize("name", SOLVERS)
@SETTINGS
@given(st.data())
def test_top_k_equals_exhaustive_enumeration(name: str, data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=2, max_tools=8))
    req = data.draw(requirements(catalog))
    top = data.draw(st.integers(1, 6))
    with solver(name):
        check(catalog, req, top)


@SETTINGS
@given(st.data())
def test_options_match_exhaustive_enumeration(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=2, max_tools=7))
    req = data.draw(requirements(catalog))
    base = tuple(
        data.draw(st.lists(st.sampled_from(sorted(catalog.tools)), max_size=2, unique=True))
    )
    check(
        catalog,
        req,
        top=data.draw(st.integers(1, 4)),
        base=base,
        allow_drop=data.draw(st.booleans()),
        max_tools=data.draw(st.none() | st.integers(1, 4)),
    )


@pytest.mark.parametrize("name", SOLVERS)
@SETTINGS
@given(st.data())
def test_bound_never_below_a_leaf(name: str, data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=3, max_tools=9))
    req = data.draw(requirements(catalog))
    p = compile_problem(catalog, build_context(req, catalog), TODAY)
    with solver(name):
        search(p, top=data.draw(st.integers(1, 3)), check_bound=True)


@SETTINGS
@given(scenarios())
def test_kernel_equals_evaluate_stack(scenario: tuple[Catalog, Requirements, Stack]) -> None:
    catalog, req, stack = scenario
    context = build_context(req, catalog)
    p = compile_problem(catalog, context, TODAY, stack)
    e = evaluate_stack(stack, context, catalog, today=TODAY)
    s = score(p, [p.index[t] for t in stack.tools])
    assert s.viable == e.viable
    assert abs(s.fit - e.fit.value) <= 1e-9
    assert abs(s.glue - e.glue.value) <= 1e-9
    assert abs(s.lock_in - e.lock_in.value) <= 1e-9
    assert abs(s.overall - e.overall.value) <= 1e-9
