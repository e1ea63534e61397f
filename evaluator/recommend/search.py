"""Exact branch and bound over stacks: the top K viable stacks by overall score.

The search space (docs/recommend.md): every stack made of the forced tools (``--from`` and tools
under an active contract, unless drops are allowed) plus any set of other tools that pass the
per-tool gates, in which every tool that is not forced owns at least one needed capability under
the scoring model's owner rule, with at most ``max_tools`` tools.

Each such stack is reached exactly once by deciding, need by need in a fixed order, which tool
owns it: a tool already in the stack (the best-ranked one, as the owner rule says), a new tool
that outranks every tool in the stack, or none. A tool added for one need may never outrank the
owner already decided for another need (that would change the earlier decision), so decisions
are final and the stack at a leaf is scored exactly by the kernel. Before any of that, the
space is split by whether each tool in use (not under contract) is in the stack
(``_branches``), so the bound need not count reuse that may never happen.

The order is: concerns first (those a tool that must stay settles, then access control, then
by need weight), then stages along the handoff graph. The bound (an upper bound on the overall
score of every viable leaf below a node) drops the owner rule's coupling between needs. Once
the concern tools are known, each handoff's glue depends on its two ends only, so the stages
form a pairwise problem over the handoff tree (other handoffs are dropped until both ends are
decided), solved exactly by max-sum messages once per set of concern tools (``_Stage``,
``_Tree``); candidates are valued by fit, lock-in at its concentration floor and a share of the
concern tools' attachments. Undecided concerns are valued by their own fit and lock-in and
assumed to carry their bit at no cost. Corrections for the decided part (vendor concentration,
certain permission systems, certain attachments, reuse only of existing tools that can still
join) only lower the bound towards the exact score, so pruning a node whose bound is below the
K-th best score found is safe. No dominance rule is used (see the notes on why the naive one is
unsafe).

What the owner rule already fixes is applied before any bound: candidates a forced tool
outranks are dropped at setup; a relaxation leaves out stage candidates its concern tools
outrank or would be outranked by; a set of concern tools that leaves a must-have stage without
a candidate is skipped (``_feasible``); a stack-wide control no joining tool could bring prunes
(``_unmet``). Concern options are refined in stages, cheapest first (``_concern_options``), and
a relaxation that refines another is solved only over the candidates whose max-marginal there
can still reach what the search needs, and stops as soon as a solved part shows it cannot
(``_dp_top``). docs/benchmarks.md measures each of these.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import heapq
import math
import operator
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from evaluator.recommend.kernel import Scored, scorer
from evaluator.recommend.problem import (
    ALL_CONCERNS,
    CONCERN_BIT,
    CONN_POINTS,
    CUSTOM,
    HUB_CAPABILITY,
    IDENTITY,
    LINEAGE,
    NATIVE,
    NO_TOOL,
    SAME,
    STANDARD,
    UNRANKED,
    Problem,
)

BRANCH_MAX = 3
"""At most this many tools in use (not under contract) are decided first, in or out (_branches)."""
TOLERANCE = 1e-7
"""Scores within this of the K-th best are kept as ties; the bound is compared with this slack."""
_NEG = -math.inf
_FAR = 1 << 31  # a rank after every real one (and after UNRANKED)
_CONN_POINTS = np.array(CONN_POINTS, dtype=np.float64)
# Rough costs (in microseconds, this machine) that choose how a relaxation is solved: plain
# Python per candidate pair across a handoff and per candidate, or array calls at a fixed cost.
SPARSE_PAIR = 0.3
SPARSE_CANDIDATE = 5.0
DENSE_CALL = 700.0
RESTRICT = True
"""Solve a relaxation that refines a built one over the candidates that can still matter
(_Search._dp_top); tests turn it off to compare."""
CUT = True
"""Stop solving such a relaxation once a solved part shows it cannot reach what the search
needs (_Tree._below); tests turn it off to compare."""
MARGIN = 1e-9
"""Slack on max-marginals when restricting a relaxation (float sums in another order)."""
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
_A = TypeVar("_A", bound=np.generic)
Marginals = tuple[Sequence[int] | Ints, Sequence[float] | Floats, float]
"""Per stage: the candidates with a finite max-marginal, those values, and the max-marginal of
leaving the stage without a tool (-inf for a must-have)."""
_UNDECIDED = -2
_T = TypeVar("_T")


class _Ranked(NamedTuple):
    """A built relaxation's max-marginals at one stage, best first (_Search._ranked)."""

    neg: list[float]
    """The max-marginals, negated (ascending, for bisect)."""
    idx: list[int]
    margins: list[float]
    outside: list[float]
    """Per candidate: its max-marginal less its value (what the rest of the tree adds)."""
    none: float
    """The max-marginal of "no tool" (-inf for a must-have)."""
    outside_none: float


