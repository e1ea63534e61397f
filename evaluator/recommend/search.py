"""Exact branch and bound over stacks: the top K viable stacks by overall score.

The search space (docs/recommend.md): every stack made of the forced tools (``--from`` and tools
under an active contract, unless drops are allowed) plus any set of other tools that pass the
per-tool gates, in which every tool that is not forced owns at least one needed capability under
the scoring model's owner rule, with at most ``max_tools`` tools.

Each such stack is reached exactly once by deciding, need by need in a fixed order, which tool
owns it: a tool already in the stack (the best-ranked one, as the owner rule says), a new tool
that outranks every tool in the stack, or none. A tool added for one need may never outrank the
owner already decided for another need (that would change the earlier decision), so decisions
are final and the stack at a leaf is scored exactly by the kernel.

The order is: concerns first (access control first, then by need weight), then stages along
the handoff graph. The bound (an upper bound on the overall score of every viable leaf below a
node) drops the owner rule's coupling between needs. Once the concern tools are known, each handoff's glue depends on
its two ends only, so the stages form a pairwise problem over the handoff tree (other handoffs
are dropped until both ends are decided), solved exactly and lazily by max-sum messages, once per
set of concern tools (``_Stage``); candidates are valued by fit, lock-in at its concentration
floor and a share of the concern tools' attachments. Undecided concerns are valued by their own
fit and lock-in and assumed to carry their bit at no cost. Corrections for the decided part
(vendor concentration, certain permission systems, certain attachments, reuse only of existing
tools that can still join) only lower the bound towards the exact score, so pruning a node whose
bound is below the K-th best score found is safe. No dominance rule is used (see the notes on
why the naive one is unsafe).

What the owner rule already fixes is applied before any bound: candidates a forced tool
outranks are dropped at setup; a relaxation leaves out stage candidates its concern tools
outrank or would be outranked by; a set of concern tools that leaves a must-have stage without
a candidate is skipped (``_feasible``); a stack-wide control no joining tool could bring prunes
(``_unmet``). Concern options are refined in stages, cheapest first (``_concern_options``), and
inside a relaxation each candidate gets a cheap bound before its exact value (``_Stage.ub``).
docs/benchmarks.md measures each of these.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import heapq
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from evaluator.recommend.kernel import Scored, score
from evaluator.recommend.problem import (
    ALL_CONCERNS,
    CONCERN_BIT,
    CONN_POINTS,
    CUSTOM,
    HUB_CAPABILITY,
    NO_TOOL,
    STANDARD,
    UNRANKED,
    Problem,
)
from evaluator.scoring import params

STREAM_MIN = 40
"""Stage candidate lists longer than this read a refined relaxation's exact order (_Stage)."""
TOLERANCE = 1e-7
"""Scores within this of the K-th best are kept as ties; the bound is compared with this slack."""
_NEG = -math.inf
_UNDECIDED = -2
_T = TypeVar("_T")


class _Stopped(Exception):
    """Unwinds the search when a node or time limit is reached."""


@dataclass(frozen=True)
class Found:
    tools: tuple[int, ...]  # sorted tool indices
    owners: tuple[int, ...]
    scored: Scored


@dataclass
class Stats:
    nodes: int = 0
    leaves: int = 0
    seconds: float = 0.0
    proven: bool = True
    """False when a node or time limit stopped the search before it proved the answer."""


@dataclass
class SearchResult:
    found: list[Found]
    """Best first (overall, then tool ids); the top K plus any exact ties with the K-th."""
    pareto: list[Found]
    """Viable stacks the search scored that no other one it scored beats on fit, glue and lock-in."""
    stats: Stats
    infeasible: str | None = None
    forced: tuple[int, ...] = ()
    candidates: list[list[int]] = field(default_factory=list)
    """Per need: the tools allowed to own it, best first by the owner rule."""


class _Hubs:
    """The concern tools decided so far, as the stage relaxation sees them: which concern bits
    a handoff may still be charged for, which hubs carry their bit across a handoff they reach,
    and each stage candidate's attachment points (shared out over the stage needs it can serve,
    since a tool is attached once however many stages it serves)."""

    __slots__ = (
        "attach",
        "bits",
        "carry",
        "fits",
        "floor",
        "full",
        "g",
        "hub",
        "limits",
        "lows",
        "members",
        "memo",
        "p",
        "search_concern_ranks",
        "static",
    )

    def __init__(self, s: _Search, key: tuple[int, ...]) -> None:
        p = s.p
        self.p = p
        self.g = s.glue_gain
        static = s.static
        carry: list[tuple[int, int]] = []
        hub: list[int] = []
        # Decided concern owners are in every stack below: a stage candidate they outrank can
        # never own that stage, and a new tool may not outrank them on their concern (nor
        # serve a concern decided as uncovered) - the owner rule, which the search enforces
        # per node, applied to the relaxation once per set of concern tools.
        floor: dict[int, int] = {}
        limits: dict[int, int] = {}
        members: set[int] = set(s.forced)
        for pos, t in enumerate(key):
            c = s.order[pos]
            bit = s.hub_bit_of_need.get(c, 0)
            if t == _UNDECIDED:
                hub.append(_UNDECIDED)
                continue  # may still carry its bit anywhere: not charged yet
            limits[c] = p.rank[c][t] if t != NO_TOOL else UNRANKED
            h = t if t != NO_TOOL and p.level[c][t] >= params.HUB_MIN_LEVEL else NO_TOOL
            hub.append(h)
            static |= bit
            if h != NO_TOOL and bit:
                carry.append((bit, h))
            if t != NO_TOOL and t not in members:
                members.add(t)
                for c2, _lv, rk in p.tool_needs[t]:
                    if rk < floor.get(c2, UNRANKED):
                        floor[c2] = rk
        self.static = static
        self.carry = carry
        self.hub = tuple(hub)
        self.floor = floor
        self.limits = limits
        self.members = members
        self.fits: dict[int, bool] = {}
        self.search_concern_ranks = s.concern_ranks
        self.lows: dict[int, float] = {}
        self.memo: dict[int, float] = {}
        self.attach = [h for h in hub if h >= 0]
        self.full: dict[int, float] = {}
        self.bits: dict[int, int] = {}

    def allows(self, c: int, t: int) -> bool:
        """Whether stage candidate ``t`` may own stage need ``c`` beside these concern tools."""
        p = self.p
        if p.rank[c][t] > self.floor.get(c, UNRANKED):
            return False
        got = self.fits.get(t)
        if got is None:
            limits = self.limits
            got = t in self.members or all(
                rk > limits[c2] for c2, rk in self.search_concern_ranks[t] if c2 in limits
            )
            self.fits[t] = got
        return got

    def hub_bits(self, t: int) -> int:
        """The concern bits whose decided hub reaches tool ``t`` without custom code."""
        got = self.bits.get(t)
        if got is None:
            p = self.p
            memo, n = p._conn, p.n
            got = 0
            for bit, h in self.carry:
                if h == t:
                    got |= bit
                    continue
                r = memo.get(h * n + t if h < t else t * n + h)
                if (p.conn(h, t) if r is None else r) != CUSTOM:
                    got |= bit
            self.bits[t] = got
        return got

    def low(self, a: int) -> float:
        """A lower bound on the glue points (before team points) of a handoff between tool
        ``a`` and any other tool: its best connection, and the charged concern bits that
        neither ``a``'s own support nor the hubs reaching it could carry."""
        got = self.lows.get(a)
        if got is None:
            p = self.p
            rank = min(p.partners[a].values(), default=CUSTOM)
            if rank > STANDARD and p.bridge[a]:
                rank = STANDARD
            carry = p.flags[a] | self.hub_bits(a)
            got = CONN_POINTS[rank] + p.mask_points[self.static & ~carry]
            self.lows[a] = got
        return got

    def attachment(self, t: int) -> float:
        """Score points (>= 0) of every bridging concern tool reaching stage tool ``t``."""
        got = self.full.get(t)
        if got is None:
            p = self.p
            memo, n = p._conn, p.n
            points = 0.0
            for h in self.attach:
                if h != t:
                    r = memo.get(h * n + t if h < t else t * n + h)
                    points += CONN_POINTS[p.conn(h, t) if r is None else r]
            got = self.g * p.attachment * points
            self.full[t] = got
        return got

    def edge(self, a: int, b: int, team: float) -> float:
        """Glue points of a handoff between two different tools."""
        p = self.p
        key = a * p.n + b if a < b else b * p.n + a
        got = self.memo.get(key)
        if got is None:
            base, carried = p.pair(a, b)
            if self.carry:
                carried |= self.hub_bits(a) & self.hub_bits(b)
            got = base + p.mask_points[self.static & ~carried]
            self.memo[key] = got
        return got + team


