"""Score a candidate stack from the compiled tables, fast: the search's inner loop.

``score`` computes exactly what ``evaluator.scoring.evaluate_stack`` computes (fit, glue, lock-in,
overall and viability) for a stack without roles, but on integers and precomputed tables rather
than models, names and a networkx graph per stack. It returns numbers only; the explanation of a
result comes from re-scoring it with ``evaluate_stack``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

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

_HUB_MIN = params.HUB_MIN_LEVEL
_HUB_BITS = tuple((CONCERN_BIT[c], cap) for c, cap in HUB_CAPABILITY.items())


class Scored(NamedTuple):
    viable: bool
    fit: float
    glue: float
    lock_in: float
    overall: float


def owners_of(p: Problem, tools: Collection[int]) -> list[int]:
    """The owner of each need (``NO_TOOL`` when uncovered), by the scoring model's owner rule."""
    best = [UNRANKED] * len(p.needs)
    owners = [NO_TOOL] * len(p.needs)
    for t in tools:
        for c, _lv, rk in p.tool_needs[t]:
            if rk < best[c]:
                best[c] = rk
                owners[c] = t
    return owners


def hubs(p: Problem, tools: Collection[int], owners: list[int]) -> dict[str, int]:
    """The stack's tool for each needed hub capability, if its owner serves it at
    HUB_MIN_LEVEL or above (StackView.hub); a capability nobody needs has no hub."""
    out: dict[str, int] = {}
    for cap in ("lineage", "access-control", "audit", "orchestration"):
        c = p.hub_need.get(cap)
        if c is None:
            out[cap] = NO_TOOL
            continue
        o = owners[c]
        out[cap] = o if o != NO_TOOL and p.level[c][o] >= _HUB_MIN else NO_TOOL
    return out


def score(p: Problem, tools: Collection[int], owners: list[int] | None = None) -> Scored:
    """Fit, glue, lock-in, overall and viability of the stack ``tools`` (tool indices).

    ``owners`` may be passed when the caller already knows them (the search does); it must be
    what ``owners_of`` returns. One pass per part, on flat tables: no dictionaries of names,
    no frozensets, connection ranks read from the per-catalog memo."""
    if owners is None:
        owners = owners_of(p, tools)
    conn = p.conn
    levels = p.level
    needs = p.needs

    # ---- fit and work shares, one pass over the needs
    coverage = 0.0
    work: dict[int, float] = {}
    for c, o in enumerate(owners):
        if o != NO_TOOL:
            nd = needs[c]
            coverage += nd.coverage * levels[c][o] / 3
            work[o] = work.get(o, 0.0) + nd.weight
    fit = coverage
    for e in p.existing:
        fit += e.share if e.tool in tools else e.dropped
    if fit < 0:
        fit = 0.0

    # ---- hubs: the owner of a needed concern at HUB_MIN_LEVEL or above
    hub_of: dict[str, int] = {}
    for cap, c in p.hub_need.items():
        o = owners[c]
        if o != NO_TOOL and levels[c][o] >= _HUB_MIN:
            hub_of[cap] = o
    carriers = [(bit, hub_of[cap]) for bit, cap in _HUB_BITS if cap in hub_of]

    # ---- glue
    points = 0.0
    reach: dict[int, int] = {}  # tool -> concern bits whose hub reaches it

    memo = p._conn
    n = p.n

    partners, bridge = p.partners, p.bridge

    def reached(t: int) -> int:
        got = 0
        bt = bridge[t]
        for bit, hb in carriers:
            # conn(hb, t) != CUSTOM, read straight from the integrations and bridging formats
            if hb == t or bridge[hb] & bt or partners[hb].get(t, CUSTOM) < CUSTOM:
                got |= bit
        reach[t] = got
        return got

    pair = p.pair
    pairs = p._pair
    mask_points = p.mask_points
    for s, d, team in p.handoff_ends:
        a = owners[s]
        b = owners[d]
        if a in (b, NO_TOOL) or b == NO_TOOL:
            continue
        got = pairs.get(a * n + b if a < b else b * n + a)
        base, carried = pair(a, b) if got is None else got
        if carriers:
            ra = reach.get(a)
            rb = reach.get(b)
            carried |= (reached(a) if ra is None else ra) & (reached(b) if rb is None else rb)
        points += base + mask_points[ALL_CONCERNS & ~carried] + team
    if p.concern_needs:
        stage_tools = {owners[c] for c in p.stage_needs}
        stage_tools.discard(NO_TOOL)
        attach = 0.0
        for c in p.concern_needs:
            o = owners[c]
            if o != NO_TOOL and levels[c][o] >= _HUB_MIN:
                for t in stage_tools:
                    if t != o:
                        r = memo.get(o * n + t if o < t else t * n + o)
                        attach += CONN_POINTS[conn(o, t) if r is None else r]
        points += p.attachment * attach
    access = p.access
    holders = {o for o in work if access[o]}
    domains = _domains(p, holders, hub_of.get("access-control", NO_TOOL))
    if domains > 1:
        points += p.permission_points * (domains - 1)
    glue = points * p.norm

    # ---- lock-in
    lock_in = 0.0
    if work:
        total = sum(work.values())
        by_vendor: dict[int, float] = {}
        closed = 0.0
        vendor, closedness = p.vendor, p.closed
        for t, w in work.items():
            share = w / total
            closed += share * closedness[t]
            v = vendor[t]
            by_vendor[v] = by_vendor.get(v, 0.0) + share
        hhi = sum(s * s for s in by_vendor.values())
        lock_in = 100.0 * closed * (0.5 + 0.5 * hhi)

    overall = p.wf * fit + p.wg * (100 - glue) + p.wl * (100 - lock_in)
    hub = {cap: hub_of.get(cap, NO_TOOL) for cap in ("lineage", "access-control", "audit")}
    return Scored(_viable(p, tools, owners, hub), fit, glue, lock_in, overall)


