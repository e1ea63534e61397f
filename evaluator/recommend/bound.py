"""The bound of ``stackfit recommend``'s branch and bound (``Search`` in bnb.py decides the
needs one at a time; ``Relaxation`` says, at each node, how well any completion could score).

The bound at a node is the scoring model's overall score with what is not decided taken at its
best (a relaxation of the model; leaves are scored by ``evaluate_stack`` itself):

- fit: decided needs exactly, and the reuse of every existing tool that does work (a stage, or
  a governance need at the hub level);
- glue: each handoff whose two ends are decided costs at least the cheapest connection a
  completion could give it (its own, or through a store both ends work on that works in the
  stack or could still join it), its team boundary, and every concern that no governance tool
  could carry across it; once a concern's governance tool is decided, its breaks and its
  attachments to the stage tools are exact; the permission systems once the access-control tool
  is decided, and before that those of the open-source tools with their own access control
  that no access-control candidate governs (each is a system of its own whatever is chosen);
- lock-in: decided needs at the vendor concentration of the decided work (its shares of all
  the needs' weight: the final shares are at least these, so the concentration only grows),
  and each undecided option the rise in concentration it brings to the decided work's lock-in;
- cost: the tools in the stack and the further workloads decided needs give a usage-priced
  tool (``Space.workload``), dropped investments that can no longer come back, the glue above
  priced; the cost score 100 B / (A + B) is convex in the yearly cost A, so what is still
  to come is charged along its chord from the decided cost to a cut: the largest yearly cost a
  completion could reach or, once a K-th best is known, the cost above which no completion
  could reach it even with everything else at its best;
- each undecided need adds one of its options: its fit less the least lock-in (at the decided
  concentration), its cost (a further workload included) beyond the cheapest of the tools
  that could still own it (``_allowed``) and the glue of its handoffs to decided
  stages, with the breaks of the concerns whose governance tool is decided and a share of that
  tool's attachment to a new stage tool (a governance need: of the concern breaks and
  attachments its tool would leave on what is decided, and for access control the permission
  systems of the working tools with that option), and, once the stack has a permission system,
  a share of one more for a new tool that is a system of its own; every glue point is also
  priced into the cost at the chord's slope. A new tool's fixed charges (its yearly cost, its
  attachments, its permission system) are split over the undecided needs it could own, over
  those the best stack found so far gives it when it gives it any (``_weight``). An existing
  tool's reuse is a bonus on its options (``_bound_and_options`` says how it is kept from
  counting twice);
- the options are chosen jointly (``_joint``): exactly over a spanning forest of the handoffs
  between undecided stage needs (a handoff it leaves out is charged at each end half the least
  glue that end's option allows it, ``_off_tree``), and with each undecided governance need
  coupled to the stage needs its tool would have to reach (attachments, concerns only it could
  carry across their handoffs, and for access control the permission systems it leaves).

Each term can only fall as the stack is completed, so pruning a node whose bound is below the
K-th best found never loses a result; ``tests/recommend/test_exact.py`` checks this against
exhaustive enumeration on random catalogs.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field

from evaluator.models import Stack
from evaluator.recommend.space import NeedInfo, Space
from evaluator.scoring import params
from evaluator.scoring.cost import budget, glue_line
from evaluator.scoring.fit import does_work
from evaluator.scoring.glue import (
    carried_by_themselves,
    crosses_teams,
    permission_domains,
    permission_key,
    worst_case,
)
from evaluator.scoring.results import Connection
from evaluator.scoring.stackview import (
    StackView,
    carried,
    commercial,
    connect,
    data_platform,
    effective_level,
)

CUT_MARGIN = 1e-6
"""How far below the K-th best the cost cut puts the completions dearer than it."""

HANDOFF_MEMO = 4096
"""Entries of the handoff memos kept before they are emptied (they serve mostly siblings)."""

MAX_GROUPS = 12
"""Per governance need, how many groups of its options the joint bound solves one by one (the
best first); the rest are bounded without their coupling costs."""

_Forest = list[tuple[list[str], dict[str, tuple[str, tuple[str, str]]]]]
"""A spanning forest of handoffs: per tree, its needs in visiting order and each one's parent
with the handoff between them."""

_Edges = tuple[
    dict[str, list[list[float]]],
    dict[str, list[tuple[int, int, str, str, dict[str, float]]]],
    dict[tuple[str, str | None, str, float], list[list[float]]],
]
"""A forest's edge glue points, its pairs with concerns only a governance tool could carry, and
the edge points with a governance tool's breaks added (``_edge_costs``)."""


@dataclass
class _State:
    """What a node of the search has decided: the tools in the stack and the owner of each
    decided need (None: left uncovered)."""

    tools: set[str] = field(default_factory=set)
    owners: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Node:
    """What the bound derives once from a node's decisions, for every need's options."""

    working: frozenset[str]
    """Tools that own a decided need."""
    stage_tools: frozenset[str]
    """Tools that own a decided stage need."""
    holders: frozenset[str]
    """Working tools that keep their own access control."""
    systems: int
    """Permission systems the decided work has at least (``_decided_glue``)."""
    concentration: float
    """The vendor concentration of the decided work."""
    by_vendor: dict[str, float]
    """Per vendor, the weight of the decided needs it owns."""
    decided_lock: float
    """The decided needs' weight times closedness."""


