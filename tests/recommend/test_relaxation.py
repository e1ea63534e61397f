"""The stage relaxation's two solvers against its definition, and against each other.

A relaxation is solved bottom-up over every candidate at once with array operations, or in
plain Python when few candidates are in play; a relaxation that refines another may be
restricted to the candidates whose max-marginal there can still reach what the search needs,
and stops once it cannot. Every value either solver gives must be what the definition gives
from the children's values, the two must agree to the bit, a restricted relaxation must never
be above the whole one and, with groups counted as the whole one counts them, be exact
wherever it reaches what it was asked for, max-marginals must be what forcing the candidate
gives, deciding one more concern can never value a candidate higher, and the tables built on
arrays must be what the problem gives pair by pair.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.recommend import search as search_module
from evaluator.recommend.problem import (
    CONN_POINTS,
    CUSTOM,
    NO_TOOL,
    SAME,
    Problem,
    compile_problem,
)
from evaluator.recommend.search import _UNDECIDED, _Search, _Stage, _Tree, search
from evaluator.scoring import build_context
from tests.recommend.solvers import SOLVERS, solver
from tests.scoring.strategies import catalogs, requirements

TODAY = dt.date(2026, 11, 26)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def defined_w(s: _Search, stage: _Stage, i: int) -> float:
    """A candidate's value by the definition, from its children's values."""
    if i < 0:
        return sum(ch.top() for ch in stage.children)
    t = stage.cand[i]
    if not s._admits(stage.hubs, stage.need, t):
        return -math.inf
    share = stage.hubs.attachment(t) / stage.mis[t] if stage.hubs.attach else 0.0
    return s.unary[stage.need][i] - share + sum(eager_msg(ch, t) for ch in stage.children)


def eager_msg(stage: _Stage, a: int) -> float:
    options = [stage.w(i) + stage.cost(a, i) for i in range(len(stage.cand))]
    if not stage.must:
        options.append(stage.w(-1))
    return max(options, default=-math.inf)


def values(s: _Search, dp: list[_Stage]) -> list[tuple[list[float], list[float], float]]:
    """Each stage's values, top and messages to the parent candidates the relaxation values."""
    got = []
    for k, stage in enumerate(dp):
        pk = s.parent[k]
        mv = [m for i, m in enumerate(stage.mv) if dp[pk].values[i] > -math.inf] if pk >= 0 else []
        got.append((stage.values, mv, stage.top()))
    return got


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


def check_chain(s: _Search, chain: list[tuple[int, ...]], data: st.DataObject) -> None:
    previous: list[_Stage] | None = None
    previous_key: tuple[int, ...] = ()
    for key in chain:
        dp = s._stage_dp(key)
        assert s.tree is not None
        hubs = dp[0].hubs if dp else s._hubs_for(key)
        for k, stage in enumerate(dp):
            want = [defined_w(s, stage, i) for i in range(len(stage.cand))]
            assert [stage.w(i) for i in range(len(stage.cand))] == want
            got = []
            while (nth := stage.sorted_at(len(got))) is not None:
                got.append(nth[0])
            assert got == sorted(want + ([] if stage.must else [stage.w(-1)]), reverse=True)
            # (messages to every parent candidate the relaxation values)
            pk = s.parent[k]
            parents = {NO_TOOL}
            if pk >= 0:
                parents |= {t for i, t in enumerate(dp[pk].cand) if dp[pk].w(i) > -math.inf}
            for a in sorted(parents):
                assert stage.msg(a) == eager_msg(stage, a)
            if previous is not None:
                for i in range(len(stage.cand)):
                    assert stage.w(i) <= previous[k].w(i) + 1e-9
        # Both solvers give the same values to the bit.
        dense = s.tree._dense(hubs, None, s.mis)
        sparse = s.tree._sparse(hubs, s.tree.everyone, s.mis)
        assert dense is not None
        assert sparse is not None
        assert values(s, dense) == values(s, sparse)
        if previous is not None and dp:
            check_restricted(s, key, previous_key, data)
        if dp:
            check_marginals(s, dp)
        previous, previous_key = dp, key


def check_restricted(
    s: _Search, key: tuple[int, ...], refined: tuple[int, ...], data: st.DataObject
) -> None:
    """Restricted to the candidates whose max-marginal in the relaxation it refines reaches
    ``need`` (the search's own path: _Search._dp_top), a relaxation is never above the whole
    one. With each tool's groups counted over every candidate, as the whole one counts them
    (not only over the kept ones, _Tree.groups), it is exact when it reaches ``need`` and
    below it otherwise."""
    full_dp = s._stage_dp(key)
    full = sum(full_dp[r].top() for r in s.roots)
    if full == -math.inf:
        return
    need = full + data.draw(st.floats(-3.0, 1.0))

    def restricted() -> float:
        del s._dps[key]
        try:
            return s._dp_top(key, need, refined)
        finally:
            s._dps[key] = full_dp

    assert restricted() <= full + 1e-9
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_Tree, "groups", lambda _tree, _keep: s.mis)
        top = restricted()
    if full >= need:
        assert top == full
    else:
        assert top < need


