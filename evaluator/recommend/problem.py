"""A requirements file compiled against a catalog into flat tables, once, for fast scoring.

Everything ``evaluate_stack`` looks up by name (tools, capabilities, vendors, formats) becomes an
integer index here: tools are numbered in id order, needed capabilities in ``context.needs`` order,
concerns are bits. The connection between two tools is computed at most once per pair (lazily:
a 3,000-tool catalog has 4.5 M pairs and a search touches a small fraction of them).

Nothing here decides anything the scoring model does not; ``kernel.py`` reads these tables and
must agree with ``evaluator.scoring.evaluate_stack`` to 1e-9 (the tests check it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import (
    ACCESS_RANK,
    BRIDGING_KINDS,
    AccessGranularity,
    CapabilityKind,
    Commitment,
    Control,
    Stack,
    Tool,
)
from evaluator.scoring import params
from evaluator.scoring.context import Context
from evaluator.scoring.fit import contract_active
from evaluator.scoring.glue import concern_support, worst_case
from evaluator.scoring.lockin import closedness
from evaluator.scoring.stackview import effective_level

if TYPE_CHECKING:
    from evaluator.catalog import Catalog
    from evaluator.recommend.kernel import Scorer

NO_TOOL = -1
UNRANKED = 1 << 30
"""Rank of a tool that does not serve a capability (worse than every real rank)."""

# Connection ranks and their glue points (params.CONNECTION_POINTS in rank order).
SAME, NATIVE, STANDARD, CUSTOM = 0, 1, 2, 3
CONN_POINTS = (
    params.CONNECTION_POINTS["same"],
    params.CONNECTION_POINTS["native"],
    params.CONNECTION_POINTS["standard"],
    params.CONNECTION_POINTS["custom"],
)
_INTEGRATION_RANK = {"native": NATIVE, "standard": STANDARD, "custom": CUSTOM}

# Concern bits, in params.CONCERNS order.
CONCERN_BIT = {c: 1 << i for i, c in enumerate(params.CONCERNS)}
ALL_CONCERNS = (1 << len(params.CONCERNS)) - 1
IDENTITY = CONCERN_BIT["identity"]
LINEAGE = CONCERN_BIT["lineage"]
HUB_CAPABILITY = {
    "lineage": "lineage",
    "identity": "access-control",
    "audit": "audit",
    "automation": "orchestration",
}
"""The capability whose tool (at level >= HUB_MIN_LEVEL) bridges a concern (glue.carries)."""
HUB_CAPABILITIES = ("lineage", "access-control", "audit", "orchestration")

_PER_HOLDER_CONTROLS = (Control.AUDIT, Control.LINEAGE, Control.SSO, Control.ACCESS_ROLE)


def _concern_flags(tool: Tool) -> int:
    present = concern_support(tool)
    return sum(CONCERN_BIT[c] for c, on in present.items() if on)


@dataclass(frozen=True)
class Need:
    capability: str
    weight: float
    must: bool
    min_level: int
    stage: bool
    concern: bool
    holds_data: bool
    coverage: float
    """Fit points at level 3: (100 or 100 - REUSE_POINTS) * weight / total weight."""


@dataclass(frozen=True)
class Handoff:
    source: int  # need index
    target: int  # need index
    team_points: float


@dataclass(frozen=True)
class ExistingTool:
    tool: int
    share: float  # fit points while in the stack
    dropped: float  # fit points (<= 0) when not in the stack
    contract: bool  # under an active contract


class Problem:
    """Per-catalog and per-requirements tables; build with ``compile_problem``."""

    def __init__(
        self,
        catalog: Catalog,
        context: Context,
        today: dt.date,
        integrations: Stack | None = None,
    ) -> None:
        self.catalog = catalog
        self.context = context
        self.today = today
        req = context.requirements
        self.ids: tuple[str, ...] = tuple(sorted(catalog.tools))
        self.index = {tid: i for i, tid in enumerate(self.ids)}
        n = self.n = len(self.ids)
        tools = [catalog.tools[t] for t in self.ids]
        self.tools = tools

        # ---- per tool
        vendors: dict[str, int] = {}
        self.vendor = [vendors.setdefault(t.vendor, len(vendors)) for t in tools]
        self.flags = [_concern_flags(t) for t in tools]
        self.openlineage = ["openlineage" in t.standards for t in tools]
        bridging = sorted(
            {f"f:{k}" for k, v in catalog.formats.items() if v.kind in BRIDGING_KINDS}
            | {f"s:{k}" for k, v in catalog.standards.items() if v.kind in BRIDGING_KINDS}
        )
        bit = {b: 1 << i for i, b in enumerate(bridging)}
        self.bridge = [
            sum(bit.get(f"f:{f}", 0) for f in set(t.formats))
            | sum(bit.get(f"s:{s}", 0) for s in set(t.standards))
            for t in tools
        ]
        self.closed = [min(1.0, sum(f for _, f in closedness(t))) for t in tools]
        self.access = [ACCESS_RANK[t.governance.access_control] for t in tools]
        self.audit = [t.governance.audit for t in tools]
        self.lineage = [t.governance.lineage or "openlineage" in t.standards for t in tools]
        self.sso = [t.governance.sso for t in tools]
        self.approvals = [t.governance.approvals for t in tools]
        self.versioning = [bool(t.governance.versioning) for t in tools]
        self.ncaps = [len(t.capabilities) for t in tools]
        self.bad = [self._fails_tool_gates(t) for t in tools]

        # ---- connections: documented integrations (either side), plus ones a stack declares
        integ: dict[int, int] = {}
        for a, tool in enumerate(tools):
            for item in tool.integrations:
                b = self.index.get(item.tool)
                if b is None or b == a:
                    continue
                key = a * n + b if a < b else b * n + a
                integ[key] = min(integ.get(key, CUSTOM), _INTEGRATION_RANK[item.kind.value])
        if integrations is not None:
            for declared in integrations.integrations:
                a, b = self.index[declared.source], self.index[declared.target]
                if a != b:
                    key = a * n + b if a < b else b * n + a
                    integ[key] = min(integ.get(key, CUSTOM), _INTEGRATION_RANK[declared.kind.value])
        self.integ = integ
        self.partners: list[dict[int, int]] = [{} for _ in range(n)]
        for key, r in integ.items():
            a, b = divmod(key, n)
            self.partners[a][b] = r
            self.partners[b][a] = r
        self._conn: dict[int, int] = {}
        self._pair: dict[int, tuple[float, int]] = {}
        self._attach: dict[tuple[int, frozenset[int]], float] = {}

        # ---- needs
        existing_ids = frozenset(e.tool for e in req.existing)
        total = context.total_weight
        points = 100.0 - (params.REUSE_POINTS if req.existing else 0.0)
        needs = []
        for need in context.needs:
            cap = catalog.capabilities[need.capability]
            needs.append(
                Need(
                    capability=need.capability,
                    weight=need.weight,
                    must=need.must,
                    min_level=need.min_level,
                    stage=cap.kind is CapabilityKind.STAGE,
                    concern=cap.kind is CapabilityKind.CONCERN,
                    holds_data=cap.holds_data,
                    coverage=points * need.weight / total,
                )
            )
        self.needs = needs
        self.need_index = {nd.capability: i for i, nd in enumerate(needs)}
        self.stage_needs = [i for i, nd in enumerate(needs) if nd.stage]
        self.concern_needs = [i for i, nd in enumerate(needs) if nd.concern]
        # level[c][t] and the owner order rank[c][t] (0 = best) of every tool serving need c.
        self.level: list[dict[int, int]] = []
        self.rank: list[dict[int, int]] = []
        for nd in needs:
            served = {t: lv for t in range(n) if (lv := effective_level(tools[t], nd.capability))}
            order = sorted(
                served,
                key=lambda t: (
                    -served[t],
                    self.ids[t] not in existing_ids,
                    -self.ncaps[t],
                    self.ids[t],
                ),
            )
            self.level.append(served)
            self.rank.append({t: r for r, t in enumerate(order)})
        # What each tool can own: (need, level, rank) triples.
        self.tool_needs: list[tuple[tuple[int, int, int], ...]] = [() for _ in range(n)]
        for c in range(len(needs)):
            for t, lv in self.level[c].items():
                self.tool_needs[t] += ((c, lv, self.rank[c][t]),)

        # ---- hubs: a needed concern capability's owner bridges at HUB_MIN_LEVEL or above;
        # a capability nobody needs has no hub (StackView.hub).
        self.hub_need: dict[str, int] = {
            cap: self.need_index[cap] for cap in HUB_CAPABILITIES if cap in self.need_index
        }

        # ---- glue
        posture = context.posture
        self.concern_points = [params.concern_points(c, posture) for c in params.CONCERNS]
        self.mask_points = [
            sum(p for i, p in enumerate(self.concern_points) if m >> i & 1)
            for m in range(ALL_CONCERNS + 1)
        ]
        handoffs = []
        for source, target in context.handoffs:
            teams_a = context.teams_of_stage.get(source, frozenset())
            teams_b = context.teams_of_stage.get(target, frozenset())
            boundary = bool(teams_a and teams_b and not teams_a & teams_b)
            handoffs.append(
                Handoff(
                    self.need_index[source],
                    self.need_index[target],
                    params.TEAM_HANDOFF_POINTS if boundary else 0.0,
                )
            )
        self.handoffs = handoffs
        self.handoff_ends = [(h.source, h.target, h.team_points) for h in handoffs]
        scale = worst_case(context)
        self.norm = 100.0 / scale if scale > 0 else 0.0
        self.permission_points = params.PERMISSION_SYSTEM_POINTS * (0.5 + posture)
        self.attachment = params.ATTACHMENT_FACTOR

        # ---- fit: reuse and switching
        shares = {
            e.tool: params.COMMITMENT_SHARE[self._commitment(e.commitment, e.until)]
            for e in req.existing
        }
        pool = sum(shares.values())
        self.existing = [
            ExistingTool(
                tool=self.index[e.tool],
                share=params.REUSE_POINTS * shares[e.tool] / pool,
                dropped=(
                    -params.REUSE_POINTS * shares[e.tool] / pool
                    if self._commitment(e.commitment, e.until) == "contract"
                    else 0.0
                ),
                contract=self._commitment(e.commitment, e.until) == "contract",
            )
            for e in sorted(req.existing, key=lambda e: e.tool)
        ]

        # ---- gates: controls demanded of each data-holding tool, and of the stack as a whole
        demanded = set(params.SENSITIVITY_CONTROLS[req.sensitivity])
        for reg in req.regulations:
            demanded.update(catalog.regulations[reg].requires)
        self.need_audit = Control.AUDIT in demanded
        self.need_lineage = Control.LINEAGE in demanded
        self.need_sso = Control.SSO in demanded
        self.need_access = (
            ACCESS_RANK[AccessGranularity.FINE]
            if Control.ACCESS_FINE in demanded
            else ACCESS_RANK[AccessGranularity.ROLE]
            if Control.ACCESS_ROLE in demanded
            else 0
        )
        self.need_approvals = Control.APPROVALS in demanded
        self.need_versioning = Control.VERSIONING in demanded
        self.holder_needs = [i for i, nd in enumerate(needs) if nd.holds_data]

        weights = req.weights.normalised()
        self.wf, self.wg, self.wl = weights

        # ==== kernel tables (read by the scorer kernel.py generates; derived from the above) ====
        hub_min = params.HUB_MIN_LEVEL
        # Fit points of need c when tool t owns it (nd.coverage * level / 3), 0.0 for NO_TOOL.
        self.k_cov: list[dict[int, float]] = [
            {t: nd.coverage * lv / 3 for t, lv in self.level[c].items()} | {NO_TOOL: 0.0}
            for c, nd in enumerate(needs)
        ]
        self.k_weight: list[float] = [nd.weight for nd in needs]
        self.k_existing: list[tuple[int, float, float]] = [
            (e.tool, e.share, e.dropped) for e in self.existing
        ]
        # Tools serving need c at HUB_MIN_LEVEL or above (a hub, or a concern tool that attaches).
        k_hub_ok = [
            frozenset(t for t, lv in self.level[c].items() if lv >= hub_min)
            for c in range(len(needs))
        ]
        # Needs whose owner may bridge a concern or attach to the stage tools: (need, tools at
        # HUB_MIN_LEVEL or above, concern bits it carries as hub, 1 if a concern need else 0).
        carried_by = {c: 0 for c in self.concern_needs}
        for concern, hub_cap in HUB_CAPABILITY.items():
            if hub_cap in self.hub_need:
                c = self.hub_need[hub_cap]
                carried_by[c] = carried_by.get(c, 0) | CONCERN_BIT[concern]
        self.k_hubs: list[tuple[int, frozenset[int], int, int]] = [
            (c, k_hub_ok[c], bits, 1 if needs[c].concern else 0)
            for c, bits in sorted(carried_by.items())
        ]
        self.k_hub_ok = k_hub_ok
        self.k_stage_ends = all(
            s in self.stage_needs and d in self.stage_needs for s, d, _ in self.handoff_ends
        )
        self.k_handoff_needs = sorted({c for s, d, _ in self.handoff_ends for c in (s, d)})
        # Per hub or concern tool o, built on first use by kernel._row: the tools it reaches
        # (connection rank below CUSTOM), o included.
        self.k_rows: list[frozenset[int] | None] = [None] * n
        # The tools having each bridging format or standard (the kernel's rows are built from them).
        self.k_bridged: list[list[int]] = [[] for _ in bridging]
        for t, b in enumerate(self.bridge):
            for i in range(b.bit_length()):
                if b >> i & 1:
                    self.k_bridged[i].append(t)
        # Per hub or concern tool o, a row filled by the kernel for the stage tools it meets:
        # the connection points to tool t, plus a flag (kernel._UNREACHED) when o does not reach
        # t; None where not filled yet. (Lists: indexing one is faster than a dictionary lookup.)
        self.k_costs: list[list[int | None] | None] = [None] * n
        # Gates: must-have needs with the tools serving them well enough; per-tool sets.
        self.k_must: list[tuple[int, frozenset[int]]] = [
            (c, frozenset(t for t, lv in self.level[c].items() if lv >= nd.min_level))
            for c, nd in enumerate(needs)
            if nd.must
        ]
        self.k_bad = frozenset(t for t in range(n) if self.bad[t])
        self.k_approvals = frozenset(t for t in range(n) if self.approvals[t])
        self.k_versioning = frozenset(t for t in range(n) if self.versioning[t])
        # Tools that fail SSO on their own, and per other demanded per-holder control: the need
        # whose hub may stand in, the hubs that qualify (HUB_MIN_LEVEL or above, and for access
        # control fine enough themselves) and the tools that need one.
        self.k_no_sso = frozenset(t for t in range(n) if self.need_sso and not self.sso[t])
        self.k_gates: list[tuple[int, frozenset[int], frozenset[int]]] = []
        for gate_cap, demanded_here, lacking in (
            ("audit", self.need_audit, [not a for a in self.audit]),
            ("lineage", self.need_lineage, [not g for g in self.lineage]),
            ("access-control", bool(self.need_access), [a < self.need_access for a in self.access]),
        ):
            if not demanded_here:
                continue
            hub_c = self.hub_need.get(gate_cap)
            hub_ok = (
                frozenset()  # no hub: every holder lacking the control fails
                if hub_c is None
                else frozenset(
                    t
                    for t in k_hub_ok[hub_c]
                    if gate_cap != "access-control" or self.access[t] >= self.need_access
                )
            )
            self.k_gates.append(
                (
                    0 if hub_c is None else hub_c,
                    hub_ok,
                    frozenset(t for t in range(n) if lacking[t]),
                )
            )
        # The stack scorer generated from these tables (kernel.scorer), built on first use.
        self.k_scorer: Scorer | None = None
        # ==== end of kernel tables ====

    # ------------------------------------------------------------------ helpers

    def _commitment(self, commitment: Commitment, until: dt.date | None) -> str:
        if commitment is Commitment.CONTRACT and contract_active(until, self.today):
            return "contract"
        return "in-use"

    def _fails_tool_gates(self, tool: Tool) -> bool:
        """Deployment and avoid gates: they judge a tool on its own, whatever else is in the stack."""
        req = self.context.requirements
        allowed = req.deployment.allowed
        if allowed is not None and not set(tool.deployment) & set(allowed):
            return True
        if tool.id in req.avoid.tools:
            return True
        if tool.vendor.casefold() in {v.casefold() for v in req.avoid.vendors}:
            return True
        avoided = {lic.casefold() for lic in req.avoid.licenses}
        return any(part.casefold() in avoided for part in tool.license.split())

    def conn(self, a: int, b: int) -> int:
        """Connection rank between two tools: SAME, NATIVE, STANDARD or CUSTOM."""
        if a == b:
            return SAME
        key = a * self.n + b if a < b else b * self.n + a
        r = self._conn.get(key)
        if r is None:
            r = self.integ.get(key, CUSTOM)
            if r > STANDARD and self.bridge[a] & self.bridge[b]:
                r = STANDARD
            self._conn[key] = r
        return r

    def hub_of(self, c: int, t: int) -> int:
        """The tool that bridges need ``c``'s concern when ``t`` owns it (StackView.hub): ``t``
        if it serves ``c`` at HUB_MIN_LEVEL or above, else NO_TOOL."""
        if t != NO_TOOL and self.level[c][t] >= params.HUB_MIN_LEVEL:
            return t
        return NO_TOOL

    def pair_carries(self, a: int, b: int) -> int:
        """Concern bits that carry between two different tools by themselves (no hub)."""
        f = self.flags[a] & self.flags[b]
        if f and self.conn(a, b) > NATIVE and self.vendor[a] != self.vendor[b]:
            keep = IDENTITY
            if self.openlineage[a] and self.openlineage[b]:
                keep |= LINEAGE
            f &= keep
        return f

    def pair(self, a: int, b: int) -> tuple[float, int]:
        """Connection points and the concern bits carried without a hub, for two different tools."""
        key = a * self.n + b if a < b else b * self.n + a
        got = self._pair.get(key)
        if got is None:
            got = (CONN_POINTS[self.conn(a, b)], self.pair_carries(a, b))
            self._pair[key] = got
        return got

    def attachments(self, hub: int, stage_tools: frozenset[int]) -> float:
        """Glue points of a concern's tool reaching every stage tool (NO_TOOL entries ignored)."""
        key = (hub, stage_tools)
        got = self._attach.get(key)
        if got is None:
            got = sum(
                self.attachment * CONN_POINTS[self.conn(hub, t)]
                for t in stage_tools
                if t != hub and t != NO_TOOL
            )
            if len(self._attach) > 200_000:
                self._attach.clear()
            self._attach[key] = got
        return got

    def tool_ids(self, tools: Iterable[int]) -> tuple[str, ...]:
        return tuple(sorted(self.ids[t] for t in tools))


def compile_problem(
    catalog: Catalog, context: Context, today: dt.date, base: Stack | None = None
) -> Problem:
    """Compile once per search. ``base`` is a partial stack whose declared integrations count."""
    return Problem(catalog, context, today, base)