class Relaxation:
    """A relaxation of the scoring model over one search space, and what it memoises: the bound at
    a node and at each of its children. ``Search`` (bnb.py) extends it with the depth-first
    search; the state it carries between nodes is ``_State``."""

    def __init__(self, space: Space) -> None:
        self.s = space
        ctx = space.context
        req = ctx.requirements
        self.ctx = ctx
        self.catalog = space.catalog
        self.weights = req.weights.normalised()
        self.budget = budget(ctx)
        self.permission_points = params.PERMISSION_SYSTEM_POINTS * (0.5 + ctx.posture)
        """Glue points of each permission system beyond the first (as ``glue_score`` counts)."""
        self.point_usd = glue_line(params.DAYS_PER_POINT, ctx).middle
        """What one glue point adds to the yearly cost (glue effort is priced linearly)."""
        self.total = ctx.total_weight
        worst = worst_case(ctx)
        self.norm = 100.0 / worst if worst > 0 else 0.0
        self.link_stack = space.base or Stack.model_validate(
            {"kind": "stack", "version": 1, "name": "-", "tools": ["x"]}
        )
        self.position = {n.capability: i for i, n in enumerate(space.needs)}
        self.need = {n.capability: n for n in space.needs}
        self.stage_count = sum(1 for n in space.needs if not n.concern)
        self.pairs: dict[str, list[tuple[tuple[str, str], str]]] = {
            n.capability: [] for n in space.needs
        }
        for h in ctx.handoffs:
            if h[0] in self.pairs and h[1] in self.pairs:
                self.pairs[h[0]].append((h, h[1]))
                self.pairs[h[1]].append((h, h[0]))
        universe = {c for n in space.needs for c in n.candidates} | set(space.forced)
        self.universe = frozenset(universe)
        self.stores = sorted(t for t in universe if data_platform(self.catalog.tools[t]))
        self._hubs()
        self.link_memo: dict[frozenset[str], tuple[Connection, tuple[str, ...]]] = {}
        self.carry_memo: dict[frozenset[str], frozenset[str]] = {}
        self.store_memo: dict[str, dict[str, float]] = {}
        self.route_memo: dict[frozenset[str], tuple[float, tuple[tuple[float, str], ...]]] = {}
        self.open_stores: frozenset[str] = frozenset(self.stores)
        """Stores a route may pass through at the node being bounded (set by the bound)."""
        self.preferred: dict[str, str | None] = {}
        """Per need, the owner the split of a tool's fixed charges favours (``_weight``)."""
        self.favoured: dict[str, int] = {}
        """Per tool, how many undecided needs the preferred owners give it."""
        self.part_of: dict[str, float] = {}
        """Per tool, the part of its fixed charges each need of weight 1 carries (``_part``)."""
        self.edge_memo: dict[tuple[object, ...], _Edges] = {}
        """Per spanning forest and what its glue points depend on (``_handoffs_key``), the glue
        points of its edges."""
        self.off_memo: dict[tuple[object, ...], dict[str, list[float]]] = {}
        """The same for what the handoffs it leaves out cost at least (``_off_tree``)."""
        self.hub_caps = tuple(sorted(set(params.CONCERN_HUB.values()) & set(self.need)))
        self.full = False
        """Whether the node being bounded holds --max-tools tools (no new tool can join)."""
        self.pair_memo: dict[tuple[str, str, tuple[str, str]], tuple[float, dict[str, float]]] = {}
        self.solo_memo: dict[str, bool] = {}
        self.bridge_memo: dict[tuple[str, str], bool] = {}
        self.works_memo: dict[tuple[str, str], bool] = {}
        self.governs_memo: dict[tuple[str, str, str], bool] = {}
        self.attach_memo: dict[tuple[str, str], float] = {}
        self.own_permissions = frozenset(
            t
            for t, tool in self.catalog.tools.items()
            if tool.governance.access().value != "none" and not commercial(tool)
        )
        """Open-source tools that keep their own access control (each its own system)."""
        self.vendor_holders = frozenset(
            t
            for t, tool in self.catalog.tools.items()
            if tool.governance.access().value != "none" and commercial(tool)
        )
        """Commercial tools that keep their own access control (one system per vendor)."""
        self.forest_memo: dict[tuple[frozenset[str], str | None], _Forest] = {}
        self.systems_memo: dict[tuple[str, str | None], str] = {}
        self.open_memo: dict[int, tuple[dict[str, int], dict[str, int]]] = {}

    def _preferred(self) -> dict[str, str | None]:
        """Per need, the owner the split of costs favours (none here)."""
        return {}

    def threshold(self) -> float:
        """What a stack must score to be kept (the search's K-th best; none here)."""
        return -math.inf

    def _hubs(self) -> None:
        self.hub_candidates: dict[str, list[str]] = {
            cap: [
                t
                for t in self.need[cap].candidates
                if effective_level(self.catalog.tools[t], cap) >= params.HUB_MIN_LEVEL
            ]
            for cap in set(params.CONCERN_HUB.values())
            if cap in self.need
        }
        self.governed_memo: dict[tuple[str, str], frozenset[str]] = {}

    # ------------------------------------------------------------------ the model's pieces

    def _link(self, a: str, b: str) -> tuple[Connection, tuple[str, ...]]:
        if a == b:
            return "same", ()
        k = frozenset((a, b))
        got = self.link_memo.get(k)
        if got is None:
            t = self.catalog.tools
            got = connect(t[a], t[b], self.catalog, self.link_stack)
            self.link_memo[k] = got
        return got

    def _carry(self, a: str, b: str) -> frozenset[str]:
        k = frozenset((a, b))
        got = self.carry_memo.get(k)
        if got is None:
            t = self.catalog.tools
            got = carried(t[a], t[b], self.link_stack)
            self.carry_memo[k] = got
        return got

    def _view(self, tools: set[str], owners: dict[str, str | None]) -> StackView:
        ids = sorted(tools)
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        return StackView(
            stack=self.link_stack,
            tools={t: self.catalog.tools[t] for t in ids},
            owners=owners,
            links={frozenset(p): self._link(*p) for p in pairs},
            carry={frozenset(p): self._carry(*p) for p in pairs},
        )

    def _governs(self, hub: str, tool: str, cap: str) -> bool:
        if hub == tool:
            return True
        key = (hub, tool, cap)
        got = self.governs_memo.get(key)
        if got is None:
            if cap == "orchestration":
                got = self._link(hub, tool)[0] != "custom"
            else:
                got = cap in self._carry(hub, tool)
            self.governs_memo[key] = got
        return got

    def _connection(self, a: str, b: str) -> float:
        """The least connection points between a and b in any completion of the node being
        bounded: their own connection, or a route through a store both work on without custom
        code that is working in the stack or could still join it (``self.open_stores``)."""
        routes = self.route_memo.get(frozenset((a, b)))
        if routes is None:
            own = params.CONNECTION_POINTS[self._link(a, b)[0]]
            ta, tb = self._to_stores(a), self._to_stores(b)
            routes = (
                own,
                tuple(
                    sorted(
                        (max(pa, pb), e)
                        for e, pa in ta.items()
                        if (pb := tb.get(e)) is not None and e not in (a, b) and max(pa, pb) < own
                    )
                ),
            )
            self.route_memo[frozenset((a, b))] = routes
        own, via = routes
        for points, e in via:
            if e in self.open_stores:
                return points
        return own

    def _to_stores(self, a: str) -> dict[str, float]:
        got = self.store_memo.get(a)
        if got is None:
            got = {}
            for e in self.stores:
                if e != a:
                    kind = self._link(a, e)[0]
                    if kind != "custom":
                        got[e] = params.CONNECTION_POINTS[kind]
            self.store_memo[a] = got
        return got

    def _self_carried(self, concern: str, a: str, b: str) -> bool:
        """What the model grants without a hub (final whatever else joins)."""
        t = self.catalog.tools
        return carried_by_themselves(concern, t[a], t[b], self._link(a, b)[0])

    def _could_carry(self, cap: str, a: str, b: str) -> bool:
        """Whether some tool of the space could be the hub for cap and carry it to a and b."""
        return not self._governed_by(cap, a).isdisjoint(self._governed_by(cap, b))

    def _governed_by(self, cap: str, t: str) -> frozenset[str]:
        """The space's hub candidates for cap whose concern reaches tool t."""
        key = (cap, t)
        got = self.governed_memo.get(key)
        if got is None:
            got = frozenset(h for h in self.hub_candidates.get(cap, ()) if self._governs(h, t, cap))
            self.governed_memo[key] = got
        return got

    def _pair(self, a: str, b: str, handoff: tuple[str, str]) -> tuple[float, dict[str, float]]:
        """A handoff between a and b, but for its connection: the points it costs whatever the
        governance tools (the team boundary, concerns nobody could carry), and per hub
        capability the points of the concerns that only that hub could still carry."""
        key = (a, b, handoff)
        got = self.pair_memo.get(key)
        if got is None:
            if a == b:
                got = (0.0, {})
            else:  # the connection itself depends on the node: see _pair_with
                points = 0.0
                src, dst = handoff
                if crosses_teams(self.ctx, src, dst, self.catalog.tools[a], self.catalog.tools[b]):
                    points += params.TEAM_HANDOFF_POINTS
                pending: dict[str, float] = {}
                for c in self.ctx.handoff_concerns[handoff]:
                    if self._self_carried(c, a, b):
                        continue
                    cost = params.concern_points(c, self.ctx.posture)
                    cap = params.CONCERN_HUB.get(c)
                    if cap is not None and cap in self.need and self._could_carry(cap, a, b):
                        pending[cap] = pending.get(cap, 0.0) + cost
                    else:
                        points += cost
                got = (points, pending)
            self.pair_memo[key] = got
        return got

    def _pair_with(
        self, a: str, b: str, handoff: tuple[str, str], owners: dict[str, str | None]
    ) -> float:
        """A handoff's points whatever the undecided governance tools: its least connection,
        ``_pair``'s, and the breaks of the concerns whose hub is decided (exact for those)."""
        if a == b:
            return 0.0
        points, pending = self._pair(a, b, handoff)
        points += self._connection(a, b)
        for cap, p in pending.items():
            if cap in owners:
                points += self._hub_breaks(owners[cap], cap, a, b, p)
        return points

    def _hub_breaks(self, hub: str | None, cap: str, a: str, b: str, pending: float) -> float:
        """Of a handoff's concerns only hub capability cap could carry, the points they cost
        with this tool as the hub (all of them when it bridges nothing)."""
        if pending == 0.0:
            return 0.0
        if hub is None or not self._bridges(hub, cap):
            return pending
        return 0.0 if self._governs(hub, a, cap) and self._governs(hub, b, cap) else pending

    def _attachments(self, hub: str, cap: str, stage_tools: Set[str]) -> float:
        if not self._bridges(hub, cap):
            return 0.0
        return sum(self._attachment(hub, t) for t in stage_tools if t != hub)

    # ------------------------------------------------------------------ bound

    def _new_system(self, t: str, owners: dict[str, str | None]) -> bool:
        """Whether tool t, joining the working tools, is a permission system of its own in every
        completion: an open-source tool with its own access control (each its own system) that
        the access-control tool does not govern, whichever of the space's it turns out to be."""
        if t not in self.own_permissions:
            return False
        cap = "access-control"
        if cap not in self.need:
            return True
        if cap in owners:
            hub = owners[cap]
            if hub is None or not self._bridges(hub, cap):
                return True
            return t != hub and not self._governs(hub, t, cap)
        got = self.solo_memo.get(t)
        if got is None:
            got = not any(
                h != t and self._governs(h, t, cap) for h in self.hub_candidates.get(cap, ())
            )
            self.solo_memo[t] = got
        return got

    def _decided_glue(self, st: _State) -> tuple[float, int]:
        """Glue points every completion of this node pays at least, and how many permission
        systems it has at least already."""
        total = 0.0
        owners = st.owners
        for h in self.ctx.handoffs:
            a, b = owners.get(h[0]), owners.get(h[1])
            if a is None or b is None:
                continue
            total += self._pair_with(a, b, h, owners)
        stage_tools = {o for c, o in owners.items() if o is not None and not self.need[c].concern}
        for cap in sorted(self.ctx.concerns):
            hub = owners.get(cap)
            if cap in owners and hub is not None:
                total += self._attachments(hub, cap, stage_tools)
        if "access-control" not in self.need or "access-control" in owners:
            view = self._view(st.tools, {c: owners.get(c) for c in self.need})
            systems = len(permission_domains(view))
        else:
            # Before the access-control tool is known: each working tool that is a system of
            # its own whatever it turns out to be.
            working = {o for o in owners.values() if o is not None}
            systems = sum(1 for t in working if self._new_system(t, owners))
        total += max(0, systems - 1) * self.permission_points
        return total, systems

    def _bound(self, st: _State, k: int) -> float:
        return self._bound_and_options(st, k)[0]

    def stack_bound(self, tools: Iterable[str], owners: dict[str, str | None]) -> float:
        """The bound with every need decided: at least the overall score of the stack of these
        tools (of the space) whose needs have these owners (the model's, ``stack_owners``)."""
        return self._bound(_State(tools=set(tools), owners=dict(owners)), len(self.s.needs))

    def _bound_and_options(self, st: _State, k: int) -> tuple[float, dict[str | None, float]]:
        """The bound at a node, and per option of the next need the bound of the child that
        takes it."""
        s = self.s
        wf, wg, wl, wc = self.weights
        decided, undecided = s.needs[:k], s.needs[k:]
        fit = 0.0
        lock = 0.0
        by_vendor: dict[str, float] = {}
        for n in decided:
            o = st.owners[n.capability]
            if o is not None:
                fit += n.coverage * s.level[(n.capability, o)] / 3
                lock += n.weight * s.closed[o]
                vendor = self.catalog.tools[o].vendor
                by_vendor[vendor] = by_vendor.get(vendor, 0.0) + n.weight
        # The vendor concentration can only grow as needs are decided: the decided work's
        # shares of all the needs' weight are a floor under the final shares.
        concentration = 0.5 + 0.5 * sum((w / self.total) ** 2 for w in by_vendor.values())
        lock_floor = 100.0 * lock / self.total * concentration
        open_needs, open_work = self._open(k)
        self.preferred = self._preferred()
        self.favoured = self._favoured(
            (n.capability, self.preferred.get(n.capability)) for n in undecided
        )
        # Each tool's fixed charges are split over the needs ``_weight`` gives weight 1.
        self.part_of = {t: 1.0 / (self.favoured.get(t) or count) for t, count in open_needs.items()}
        if len(self.edge_memo) > HANDOFF_MEMO:
            self.edge_memo.clear()
            self.off_memo.clear()
        working = {o for o in st.owners.values() if o is not None}
        can_add = len(st.tools) < s.max_tools
        self.full = not can_add
        self.open_stores = frozenset(
            e
            for e in self.stores
            if e in working or (e in open_needs and (can_add or e in st.tools))
        )
        glue_points, systems = self._decided_glue(st)
        glue_floor = glue_points * self.norm
        node = _Node(
            working=frozenset(working),
            stage_tools=frozenset(
                o for c, o in st.owners.items() if o is not None and not self.need[c].concern
            ),
            holders=frozenset(
                o for o in working if self.catalog.tools[o].governance.access().value != "none"
            ),
            systems=systems,
            concentration=concentration,
            by_vendor=by_vendor,
            decided_lock=lock,
        )
        annual = sum(s.annual[t] for t in st.tools)
        annual += sum(s.workload.get((c, o), 0.0) for c, o in st.owners.items() if o is not None)
        annual += glue_line(glue_points * params.DAYS_PER_POINT, self.ctx).middle
        # The reuse of an existing tool that does no work yet (``doing_work``: a stage, or a
        # governance need at the hub level) is earned only if it comes to, so it is a bonus on
        # its options that would be work: on its one such option when it has one; once only
        # governance needs are left (no handoffs between them), handed to one of them the best
        # way (``_assign``); otherwise either credited whatever is chosen or added to each of
        # those options (counted once per need it would own), whichever bound is lower.
        isolated = bool(undecided) and all(n.concern for n in undecided)
        doing = {o for c, o in st.owners.items() if o is not None and self._works(o, c)}
        reuse = 0.0
        single: dict[str, float] = {}
        several: dict[str, float] = {}
        for tool, points in s.reuse.items():
            open_in = open_work.get(tool, 0)
            if tool in doing:
                reuse += points
            elif open_in == 0:
                if tool not in st.tools and open_needs.get(tool, 0) == 0:
                    annual += s.dropped.get(tool, 0.0)
            elif open_in == 1 and not isolated:
                single[tool] = wf * points
            else:
                several[tool] = wf * points
        least: dict[str, float] = {}
        shares: dict[str, dict[str, float]] = {}
        most = 0.0
        allowed: dict[str, list[str]] = {}
        optional: dict[str, bool] = {}
        for n in undecided:
            cap = n.capability
            allowed[cap], optional[cap] = self._allowed(st, n)
            charged = shares[cap] = {t: self._share(st, t, cap) for t in allowed[cap]}
            # (Whoever owns the need in a completion is one of its options: it pays at least
            # the cheapest of them unless it may stay uncovered.)
            cheapest = min(charged.values()) if charged and not optional[cap] else 0.0
            least[cap] = cheapest
            annual += cheapest
            most += max(charged.values(), default=0.0) - cheapest
        base = wf * (fit + reuse) + wg * (100.0 - glue_floor) + wl * (100.0 - lock_floor)
        raw: dict[str, dict[str | None, tuple[float, float, float]]] = {}
        for n in undecided:
            cap = n.capability
            got = self._options(st, n, node, least[cap], shares[cap], allowed[cap], optional[cap])
            if not got:
                return -math.inf, {}
            raw[n.capability] = got
        first_cap = undecided[0].capability if undecided else None

        def relax(
            credited: float, bonus: dict[str, float]
        ) -> tuple[float, dict[str | None, float]]:
            value = base + credited
            glue_unit = wg * self.norm
            alone = {
                cap: {
                    t: v + self._bonus(bonus, t, cap) - glue_unit * g
                    for t, (v, _, g) in got.items()
                }
                for cap, got in raw.items()
            }
            free = sum(max(a.values()) for a in alone.values())
            # The cost score 100 b / (A + b) falls ever more slowly as the yearly cost A grows
            # (it is convex in A), so over the yearly costs from `annual` to a cut A_cut it is
            # at most its chord: what is still to come is charged at the chord's slope.
            # Completions dearer than A_cut score at most `above` (their cost score at A_cut,
            # everything else at its best ignoring glue between undecided needs). A_cut is the
            # largest yearly cost a completion could reach or, once a K-th best is known, the
            # least at which `above` falls below it.
            b = self.budget
            cut = annual + most
            # (`above` lands just below the K-th best, so the search prunes what is above
            # the cut rather than entering it on a tie.)
            room = self.threshold() - value - free - CUT_MARGIN
            if wc > 0 and room > 0:
                cut = min(cut, max(annual, 100.0 * b * wc / room - b))
            slope = 100.0 * b / ((annual + b) * (cut + b))
            above = value + free + wc * 100.0 * b / (cut + b)
            value += wc * (100.0 - 100.0 * annual / (annual + b))
            # A glue point costs glue score and, priced, yearly cost.
            per_point = glue_unit + wc * slope * self.point_usd
            # Between needs that do not interact, each bonus is handed to one of them.
            handed = isolated and bool(bonus)
            unary = {
                cap: {
                    t: v
                    + (0.0 if handed else self._bonus(bonus, t, cap))
                    - wc * slope * extra
                    - per_point * g
                    for t, (v, extra, g) in got.items()
                }
                for cap, got in raw.items()
            }
            if handed:
                total, first = self._assign(unary, first_cap, bonus, self._works)
            else:
                total, first = self._joint(unary, first_cap, st, per_point, node)
            if first_cap is None:
                return max(value + total, above), {}
            # A child's completions dearer than A_cut: `above`, with the child's own option.
            top = max(alone[first_cap].values())
            return max(value + total, above), {
                t: max(value + v, above - top + alone[first_cap][t]) for t, v in first.items()
            }

        if isolated:
            return relax(0.0, single | several)
        bound, children = relax(sum(several.values()), single)
        if several and bound >= self.threshold():
            # Each bound holds, so the lower one does.
            other, more = relax(0.0, single | several)
            if other < bound:
                bound = other
            children = {t: min(v, more[t]) for t, v in children.items()}
        return bound, children

    def _open(self, k: int) -> tuple[dict[str, int], dict[str, int]]:
        """Per tool, how many of the needs from the k-th on it could own, and how many of
        those would be work (``_works``): fixed by the decision order, so memoised per k."""
        got = self.open_memo.get(k)
        if got is None:
            needs: dict[str, int] = {}
            work: dict[str, int] = {}
            for n in self.s.needs[k:]:
                for t in n.candidates:
                    needs[t] = needs.get(t, 0) + 1
                    if self._works(t, n.capability):
                        work[t] = work.get(t, 0) + 1
            got = self.open_memo[k] = (needs, work)
        return got

    def _works(self, t: str, cap: str) -> bool:
        """Whether owning cap is work reuse credit counts (the model's ``does_work``)."""
        key = (t, cap)
        got = self.works_memo.get(key)
        if got is None:
            got = does_work(self.catalog.tools[t], cap, self.ctx)
            self.works_memo[key] = got
        return got

    def _bonus(self, bonus: dict[str, float], t: str | None, cap: str) -> float:
        if t is None or t not in bonus or not self._works(t, cap):
            return 0.0
        return bonus[t]

    @staticmethod
    def _assign(
        unary: dict[str, dict[str | None, float]],
        first: str | None,
        bonus: dict[str, float],
        works: Callable[[str, str], bool],
    ) -> tuple[float, dict[str | None, float]]:
        """The best joint choice of needs that do not interact, when each tool of ``bonus``
        adds its bonus once if some need chooses it as work (``works``): the best over every
        way of handing each bonus to one need it could work for (or to none), and per option of
        ``first`` the same with that option."""
        caps = list(unary)
        tools = sorted(bonus)
        homes = [[None, *(c for c in caps if t in unary[c] and works(t, c))] for t in tools]
        best = -math.inf
        at_first: dict[str | None, float] = dict.fromkeys(unary[first], -math.inf) if first else {}
        for assignment in itertools.product(*homes):
            extra: dict[str, dict[str, float]] = {c: {} for c in caps}
            for t, c in zip(tools, assignment, strict=True):
                if c is not None:
                    extra[c][t] = bonus[t]
            tops = {
                c: max(v + extra[c].get(t or "", 0.0) for t, v in unary[c].items()) for c in caps
            }
            total = sum(tops.values())
            best = max(best, total)
            if first is not None:
                rest = total - tops[first]
                for option, v in unary[first].items():
                    got = rest + v + extra[first].get(option or "", 0.0)
                    if got > at_first[option]:
                        at_first[option] = got
        return best, at_first

    def _joint(
        self,
        unary: dict[str, dict[str | None, float]],
        first: str | None,
        st: _State,
        per_point: float,
        node: _Node,
    ) -> tuple[float, dict[str | None, float]]:
        """The best joint choice of the undecided needs (an upper bound on it), and per option
        of ``first`` the same with that option (its max-marginal).

        Stage needs interact through their handoffs: each handoff between two undecided ones
        costs the glue its two ends cannot avoid, solved exactly over a spanning forest of those
        handoffs (a handoff left out of the forest counts as free, which keeps a bound).

        A governance tool, once chosen, is attached to every stage tool and carries (or leaves
        broken) the concerns only it could carry across each handoff; a stack without one pays
        those breaks. Both depend on the governance tool and the stage tools together. So the
        stage part of the objective is split evenly among the undecided governance needs that
        have a bridging option (any split keeps an upper bound: the best of a sum is at most the
        sum of the bests), and each share is solved over the forest once per group of that
        need's options: those that bridge nothing (none, or a tool below the hub level) and
        each bridging tool, best first, until no group left could beat the best so far even
        without any of its coupling costs."""
        caps = list(unary)
        stages = [c for c in caps if not self.need[c].concern]
        coupled = [
            c
            for c in caps
            if first in stages
            and self.need[c].concern
            and any(t is not None and self._bridges(t, c) for t in unary[c])
        ]
        opts = {c: list(unary[c]) for c in caps}
        owners = st.owners
        if not coupled:
            forest = self._spanning(frozenset(caps), first)
            base, _, _ = self._edge_costs(forest, opts, owners)
            off = self._off_tree(forest, opts, owners)
            vals = {
                c: [v - per_point * p for v, p in zip(unary[c].values(), off[c], strict=True)]
                for c in caps
            }
            total, at_first = self._solve(forest, vals, base, per_point, first)
            return total, dict(zip(opts[first], at_first, strict=True)) if first is not None else {}
        assert first is not None
        share = 1.0 / len(coupled)
        total = sum(
            max(unary[c].values()) for c in caps if self.need[c].concern and c not in coupled
        )
        forest = self._spanning(frozenset(stages), first)
        base, pending, with_breaks = self._edge_costs(forest, opts, owners)
        unit = per_point * share  # what a point of the forest's edges costs in each share
        off = self._off_tree(forest, opts, owners)
        stage_vals = {
            c: [share * (v - per_point * p) for v, p in zip(unary[c].values(), off[c], strict=True)]
            for c in stages
        }
        free, free_first = self._solve(forest, stage_vals, base, unit, first)
        marginals = [total] * len(opts[first])
        stage_tools = node.stage_tools
        favoured = self._favoured(
            (c, t) for c in stages if (t := self.preferred.get(c)) is not None and t in opts[c]
        )
        weight = {c: [self._weight(t, c, favoured) if t else 0.0 for t in opts[c]] for c in stages}
        stage_open: dict[str, float] = {}
        for c in stages:
            for t, x in zip(opts[c], weight[c], strict=True):
                if t is not None:
                    stage_open[t] = stage_open.get(t, 0.0) + x
        # Per stage option: the concerns left on its handoffs to decided stages that only a
        # governance tool could carry, with their points per governance capability.
        to_decided: dict[str, list[list[tuple[str, str, dict[str, float]]]]] = {}
        for c in stages:
            decided = [
                (h, other, o) for h, other in self.pairs[c] if (o := owners.get(other)) is not None
            ]
            per_option = []
            for t in opts[c]:
                left = []
                if t is not None:
                    for h, other, o in decided:
                        a, b = (o, t) if h[0] == other else (t, o)
                        if a != b and (points := self._pair(a, b, h)[1]):
                            left.append((a, b, points))
                per_option.append(left)
            to_decided[c] = per_option
        # Each stage option's share of a governance tool's attachment (a tool already working
        # at a stage has its attachment counted with the governance need's own option).
        attach_share = {
            c: [
                0.0 if t is None or t in stage_tools else x / stage_open[t]
                for t, x in zip(opts[c], weight[c], strict=True)
            ]
            for c in stages
        }
        # A new open-source tool with its own access control is a permission system of its own
        # unless the access-control tool governs it; one that is so whatever is chosen is
        # already charged its share (``_options``), the others are charged here, per
        # access-control option (only once the stack has a system for an option that bridges
        # nothing: the first system is free).
        working = node.working
        permission_share = {
            c: [
                self.permission_points * x / stage_open[t]
                if t is not None
                and t not in working
                and t in self.own_permissions
                and not (node.systems and self._new_system(t, owners))
                else 0.0
                for t, x in zip(opts[c], weight[c], strict=True)
            ]
            for c in stages
        }
        holders = node.holders
        # A new commercial tool with its own access control is in its vendor's permission
        # system (one IAM) unless the access-control tool governs it or is a product of the
        # same vendor; a vendor's system is charged once, split over the stage needs that have
        # such an option of that vendor.
        vendor_of = {
            c: [
                self.catalog.tools[t].vendor
                if t is not None and t not in working and t in self.vendor_holders
                else None
                for t in opts[c]
            ]
            for c in stages
        }
        vendor_needs: dict[str, int] = {}
        for c in stages:
            for v in {v for v in vendor_of[c] if v is not None}:
                vendor_needs[v] = vendor_needs.get(v, 0) + 1
        for cap in coupled:
            # The tree edges where only this need's tool could carry a concern, and how many
            # points it leaves there when it does not.
            pending_edges = {
                c: [(iu, ic, a, b, left[cap]) for iu, ic, a, b, left in entries if cap in left]
                for c, entries in pending.items()
            }
            groups: list[tuple[float, str | None]] = []
            plain = [t for t in opts[cap] if t is None or not self._bridges(t, cap)]
            if plain:
                groups.append((max(unary[cap][t] for t in plain), None))
            groups += [
                (unary[cap][t], t) for t in opts[cap] if t is not None and self._bridges(t, cap)
            ]
            groups.sort(key=lambda g: (-g[0], g[1] or ""))
            best = -math.inf
            best_first = [-math.inf] * len(opts[first])
            permissions = cap == "access-control"
            plain_systems = (
                min((self._systems_with(holders, t) for t in plain), default=0)
                if permissions
                else 0
            )
            for i, (head, hub) in enumerate(groups):
                if head + free <= best or i == MAX_GROUPS:
                    # Coupling costs only lower a share, and heads only fall from here: this
                    # group and every later one are bounded by the uncoupled solution (also
                    # when MAX_GROUPS were solved: the rest are bounded the same way).
                    best = max(best, head + free)
                    best_first = [
                        max(x, head + y) for x, y in zip(best_first, free_first, strict=True)
                    ]
                    break
                shares = permissions and (hub is not None or plain_systems > 0)
                vendor_points = (
                    self._vendor_systems(hub, plain, holders, opts, vendor_of, vendor_needs)
                    if shares and vendor_needs
                    else None
                )
                vals = {
                    c: self._coupled_values(
                        cap,
                        hub,
                        opts[c],
                        stage_vals[c],
                        to_decided[c],
                        attach_share[c],
                        permission_share[c] if shares else None,
                        per_point,
                        vendor_points[c] if vendor_points is not None else None,
                    )
                    for c in stages
                }
                penalty = dict(base)
                for c, entries in pending_edges.items():
                    if not entries:
                        continue
                    key = (c, hub, cap, share)
                    rows = with_breaks.get(key)
                    if rows is None:
                        rows = [list(r) for r in base[c]]
                        for iu, ic, a, b, p in entries:
                            rows[iu][ic] += self._hub_breaks(hub, cap, a, b, p) / share
                        with_breaks[key] = rows
                    penalty[c] = rows
                got, at_first = self._solve(forest, vals, penalty, unit, first)
                best = max(best, head + got)
                best_first = [max(x, head + y) for x, y in zip(best_first, at_first, strict=True)]
            total += best
            marginals = [m + x for m, x in zip(marginals, best_first, strict=True)]
        return total, dict(zip(opts[first], marginals, strict=True))

    def _coupled_values(
        self,
        cap: str,
        hub: str | None,
        options: list[str | None],
        values: list[float],
        to_decided: list[list[tuple[str, str, dict[str, float]]]],
        attach_share: list[float],
        permission_share: list[float] | None,
        per_point: float,
        vendor_points: list[float] | None = None,
    ) -> list[float]:
        """A stage need's option values with ``hub`` as governance need cap's tool: less the
        concerns only that tool could carry that it leaves broken on the option's handoffs to
        decided stages, the option's share of the hub's attachment to it and, for access
        control, its share of a permission system of its own when the hub does not govern it
        (``vendor_points``: of its vendor's, ``_vendor_systems``)."""
        # (``_hub_breaks`` and the attachment inlined: this runs per option of every stage
        # need, for every group of every governance need, at every node.)
        bridging = hub is not None and self._bridges(hub, cap)
        gov = hub or ""  # (governs is asked only when bridging, so never of "")
        governs = self._governs
        attachment = self._attachment
        out = []
        for i, (t, v, left) in enumerate(zip(options, values, to_decided, strict=True)):
            points = vendor_points[i] if vendor_points is not None else 0.0
            for a, b, pending in left:
                p = pending.get(cap)
                if p and not (bridging and governs(gov, a, cap) and governs(gov, b, cap)):
                    points += p
            if t is not None and hub is not None and t != hub:
                share = attach_share[i]
                if share:
                    points += attachment(hub, t) * share
                if (
                    permission_share is not None
                    and permission_share[i]
                    and not (bridging and governs(gov, t, cap))
                ):
                    points += permission_share[i]
            elif t is not None and hub is None and permission_share is not None:
                points += permission_share[i]
            out.append(v - per_point * points)
        return out

    def _vendor_systems(
        self,
        hub: str | None,
        plain: list[str | None],
        holders: frozenset[str],
        opts: dict[str, list[str | None]],
        vendor_of: dict[str, list[str | None]],
        vendor_needs: dict[str, int],
    ) -> dict[str, list[float]]:
        """Per stage option, its part of its vendor's permission system with ``hub`` as the
        stack's access-control tool (None: one of ``plain``, the options that bridge nothing),
        when that system is new: the key the model gives the tool (``permission_key``) is not
        the hub's nor one the working tools already have. Under a tool that bridges nothing a
        vendor one of those options belongs to may be absorbed, so it is not charged."""
        known = {self._permission_key(w, hub) for w in holders}
        if hub is not None:
            known.add(f"hub:{hub}")
            absorbed: set[str] = set()
        else:
            absorbed = {
                self.catalog.tools[t].vendor
                for t in plain
                if t is not None and t in self.vendor_holders
            }
        out: dict[str, list[float]] = {}
        for c, vendors in vendor_of.items():
            row = []
            for t, v in zip(opts[c], vendors, strict=True):
                if v is None or v in absorbed:  # (no vendor for "none")
                    row.append(0.0)
                    continue
                assert t is not None
                key = self._permission_key(t, hub)
                if key.startswith("hub:") or key in known:
                    row.append(0.0)
                else:
                    row.append(self.permission_points / vendor_needs[v])
            out[c] = row
        return out

    def _attachment(self, hub: str, t: str) -> float:
        """A governance tool's attachment points to one stage tool."""
        key = (hub, t)
        got = self.attach_memo.get(key)
        if got is None:
            got = params.ATTACHMENT_FACTOR * params.CONNECTION_POINTS[self._link(hub, t)[0]]
            self.attach_memo[key] = got
        return got

    def _bridges(self, t: str, cap: str) -> bool:
        """Whether t serves cap well enough to bridge other tools (the model's hub level)."""
        key = (t, cap)
        got = self.bridge_memo.get(key)
        if got is None:
            got = effective_level(self.catalog.tools[t], cap) >= params.HUB_MIN_LEVEL
            self.bridge_memo[key] = got
        return got

    def _spanning(self, caps: frozenset[str], first: str | None) -> _Forest:
        """A spanning forest of the handoffs among caps, by breadth-first search from first
        (then in decision order): per tree, its needs in visiting order and each one's parent
        with the handoff between them."""
        key = (caps, first)
        got = self.forest_memo.get(key)
        if got is None:
            got = []
            seen: set[str] = set()
            roots = ([first] if first in caps else []) + sorted(caps, key=self.position.__getitem__)
            for root in roots:
                if root in seen:
                    continue
                order = [root]
                parent: dict[str, tuple[str, tuple[str, str]]] = {}
                seen.add(root)
                i = 0
                while i < len(order):
                    c = order[i]
                    i += 1
                    for h, o in self.pairs.get(c, ()):
                        if o in caps and o not in seen:
                            seen.add(o)
                            parent[o] = (c, h)
                            order.append(o)
                got.append((order, parent))
            self.forest_memo[key] = got
        return got

    def _edge_costs(
        self,
        forest: _Forest,
        opts: dict[str, list[str | None]],
        owners: dict[str, str | None],
    ) -> _Edges:
        """Per tree edge (by its child need), the glue points each pair of options costs at
        least: rows by the parent's options, columns by the child's; the pairs with concerns
        only a governance tool could carry, with their points per governance capability
        (``_pair``); and a memo of the edges' points with a governance tool's breaks added
        (``_joint``)."""
        key = self._handoffs_key(forest, opts, owners)
        got = self.edge_memo.get(key)
        if got is None:
            points: dict[str, list[list[float]]] = {}
            pending: dict[str, list[tuple[int, int, str, str, dict[str, float]]]] = {}
            for _, parent in forest:
                for c, (up, h) in parent.items():
                    rows = []
                    entries = []
                    forward = h[0] == up
                    for iu, ou in enumerate(opts[up]):
                        row = []
                        for ic, oc in enumerate(opts[c]):
                            if ou is None or oc is None or ou == oc:
                                row.append(0.0)
                            else:
                                a, b = (ou, oc) if forward else (oc, ou)
                                row.append(self._pair_with(a, b, h, owners))
                                left = self._pair(a, b, h)[1]
                                if left:
                                    entries.append((iu, ic, a, b, left))
                        rows.append(row)
                    points[c] = rows
                    if entries:
                        pending[c] = entries
            got = (points, pending, {})
            self.edge_memo[key] = got
        return got

    def _handoffs_key(
        self, forest: _Forest, opts: dict[str, list[str | None]], owners: dict[str, str | None]
    ) -> tuple[object, ...]:
        """What the glue points between a forest's options depend on (``_pair_with``): the
        forest (memoised, so its id is stable), its needs' options, the stores a route may pass
        through, and the decided governance tools. Sibling nodes share it.

        While new tools may still join, a need's options are "none" or not, then a prefix of
        its candidates (``_options``), so their count and whether the first is "none" say which;
        once the stack is full they are the tools inside, named."""
        if self.full:
            shapes: tuple[object, ...] = tuple(tuple(opts[c]) for order, _ in forest for c in order)
        else:
            shapes = tuple((len(opts[c]), opts[c][0] is None) for order, _ in forest for c in order)
        return (
            id(forest),
            self.full,
            shapes,
            self.open_stores,
            tuple((c in owners, owners.get(c)) for c in self.hub_caps),
        )

    def _off_tree(
        self, forest: _Forest, opts: dict[str, list[str | None]], owners: dict[str, str | None]
    ) -> dict[str, list[float]]:
        """Per need of the forest and option, glue points charged for the handoffs between
        undecided needs that the spanning forest leaves out: such a handoff costs at least the
        least its two ends' options allow, so each end is charged half the least it allows
        with that option (half of the row minimum, half of the column minimum)."""
        key = self._handoffs_key(forest, opts, owners)
        got = self.off_memo.get(key)
        if got is not None:
            return got
        caps = {c for order, _ in forest for c in order}
        tree = {frozenset((c, up)) for _, parent in forest for c, (up, _h) in parent.items()}
        out = {c: [0.0] * len(opts[c]) for c in caps}
        for h in self.ctx.handoffs:
            a_cap, b_cap = h
            if a_cap not in caps or b_cap not in caps or frozenset(h) in tree:
                continue
            rows = []
            for oa in opts[a_cap]:
                row = []
                for ob in opts[b_cap]:
                    if oa is None or ob is None or oa == ob:
                        row.append(0.0)
                    else:
                        row.append(self._pair_with(oa, ob, h, owners))
                rows.append(row)
            for i, row in enumerate(rows):
                out[a_cap][i] += 0.5 * min(row)
            for j in range(len(opts[b_cap])):
                out[b_cap][j] += 0.5 * min(row[j] for row in rows)
        self.off_memo[key] = out
        return out

    @classmethod
    def _solve(
        cls,
        forest: _Forest,
        vals: dict[str, list[float]],
        points: dict[str, list[list[float]]],
        unit: float,
        first: str | None,
    ) -> tuple[float, list[float]]:
        """``_max_sum`` with each edge point costing ``unit``, solved in units of ``unit`` (the
        max-sum is linear in the values and penalties together), so the memoised point matrices
        are never rescaled."""
        if unit <= 0.0:  # glue weighs nothing: the edges cost nothing
            points = {c: [[0.0] * len(row) for row in rows] for c, rows in points.items()}
            unit = 1.0
        scaled = {c: [x / unit for x in v] for c, v in vals.items()}
        total, at_first = cls._max_sum(forest, scaled, points, first)
        return total * unit, [x * unit for x in at_first]

    @staticmethod
    def _max_sum(
        forest: _Forest,
        vals: dict[str, list[float]],
        penalty: dict[str, list[list[float]]],
        first: str | None,
    ) -> tuple[float, list[float]]:
        """Exact max-sum over the forest: the best total of the options' values less the edge
        penalties, and per option of ``first`` (a root) the best total with that option."""
        total = 0.0
        at_first: list[float] = []
        for order, parent in forest:
            value = {c: list(vals[c]) for c in order}
            for c in reversed(order[1:]):
                upper = value[parent[c][0]]
                child = value[c]
                for i, row in enumerate(penalty[c]):
                    upper[i] += max(map(operator.sub, child, row))
            root = value[order[0]]
            total += max(root)
            if order[0] == first:
                at_first = root
        if at_first:
            rest = total - max(at_first)
            at_first = [rest + v for v in at_first]
        return total, at_first

    def _share(self, st: _State, t: str, cap: str) -> float:
        """The yearly cost undecided need cap is charged for choosing tool t: what the work
        adds to a usage-priced tool's price (exact), and for a new tool a part of its yearly
        cost (over the undecided needs it could own, the parts add up to its cost: it is
        charged at most once in all)."""
        extra = self.s.workload.get((cap, t), 0.0)
        if t in st.tools:
            return extra
        return extra + self.s.annual[t] * self._part(t, cap)

    def _part(self, t: str, cap: str) -> float:
        """Need cap's part of tool t's fixed charges (``_weight``)."""
        return self._weight(t, cap, self.favoured) * self.part_of[t]

    def _favoured(self, picks: Iterable[tuple[str, str | None]]) -> dict[str, int]:
        """Per tool, how many of the (need, preferred owner) ``picks`` name it, counting only
        needs it could own."""
        out: dict[str, int] = {}
        for cap, t in picks:
            if t is not None and (cap, t) in self.s.level:
                out[t] = out.get(t, 0) + 1
        return out

    def _weight(self, t: str, cap: str, favoured: dict[str, int]) -> float:
        """A need's weight in the split of a new tool's fixed charges (its yearly cost, its
        attachments, its permission system) over the undecided needs it could own. Any split
        whose parts add up to the whole keeps the bound: the tool is charged at most once
        whichever of those needs it comes to own. The even split is loose for the stacks that
        matter, those like the best found so far, where a broad tool owns a few of the many
        needs it could: so when the preferred owners (``_preferred``) give the tool some of
        the needs (``favoured``), those needs carry all of it."""
        if not favoured.get(t):
            return 1.0
        return 1.0 if self.preferred.get(cap) == t else 0.0

    def _allowed(self, st: _State, n: NeedInfo) -> tuple[list[str], bool]:
        """The tools that could own undecided need n in a completion of this node (the best
        tool in the stack, or a new one that outranks it; at the level a must-have asks; only
        tools in the stack once it is full), and whether it may also stay uncovered."""
        s = self.s
        cap = n.capability
        inside = [t for t in n.candidates if t in st.tools]
        limit = s.key[(cap, inside[0])] if inside else None
        full = len(st.tools) >= s.max_tools  # no new tool can join: owners come from inside
        out = []
        for t in n.candidates:
            if limit is not None and s.key[(cap, t)] > limit:
                break
            if (n.must and s.level[(cap, t)] < n.min_level) or (full and t not in st.tools):
                continue
            out.append(t)
        return out, not inside and not n.must

    def _options(
        self,
        st: _State,
        n: NeedInfo,
        node: _Node,
        least: float,
        shares: dict[str, float],
        allowed: list[str],
        optional: bool,
    ) -> dict[str | None, tuple[float, float, float]]:
        """What each option of an undecided need (``allowed`` and, when it may stay uncovered,
        ``optional``, none; both from ``_allowed``) can add at best before glue and cost, the yearly cost beyond ``least``
        (``shares``: what each is charged, ``_share``) and the glue points it adds at least;
        empty when a must-have can no longer be met."""
        s = self.s
        wf, _, wl, _ = self.weights
        cap = n.capability
        lock_unit = 100.0 * n.weight / self.total * node.concentration
        # The need also raises the concentration that multiplies the decided work's lock-in:
        # by at least 0.5 (2 W w + w^2) / total^2 when it goes to a vendor holding weight W
        # (what later needs add to the same vendor only raises it more).
        w = n.weight
        rise = 100.0 / self.total * node.decided_lock * 0.5 / self.total**2
        if n.concern:
            glue_of = self._concern_glue(st, cap, node)
        else:
            owners = st.owners
            neighbours = [
                (h, other, owners[other])
                for h, other in self.pairs[cap]
                if owners.get(other) is not None
            ]
            # Each decided governance tool must reach a new stage tool; the tool may serve
            # several undecided needs, so each of them is charged its share.
            stage_tools = node.stage_tools
            hubs = [
                (hub, c)
                for c in sorted(self.ctx.concerns)
                if (hub := owners.get(c)) is not None and self._bridges(hub, c)
            ]

            def glue_of(t: str | None) -> float:
                if t is None:
                    return 0.0
                total = 0.0
                for h, other, o in neighbours:
                    assert o is not None
                    a, b = (o, t) if h[0] == other else (t, o)
                    total += self._pair_with(a, b, h, owners)
                if hubs and t not in stage_tools:
                    reach = sum(self._attachment(hub, t) for hub, _ in hubs if hub != t)
                    total += reach * self._part(t, cap)
                return total

        out: dict[str | None, tuple[float, float, float]] = {}
        if optional:
            out[None] = (0.0, 0.0, glue_of(None))
        working = node.working

        def share_of_system(t: str) -> float:
            # A stack that already has a permission system gets one more for each new tool
            # that is a system of its own; the tool may serve several undecided needs.
            if t in working or not self._new_system(t, st.owners):
                return 0.0
            return self.permission_points * self._part(t, cap)

        for t in allowed:
            lv = s.level[(cap, t)]
            out[t] = (
                wf * n.coverage * lv / 3
                - wl * lock_unit * s.closed[t]
                - wl
                * rise
                * (2 * node.by_vendor.get(self.catalog.tools[t].vendor, 0.0) * w + w * w),
                shares[t] - least,
                glue_of(t) + (share_of_system(t) if node.systems else 0.0),
            )
        return out

    def _concern_glue(self, st: _State, cap: str, node: _Node) -> Callable[[str | None], float]:
        """For a governance need decided after every stage: the glue each option leaves, the
        concern breaks only this hub could carry plus its attachments to the stage tools, and
        for access control the permission systems the working tools make with that option as
        the stack's access-control tool beyond the systems already counted (tools joining later
        only add systems)."""
        owners = st.owners
        pend: list[tuple[str, str, float]] = []
        for h in self.ctx.handoffs:
            a, b = owners.get(h[0]), owners.get(h[1])
            if a is None or b is None:
                continue
            p = self._pair(a, b, h)[1].get(cap, 0.0)
            if p:
                pend.append((a, b, p))
        attach = cap in self.ctx.concerns
        systems = node.systems
        counted = max(0, systems - 1)

        def glue_of(t: str | None) -> float:
            total = sum(self._hub_breaks(t, cap, a, b, p) for a, b, p in pend)
            if attach and t is not None:
                total += self._attachments(t, cap, node.stage_tools)
            if cap == "access-control":
                more = max(0, self._systems_with(node.holders, t) - 1) - counted
                if (
                    systems
                    and t is not None
                    and t not in node.working
                    and self._new_system(t, owners)
                ):
                    more -= 1  # its own system is charged as its share (``_options``)
                total += max(0, more) * self.permission_points
            return total

        return glue_of

    def _systems_with(self, holders: frozenset[str], hub: str | None) -> int:
        """The permission systems of working tools ``holders`` with ``hub`` as the stack's
        access-control tool (the model's ``permission_key`` for each)."""
        bridging = hub is not None and self._bridges(hub, "access-control")
        keys = {self._permission_key(t, hub if bridging else None) for t in holders}
        if bridging:
            keys.add(f"hub:{hub}")
        elif hub is not None and self.catalog.tools[hub].governance.access().value != "none":
            keys.add(self._permission_key(hub, None))
        return len(keys)

    def _permission_key(self, t: str, hub: str | None) -> str:
        key = (t, hub)
        got = self.systems_memo.get(key)
        if got is None:
            tools = self.catalog.tools
            governed = hub is not None and self._governs(hub, t, "access-control")
            got = permission_key(tools[t], tools[hub] if hub is not None else None, governed)
            self.systems_memo[key] = got
        return got