class _Guide(NamedTuple):
    """What a relaxation that refines a built one (one more concern decided) must reach, and
    what the built one says about it (_Search._dp_top): enough to stop as soon as it cannot
    (_Tree._root_below, _Tree._below). The relaxation keeps, per stage, a prefix of the
    built one's ranked candidates."""

    floor: float
    ranked: list[_Ranked]
    hub: int
    """The newly decided concern's hub (NO_TOOL if none)."""


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
    since a tool is attached once however many stages it serves).

    Per-candidate facts are computed on first use. When the concern tools of ``parent`` are
    these less the last one decided (at position ``last``), they are that one's facts plus
    what the last one adds (a relaxation that refines another meets the same candidates)."""

    __slots__ = (
        "attach",
        "bits",
        "carry",
        "fits",
        "floor",
        "full",
        "g",
        "hub",
        "last_bit",
        "last_gate",
        "last_hub",
        "last_limit",
        "last_rank",
        "limits",
        "meet",
        "members",
        "memo",
        "p",
        "parent",
        "parts",
        "parts_list",
        "s",
        "search_concern_ranks",
        "static",
    )

    def __init__(
        self, s: _Search, key: tuple[int, ...], parent: _Hubs | None = None, last: int = -1
    ) -> None:
        p = s.p
        self.s = s
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
            h = p.hub_of(c, t)
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
        self.memo: dict[int, float] = {}
        self.attach = [h for h in hub if h >= 0]
        self.full: dict[int, float] = {}
        self.bits: dict[int, int] = {}
        self.parts: tuple[Floats, Ints] | None = None  # (_Tree.hub_parts)
        self.parts_list: tuple[list[float], list[int]] | None = None
        self.meet: dict[int, bool] = {}
        self.parent = parent
        # The last concern decided (concerns are decided in order): what it adds to the
        # parent's facts, and what a candidate the parent admits must still meet.
        self.last_hub = NO_TOOL
        self.last_bit = 0
        self.last_rank: dict[int, int] = {}
        self.last_limit = UNRANKED
        self.last_gate = False
        if last >= 0:
            c = s.order[last]
            self.last_hub = hub[last]
            self.last_bit = s.hub_bit_of_need.get(c, 0) if hub[last] != NO_TOOL else 0
            self.last_rank = p.rank[c]
            self.last_limit = limits[c]
            self.last_gate = c in s.gate_needs

    def allows(self, c: int, t: int) -> bool:
        """Whether stage candidate ``t`` may own stage need ``c`` beside these concern tools."""
        if self.p.rank[c][t] > self.floor.get(c, UNRANKED):
            return False
        return self.beside(t)

    def beside(self, t: int) -> bool:
        """Whether tool ``t`` may join these concern tools: one of the stack's tools, or one
        that outranks none of them on its concern and serves no concern decided uncovered."""
        got = self.fits.get(t)
        if got is None:
            parent = self.parent
            if t in self.members:
                got = True
            elif parent is not None:
                # (not a member there either: its limits less the last decided one's)
                got = parent.beside(t) and self.last_leaves(t)
            else:
                limits = self.limits
                got = all(
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

    def meets(self, t: int) -> bool:
        """Whether tool ``t`` can hold data beside these concern tools (``_Search._meets``):
        deciding a concern only takes away what an undecided one might have covered."""
        got = self.meet.get(t)
        if got is None:
            parent = self.parent
            if parent is None:
                got = self.s._meets(t, self.hub)
            else:
                got = parent.meets(t) and self.last_meets(t)
            self.meet[t] = got
        return got

    def last_leaves(self, t: int) -> bool:
        """Whether the last concern decided leaves tool ``t`` free to join: ``t`` is a member,
        or does not outrank that concern's tool on it (nor serve it, if decided uncovered)."""
        return t in self.members or self.last_rank.get(t, _FAR) > self.last_limit

    def last_meets(self, t: int) -> bool:
        """Whether tool ``t`` still meets the data gates once the last concern is decided, if it
        met them before (only the audit, lineage and access-control hubs stand in for them)."""
        return not self.last_gate or self.s._meets(t, self.hub)

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
    """A stage need in the pairwise relaxation over the handoff tree (solved once per set of
    concern tools, ``_Tree``): ``w(i)`` is candidate i's own value plus the best its subtree
    can add given it, ``msg(a)`` the best the whole subtree can add when its parent need's
    tool is ``a``. Index ``-1`` is "no tool" (for needs that are not must-haves). A
    candidate's own value is its fit and lock-in floor less its share of attachments; a
    candidate the concern tools rule out (owner rule, data gates), or that a restricted
    relaxation leaves out (``keep``), is worth -inf."""

    __slots__ = (
        "cand",
        "children",
        "g",
        "hb",
        "hubs",
        "idx",
        "keep",
        "mis",
        "must",
        "mv",
        "mvc",
        "need",
        "none",
        "pos",
        "ppos",
        "sh",
        "sharev",
        "sorted",
        "team",
        "top_value",
        "values",
        "wv",
    )

    def __init__(
        self,
        tree: _Tree,
        k: int,
        hubs: _Hubs,
        children: list[_Stage],
        values: list[float],
        shares: list[float],
        keep: list[int] | None,
        mis: dict[int, int],
    ) -> None:
        self.need = tree.need[k]
        self.cand = tree.cand[k]
        self.pos = tree.pos[k]
        pk = tree.parent[k]
        self.ppos = tree.pos[pk] if pk >= 0 else {}
        self.must = tree.must[k]
        self.team = tree.team[k]
        self.hubs = hubs
        self.g = hubs.g
        self.children = children
        self.values = values
        self.sh = shares
        self.keep = keep
        """The candidates a restricted relaxation values (the rest are -inf), or None: all."""
        self.mis = mis
        """Per tool: the most groups it can form in this relaxation (_Tree.groups)."""
        self.none = sum(ch.top() for ch in children)
        top = max(values, default=_NEG)
        if not self.must and self.none > top:
            top = self.none
        self.top_value = top
        self.mv: list[float] = []  # per parent candidate: set with the parent (_Tree)
        self.sorted: list[tuple[float, int]] | None = None
        # Arrays of the dense solver (_Tree._dense), for the parent's messages and marginals.
        self.wv: Floats | None = None
        self.sharev: Floats | None = None
        self.hb: Ints | None = None
        self.idx: Ints | None = None  # the candidates the arrays are of (None: all)
        self.mvc: Floats | None = None  # the messages, per parent candidate of the arrays

    def w(self, i: int) -> float:
        return self.none if i < 0 else self.values[i]

    def share(self, i: int) -> float:
        """Candidate i's share of its attachments (charged once per group of tree-adjacent
        needs it owns, at most mis[t] groups)."""
        return self.sh[i]

    def top(self) -> float:
        return self.top_value

    def sorted_at(self, n: int) -> tuple[float, int] | None:
        """The n-th best candidate by ``w`` ("no tool", index -1, first among equals)."""
        got = self.sorted
        if got is None:
            got = sorted(((v, i) for i, v in enumerate(self.values)), key=lambda vi: -vi[0])
            if not self.must:
                at = bisect.bisect_left(got, -self.none, key=lambda vi: -vi[0])
                got.insert(at, (self.none, -1))
            self.sorted = got
        return got[n] if n < len(got) else None

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
        """The best this subtree adds when the parent need's tool is ``a``: "no tool", or a
        candidate of the parent need that the relaxation values (the search asks no other)."""
        if a == NO_TOOL:
            return self.top_value
        return self.mv[self.ppos[a]]