class _Stage:
    """A stage need in the pairwise relaxation over the handoff tree (solved lazily, once per
    set of concern tools): ``w(i)`` is candidate i's own value plus the best its subtree can add
    given it, ``msg(a)`` the best the whole subtree can add when its parent need's tool is
    ``a``. Index ``-1`` is "no tool" (for needs that are not must-haves). A candidate's own
    value is its fit and lock-in floor less its share of attachments (computed on demand:
    candidates are visited in decreasing order of fit and lock-in, an upper bound); a
    data-holding candidate that fails a gate under these concern tools is worth -inf."""

    __slots__ = (
        "cand",
        "children",
        "g",
        "heap",
        "hubs",
        "memo_m",
        "memo_w",
        "mis",
        "must",
        "need",
        "none_done",
        "out",
        "pending",
        "pos",
        "prev",
        "ptr",
        "search",
        "stream",
        "team",
        "tops",
        "unary",
        "uorder",
    )

    def __init__(
        self,
        search: _Search,
        c: int,
        children: list[_Stage],
        team: float,
        hubs: _Hubs,
        prev: _Stage | None = None,
    ) -> None:
        self.search = search
        self.prev = prev
        # Read candidates in the refined relaxation's order only where lists are long: the
        # order is exact there but costs that relaxation evaluations it might not need.
        self.stream = prev is not None and len(search.cand[c]) > STREAM_MIN
        self.need = c
        self.cand = search.cand[c]
        self.unary = search.unary[c]
        self.uorder = search.uorder[c]
        self.pos = search.cpos[c]
        self.mis = search.mis
        self.children = children
        self.team = team
        self.hubs = hubs
        self.g = hubs.g
        self.must = search.p.needs[c].must
        self.memo_w: dict[int, float] = {}
        self.memo_m: dict[int, float] = {}
        self.tops = sum(ch.top() for ch in children)
        self.none_done = self.must
        self.ptr = 0
        self.heap: list[tuple[float, int]] = []
        self.pending: list[tuple[float, int]] = []
        self.out: list[tuple[float, int]] = []

    def share(self, i: int) -> float:
        """Candidate i's share of its attachments (charged once per group of tree-adjacent
        needs it owns, at most mis[t] groups)."""
        hubs = self.hubs
        if not hubs.attach:
            return 0.0
        t = self.cand[i]
        return hubs.attachment(t) / self.mis[t]

    def w(self, i: int) -> float:
        got = self.memo_w.get(i)
        if got is None:
            if i < 0:
                got = sum(ch.msg(NO_TOOL) for ch in self.children)
            else:
                t = self.cand[i]
                if not self.search._admits(self.hubs, self.need, t):
                    got = _NEG
                else:
                    got = self.unary[i] - self.share(i) + sum(ch.msg(t) for ch in self.children)
            self.memo_w[i] = got
        return got

    def sorted_at(self, n: int) -> tuple[float, int] | None:
        """The n-th best candidate by ``w`` (exact), materialised lazily.

        Candidates come in decreasing order of fit and lock-in (plus the best every child
        could add); with children, each then gets a cheaper bound first (``ub``: the glue to
        each child at least the tool's handoff floor), and only candidates whose bound can
        still beat the best exact value get their exact ``w``."""
        out = self.out
        staged = bool(self.children)
        while len(out) <= n:
            heap, order, unary, tops = self.heap, self.uorder, self.unary, self.tops
            pending = self.pending
            prev = self.prev if self.stream else None
            while True:
                if prev is not None:
                    # The same stage in the relaxation this one refines: its exact values, in
                    # order, bound these (deciding a concern only lowers them) and are shared
                    # by every sibling option.
                    pp = self.ptr
                    got = prev.out[pp] if pp < len(prev.out) else prev.sorted_at(pp)
                    bound, i = got if got is not None else (_NEG, -2)
                    if i == -1:
                        self.none_done = True
                else:
                    # The next candidate by fit and lock-in, or "no tool".
                    nxt = unary[order[self.ptr]] + tops if self.ptr < len(order) else _NEG
                    if not self.none_done and tops >= nxt:
                        bound, i = tops, -1
                    elif self.ptr < len(order):
                        bound, i = nxt, order[self.ptr]
                    else:
                        bound, i = _NEG, -2
                if pending and -pending[0][0] >= bound:
                    if heap and -pending[0][0] <= -heap[0][0]:
                        break
                    _, j = heapq.heappop(pending)
                    heapq.heappush(heap, (-self.w(j), j))
                    continue
                if i == -2 or (heap and bound <= -heap[0][0]):
                    break
                if i < 0:
                    self.none_done = True
                    if prev is not None:
                        self.ptr += 1
                    heapq.heappush(heap, (-self.w(i), i))
                    continue
                self.ptr += 1
                if staged:
                    ub = self.ub(i)
                    if ub == _NEG:  # excluded here: its exact value is -inf too
                        self.memo_w[i] = _NEG
                        heapq.heappush(heap, (math.inf, i))
                        continue
                    if self.prev is not None:
                        known = self.prev.memo_w.get(i)
                        if known is not None and known < ub:
                            ub = known
                    heapq.heappush(pending, (-min(ub, bound), i))
                else:
                    heapq.heappush(heap, (-self.w(i), i))
            if not heap:
                return None
            v, i = heapq.heappop(heap)
            out.append((-v, i))
        return out[n]

    def ub(self, i: int) -> float:
        """An upper bound on ``w(i)`` without the children's messages: towards each child,
        the best of its best candidate across a handoff that costs at least ``t``'s floor,
        "no tool", or ``t`` itself on both sides."""
        t = self.cand[i]
        hubs = self.hubs
        if not self.search._admits(hubs, self.need, t):
            return _NEG
        low = hubs.low(t)
        got = self.unary[i] - self.share(i)
        g = self.g
        for ch in self.children:
            top = ch.top()
            best = top - g * (low + ch.team)
            if not ch.must:
                none = ch.w(-1)
                if none > best:
                    best = none
            same = ch.pos.get(t)
            if same is not None:
                v = top + ch.share(same)
                if v > best:
                    best = v
            if ch.prev is not None:
                known = ch.prev.memo_m.get(t)  # the refined relaxation's exact message
                if known is not None and known < best:
                    best = known
            got += best
        return got

    def top(self) -> float:
        first = self.sorted_at(0)
        return first[0] if first is not None else _NEG

    def cost(self, a: int, i: int) -> float:
        """Glue gain of the handoff to the parent when it has tool ``a`` and this need takes
        candidate ``i``: <= 0, except that the same tool on both sides gets its attachment
        share back (a tool is attached once; here it was charged at the parent)."""
        if i < 0 or a == NO_TOOL:
            return 0.0
        t = self.cand[i]
        if t == a:
            return self.share(i)
        return -self.g * self.hubs.edge(a, t, self.team)

    def msg(self, a: int) -> float:
        """The best this subtree adds when the parent need's tool is ``a``."""
        got = self.memo_m.get(a)
        if got is None:
            best = _NEG
            same = self.pos.get(a, -2)
            if same >= 0:
                best = self.w(same) + self.share(same)
            # Any other tool costs at least ``low`` on this handoff, and "no tool" costs
            # nothing: the scan stops once no candidate left can beat the best so far.
            low = 0.0
            if a != NO_TOOL:
                low = self.g * (self.hubs.low(a) + self.team)
                if not self.must:
                    best = max(best, self.w(-1))
            n = 0
            out = self.out
            if a == NO_TOOL:
                nxt = self.sorted_at(0)
                if nxt is not None and nxt[0] > best:
                    best = nxt[0]  # no handoff: the best candidate as it is
            else:
                cand, hubs, g, team = self.cand, self.hubs, self.g, self.team
                while True:
                    nxt = out[n] if n < len(out) else self.sorted_at(n)
                    if nxt is None or nxt[0] - low <= best:
                        break
                    n += 1
                    i = nxt[1]
                    if i == same or i < 0:
                        continue
                    v = nxt[0] - g * hubs.edge(a, cand[i], team)
                    if v > best:
                        best = v
            got = best
            self.memo_m[a] = got
        return got


