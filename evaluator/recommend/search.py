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

The bound (an upper bound on the overall score of every leaf below a node) is a relaxation that
drops the owner rule's coupling between needs: each undecided need independently takes its best
candidate, valued by its own fit and a lower bound of its lock-in, plus, for each handoff to an
earlier need, the exact glue with that need's decided tool or a lower bound over its candidates.
Concerns come last: once every stage is decided, a concern's candidates are valued exactly for
their attachments and for the concern they carry across each handoff. What the relaxation cannot
see (permission systems, hubs of capabilities nobody asked for, vendor concentration beyond its
floor) only ever lowers the exact score, so pruning a node whose bound is below the K-th best
score found is safe. No dominance rule is used (see the notes on why the naive one is unsafe).
"""

from __future__ import annotations

import bisect
import heapq
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from evaluator.recommend.kernel import Scored, score
from evaluator.recommend.problem import (
    ALL_CONCERNS,
    CONCERN_BIT,
    CONN_POINTS,
    CUSTOM,
    HUB_CAPABILITY,
    NO_TOOL,
    UNRANKED,
    Problem,
)
from evaluator.scoring import params

TOLERANCE = 1e-7
"""Scores within this of the K-th best are kept as ties; the bound is compared with this slack."""
_NEG = -math.inf
_NONE = NO_TOOL


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


class _Vec:
    """Optimistic gain of each candidate for one need at the current node."""

    __slots__ = ("_order", "none", "prefmax", "vals")

    def __init__(self, vals: list[float], none: float) -> None:
        self.vals = vals
        self.none = none
        pm: list[float] = []
        m = _NEG
        for v in vals:
            if v > m:
                m = v
            pm.append(m)
        self.prefmax = pm
        self._order: list[int] | None = None

    def value(self, i: int) -> float:
        return self.vals[i]

    def best(self, br: int, crank: list[int]) -> float:
        """The best value among candidates ranked at or above ``br``."""
        cut = bisect.bisect_right(crank, br)
        return self.prefmax[cut - 1] if cut else _NEG

    def ordered(self) -> Iterator[tuple[float, int]]:
        """Every candidate as (value, index), best first."""
        if self._order is None:
            vals = self.vals
            self._order = sorted(range(len(vals)), key=lambda i: -vals[i])
        vals = self.vals
        for i in self._order:
            yield vals[i], i


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
    return s.run()


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
        self.found: list[tuple[float, tuple[str, ...], Found]] = []
        self.pareto: list[Found] = []

    # ------------------------------------------------------------------ setup

    def run(self) -> SearchResult:
        start = time.perf_counter()
        reason = self._setup()
        if reason is None:
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
        for c, nd in enumerate(p.needs):
            ranked = sorted(p.rank[c].items(), key=lambda kv: kv[1])
            allowed = [
                (t, r)
                for t, r in ranked
                if not p.bad[t]
                and (not nd.must or p.level[c][t] >= nd.min_level)
                and not (nd.holds_data and p.need_sso and not p.sso[t])
            ]
            self.cand.append([t for t, _ in allowed])
            self.crank.append([r for _, r in allowed])
            self.cpos.append({t: i for i, (t, _) in enumerate(allowed)})
            if nd.must and not allowed:
                return f"no tool can serve must-have {nd.capability} at level {nd.min_level}"

        # ---- order: stages along the handoff graph, then concerns
        adj: dict[int, set[int]] = {c: set() for c in range(nn)}
        for h in p.handoffs:
            adj[h.source].add(h.target)
            adj[h.target].add(h.source)
        stages = [c for c in range(nn) if not p.needs[c].concern]
        order: list[int] = []
        while len(order) < len(stages):
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
        self.nstage = len(order)
        access = p.hub_need.get("access-control")
        order += sorted(
            (c for c in range(nn) if p.needs[c].concern),
            key=lambda c: (c != access, len(self.cand[c]), c),
        )
        self.cand_vendors = [{p.vendor[t] for t in cands} for cands in self.cand]
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
        # (versioning, approvals, and hub concerns whose capability no allowed tool has at the
        # hub level). Concerns whose capability is needed are charged exactly when decided.
        static = ALL_CONCERNS
        self.hub_bit_of_need: dict[int, int] = {}
        for concern, cap in HUB_CAPABILITY.items():
            bit = CONCERN_BIT[concern]
            need = p.hub_need.get(cap)
            if need is not None:
                static &= ~bit
                self.hub_bit_of_need[need] = bit
            elif any(not p.bad[t] for t in p.hub_rank.get(cap, {})):
                static &= ~bit
        self.static = static

        # ---- edges to earlier needs, per position
        self.back: list[list[tuple[int, int]]] = [[] for _ in order]  # (edge, earlier position)
        self.fwd: list[list[int]] = [[] for _ in order]  # later positions
        for e, h in enumerate(p.handoffs):
            ka, kb = self.position[h.source], self.position[h.target]
            early, late = min(ka, kb), max(ka, kb)
            self.back[late].append((e, early))
            if late not in self.fwd[early]:
                self.fwd[early].append(late)
        self.min_edge: dict[tuple[int, int], list[float]] = {}
        for k, edges in enumerate(self.back):
            for e, early in edges:
                self.min_edge[(e, k)] = self._min_edge(e, order[early], order[k])

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
        self._rows: dict[tuple[int, int, int], list[float]] = {}
        self._vecs: dict[tuple[int, ...], _Vec | _Concern] = {}
        self.uorder = [_desc(u) for u in self.unary]
        self.vec: list[_Vec | _Concern] = [self._stage_vec(k) for k in range(self.nstage)]
        self.vec += [self._concern_vec(k) for k in range(self.nstage, len(order))]
        return None

    def _min_edge(self, e: int, early: int, late: int) -> list[float]:
        """For each candidate of the later need: the least glue of this handoff over every
        choice for the earlier one (none, when it may stay uncovered, costs nothing)."""
        p = self.p
        if not p.needs[early].must:
            return [0.0] * len(self.cand[late])
        members = set(self.cand[early])
        bridge = 0
        for t in members:
            bridge |= p.bridge[t]
        team = p.handoffs[e].team_points
        out = []
        for b in self.cand[late]:
            if b in members:
                out.append(0.0)
                continue
            best = CUSTOM
            for other, r in p.partners[b].items():
                if r < best and other in members:
                    best = r
            if best > 2 and p.bridge[b] & bridge:
                best = 2
            pts = CONN_POINTS[best] + p.mask_points[self.static & ~p.flags[b]] + team
            out.append(-self.glue_gain * pts)
        return out

    def _row(self, e: int, a: int, k: int) -> list[float]:
        """Gain of handoff e for each candidate of the need at position k, given tool a."""
        key = (e, a, k)
        row = self._rows.get(key)
        if row is None:
            p = self.p
            team = p.handoffs[e].team_points
            mp = p.mask_points
            static = self.static
            g = self.glue_gain
            row = []
            for b in self.cand[self.order[k]]:
                if b == a:
                    row.append(0.0)
                else:
                    base, carried = p.pair(a, b)
                    row.append(-g * (base + mp[static & ~carried] + team))
            self._rows[key] = row
        return row

    def _stage_vec(self, k: int) -> _Vec:
        edges = self.back[k]
        key = (
            k,
            *(self.owner[self.order[i]] if self.decided[self.order[i]] else -2 for _, i in edges),
        )
        vec = self._vecs.get(key)
        if vec is None or isinstance(vec, _Concern):
            vals = list(self.unary[self.order[k]])
            for e, i in edges:
                c = self.order[i]
                if not self.decided[c]:
                    add = self.min_edge[(e, k)]
                elif self.owner[c] == NO_TOOL:
                    continue
                else:
                    add = self._row(e, self.owner[c], k)
                vals = [v + a for v, a in zip(vals, add, strict=True)]
            vec = _Vec(vals, 0.0)
            self._vecs[key] = vec
        return vec

    def _concern_vec(self, k: int) -> _Concern:
        """Exact glue of a concern's candidates once every stage has its tool (lazily: a
        candidate's own fit and lock-in bound its value, so few need their glue computed)."""
        p = self.p
        c = self.order[k]
        stage_owners = tuple(self.owner[s] if self.decided[s] else -2 for s in p.stage_needs)
        key = (-1, k, *stage_owners)
        vec = self._vecs.get(key)
        if vec is not None:
            assert isinstance(vec, _Concern)
            return vec
        bit = self.hub_bit_of_need.get(c, 0)
        pairs = []
        if bit:
            for h in p.handoffs:
                if not (self.decided[h.source] and self.decided[h.target]):
                    continue
                a, b = self.owner[h.source], self.owner[h.target]
                if a != NO_TOOL and b != NO_TOOL and a != b and not p.pair_carries(a, b) & bit:
                    pairs.append((a, b))
        stage_tools = frozenset(t for t in stage_owners if t >= 0)
        concern = _Concern(self, c, stage_tools, pairs, p.mask_points[bit])
        self._vecs[key] = concern
        return concern

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

    def _reuse_bound(self, k: int) -> float:
        p = self.p
        total = 0.0
        room = len(self.stack) < self.max_tools
        for e in p.existing:
            if e.tool in self.stack or (
                room
                and not p.bad[e.tool]
                and any(
                    not self.decided[c] and e.tool in self.cpos[c]
                    for c, _, _ in p.tool_needs[e.tool]
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
        if not self.mass:
            return 0.0
        reach = self.covered + self.open_weight
        hhi = (sum(w * w for w in self.vendor_weight.values()) + self.must_open2) / (reach * reach)
        exact = self.p.wl * 100.0 * (0.5 + 0.5 * hhi) * self.mass / reach
        return max(0.0, exact - self.lock_factor * self.mass)

    def _permission_floor(self) -> float:
        """Permission systems already certain once the access-control need is decided: vendors
        of decided holders that its tool does not reach, and that no tool still to be added could
        join to it, each stay a separate system (glue.permission_domains)."""
        p = self.p
        c = p.hub_need.get("access-control")
        if c is None or not self.decided[c]:
            return 0.0
        hub = self.owner[c]
        if hub != NO_TOOL and p.level[c][hub] < params.HUB_MIN_LEVEL:
            hub = NO_TOOL
        holders = [
            t for n, t in enumerate(self.owner) if self.decided[n] and t != NO_TOOL and p.access[t]
        ]
        vendors = {p.vendor[t] for t in holders}
        if len(vendors) < 2:
            return 0.0
        if hub == NO_TOOL:
            return self.glue_gain * p.permission_points * (len(vendors) - 1)
        joined = {p.vendor[t] for t in holders if t == hub or p.conn(hub, t) != CUSTOM}
        later: set[int] = set()
        for n in range(len(p.needs)):
            if not self.decided[n]:
                later |= self.cand_vendors[n]
        alone = vendors - joined - later
        domains = len(alone) + (1 if vendors - alone else 0)
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
            stats.proven = False
            return
        if stats.nodes & 0xFFF == 0:
            if self.deadline is not None and time.perf_counter() > self.deadline:
                self.node_limit = stats.nodes - 1
            if self.progress is not None:
                self.progress(stats, self.found[0][0] if self.found else None)
        if k == len(self.order):
            self._leaf()
            return
        p = self.p
        rest = 0.0
        here = _NEG
        for j in range(k, len(self.order)):
            v = self._best_valid(j)
            if v == _NEG:
                return
            if j == k:
                here = v
            rest += v
        slack = p.wf * max(0.0, self.max_switch - self.cov_decided)
        bound = (
            self.const
            + self.gain
            + rest
            + p.wf * self._reuse_bound(k)
            + slack
            - self._lock_correction()
            - self._permission_floor()
        )
        threshold = self._threshold()
        if bound < threshold:
            return
        self._bound_here = bound
        c = self.order[k]
        vec = self.vec[k]
        br = self.best[c]
        nd = p.needs[c]
        # Options that add no tool: the stack's own best tool for c, or nothing.
        extra: list[tuple[float, int]] = []
        if br < UNRANKED:
            i = self.cpos[c].get(self.best_tool[c])
            if i is not None:
                extra.append((vec.value(i), i))
        elif not nd.must:
            extra.append((vec.none, -1))
        extra.sort(reverse=True)
        room = len(self.stack) < self.max_tools
        base = bound - here
        crank = self.crank[c]
        cand = self.cand[c]
        xi = 0
        options = vec.ordered() if room else iter(())
        pending: tuple[float, int] | None = None
        while True:
            # Next option in decreasing optimistic value: a new tool or an extra option.
            if pending is None:
                for val, i in options:
                    if crank[i] < br and self._fits(cand[i]):
                        pending = (val, i)
                        break
            new_val = pending[0] if pending is not None else _NEG
            ex_val = extra[xi][0] if xi < len(extra) else _NEG
            if new_val == _NEG and ex_val == _NEG:
                break
            if pending is not None and new_val >= ex_val:
                val, i = pending
                new = True
                pending = None
            else:
                val, i = extra[xi]
                new = False
                xi += 1
            if base + val < self._threshold():
                break
            tool = cand[i] if i >= 0 else NO_TOOL
            self._descend(k, c, tool, new, val, self.cov[c][i] if i >= 0 else 0.0)

    def _descend(self, k: int, c: int, tool: int, new: bool, val: float, cov: float) -> None:
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
            self.vendor_weight[v] = self.vendor_weight.get(v, 0.0) + nd.weight
        self.cov_decided += cov
        saved: list[tuple[int, _Vec | _Concern]] = []
        if k < self.nstage:
            for j in self.fwd[k]:
                saved.append((j, self.vec[j]))
                self.vec[j] = self._stage_vec(j)
            for j in range(self.nstage, len(self.order)):
                saved.append((j, self.vec[j]))
                self.vec[j] = self._concern_vec(j)
        self._dfs(k + 1)
        for j, old_vec in reversed(saved):
            self.vec[j] = old_vec
        self.gain -= val
        if self.cand[c]:
            self.open_weight += nd.weight
        if nd.must:
            self.must_open2 += nd.weight**2
        if tool != NO_TOOL:
            self.mass -= nd.weight * p.closed[tool]
            self.covered -= nd.weight
            v = p.vendor[tool]
            self.vendor_weight[v] -= nd.weight
        self.cov_decided -= cov
        self.limit[c] = old_limit
        self.decided[c] = False
        self.owner[c] = NO_TOOL
        if new:
            self._remove(tool, undo)

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