class _Tree:
    """The stage needs' candidates as arrays, per position in the handoff tree, and per tree
    handoff the connection points and self-carried concern bits of every candidate pair:
    what every stage relaxation reads, built once per search.

    A relaxation is solved bottom-up over every candidate at once with array operations
    (``_dense``: a 3,000-tool catalog has some 40,000 handoff pairs per relaxation, each a
    few nanoseconds), or, when few candidate pairs are in play - a small catalog, or a
    relaxation restricted to the candidates whose max-marginal in the one it refines can
    still reach what the search needs (``keep``) - in plain Python (``_sparse``), where array
    calls would cost more than the work; a cost estimate (``relaxation``) chooses.
    ``marginals`` gives, per stage and candidate, the best value of any assignment through
    it (a top-down pass)."""

    def __init__(self, s: _Search) -> None:
        p = s.p
        ns, ns0 = s.nstage, s.ns0
        self.s = s
        self.need = [s.order[ns0 + k] for k in range(ns)]
        self.parent = s.parent
        self.kids = s.kids
        self.roots = s.roots
        self.cand = [s.cand[c] for c in self.need]
        self.pos = [s.cpos[c] for c in self.need]
        self.must = [p.needs[c].must for c in self.need]
        self.holds = [p.needs[c].holds_data for c in self.need]
        self.team = [
            p.handoffs[s.parent_edge[k]].team_points if s.parent_edge[k] >= 0 else 0.0
            for k in range(ns)
        ]
        self.tools = [np.array(cs, dtype=np.int64) for cs in self.cand]
        self.mask_points = np.array(p.mask_points, dtype=np.float64)
        self.sizes = [len(cs) for cs in self.cand]
        self.everyone = [list(range(n)) for n in self.sizes]
        # Per-candidate facts of all stages at once, stage after stage (``offset``): a dense
        # relaxation computes each candidate's own part in a few array calls, not a few per
        # stage.
        self.offset = [0]
        for n in self.sizes:
            self.offset.append(self.offset[-1] + n)
        self.all_tools = [t for cs in self.cand for t in cs]
        every = self.all_tools
        self.all_unary = np.array([u for c in self.need for u in s.unary[c]], dtype=np.float64)
        self.all_crank = np.array([r for c in self.need for r in s.crank[c]], dtype=np.int64)
        self.all_mis = np.array([s.mis[t] for t in every], dtype=np.float64)
        self.all_stage = np.repeat(np.arange(ns, dtype=np.int64), self.sizes)
        self.all_holds = np.repeat(np.array(self.holds, dtype=bool), self.sizes)
        # The data gates' per-holder controls, and each candidate's rank on every concern need
        # (_FAR when it does not serve it: the owner rule's limits).
        self.all_audit = np.array([p.audit[t] for t in every], dtype=bool)
        self.all_lineage = np.array([p.lineage[t] for t in every], dtype=bool)
        self.all_access = np.array([p.access[t] for t in every], dtype=np.int64)
        self.all_rank = {
            c2: np.array([p.rank[c2].get(t, _FAR) for t in every], dtype=np.int64)
            for c2 in s.order[:ns0]
        }
        self._edges: dict[int, tuple[Floats, Ints, Ints, Ints]] = {}
        self._edge_lists: dict[int, tuple[list[list[float]], list[list[int]]]] = {}
        self.tool_facts = (
            np.array(p.flags, dtype=np.int64),
            np.array(p.vendor, dtype=np.int64),
            np.array(p.openlineage, dtype=bool),
        )
        self._reach: dict[int, tuple[Floats, Bools]] = {}
        # Where each tool stands among all stage candidates, and per candidate 1.0 for each
        # bridging format or standard it has, so that a product counts the ones two tools
        # share (_connections).
        self.at_tool: dict[int, list[int]] = {}
        for j, t in enumerate(every):
            self.at_tool.setdefault(t, []).append(j)
        self.all_bridging = np.zeros((len(every), len(p.k_bridged)), dtype=np.float64)
        for t, at in self.at_tool.items():
            self.all_bridging[at] = self._bridging_row(t)

    # ------------------------------------------------------------------ tables

    def edge(self, k: int) -> tuple[Floats, Ints, Ints, Ints]:
        """For the handoff from stage position k to its parent: connection points and concern
        bits the pair carries by itself (parent candidates by row; Problem.pair, 0 for the
        same tool on both sides), and the (row, column) of every pair where both sides are
        the same tool."""
        got = self._edges.get(k)
        if got is None:
            pk = self.parent[k]
            conn = self._connections(
                self.cand[pk],
                self.all_bridging[self.stage_slice(pk)],
                {t: [j] for t, j in self.pos[k].items()},
                self.all_bridging[self.stage_slice(k)],
            )
            ra, cb = self.tools[pk][:, None], self.tools[k][None, :]
            same_r, same_c = np.nonzero(ra == cb)
            points = _CONN_POINTS[conn]
            # Problem.pair_carries: the concern flags both have, only identity (and lineage
            # if both speak OpenLineage) across vendors without a native integration.
            flags, vendor, open_lineage = self.tool_facts
            bits = flags[ra] & flags[cb]
            keep = np.where(open_lineage[ra] & open_lineage[cb], IDENTITY | LINEAGE, IDENTITY)
            cut = (conn > NATIVE) & (vendor[ra] != vendor[cb])
            bits = np.where(cut, bits & keep, bits)
            points[same_r, same_c] = 0.0
            bits[same_r, same_c] = 0
            got = (points, bits, same_r, same_c)
            self._edges[k] = got
        return got

    def edge_lists(self, k: int) -> tuple[list[list[float]], list[list[int]]]:
        """``edge`` as lists of rows (for the plain Python solver)."""
        got = self._edge_lists.get(k)
        if got is None:
            points, bits, _, _ = self.edge(k)
            got = self._edge_lists[k] = (points.tolist(), bits.tolist())
        return got

    def stage_slice(self, k: int) -> slice:
        """Stage position k's candidates among all of them (``offset`` order)."""
        return slice(self.offset[k], self.offset[k + 1])

    def _bridging_row(self, t: int) -> Floats:
        """1.0 for each bridging format or standard tool ``t`` has."""
        got = np.zeros(len(self.s.p.k_bridged), dtype=np.float64)
        b = self.s.p.bridge[t]
        while b:
            low = b & -b
            got[low.bit_length() - 1] = 1.0
            b ^= low
        return got

    def _connections(
        self,
        rows: Sequence[int],
        row_bridging: Floats,
        cols_at: dict[int, list[int]],
        col_bridging: Floats,
    ) -> Ints:
        """Problem.conn between each tool of ``rows`` and each column (``cols_at``: where each
        tool stands among the columns), for all pairs at once: custom code, unless the two
        share a bridging format or standard (standard) or a documented integration says
        better. A tool facing itself is left to the caller."""
        p = self.s.p
        conn = np.where(row_bridging @ col_bridging.T > 0, STANDARD, CUSTOM)
        ii, jj, ranks = [], [], []
        for i, a in enumerate(rows):
            for b, rank in p.partners[a].items():
                for j in cols_at.get(b, ()):
                    ii.append(i)
                    jj.append(j)
                    ranks.append(rank)
        if ii:
            conn[ii, jj] = np.minimum(conn[ii, jj], ranks)
        return conn

    def reach(self, h: int) -> tuple[Floats, Bools]:
        """Connection points from concern tool ``h`` to every stage candidate (all stages, in
        ``offset`` order; 0 for ``h`` itself), and whether it reaches each without custom
        code."""
        got = self._reach.get(h)
        if got is None:
            conn = self._connections(
                [h], self._bridging_row(h)[None, :], self.at_tool, self.all_bridging
            )[0]
            conn[self.at_tool.get(h, [])] = SAME
            got = (_CONN_POINTS[conn], conn != CUSTOM)
            self._reach[h] = got
        return got

    def hub_parts(self, hubs: _Hubs) -> tuple[Floats, Ints]:
        """Per stage candidate (all stages, in ``offset`` order): the connection points of the
        bridging concern tools that reach it (whole numbers: the same sum in any order), and
        the concern bits their hubs carry to it. From the parent's, when ``hubs`` has one."""
        got = hubs.parts
        if got is None:
            parent = hubs.parent
            if parent is not None:
                points, bits = self.hub_parts(parent)
                h = hubs.last_hub
                if h >= 0:
                    reach_points, reached = self.reach(h)
                    points = points + reach_points
                    if hubs.last_bit:
                        bits = bits | np.where(reached, hubs.last_bit, 0)
            else:
                points = np.zeros(self.offset[-1], dtype=np.float64)
                bits = np.zeros(self.offset[-1], dtype=np.int64)
                for h in hubs.attach:
                    points = points + self.reach(h)[0]
                for bit, h in hubs.carry:
                    bits = bits | np.where(self.reach(h)[1], bit, 0)
            got = hubs.parts = (points, bits)
        return got

    def hub_lists(self, hubs: _Hubs) -> tuple[list[float], list[int]]:
        """``hub_parts`` as lists (for the plain Python solver)."""
        got = hubs.parts_list
        if got is None:
            points, bits = self.hub_parts(hubs)
            got = hubs.parts_list = (points.tolist(), bits.tolist())
        return got

    def admissible(self, hubs: _Hubs, sel: Ints | None) -> Bools:
        """Which stage candidates (those at the ``offset`` positions ``sel``, or all)
        may own their stage beside the concern tools of ``hubs`` (``_Search._admits``, for
        many candidates at once)."""
        s = self.s
        p = s.p
        floor = np.array([hubs.floor.get(c, UNRANKED) for c in self.need], dtype=np.int64)
        ok: Bools = _at(self.all_crank, sel) <= floor[_at(self.all_stage, sel)]
        if hubs.limits:
            fits = np.ones(len(ok), dtype=bool)
            for c2, limit in hubs.limits.items():
                fits &= _at(self.all_rank[c2], sel) > limit
            for t in hubs.members:
                for k, pos in enumerate(self.pos):
                    j = pos.get(t)
                    if j is None:
                        continue
                    j += self.offset[k]
                    if sel is None:
                        fits[j] = True
                    else:
                        fits[sel == j] = True
            ok &= fits
        holds = _at(self.all_holds, sel)
        if not holds.any():
            return ok
        hub = hubs.hub

        def covered(cap: str) -> Bools | bool:
            cn = p.hub_need.get(cap)
            if cn is None:
                return False
            h = hub[s.position[cn]]
            if h == _UNDECIDED:
                return True
            if h == NO_TOOL:
                return False
            return _at(self.reach(h)[1], sel)

        if p.need_audit:
            ok &= ~holds | _at(self.all_audit, sel) | covered("audit")
        if p.need_lineage:
            ok &= ~holds | _at(self.all_lineage, sel) | covered("lineage")
        if p.need_access:
            cn = p.hub_need.get("access-control")
            lacking = holds & (_at(self.all_access, sel) < p.need_access)
            if cn is None:
                ok &= ~lacking
            else:
                h = hub[s.position[cn]]
                if h != _UNDECIDED:
                    fine = h != NO_TOOL and p.access[h] >= p.need_access
                    ok &= ~lacking | (covered("access-control") if fine else False)
        return ok

    # ------------------------------------------------------------------ solving

    def relaxation(
        self, hubs: _Hubs, keep: list[list[int]] | None = None, guide: _Guide | None = None
    ) -> list[_Stage] | None:
        """Every stage of the relaxation for these concern tools (by position), valuing only
        the candidates in ``keep`` (per position) if given. A ``guide`` says that it refines
        a built relaxation in which every kept candidate has a finite value; it then
        returns None as soon as a solved part shows that its value cannot reach what the
        guide asks (``_root_below``, ``_below``)."""
        sizes = [len(x) for x in keep] if keep is not None else self.sizes
        pairs = sum(
            sizes[k] * sizes[self.parent[k]] for k in range(len(sizes)) if self.parent[k] >= 0
        )
        if CUT and guide is not None and keep is not None and self._root_below(hubs, keep, guide):
            return None
        mis = self.s.mis if keep is None else self.groups(keep)
        if pairs * SPARSE_PAIR + sum(sizes) * SPARSE_CANDIDATE <= DENSE_CALL:
            return self._sparse(hubs, keep if keep is not None else self.everyone, mis, guide)
        return self._dense(hubs, keep, mis, guide)

    def groups(self, keep: list[list[int]]) -> dict[int, int]:
        """Per tool among the candidates ``keep`` values: the most groups of tree-adjacent
        stage needs it can own in a relaxation over them, the most of those needs with no
        two joined by a handoff (_Search.mis, for the stages where it is kept). Each group
        is charged its share of the tool's attachments, so a tool kept at fewer stages is
        charged more of them."""
        where: dict[int, list[int]] = {}
        for k, kept in enumerate(keep):
            cand = self.cand[k]
            for i in kept:
                where.setdefault(cand[i], []).append(k)
        most, kids = self.s.mis, self.kids
        return {
            t: 1 if len(mine) == 1 or most[t] == 1 else _most_groups(mine, kids)
            for t, mine in where.items()
        }

    @staticmethod
    def _below(stage: _Stage, k: int, guide: _Guide) -> bool:
        """Whether a refining relaxation, solved up to ``stage`` (position ``k``), cannot reach
        the guide's value.

        Split an assignment's value into the part inside the stage's subtree (its stages and
        the handoffs between them) and the rest (with the handoff to the parent). Deciding
        one more concern lowers each part or leaves it: handoffs may only cost more, a
        candidate may only be ruled out, and a new hub's attachment share, charged at every
        stage and given back across each handoff between two stages of the same tool, is
        charged once per such group in each part. So no assignment through candidate i is
        worth more than what the rest added to i in the refined relaxation (its max-marginal
        less its value there, ``outside``) plus i's value here; the same holds for "no tool".
        Candidates outside ``keep`` cannot reach the guide's value even there."""
        ranked, values = guide.ranked[k], stage.values
        kept = map(values.__getitem__, stage.keep or ())  # (a prefix of ranked.idx)
        best = max(map(operator.add, ranked.outside, kept), default=_NEG)
        none = ranked.outside_none + stage.none
        if not stage.must and none > best:
            best = none
        return best < guide.floor

    def _root_below(self, hubs: _Hubs, keep: list[list[int]], guide: _Guide) -> bool:
        """Whether, before solving anything, a root stage shows that a refining relaxation
        cannot reach the guide's value. A root's subtree is a whole tree (``_below``), and
        through candidate i it loses at least the new hub's attachment share of i, since
        the group of stages i owns around the root is charged once: so no assignment
        through i is worth more than its max-marginal in the refined relaxation less that
        share (and none through "no tool" more than that one's max-marginal)."""
        s = self.s
        p = s.p
        factor = hubs.g * p.attachment
        conn, mis, h = p.conn, s.mis, guide.hub
        for r in self.roots:
            cand, ranked = self.cand[r], guide.ranked[r]
            best = ranked.none
            for i, m in zip(keep[r], ranked.margins, strict=False):  # (keep[r]: a prefix)
                t = cand[i]
                if h != NO_TOOL and t != h:
                    m -= factor * CONN_POINTS[conn(h, t)] / mis[t]
                if m > best:
                    best = m
            if best < guide.floor:
                return True
        return False

    def _dense(
        self,
        hubs: _Hubs,
        keep: list[list[int]] | None,
        mis: dict[int, int],
        guide: _Guide | None = None,
    ) -> list[_Stage] | None:
        ns = len(self.need)
        factor = hubs.g * self.s.p.attachment
        # Each candidate's own part (all stages at once): unary value less its attachment
        # share (-inf if the concern tools rule it out), and the concern bits hubs carry to it.
        if keep is None:
            idx: list[Ints | None] = [None] * ns
            sel = None
            starts = self.offset
        else:
            kept = [np.array(x, dtype=np.int64) for x in keep]
            idx = list(kept)
            sel = np.concatenate(
                [np.zeros(0, dtype=np.int64)]
                + [i + o for i, o in zip(kept, self.offset, strict=False)]
            )
            starts = [0]
            for x in keep:
                starts.append(starts[-1] + len(x))
        m = starts[-1]
        points_all, bits_all = self.hub_parts(hubs)
        if not hubs.attach:
            shares = np.zeros(m)
        elif sel is None:
            shares = factor * points_all / self.all_mis
        else:
            every = self.all_tools
            groups = np.array([mis[every[j]] for j in sel.tolist()], dtype=np.float64)
            shares = factor * points_all[sel] / groups
        hub_bits = _at(bits_all, sel)
        own = np.where(self.admissible(hubs, sel), _at(self.all_unary, sel) - shares, _NEG)
        nodes: list[_Stage] = []
        for k in reversed(range(ns)):
            n = len(self.cand[k])
            lo, hi = starts[k], starts[k + 1]
            rows, stage_bits = idx[k], hub_bits[lo:hi]
            total = np.zeros(hi - lo, dtype=np.float64)
            children = [nodes[ns - 1 - j] for j in self.kids[k]]
            for child in children:
                options = self._options(child, rows, stage_bits, hubs)
                messages = options.max(axis=1) if options.shape[1] else np.full(hi - lo, _NEG)
                if not child.must:
                    messages = np.maximum(messages, child.none)
                child.mvc = messages
                child.mv = _spread(messages, rows, n, _NEG)
                total = total + messages
            values = own[lo:hi] + total
            stage_shares = shares[lo:hi]
            stage = _Stage(
                self,
                k,
                hubs,
                children,
                _spread(values, rows, n, _NEG),
                _spread(stage_shares, rows, n, 0.0),
                None if keep is None else keep[k],
                mis,
            )
            stage.wv, stage.sharev, stage.hb, stage.idx = values, stage_shares, stage_bits, rows
            if CUT and guide is not None and self._below(stage, k, guide):
                return None
            nodes.append(stage)
        nodes.reverse()
        return nodes

    def _options(self, child: _Stage, rows: Ints | None, row_bits: Ints, hubs: _Hubs) -> Floats:
        """Per (parent candidate, child candidate) of a dense relaxation (those of ``rows`` and
        of the child's ``idx``, or all): the child's value across the handoff, or with its
        attachment share back when both are the same tool."""
        k = self.s.position[child.need] - self.s.ns0
        points, bits, same_r, same_c = self.edge(k)
        cols = child.idx
        if rows is not None or cols is not None:
            r = np.arange(points.shape[0]) if rows is None else rows
            c = np.arange(points.shape[1]) if cols is None else cols
            cells = np.ix_(r, c)
            points, bits = points[cells], bits[cells]
            if len(same_r):
                tools = self.tools
                pk = self.parent[k]
                same_r, same_c = np.nonzero(tools[pk][r][:, None] == tools[k][c][None, :])
        wv, col_bits, sharev = child.wv, child.hb, child.sharev
        assert wv is not None
        assert col_bits is not None
        assert sharev is not None
        carried = bits
        if hubs.carry and row_bits.any() and col_bits.any():
            carried = bits | (row_bits[:, None] & col_bits[None, :])
        cost = points + self.mask_points[hubs.static & ~carried]
        if child.team:
            cost += child.team
        options: Floats = wv[None, :] - hubs.g * cost
        if len(same_r):
            options[same_r, same_c] = wv[same_c] + sharev[same_c]
        return options

    def _sparse(
        self,
        hubs: _Hubs,
        keep: list[list[int]],
        mis: dict[int, int],
        guide: _Guide | None = None,
    ) -> list[_Stage] | None:
        s = self.s
        p = s.p
        ns = len(self.need)
        g = hubs.g
        # (_Hubs.edge inlined, on the edge tables: the handoff loop is this solver's whole cost)
        mask_points, static = p.mask_points, hubs.static
        factor = g * p.attachment
        # Each kept candidate's attachment points and the concern bits hubs carry to it: the
        # parent's (arrays shared by every relaxation that refines it) plus the last hub's.
        parent = hubs.parent if hubs.attach else None
        if parent is not None:
            parent_points, parent_bits = self.hub_lists(parent)
            conn, last, last_bit = p.conn, hubs.last_hub, hubs.last_bit
        stage_bits: list[list[int]] = [[] for _ in range(ns)]
        nodes: list[_Stage] = []
        for k in reversed(range(ns)):
            c = self.need[k]
            cand = self.cand[k]
            unary = s.unary[c]
            n = len(cand)
            values = [_NEG] * n
            shares = [0.0] * n
            own_bits = stage_bits[k] = [0] * n
            if parent is not None:
                at = self.offset[k]
                for i in keep[k]:
                    t = cand[i]
                    x, b = parent_points[at + i], parent_bits[at + i]
                    if last == t:
                        b |= last_bit
                    elif last >= 0:
                        r = conn(last, t)
                        x += CONN_POINTS[r]
                        if r != CUSTOM:
                            b |= last_bit
                    shares[i] = factor * x / mis[t]
                    own_bits[i] = b
            elif hubs.attach:
                for i in keep[k]:
                    t = cand[i]
                    shares[i] = hubs.attachment(t) / mis[t]
                    own_bits[i] = hubs.hub_bits(t)
            if guide is None:
                live = [i for i in keep[k] if s._admits(hubs, c, cand[i])]
            else:
                # Kept candidates have a finite value in the relaxation this one refines, so
                # they meet the owner rule and data gates beside its concern tools: only what
                # the last concern tool adds is checked (_Hubs.allows, _Hubs.meets).
                floor, rank = hubs.floor.get(c, UNRANKED), p.rank[c]
                leaves, meets = hubs.last_leaves, hubs.last_meets
                holds = p.needs[c].holds_data
                live = [
                    i
                    for i in keep[k]
                    if rank[cand[i]] <= floor and leaves(cand[i]) and (not holds or meets(cand[i]))
                ]
            children = [nodes[ns - 1 - j] for j in self.kids[k]]
            for j, child in zip(self.kids[k], children, strict=True):
                mv = [_NEG] * n
                ccand, cvalues, cshares, team = child.cand, child.values, child.sh, child.team
                cbits = stage_bits[j]
                column = [
                    (i, ccand[i], cvalues[i], cshares[i], cbits[i])
                    for i in child.keep or ()
                    if cvalues[i] != _NEG
                ]
                none = child.none if not child.must else _NEG
                edge_points, edge_bits = self.edge_lists(j)
                for i in live:
                    a = cand[i]
                    ha = own_bits[i]
                    row_points, row_bits = edge_points[i], edge_bits[i]
                    best = none
                    for jc, b, v, share, hb in column:
                        if a == b:
                            v += share
                        else:
                            carried = row_bits[jc] | ha & hb
                            v -= g * (row_points[jc] + mask_points[static & ~carried] + team)
                        if v > best:
                            best = v
                    mv[i] = best
                child.mv = mv
            for i in live:
                values[i] = unary[i] - shares[i] + sum(ch.mv[i] for ch in children)
            stage = _Stage(self, k, hubs, children, values, shares, keep[k], mis)
            if CUT and guide is not None and self._below(stage, k, guide):
                return None
            nodes.append(stage)
        nodes.reverse()
        return nodes

    def marginals(self, dp: list[_Stage]) -> list[Marginals]:
        """Per stage position: the candidates with a finite max-marginal (the best value of an
        assignment of every stage through the candidate), and those values."""
        total = sum(dp[r].top() for r in self.roots)
        if total == _NEG:
            return [([], [], _NEG) for _ in dp]
        out: list[Marginals] = []
        dense: list[Floats] = []  # dense relaxations: per position, aligned with stage.idx
        beside: list[float] = []  # per position: the best with the stage left without a tool
        for k, stage in enumerate(dp):
            pk = self.parent[k]
            if pk < 0:
                rest = total - stage.top()
                beside.append(stage.none + rest if not stage.must else _NEG)
                if stage.wv is not None:
                    dense.append(stage.wv + rest)
                else:
                    pairs = [
                        (i, stage.values[i] + rest)
                        for i in stage.keep or ()
                        if stage.values[i] != _NEG
                    ]
                    out.append(([i for i, _ in pairs], [v for _, v in pairs], beside[k]))
                    continue
            else:
                parent = dp[pk]
                no_parent = beside[pk] - stage.top() if beside[pk] != _NEG else _NEG
                if stage.wv is not None:
                    assert stage.mvc is not None
                    assert parent.hb is not None
                    mp = dense[pk]
                    with np.errstate(invalid="ignore"):
                        rest_of = np.where(mp == _NEG, _NEG, mp - stage.mvc)
                    options = self._options(stage, parent.idx, parent.hb, stage.hubs)
                    if len(rest_of):
                        through = (rest_of[:, None] + options).max(axis=0)
                    else:
                        through = np.full(len(stage.wv), _NEG)
                    through = np.maximum(through, no_parent + stage.wv)
                    dense.append(np.where(stage.wv == _NEG, _NEG, through))
                    best_rest = max(float(rest_of.max()) if len(rest_of) else _NEG, no_parent)
                    beside.append(best_rest + stage.none if not stage.must else _NEG)
                else:
                    g, hubs, team = stage.g, stage.hubs, stage.team
                    pidx, pvals, _ = out[pk]
                    rows = [
                        (parent.cand[i], m - stage.mv[i])
                        for i, m in zip(pidx, pvals, strict=True)
                        if m != _NEG and stage.mv[i] != _NEG
                    ]
                    best_rest = max((r for _, r in rows), default=_NEG)
                    beside.append(
                        max(best_rest, no_parent) + stage.none if not stage.must else _NEG
                    )
                    got_i, got_v = [], []
                    for j in stage.keep or ():
                        v = stage.values[j]
                        if v == _NEG:
                            continue
                        b = stage.cand[j]
                        best = no_parent + v
                        share = stage.sh[j]
                        for a, r in rows:
                            x = r + v + (share if a == b else -g * hubs.edge(a, b, team))
                            if x > best:
                                best = x
                        got_i.append(j)
                        got_v.append(best)
                    out.append((got_i, got_v, beside[k]))
                    continue
            # (dense) the finite ones, as candidate indices
            m = dense[-1]
            sel = np.flatnonzero(m != _NEG)
            idx = stage.idx
            out.append((sel if idx is None else idx[sel], m[sel], beside[k]))
        return out