class _Concern:
    """A concern's candidates once every stage is decided: exact values, computed on demand in
    decreasing order of their upper bound (the candidate's own fit and lock-in)."""

    __slots__ = ("c", "cost", "none", "pairs", "s", "stage_tools", "u", "uorder", "vals")

    def __init__(
        self,
        s: _Search,
        c: int,
        stage_tools: frozenset[int],
        pairs: list[tuple[int, int]],
        cost: float,
    ) -> None:
        self.s = s
        self.c = c
        self.u = s.unary[c]
        self.uorder = s.uorder[c]
        self.stage_tools = stage_tools
        self.pairs = pairs
        self.cost = cost
        self.vals: dict[int, float] = {}
        self.none = -s.glue_gain * cost * len(pairs)

    def value(self, i: int) -> float:
        v = self.vals.get(i)
        if v is None:
            p = self.s.p
            t = self.s.cand[self.c][i]
            if p.level[self.c][t] >= params.HUB_MIN_LEVEL:
                pts = p.attachments(t, self.stage_tools)
                conn = p.conn
                for a, b in self.pairs:
                    if not ((t == a or conn(t, a) != CUSTOM) and (t == b or conn(t, b) != CUSTOM)):
                        pts += self.cost
            else:
                pts = self.cost * len(self.pairs)
            v = self.u[i] - self.s.glue_gain * pts
            self.vals[i] = v
        return v

    def best(self, br: int, crank: list[int]) -> float:
        """The best value among candidates ranked at or above ``br``."""
        best = _NEG
        u = self.u
        for i in self.uorder:
            if u[i] <= best:
                break
            if crank[i] <= br:
                v = self.value(i)
                if v > best:
                    best = v
        return best

    def ordered(self) -> Iterator[tuple[float, int]]:
        """Every candidate as (exact value, index), best first."""
        heap: list[tuple[float, int]] = []
        u = self.u
        for i in self.uorder:
            while heap and -heap[0][0] >= u[i]:
                v, j = heapq.heappop(heap)
                yield -v, j
            heapq.heappush(heap, (-self.value(i), i))
        while heap:
            v, j = heapq.heappop(heap)
            yield -v, j


def search(
    p: Problem,
    *,
    top: int = 5,
    forced: Sequence[int] = (),
    allow_drop: bool = False,
    max_tools: int | None = None,
    progress: Callable[[Stats, float | None], None] | None = None,
    node_limit: int | None = None,
    time_limit: float | None = None,
    check_bound: bool = False,
) -> SearchResult:
    s = _Search(p, top, forced, allow_drop, max_tools, progress, node_limit, check_bound)
    s.deadline = None if time_limit is None else time.perf_counter() + time_limit
    # The search allocates many small, short-lived objects and no reference cycles of its
    # own; the cyclic collector would only rescan the loaded catalog over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return s.run()
    finally:
        if collecting:
            gc.enable()