def _domains(p: Problem, holders: set[int], hub: int) -> int:
    """Permission systems (glue.permission_domains): the access-control tool with every holder
    it reaches, then one per vendor among the holders it does not reach."""
    if hub == NO_TOOL:
        return len({p.vendor[t] for t in holders})
    vendor, partners, bridge = p.vendor, p.partners[hub], p.bridge
    hub_vendor, hub_bridge = vendor[hub], bridge[hub]
    others = {
        vendor[t]
        for t in holders
        if t != hub
        and vendor[t] != hub_vendor
        and not hub_bridge & bridge[t]
        and partners.get(t, CUSTOM) == CUSTOM
    }
    return 1 + len(others)


def _viable(
    p: Problem,
    tools: Collection[int],
    owners: list[int],
    hub: dict[str, int],
) -> bool:
    for t in tools:
        if p.bad[t]:
            return False
    for c, nd in enumerate(p.needs):
        if nd.must:
            o = owners[c]
            if o == NO_TOOL or p.level[c][o] < nd.min_level:
                return False
    if p.need_approvals and not any(p.approvals[t] for t in tools):
        return False
    if p.need_versioning and not any(p.versioning[t] for t in tools):
        return False
    holders = {owners[c] for c in p.holder_needs} - {NO_TOOL}
    if not holders:
        return True
    partners, bridge = p.partners, p.bridge

    def covered(h: int, t: int) -> bool:
        return h != NO_TOOL and (
            h == t or bool(bridge[h] & bridge[t]) or partners[h].get(t, CUSTOM) < CUSTOM
        )

    audit_hub, lineage_hub, access_hub = hub["audit"], hub["lineage"], hub["access-control"]
    for t in holders:
        if p.need_sso and not p.sso[t]:
            return False
        if p.need_audit and not p.audit[t] and not covered(audit_hub, t):
            return False
        if p.need_lineage and not p.lineage[t] and not covered(lineage_hub, t):
            return False
        if (
            p.need_access
            and p.access[t] < p.need_access
            and not (covered(access_hub, t) and p.access[access_hub] >= p.need_access)
        ):
            return False
    return True
