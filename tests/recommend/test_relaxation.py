"""The stage relaxation's lazy machinery against its own eager definition.

Each stage of a relaxation materialises its candidates best first without evaluating most of
them (cheap bounds, handoff floors, and - for long lists - the order of the relaxation it
refines). Whatever it materialises must be exactly what evaluating every candidate and sorting
would give, its messages must be the plain maximum over the candidates, and a relaxation that
decides one more concern can never value a candidate higher than the one it refines.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.recommend.problem import NO_TOOL, Problem, compile_problem
from evaluator.recommend.search import _UNDECIDED, _Search, _Stage, search
from evaluator.scoring import build_context
from tests.recommend.streaming import SETTINGS_TO_TRY, stream_min
from tests.scoring.strategies import catalogs, requirements

TODAY = dt.date(2026, 11, 26)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def eager_order(stage: _Stage) -> list[float]:
    values = [stage.w(i) for i in range(len(stage.cand))]
    if not stage.must:
        values.append(stage.w(-1))
    return sorted(values, reverse=True)


def eager_msg(stage: _Stage, a: int) -> float:
    options = [stage.w(i) + stage.cost(a, i) for i in range(len(stage.cand))]
    if not stage.must:
        options.append(stage.w(-1))
    return max(options, default=-math.inf)


def keys_of(s: _Search, data: st.DataObject) -> list[tuple[int, ...]] | None:
    """A chain of concern keys, each deciding one more concern the way the search may: the
    stack's own best tool for it, a new tool that outranks that one without outranking a
    decided owner on its concern, or nothing when no stack tool serves it."""
    p = s.p
    stack = set(s.forced)
    limit: dict[int, int] = {}  # decided concern -> rank a new tool must stay behind
    key = [_UNDECIDED] * s.ns0
    chain = [tuple(key)]
    for k in range(s.ns0):
        c = s.order[k]
        ranks = p.rank[c]
        own = min((t for t in stack if t in ranks), key=lambda t: ranks[t], default=NO_TOOL)
        options = []
        if own != NO_TOOL:
            options.append(own)
        elif not p.needs[c].must:
            options.append(NO_TOOL)
        for t in s.cand[c]:
            if (own == NO_TOOL or ranks[t] < ranks[own]) and all(
                rk > limit.get(c2, -1) for c2, _lv, rk in p.tool_needs[t]
            ):
                options.append(t)
        if not options:
            return None
        t = data.draw(st.sampled_from(options))
        key[k] = t
        limit[c] = ranks[t] if t != NO_TOOL else 1 << 30
        if t != NO_TOOL:
            stack.add(t)
        chain.append(tuple(key))
    return chain


def check_chain(s: _Search, chain: list[tuple[int, ...]]) -> None:
    previous = None
    for key in chain:
        dp = s._stage_dp(key)
        for k, stage in enumerate(dp):
            # Materialise lazily first (the order under test), then compare with eager.
            lazy = []
            n = 0
            while (got := stage.sorted_at(n)) is not None:
                lazy.append(got[0])
                n += 1
            assert lazy == eager_order(stage)
            pk = s.parent[k]
            parents = {NO_TOOL} | (set(dp[pk].cand) if pk >= 0 else set())
            for a in sorted(parents):
                assert stage.msg(a) == eager_msg(stage, a)
            if previous is not None:
                for i in range(len(stage.cand)):
                    assert stage.w(i) <= previous[k].w(i) + 1e-9
        previous = dp


@SETTINGS
@given(st.data())
def test_lazy_stages_equal_their_eager_definition(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=3, max_tools=9))
    req = data.draw(requirements(catalog))
    p = compile_problem(catalog, build_context(req, catalog), TODAY)
    with stream_min(data.draw(st.sampled_from(SETTINGS_TO_TRY))):
        s = _Search(p, 3, (), False, None, None, None, False)
        if s._setup() is not None or s.nstage == 0:
            return
        chain = keys_of(s, data)
        if chain is not None:
            check_chain(s, chain)


@functools.cache
def synthetic_problem(n: int) -> Problem:
    catalog = synthetic_catalog(n)
    req = synthetic_requirements(catalog)
    return compile_problem(catalog, build_context(req, catalog), TODAY)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_lazy_stages_on_realistic_catalogs(data: st.DataObject) -> None:
    """Synthetic catalogs (benchmarks/synthetic.py) give every stage tens of candidates and
    handoffs to several children, where the cheap bounds and the streamed order matter."""
    p = synthetic_problem(data.draw(st.sampled_from([60, 150])))
    with stream_min(data.draw(st.sampled_from(SETTINGS_TO_TRY))):
        s = _Search(p, 3, (), False, None, None, None, False)
        assert s._setup() is None
        chain = keys_of(s, data)
        if chain is not None:
            check_chain(s, chain)


def test_bound_never_below_a_leaf_on_realistic_catalogs() -> None:
    for n in (100, 150):
        for streaming in SETTINGS_TO_TRY:
            with stream_min(streaming):
                result = search(synthetic_problem(n), top=5, check_bound=True)
            assert result.stats.proven
            assert result.found