def check_marginals(s: _Search, dp: list[_Stage]) -> None:
    """A max-marginal is the relaxation's value with the stage forced to that candidate
    (checked for the first, a middle and the last candidate of each stage)."""
    assert s.tree is not None
    margins = s.tree.marginals(dp)
    hubs = dp[0].hubs
    for k, (idx, ms, _none) in enumerate(margins):
        got = dict(zip(list(idx), list(ms), strict=True))
        n = len(dp[k].cand)
        for i in sorted({0, n // 2, n - 1} if n else set()):
            keep = [list(range(len(st.cand))) for st in dp]
            keep[k] = [i]
            must, s.tree.must[k] = s.tree.must[k], True  # (no "no tool" either)
            try:
                forced = s.tree._sparse(hubs, keep, dp[k].mis)
            finally:
                s.tree.must[k] = must
            top = sum(forced[r].top() for r in s.roots)
            if top == -math.inf:
                assert i not in got
            else:
                assert abs(got[i] - top) <= 1e-9


@SETTINGS
@given(st.data())
def test_solvers_follow_the_definition(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=3, max_tools=9))
    req = data.draw(requirements(catalog))
    p = compile_problem(catalog, build_context(req, catalog), TODAY)
    with solver(data.draw(st.sampled_from(SOLVERS))):
        s = _Search(p, 3, (), False, None, None, None, False)
        if s._setup() is not None or s.nstage == 0:
            return
        chain = keys_of(s, data)
        if chain is not None:
            check_chain(s, chain, data)


@functools.cache
def synthetic_problem(n: int) -> Problem:
    catalog = synthetic_catalog(n)
    req = synthetic_requirements(catalog)
    return compile_problem(catalog, build_context(req, catalog), TODAY)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_solvers_on_realistic_catalogs(data: st.DataObject) -> None:
    """Synthetic catalogs (benchmarks/synthetic.py) give every stage tens of candidates and
    handoffs to several children."""
    p = synthetic_problem(data.draw(st.sampled_from([60, 150])))
    with solver(data.draw(st.sampled_from(SOLVERS))):
        s = _Search(p, 3, (), False, None, None, None, False)
        assert s._setup() is None
        chain = keys_of(s, data)
        if chain is not None:
            check_chain(s, chain, data)


@pytest.mark.parametrize("switch", ["RESTRICT", "CUT"])
def test_restricting_relaxations_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    """The search with relaxations restricted to the candidates that can still matter, and
    stopped once they cannot reach what the search needs, finds what it finds without (top
    1 and 5 on synthetic catalogs, where both are common)."""
    for n in (100, 300):
        for top in (1, 5):
            got = search(synthetic_problem(n), top=top)
            with monkeypatch.context() as m:
                m.setattr(search_module, switch, False)
                want = search(synthetic_problem(n), top=top)
            assert got.stats.proven
            assert want.stats.proven
            assert [(f.tools, f.scored) for f in got.found] == [
                (f.tools, f.scored) for f in want.found
            ]


def test_bound_never_below_a_leaf_on_realistic_catalogs() -> None:
    for n in (100, 150):
        for name in SOLVERS:
            with solver(name):
                result = search(synthetic_problem(n), top=5, check_bound=True)
            assert result.stats.proven
            assert result.found


@pytest.mark.parametrize("n", [60, 300])
def test_reach_is_the_connection_to_every_candidate(n: int) -> None:
    """_Tree.reach builds, for all stage candidates at once, what Problem.conn gives pair by
    pair (shared bridging formats and standards, documented integrations, the tool itself)."""
    p = synthetic_problem(n)
    s = _Search(p, 3, (), False, None, None, None, False)
    assert s._setup() is None
    tree = _Tree(s)
    for h in range(0, p.n, 7):
        points, reached = tree.reach(h)
        want = [SAME if t == h else p.conn(h, t) for t in tree.all_tools]
        assert points.tolist() == [CONN_POINTS[r] for r in want]
        assert reached.tolist() == [r != CUSTOM for r in want]


@pytest.mark.parametrize("n", [60, 300])
def test_edge_tables_are_the_pairs(n: int) -> None:
    """_Tree.edge builds, for every candidate pair across a tree handoff at once, what
    Problem.pair gives pair by pair (0 for the same tool on both sides)."""
    p = synthetic_problem(n)
    s = _Search(p, 3, (), False, None, None, None, False)
    assert s._setup() is None
    tree = _Tree(s)
    for k in range(s.nstage):
        pk = s.parent[k]
        if pk < 0:
            continue
        points, bits, same_r, same_c = tree.edge(k)
        rows, cols = tree.cand[pk], tree.cand[k]
        want = [[p.pair(a, b) if a != b else (0.0, 0) for b in cols] for a in rows]
        assert points.tolist() == [[x for x, _ in row] for row in want]
        assert bits.tolist() == [[y for _, y in row] for row in want]
        same = sorted((i, j) for i, a in enumerate(rows) for j, b in enumerate(cols) if a == b)
        assert sorted(zip(same_r.tolist(), same_c.tolist(), strict=True)) == same