def _at(values: npt.NDArray[_A], idx: Ints | None) -> npt.NDArray[_A]:
    return values if idx is None else values[idx]


def _spread(values: Floats, idx: Ints | None, n: int, fill: float) -> list[float]:
    """``values`` (of the candidates ``idx``, or of all) as a list over all ``n`` candidates."""
    if idx is not None:
        full = np.full(n, fill)
        full[idx] = values
        values = full
    got: list[float] = values.tolist()
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
            if p.hub_of(self.c, t) == t:
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
        excluded: frozenset[int] = frozenset(),
        must_own: frozenset[int] = frozenset(),
    ) -> None:
        self.p = p
        self.top = max(1, top)
        contracts = {e.tool for e in p.existing if e.contract} if not allow_drop else set()
        self.forced = tuple(sorted(set(forced) | contracts))
        self.excluded = excluded
        """Tools left out of this part of the search space (a branch: _branches)."""
        self.must_own = must_own
        """Tools kept in this part of the space that must still own a need at a leaf."""
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
                for part in self._branches():
                    part.next_progress = self.next_progress
                    part._dfs(0)
                    self.next_progress = part.next_progress
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

    def _branches(self) -> list[_Search]:
        """The search space split by whether each tool in use (not under contract) is in the
        stack, for the BRANCH_MAX tools with the most reuse at stake: in one part it stays
        (and must own a need, as every tool that joins does), in the other it is left out.

        Until its need is decided, the bound counts such a tool's reuse whenever it could
        still join; deciding first takes that optimism out of both parts (at 3,000 tools it
        was worth 1.7 points at every concern node). The parts are searched best root bound
        first, sharing what is found, so the answer is the same."""
        p = self.p
        forced = set(self.forced)
        stake = sorted(
            (
                e
                for e in p.existing
                if e.tool not in forced
                and e.share > e.dropped
                and any(e.tool in pos for pos in self.cpos)
            ),
            key=lambda e: (e.dropped - e.share, p.ids[e.tool]),
        )[:BRANCH_MAX]
        if not stake:
            return [self]
        parts: list[tuple[float, int, _Search]] = []
        for mask in range(1 << len(stake)):
            keep = frozenset(e.tool for j, e in enumerate(stake) if mask >> j & 1)
            part = _Search(
                p,
                self.top,
                (*self.forced, *keep),
                True,  # contracts are in self.forced already (unless drops are allowed)
                self.max_tools,
                self.progress,
                self.node_limit,
                self.check_bound,
                excluded=frozenset(e.tool for e in stake if e.tool not in keep),
                must_own=keep,
            )
            part.found, part.pareto, part.stats = self.found, self.pareto, self.stats
            part.deadline = self.deadline
            if part._setup() is None:
                parts.append((part._root_bound(), mask, part))
        parts.sort(key=lambda x: (-x[0], x[1]))
        return [part for _, _, part in parts]

    def _root_bound(self) -> float:
        """The bound at the root node (what _dfs(0) compares with the threshold)."""
        if self._stuck(0) or self._unmet(0):
            return _NEG
        rest = 0.0
        for j in range(self.ns0):
            v = self._best_valid(j)
            if v == _NEG:
                return _NEG
            rest += v
        return self._fixed(0) + rest + self._dp_top(self._hub_key())

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
                and t not in self.excluded
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
        # (A concern a tool that must stay owns for certain - it outranks every candidate -
        # is decided before all others: it costs no branching and its glue is known early.)
        settled = {c for c in range(nn) if self.cand[c] and self.cand[c][0] in self.forced}
        order = sorted(
            (c for c in range(nn) if p.needs[c].concern),
            key=lambda c: (
                c not in settled,
                c != access,
                -p.needs[c].weight,
                len(self.cand[c]),
                c,
            ),
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
        self.mis = {t: _most_groups(mine, self.kids) for t, mine in by_tool.items()}
        self._dps: dict[tuple[int, ...], list[_Stage]] = {}
        self.tree: _Tree | None = None
        self._margs: dict[tuple[int, ...], list[_Ranked]] = {}
        self._hubs: dict[tuple[int, ...], _Hubs] = {}
        self._feasibility: dict[tuple[int, ...], bool] = {}
        self.must_stages = [c for c in stages if p.needs[c].must]
        # The concern needs whose hub may stand in for a data holder's own controls (_meets).
        self.gate_needs = {p.hub_need.get(cap) for cap in ("audit", "lineage", "access-control")}
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
        # Permission systems (_permission_floor): once the access-control need is decided,
        # its hub (NO_TOOL if none qualifies) and, per vendor, how many decided needs have an
        # owner that brings a permission system of that vendor.
        self.access_need = p.hub_need.get("access-control", NO_TOOL)
        self.permission_hub: int | None = None
        self.permission_vendors: dict[int, int] = {}
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
        """The stage relaxation for a set of concern tools (built on first use, cached)."""
        dp = self._dps.get(key)
        if dp is None:
            dp = self._build(key, None, None)
            assert dp is not None  # (no guide, no early stop)
        return dp

    def _build(
        self, key: tuple[int, ...], keep: list[list[int]] | None, guide: _Guide | None
    ) -> list[_Stage] | None:
        if len(self._dps) > 20_000:
            self._dps.clear()
        if self.tree is None:
            self.tree = _Tree(self)
        dp = self.tree.relaxation(self._hubs_for(key), keep, guide)
        if dp is not None:
            self._dps[key] = dp
        return dp

    def _dp_top(
        self, key: tuple[int, ...], need: float = _NEG, refines: tuple[int, ...] | None = None
    ) -> float:
        """The value of the stage relaxation for a set of concern tools.

        ``need``: what the search needs the value to reach, given ``refines``, the key of a
        built relaxation with one concern fewer decided. Deciding a concern lowers the value
        of every assignment of the stages, so an assignment that reaches ``need`` here
        reached it there, and it gives each stage a candidate whose max-marginal there
        reaches ``need``: the relaxation is solved over those candidates only, and stops as
        soon as a solved part shows it cannot reach ``need`` (``_Tree._below``; -inf is
        returned, and nothing is kept). Its value bounds every stack it keeps, is never
        above the whole relaxation's (so it is below ``need`` when that one is), and equals
        it when it reaches ``need`` and groups are counted as the whole one counts them
        (``_Tree.groups``); every stack it leaves out scores below the search's threshold,
        now and later (the threshold only rises), so it serves the stage search below as
        the whole one would."""
        dp = self._dps.get(key)
        if dp is None:
            if RESTRICT and need > _NEG and refines is not None and refines in self._dps:
                floor = need - MARGIN
                ranked = self._ranked(refines)
                # (max-marginal >= floor: a prefix of each stage's ranked candidates)
                keep = [r.idx[: bisect.bisect_right(r.neg, -floor)] for r in ranked]
                guide = _Guide(floor, ranked, self._hubs_for(key).last_hub)
                got = self._build(key, keep, guide)
                if got is None:
                    return _NEG
                dp = got
            else:
                dp = self._stage_dp(key)
        return sum(dp[r].top() for r in self.roots)

    def _ranked(self, key: tuple[int, ...]) -> list[_Ranked]:
        """The built relaxation's max-marginals per stage, best first (computed once: each
        relaxation that refines it takes a prefix)."""
        got = self._margs.get(key)
        if got is None:
            assert self.tree is not None
            dp = self._dps[key]
            got = []
            for stage, (idx, values, none) in zip(dp, self.tree.marginals(dp), strict=True):
                at = idx.tolist() if isinstance(idx, np.ndarray) else list(idx)
                ms = values.tolist() if isinstance(values, np.ndarray) else list(values)
                order = sorted(range(len(ms)), key=ms.__getitem__, reverse=True)
                kept = [at[j] for j in order]
                margins = [ms[j] for j in order]
                w = stage.values
                got.append(
                    _Ranked(
                        [-m for m in margins],
                        kept,
                        margins,
                        [m - w[i] for i, m in zip(kept, margins, strict=True)],
                        none,
                        none - stage.none if none != _NEG else _NEG,
                    )
                )
            self._margs[key] = got
        return got

    def _hubs_for(self, key: tuple[int, ...]) -> _Hubs:
        hubs = self._hubs.get(key)
        if hubs is None:
            if len(self._hubs) > 20_000:
                self._hubs.clear()
            # (concerns are decided in order: the one with the last decided undecided again)
            last = next((j for j in range(len(key) - 1, -1, -1) if key[j] != _UNDECIDED), -1)
            parent = None
            if last >= 0:
                parent = self._hubs.get((*key[:last], _UNDECIDED, *key[last + 1 :]))
            hubs = self._hubs[key] = _Hubs(self, key, parent, last)
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
        return hubs.allows(c, t) and (not self.p.needs[c].holds_data or hubs.meets(t))

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
                and e.tool not in self.excluded
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
        mis = self.dp[0].mis
        for t, charged in groups.items():
            m = mis[t]
            if charged < m:
                total += hubs.attachment(t) * (m - charged) / m
        return total

    def _permission_floor(self) -> float:
        """Permission systems already certain once the access-control need is decided: the
        vendors of decided holders its tool does not reach (glue.permission_domains; owners
        are final, so the count can only grow). Kept up to date by ``_within``."""
        hub = self.permission_hub
        if hub is None:
            return 0.0
        domains = len(self.permission_vendors) + (0 if hub == NO_TOOL else 1)
        got = self.glue_gain * self.p.permission_points * max(0, domains - 1)
        if self.check_bound:
            assert got == self._permission_floor_from_scratch()
        return got

    def _permission_floor_from_scratch(self) -> float:
        """``_permission_floor`` from the decided owners (the reference the checked search
        compares with)."""
        p = self.p
        c = p.hub_need.get("access-control")
        if c is None or not self.decided[c]:
            return 0.0
        hub = p.hub_of(c, self.owner[c])
        holders = {t for n, t in enumerate(self.owner) if self.decided[n] and t != NO_TOOL}
        vendors = {p.vendor[t] for t in holders if self._brings_permissions(hub, t)}
        domains = len(vendors) + (0 if hub == NO_TOOL else 1)
        return self.glue_gain * p.permission_points * max(0, domains - 1)

    def _brings_permissions(self, hub: int, t: int) -> bool:
        """Whether holder ``t`` has a permission system of its own beside the access hub: it
        has access control and, when there is a hub, is not it, not of its vendor, and not
        reached by it without custom code."""
        p = self.p
        if not p.access[t]:
            return False
        if hub == NO_TOOL:
            return True
        return t != hub and p.vendor[t] != p.vendor[hub] and p.conn(hub, t) == CUSTOM

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
        try:
            self._descend(k, c, tool, new, v - kids, self.cov[c][i] if i >= 0 else 0.0)
        finally:
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
                    # (what the child's relaxation must reach for this option to stay)
                    need = self._threshold() - base + v + dp_top
                    r = -v + self._dp_top(child, need, key) - dp_top
                    heapq.heappush(heap, (-r, sq, j, is_new, 2))
                    continue
                self._hint = dp_top
                self._with_option(k, c, j, is_new, lambda: self._dfs(k + 1))
        finally:
            for child in made:
                self._dps.pop(child, None)
                self._margs.pop(child, None)
                self._hubs.pop(child, None)
                self._feasibility.pop(child, None)

    def _with_option(self, k: int, c: int, i: int, new: bool, then: Callable[[], _T]) -> _T:
        """Run ``then`` with the concern at position ``k`` decided as its option ``i``."""
        vec = self.vec[k]
        val = vec.value(i) if i >= 0 else vec.none
        tool = self.cand[c][i] if i >= 0 else NO_TOOL
        return self._within(k, c, tool, new, val, self.cov[c][i] if i >= 0 else 0.0, then)

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
        saved_hub, saved_vendors = self.permission_hub, self.permission_vendors
        counted = NO_TOOL
        if c == self.access_need:
            hub = p.hub_of(c, tool)
            self.permission_hub = hub
            vendors: dict[int, int] = {}
            for n, t in enumerate(self.owner):
                if self.decided[n] and t != NO_TOOL and self._brings_permissions(hub, t):
                    vendors[p.vendor[t]] = vendors.get(p.vendor[t], 0) + 1
            self.permission_vendors = vendors
        elif (
            saved_hub is not None and tool != NO_TOOL and self._brings_permissions(saved_hub, tool)
        ):
            counted = p.vendor[tool]
            self.permission_vendors[counted] = self.permission_vendors.get(counted, 0) + 1
        # (undone however ``then`` ends: a node or time limit unwinds through here)
        try:
            return then()
        finally:
            if counted != NO_TOOL:
                left = self.permission_vendors[counted] - 1
                if left:
                    self.permission_vendors[counted] = left
                else:
                    del self.permission_vendors[counted]
            self.permission_hub, self.permission_vendors = saved_hub, saved_vendors
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

    def _leaf(self) -> None:
        if not self.stack or not self.must_own.issubset(self.owner):
            return
        self.stats.leaves += 1
        p = self.p
        tools = frozenset(self.stack)
        s = scorer(p)(tools, self.owner)  # (generated at the first leaf: kernel.scorer)
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
        self.pareto[:] = kept  # (in place: the parts of a split search share the list)


def _most_groups(stages: Iterable[int], kids: list[list[int]]) -> int:
    """The most of these stage positions with no two joined by a tree handoff (a maximum
    independent set in the forest, taken greedily from the leaves up: positions are
    numbered parents before children): how many groups of tree-adjacent stages one tool can
    form among them."""
    taken: set[int] = set()
    for k in sorted(set(stages), reverse=True):  # children before parents
        if not any(ch in taken for ch in kids[k]):
            taken.add(k)
    return len(taken)


def _desc(values: list[float]) -> list[int]:
    """Indices of ``values``, largest value first."""
    return sorted(range(len(values)), key=lambda i: -values[i])