class _Search:
    def __init__(
        self,
        p: Problem,
        top: int,
        forced: Sequence[int],
        allow_drop: bool,
        max_tools: int | None,
        progress: Callable[[Stats, float | None], None] | None,
        node_limit: int | None,
        check_bound: bool,
    ) -> None:
        self.p = p
        self.top = max(1, top)
        contracts = {e.tool for e in p.existing if e.contract} if not allow_drop else set()
        self.forced = tuple(sorted(set(forced) | contracts))
        self.max_tools = max_tools if max_tools is not None else 1 << 30
        self.progress = progress
        self.node_limit = node_limit
        self.check_bound = check_bound
        self.stats = Stats()
        self.deadline: float | None = None
        self.next_progress = 0.0
        self.found: list[tuple[float, tuple[str, ...], Found]] = []
        self.pareto: list[Found] = []

    # ------------------------------------------------------------------ setup

    def run(self) -> SearchResult:
        start = time.perf_counter()
        reason = self._setup()
        if reason is None:
            # A node or time limit unwinds: what was found is kept, not proven optimal.
            with contextlib.suppress(_Stopped):
                self._dfs(0)
        self.stats.seconds = time.perf_counter() - start
        found = [f for _, _, f in self.found]
        return SearchResult(
            found=found,
            pareto=sorted(self.pareto, key=lambda f: (-f.scored.overall, self.p.tool_ids(f.tools))),
            stats=self.stats,
            infeasible=reason,
            forced=self.forced,
            candidates=getattr(self, "cand", []),
        )

    def _setup(self) -> str | None:
        p = self.p
        nn = len(p.needs)
        bad = [p.ids[t] for t in self.forced if p.bad[t]]
        if bad:
            return f"tools that must stay fail a deployment or avoid gate: {', '.join(bad)}"
        if len(self.forced) > self.max_tools:
            return f"{len(self.forced)} tools must stay, more than --max-tools {self.max_tools}"

        # Who may own each need: passes the per-tool gates, at the must-have level, and with SSO
        # where the data it holds demands it (no other tool can make up for a missing SSO).
        self.cand: list[list[int]] = []
        self.crank: list[list[int]] = []
        self.cpos: list[dict[int, int]] = []
        # A tool that must stay is in every stack, so no tool it outranks can ever own a need
        # it serves: those candidates are dropped once, here (exact, and it keeps the stage
        # relaxation from valuing owners no stack can have).
        for c, nd in enumerate(p.needs):
            ranked = sorted(p.rank[c].items(), key=lambda kv: kv[1])
            floor = min((p.rank[c][t] for t in self.forced if t in p.rank[c]), default=UNRANKED)
            allowed = [
                (t, r)
                for t, r in ranked
                if r <= floor
                and not p.bad[t]
                and (not nd.must or p.level[c][t] >= nd.min_level)
                and not (nd.holds_data and p.need_sso and not p.sso[t])
            ]
            self.cand.append([t for t, _ in allowed])
            self.crank.append([r for _, r in allowed])
            self.cpos.append({t: i for i, (t, _) in enumerate(allowed)})
            if nd.must and not allowed:
                return f"no tool can serve must-have {nd.capability} at level {nd.min_level}"

        # ---- order: concerns first (access control first, then the heaviest need first: its
        # options differ most in fit and lock-in, so deciding it early tightens the bound
        # most), then stages along the handoff graph: once the concern tools are known, every
        # handoff's glue is a function of its two ends, and the stage relaxation is a tree
        # solved exactly.
        adj: dict[int, set[int]] = {c: set() for c in range(nn)}
        for h in p.handoffs:
            adj[h.source].add(h.target)
            adj[h.target].add(h.source)
        access = p.hub_need.get("access-control")
        order = sorted(
            (c for c in range(nn) if p.needs[c].concern),
            key=lambda c: (c != access, -p.needs[c].weight, len(self.cand[c]), c),
        )
        self.ns0 = len(order)
        stages = [c for c in range(nn) if not p.needs[c].concern]
        while len(order) < nn:
            rest = [c for c in stages if c not in order]
            order.append(
                max(
                    rest,
                    key=lambda c: (
                        len(adj[c] & set(order)),
                        p.needs[c].must,
                        len(adj[c]),
                        -len(self.cand[c]),
                        -c,
                    ),
                )
            )
        self.nstage = len(stages)
        self.order = order
        self.position = {c: k for k, c in enumerate(order)}

        # ---- unary values: fit, and lock-in at its floor
        wmax = sum(nd.weight for c, nd in enumerate(p.needs) if self.cand[c])
        hhi = sum((nd.weight / wmax) ** 2 for nd in p.needs if nd.must) if wmax else 0.0
        lock_factor = p.wl * 100.0 * (0.5 + 0.5 * hhi) / wmax if wmax else 0.0
        self.wmax = wmax
        self.lock_factor = lock_factor
        self.must_weight2 = sum(nd.weight**2 for c, nd in enumerate(p.needs) if nd.must)
        self.unary: list[list[float]] = []
        self.cov: list[list[float]] = []
        for c, nd in enumerate(p.needs):
            cov = [nd.coverage * p.level[c][t] / 3 for t in self.cand[c]]
            self.cov.append(cov)
            self.unary.append(
                [
                    p.wf * cv - lock_factor * nd.weight * p.closed[t]
                    for cv, t in zip(cov, self.cand[c], strict=True)
                ]
            )
        self.glue_gain = p.wg * p.norm

        # Concern bits a handoff is charged for in the stage bound: those no hub can carry
        # (versioning, approvals, and hub concerns nobody needs). Concerns whose capability is
        # needed are charged exactly when that need is decided.
        static = ALL_CONCERNS
        self.hub_bit_of_need: dict[int, int] = {}
        for concern, cap in HUB_CAPABILITY.items():
            need = p.hub_need.get(cap)
            if need is not None:
                bit = CONCERN_BIT[concern]
                static &= ~bit
                self.hub_bit_of_need[need] = bit
        self.static = static

        # ---- the handoff graph over stage positions (relative: sp = position - ns0): a
        # spanning forest in decision order (each stage's first earlier neighbour is its
        # parent); other handoffs are charged exactly once both ends are decided, and left out
        # of the bound before that (they only cost).
        ns, ns0 = self.nstage, self.ns0
        self.parent = [-1] * ns
        self.parent_edge = [-1] * ns
        self.extra: list[list[tuple[int, int]]] = [[] for _ in range(ns)]  # (edge, earlier sp)
        for e, h in sorted(
            enumerate(p.handoffs),
            key=lambda eh: sorted((self.position[eh[1].source], self.position[eh[1].target])),
        ):
            ka, kb = self.position[h.source] - ns0, self.position[h.target] - ns0
            early, late = min(ka, kb), max(ka, kb)
            if self.parent[late] < 0:
                self.parent[late] = early
                self.parent_edge[late] = e
            else:
                self.extra[late].append((e, early))
        self.kids: list[list[int]] = [[] for _ in range(ns)]
        for k in range(ns):
            if self.parent[k] >= 0:
                self.kids[self.parent[k]].append(k)
        self.roots = [k for k in range(ns) if self.parent[k] < 0]
        # The most stage needs a tool can own with no two joined by a tree handoff (a maximum
        # independent set of its stage needs in the forest): the relaxation charges a tool's
        # attachments once per group of tree-adjacent needs it owns, 1/mis of them each time.
        by_tool: dict[int, set[int]] = {}
        for sp in range(ns):
            for t in self.cand[order[ns0 + sp]]:
                by_tool.setdefault(t, set()).add(sp)
        self.mis: dict[int, int] = {}
        for t, mine in by_tool.items():
            taken: set[int] = set()
            for sp in sorted(mine, reverse=True):  # children before parents
                if not any(ch in taken for ch in self.kids[sp]):
                    taken.add(sp)
            self.mis[t] = len(taken)
        self._dps: dict[tuple[int, ...], list[_Stage]] = {}
        self._hubs: dict[tuple[int, ...], _Hubs] = {}
        self._feasibility: dict[tuple[int, ...], bool] = {}
        self.must_stages = [c for c in stages if p.needs[c].must]
        # Per tool, its rank on each concern need it serves (what a decided concern's owner
        # limits: a new tool may not outrank it).
        self.concern_ranks = [
            tuple((c, rk) for c, _lv, rk in p.tool_needs[t] if p.needs[c].concern)
            for t in range(p.n)
        ]
        self.dp: list[_Stage] = []
        self.hubs: _Hubs | None = None
        self.frontier = 0.0
        self._hint = math.inf  # an upper bound on the stage relaxation at the next node
        # Stack-wide controls the data demands, and per need the candidates that have them.
        self.flagged = [
            (flags, [[i for i, t in enumerate(self.cand[c]) if flags[t]] for c in range(nn)])
            for needed, flags in (
                (p.need_approvals, p.approvals),
                (p.need_versioning, p.versioning),
            )
            if needed
        ]

        # ---- state
        self.owner = [NO_TOOL] * nn
        self.decided = [False] * nn
        self.limit = [-1] * nn  # a new tool must rank after this on a decided need
        self.best = [UNRANKED] * nn  # best rank in the stack so far
        self.best_tool = [NO_TOOL] * nn
        self.stack: set[int] = set()
        for t in self.forced:
            self._add(t)
        self.gain = 0.0
        self.mass = 0.0  # sum of weight x closedness over decided owners
        self.covered = 0.0  # weight of decided needs with an owner
        self.open_weight = wmax  # weight of undecided needs that have candidates
        self.must_open2 = self.must_weight2  # squared weights of undecided must-haves
        self.vendor_weight: dict[int, float] = {}
        self.cov_decided = 0.0
        self.const = 100.0 * (p.wg + p.wl)
        self.max_switch = -sum(e.dropped for e in p.existing if e.tool not in self.forced)
        self._vecs: dict[tuple[int, ...], _Concern] = {}
        self.uorder = [_desc(u) for u in self.unary]
        self.vec: dict[int, _Concern] = {k: self._concern_vec(k) for k in range(ns0)}
        return None

    def _hub_key(self) -> tuple[int, ...]:
        """Per concern position: its decided owner (NO_TOOL if decided uncovered), or
        _UNDECIDED. (Whether an owner bridges its concern is decided by _Hubs.)"""
        return tuple(
            self.owner[c] if self.decided[c] else _UNDECIDED for c in self.order[: self.ns0]
        )

    def _meets(self, t: int, key: tuple[int, ...]) -> bool:
        """Whether tool ``t`` can hold data under the gates given the hubs decided so far
        (``_Hubs.hub``: an undecided one might still cover it): kernel._viable, per holder."""
        p = self.p

        def covered(cap: str) -> bool:
            c = p.hub_need.get(cap)
            if c is None:
                return False
            h = key[self.position[c]]
            return h == _UNDECIDED or (h != NO_TOOL and (h == t or p.conn(h, t) != CUSTOM))

        if p.need_audit and not p.audit[t] and not covered("audit"):
            return False
        if p.need_lineage and not p.lineage[t] and not covered("lineage"):
            return False
        if p.need_access and p.access[t] < p.need_access:
            c = p.hub_need.get("access-control")
            if c is None:
                return False
            h = key[self.position[c]]
            if h != _UNDECIDED and not (covered("access-control") and p.access[h] >= p.need_access):
                return False
        return True

    def _stage_dp(self, key: tuple[int, ...]) -> list[_Stage]:
        """The stage relaxation for a set of concern tools (built lazily, cached)."""
        dp = self._dps.get(key)
        if dp is not None:
            return dp
        if len(self._dps) > 20_000:
            self._dps.clear()
        p = self.p
        hubs = self._hubs_for(key)
        # The relaxation this one refines (its last decided concern undecided), if built.
        last = max((j for j, t in enumerate(key) if t != _UNDECIDED), default=-1)
        prev = self._dps.get((*key[:last], _UNDECIDED, *key[last + 1 :])) if last >= 0 else None
        nodes: list[_Stage | None] = [None] * self.nstage
        for k in reversed(range(self.nstage)):
            e = self.parent_edge[k]
            kids = [nodes[j] for j in self.kids[k]]
            nodes[k] = _Stage(
                self,
                self.order[self.ns0 + k],
                [x for x in kids if x is not None],
                p.handoffs[e].team_points if e >= 0 else 0.0,
                hubs,
                prev[k] if prev is not None else None,
            )
        dp = [x for x in nodes if x is not None]
        self._dps[key] = dp
        return dp

    def _hubs_for(self, key: tuple[int, ...]) -> _Hubs:
        hubs = self._hubs.get(key)
        if hubs is None:
            if len(self._hubs) > 20_000:
                self._hubs.clear()
            hubs = self._hubs[key] = _Hubs(self, key)
        return hubs

    def _feasible(self, key: tuple[int, ...]) -> bool:
        """Whether every must-have stage still has a candidate beside these concern tools
        (one they do not outrank, that does not outrank them, and that meets the data gates
        with them): a scan per must-have, much cheaper than the stage relaxation that would
        otherwise find out."""
        got = self._feasibility.get(key)
        if got is None:
            hubs = self._hubs_for(key)
            got = True
            for c in self.must_stages:
                if not any(self._admits(hubs, c, t) for t in self.cand[c]):
                    got = False
                    break
            if len(self._feasibility) > 100_000:
                self._feasibility.clear()
            self._feasibility[key] = got
        return got

    def _admits(self, hubs: _Hubs, c: int, t: int) -> bool:
        """Whether stage candidate ``t`` may own stage need ``c`` beside the concern tools of
        ``hubs``: the owner rule allows it, and it meets the data gates if ``c`` holds data."""
        return hubs.allows(c, t) and (not self.p.needs[c].holds_data or self._meets(t, hubs.hub))

    def _concern_vec(self, k: int) -> _Concern:
        """A concern's candidates valued by their own fit and lock-in floor: concerns are
        decided before any stage, so their glue is charged in the stage relaxation."""
        return _Concern(self, self.order[k], frozenset(), [], 0.0)

    # ------------------------------------------------------------------ state changes

    def _add(self, t: int) -> list[tuple[int, int, int]]:
        undo = []
        for c, _lv, rk in self.p.tool_needs[t]:
            if rk < self.best[c]:
                undo.append((c, self.best[c], self.best_tool[c]))
                self.best[c] = rk
                self.best_tool[c] = t
        self.stack.add(t)
        return undo

    def _remove(self, t: int, undo: list[tuple[int, int, int]]) -> None:
        self.stack.discard(t)
        for c, rk, tool in reversed(undo):
            self.best[c] = rk
            self.best_tool[c] = tool

    def _fits(self, t: int) -> bool:
        """A new tool may not take over a need already decided (nor serve one decided as none)."""
        limit = self.limit
        return all(rk > limit[c] for c, _lv, rk in self.p.tool_needs[t])

    # ------------------------------------------------------------------ bound

    def _best_valid(self, k: int) -> float:
        """The best value of the concern at position ``k`` among the options still open."""
        c = self.order[k]
        vec = self.vec[k]
        br = self.best[c]
        if len(self.stack) >= self.max_tools:
            if br == UNRANKED:
                return vec.none if not self.p.needs[c].must else _NEG
            i = self.cpos[c].get(self.best_tool[c])
            return vec.value(i) if i is not None else _NEG
        value = vec.best(br, self.crank[c])
        if br == UNRANKED and not self.p.needs[c].must and vec.none > value:
            value = vec.none
        return value

    def _stuck(self, k: int) -> bool:
        """With the stack full, an undecided must-have stage that no tool in it can own."""
        if len(self.stack) < self.max_tools:
            return False
        p = self.p
        for j in range(max(k, self.ns0), len(self.order)):
            c = self.order[j]
            if p.needs[c].must and self.cpos[c].get(self.best_tool[c]) is None:
                return True
        return False

    def _unmet(self, k: int) -> bool:
        """A control the stack as a whole must have (approvals, versioning) that no tool in it
        has and no tool that may still join would bring."""
        for flagged, with_flag in self.flagged:
            if any(flagged[t] for t in self.stack):
                continue
            if len(self.stack) >= self.max_tools:
                return True
            for j in range(k, len(self.order)):
                c = self.order[j]
                br, crank, cand = self.best[c], self.crank[c], self.cand[c]
                for i in with_flag[c]:
                    if crank[i] >= br:
                        break  # (ranked after the stack's own tool: so are the rest)
                    if self._fits(cand[i]):
                        return False
            return True
        return False

    def _reuse_bound(self, k: int) -> float:
        p = self.p
        total = 0.0
        room = len(self.stack) < self.max_tools
        for e in p.existing:
            # A tool not in the stack can only join as the new owner of an undecided need it
            # outranks every stack tool on, without taking over a decided need.
            if e.tool in self.stack or (
                room
                and not p.bad[e.tool]
                and self._fits(e.tool)
                and any(
                    not self.decided[c] and e.tool in self.cpos[c] and rk < self.best[c]
                    for c, _, rk in p.tool_needs[e.tool]
                )
            ):
                total += e.share
            else:
                total += e.dropped
        return total

    def _lock_correction(self) -> float:
        """Lock-in the unary values leave out on decided needs: the vendor concentration they
        already imply and the covered weight the stack can still reach (both only grow the
        lock-in of the decided part; the undecided part keeps its floor)."""
        reach = self.covered + self.open_weight
        if self.mass <= 1e-12 or reach <= 1e-12:
            return 0.0  # (float residue of undone additions)
        hhi = (sum(w * w for w in self.vendor_weight.values()) + self.must_open2) / (reach * reach)
        exact = self.p.wl * 100.0 * (0.5 + 0.5 * hhi) * self.mass / reach
        return max(0.0, exact - self.lock_factor * self.mass)

    def _attach_correction(self, k: int) -> float:
        """Attachment points of decided stage tools that the relaxation can no longer charge:
        tool t has been charged 1/mis[t] of them per group of tree-adjacent decided needs it
        owns, and can be charged at most once more per undecided need it may still own (those
        it is the stack's best tool for); each tool is attached exactly once, so the rest is
        certain."""
        hubs = self.dp[0].hubs if self.dp else None
        if hubs is None or not hubs.attach:
            return 0.0
        order, owner, ns0, parent = self.order, self.owner, self.ns0, self.parent
        groups: dict[int, int] = {}
        for sp in range(k - ns0):
            t = owner[order[ns0 + sp]]
            if t != NO_TOOL:
                pk = parent[sp]
                top = pk < 0 or owner[order[ns0 + pk]] != t
                groups[t] = groups.get(t, 0) + (1 if top else 0)
        # A decided stage tool is in the stack, so it can only come to own an undecided need
        # it is the stack's best tool for now (a tool ranked above it keeps the need).
        best_tool = self.best_tool
        for j in range(k, len(order)):
            t = best_tool[order[j]]
            if t in groups:
                groups[t] += 1
        total = 0.0
        for t, charged in groups.items():
            m = self.mis[t]
            if charged < m:
                total += hubs.attachment(t) * (m - charged) / m
        return total

    def _permission_floor(self) -> float:
        """Permission systems already certain once the access-control need is decided: the
        vendors of decided holders its tool does not reach (glue.permission_domains; owners
        are final, so the count can only grow)."""
        p = self.p
        c = p.hub_need.get("access-control")
        if c is None or not self.decided[c]:
            return 0.0
        hub = self.owner[c]
        if hub != NO_TOOL and p.level[c][hub] < params.HUB_MIN_LEVEL:
            hub = NO_TOOL
        holders = {t for n, t in enumerate(self.owner) if self.decided[n] and t != NO_TOOL}
        if hub == NO_TOOL:
            domains = len({p.vendor[t] for t in holders if p.access[t]})
        else:
            hv = p.vendor[hub]
            domains = 1 + len(
                {
                    p.vendor[t]
                    for t in holders
                    if p.access[t] and t != hub and p.vendor[t] != hv and p.conn(hub, t) == CUSTOM
                }
            )
        return self.glue_gain * p.permission_points * max(0, domains - 1)

    def _threshold(self) -> float:
        if len(self.found) < self.top:
            return _NEG
        return self.found[self.top - 1][0] - TOLERANCE

    # ------------------------------------------------------------------ the search

    def _dfs(self, k: int) -> None:
        stats = self.stats
        stats.nodes += 1
        if self.node_limit is not None and stats.nodes > self.node_limit:
            stats.nodes -= 1
            stats.proven = False
            raise _Stopped
        if stats.nodes & 0x3F == 0 and (self.deadline is not None or self.progress is not None):
            # Nodes can cost milliseconds each (a stage relaxation), so the clock is read every
            # 64 nodes; progress is shown at most five times a second.
            now = time.perf_counter()
            if self.deadline is not None and now > self.deadline:
                stats.proven = False
                raise _Stopped
            if self.progress is not None and now >= self.next_progress:
                self.next_progress = now + 0.2
                self.progress(stats, self.found[0][0] if self.found else None)
        if k == len(self.order):
            self._leaf()
            return
        if self._stuck(k) or self._unmet(k):
            return
        ns0 = self.ns0
        sp = k - ns0
        pa = NO_TOOL
        # The parts of the bound that cost little come first: a node they already prune
        # never builds a stage relaxation (the parent's relaxation bounds this one's, since
        # deciding a concern only removes options and adds costs).
        fixed = self._fixed(k)
        threshold = self._threshold()
        if sp <= 0:
            key = self._hub_key()
            cached = self._dps.get(key)
            top = self._hint if cached is None else sum(cached[r].top() for r in self.roots)
        if sp < 0:
            # Concern phase: each undecided concern at its best, the stages by the relaxation
            # for the concern tools decided so far.
            here = _NEG
            rest = 0.0
            for j in range(k, ns0):
                v = self._best_valid(j)
                if v == _NEG:
                    return
                if j == k:
                    here = v
                rest += v
            if fixed + rest + top < threshold:
                return
            rest += self._dp_top(key)
        else:
            if sp == 0:
                if fixed + top < threshold:
                    return
                self.dp = self._stage_dp(key)
                self.frontier = sum(self.dp[r].top() for r in self.roots)
            pk = self.parent[sp]
            node = self.dp[sp]
            if pk >= 0:
                pa = self.owner[self.order[ns0 + pk]]
                here = node.msg(pa)
            else:
                here = node.top()
            rest = self.frontier
        if rest == _NEG or here == _NEG:
            return
        bound = fixed + rest - (self._attach_correction(k) if sp > 0 else 0.0)
        if bound < threshold:
            return
        self._bound_here = bound
        base = bound - here
        if sp < 0:
            self._concern_options(k, base)
        else:
            self._stage_options(k, sp, base, pa, here)

    def _fixed(self, k: int) -> float:
        """The bound's parts other than the undecided needs' values and the stage relaxation."""
        p = self.p
        return (
            self.const
            + self.gain
            + p.wf * self._reuse_bound(k)
            + p.wf * max(0.0, self.max_switch - self.cov_decided)
            - self._lock_correction()
            - self._permission_floor()
        )

    def _cheap(self, k: int) -> float:
        """The bound at concern position ``k`` (the node being entered) with the parent's stage
        relaxation in place of its own: no relaxation is built."""
        rest = 0.0
        for j in range(k, self.ns0):
            v = self._best_valid(j)
            if v == _NEG:
                return _NEG
            rest += v
        return self._fixed(k) + rest

    def _stage_options(self, k: int, sp: int, base: float, pa: int, here: float) -> None:
        """Descend into each option of the stage at position ``k`` in decreasing order of its
        bound: W (the candidate with its best subtree) plus the exact glue to decided needs."""
        p = self.p
        c = self.order[k]
        node = self.dp[sp]
        hubs = node.hubs
        br = self.best[c]
        own = self.best_tool[c] if br < UNRANKED else NO_TOOL
        room = len(self.stack) < self.max_tools
        crank = self.crank[c]
        cand = self.cand[c]
        extra = self.extra[sp]
        owner = self.owner
        order = self.order
        ns0 = self.ns0
        g = self.glue_gain
        handoffs = p.handoffs
        heap: list[tuple[float, int]] = []

        def push(i: int, w: float) -> None:
            if i < 0:
                if br < UNRANKED or p.needs[c].must:
                    return
                heapq.heappush(heap, (-w, i))
                return
            t = cand[i]
            if t != own and not (room and crank[i] < br and self._fits(t)):
                return
            v = w + node.cost(pa, i)
            for e, early in extra:
                a = owner[order[ns0 + early]]
                if a != NO_TOOL and a != t:
                    v -= g * hubs.edge(a, t, handoffs[e].team_points)
            heapq.heappush(heap, (-v, i))

        # The parent's own tool first: it may get its attachment share back (above its W).
        same = node.pos.get(pa, -2) if pa != NO_TOOL else -2
        if same >= 0 and node.w(same) != _NEG:
            push(same, node.w(same))
        n = 0
        while True:
            nxt = node.sorted_at(n)
            top = nxt[0] if nxt is not None else _NEG
            while heap and -heap[0][0] >= top:
                v, i = heapq.heappop(heap)
                if base - v < self._threshold():
                    return
                self._take(k, sp, c, i, -v, here)
            if nxt is None or top == _NEG or base + top < self._threshold():
                return  # (-inf: a holder that fails a gate with these concern tools)
            n += 1
            if nxt[1] != same:
                push(nxt[1], top)

    def _take(self, k: int, sp: int, c: int, i: int, v: float, here: float) -> None:
        """Descend with candidate ``i`` (-1: no tool) of the stage at position ``k`` whose
        option value (own value, subtree and decided edges) is ``v``."""
        tool = self.cand[c][i] if i >= 0 else NO_TOOL
        dp = self.dp
        kids = sum(dp[j].msg(tool) for j in self.kids[sp])
        old = self.frontier
        self.frontier = old - here + kids
        new = tool != NO_TOOL and tool not in self.stack
        self._descend(k, c, tool, new, v - kids, self.cov[c][i] if i >= 0 else 0.0)
        self.frontier = old

    def _concern_options(self, k: int, base: float) -> None:
        """Descend into each option of the concern at position ``k``, best bound first: its own
        value plus what deciding it costs the stage relaxation (never more than before)."""
        p = self.p
        c = self.order[k]
        vec = self.vec[k]
        br = self.best[c]
        nd = p.needs[c]
        key = self._hub_key()
        dp_top = self._dp_top(key)
        # Every option in decreasing own value: the stack's own best tool for c, or nothing
        # (no new tool), then the new tools that may own c.
        first: list[tuple[float, int, bool]] = []
        if br < UNRANKED:
            i = self.cpos[c].get(self.best_tool[c])
            if i is not None:
                first.append((vec.value(i), i, False))
        elif not nd.must:
            first.append((vec.none, -1, False))
        room = len(self.stack) < self.max_tools
        crank = self.crank[c]
        cand = self.cand[c]

        def options() -> Iterator[tuple[float, int, bool]]:
            fi = 0
            for val, i in vec.ordered() if room else iter(()):
                if not (crank[i] < br and self._fits(cand[i])):
                    continue
                while fi < len(first) and first[fi][0] >= val:
                    yield first[fi]
                    fi += 1
                yield val, i, True
            yield from first[fi:]

        # Best first by the refined bound (own value plus what the option costs the stage
        # relaxation), refined lazily: an option is given its own relaxation only when its
        # plain bound reaches the top of the queue, so options below the K-th best by their
        # plain bound never build one.
        heap: list[tuple[float, int, int, bool, int]] = []
        gen = options()
        nxt = next(gen, None)
        seq = 0
        # Every set of concern tools is met at exactly one node, so the relaxations built for
        # this node's options are dead once it is done: dropped, memory stays per path.
        made: list[tuple[int, ...]] = []
        try:
            while True:
                if nxt is not None and (not heap or -heap[0][0] < nxt[0]):
                    val, i, new = nxt
                    heapq.heappush(heap, (-val, seq, i, new, 0))
                    seq += 1
                    nxt = next(gen, None)
                    continue
                if not heap:
                    return
                v, sq, j, is_new, stage = heapq.heappop(heap)
                if base - v < self._threshold():
                    return
                if stage == 0:
                    # First the child's cheap parts (reuse, lock-in, permission systems), then its
                    # own stage relaxation.
                    r = self._with_option(k, c, j, is_new, lambda: self._cheap(k + 1))
                    heapq.heappush(heap, (-min(-v, r + dp_top - base), sq, j, is_new, 1))
                    continue
                if stage == 1:
                    t = cand[j] if j >= 0 else NO_TOOL
                    child = (*key[:k], t, *key[k + 1 :])
                    made.append(child)
                    if not self._feasible(child):
                        continue
                    r = -v + self._dp_top(child) - dp_top
                    heapq.heappush(heap, (-r, sq, j, is_new, 2))
                    continue
                self._hint = dp_top
                self._with_option(k, c, j, is_new, lambda: self._dfs(k + 1))
        finally:
            for child in made:
                self._dps.pop(child, None)
                self._hubs.pop(child, None)
                self._feasibility.pop(child, None)

    def _with_option(self, k: int, c: int, i: int, new: bool, then: Callable[[], _T]) -> _T:
        """Run ``then`` with the concern at position ``k`` decided as its option ``i``."""
        vec = self.vec[k]
        val = vec.value(i) if i >= 0 else vec.none
        tool = self.cand[c][i] if i >= 0 else NO_TOOL
        return self._within(k, c, tool, new, val, self.cov[c][i] if i >= 0 else 0.0, then)

    def _dp_top(self, key: tuple[int, ...]) -> float:
        dp = self._stage_dp(key)
        return sum(dp[r].top() for r in self.roots)

    def _descend(self, k: int, c: int, tool: int, new: bool, val: float, cov: float) -> None:
        self._within(k, c, tool, new, val, cov, lambda: self._dfs(k + 1))

    def _within(
        self,
        k: int,
        c: int,
        tool: int,
        new: bool,
        val: float,
        cov: float,
        then: Callable[[], _T],
    ) -> _T:
        """Run ``then`` with need ``c`` decided as owned by ``tool`` (state undone after)."""
        p = self.p
        undo = self._add(tool) if new else []
        self.owner[c] = tool
        self.decided[c] = True
        old_limit = self.limit[c]
        self.limit[c] = p.rank[c][tool] if tool != NO_TOOL else UNRANKED
        self.gain += val
        nd = p.needs[c]
        if self.cand[c]:
            self.open_weight -= nd.weight
        if nd.must:
            self.must_open2 -= nd.weight**2
        if tool != NO_TOOL:
            self.mass += nd.weight * p.closed[tool]
            self.covered += nd.weight
            v = p.vendor[tool]
            had = self.vendor_weight.get(v)
            self.vendor_weight[v] = (had or 0.0) + nd.weight
        self.cov_decided += cov
        got = then()
        self.gain -= val
        if self.cand[c]:
            self.open_weight += nd.weight
        if nd.must:
            self.must_open2 += nd.weight**2
        if tool != NO_TOOL:
            self.mass -= nd.weight * p.closed[tool]
            self.covered -= nd.weight
            v = p.vendor[tool]
            if had is None:
                del self.vendor_weight[v]  # only vendors in use: the concentration sums them
            else:
                self.vendor_weight[v] = had
        self.cov_decided -= cov
        self.limit[c] = old_limit
        self.decided[c] = False
        self.owner[c] = NO_TOOL
        if new:
            self._remove(tool, undo)
        return got

    def _leaf(self) -> None:
        if not self.stack:
            return
        self.stats.leaves += 1
        p = self.p
        tools = frozenset(self.stack)
        s = score(p, tools, self.owner)
        if self.check_bound and s.overall > self._bound_here + TOLERANCE:
            raise AssertionError(f"bound {self._bound_here} below exact {s.overall}")
        if not s.viable:
            return
        found = Found(tuple(sorted(tools)), tuple(self.owner), s)
        self._pareto(found)
        if s.overall < self._threshold():
            return
        ids = p.tool_ids(tools)
        entry = (s.overall, ids, found)
        keys = [(-o, i) for o, i, _ in self.found]
        self.found.insert(bisect.bisect(keys, (-s.overall, ids)), entry)
        if len(self.found) > self.top:
            cut = self.found[self.top - 1][0] - TOLERANCE
            while self.found[-1][0] < cut:
                self.found.pop()

    def _pareto(self, f: Found) -> None:
        s = f.scored
        key = (s.fit, -s.glue, -s.lock_in)
        kept = []
        for o in self.pareto:
            ok = (o.scored.fit, -o.scored.glue, -o.scored.lock_in)
            if all(x >= y for x, y in zip(ok, key, strict=True)) and ok != key:
                return
            if not (all(x >= y for x, y in zip(key, ok, strict=True)) and ok != key):
                kept.append(o)
        kept.append(f)
        self.pareto = kept


def _desc(values: list[float]) -> list[int]:
    """Indices of ``values``, largest value first."""
    return sorted(range(len(values)), key=lambda i: -values[i])
