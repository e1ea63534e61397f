"""Score a candidate stack from the compiled tables, fast: the search's inner loop.

``score`` computes exactly what ``evaluator.scoring.evaluate_stack`` computes (fit, glue, lock-in,
overall and viability) for a stack without roles, but on integers and precomputed tables rather
than models, names and a networkx graph per stack. It returns numbers only; the explanation of a
result comes from re-scoring it with ``evaluate_stack``.
"""

from __future__ import annotations

from collections.abc import Collection
from operator import mul
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
        out[cap] = p.hub_of(c, owners[c])
    return out


def score(p: Problem, tools: Collection[int], owners: list[int] | None = None) -> Scored:
    """Fit, glue, lock-in, overall and viability of the stack ``tools`` (tool indices).

    ``owners`` may be passed when the caller already knows them (the search does); it must be
    what ``owners_of`` returns. One pass per part, on the flat ``Problem.k_*`` tables: no
    dictionaries of names, no frozensets; what a hub or concern tool reaches is one row per
    tool, built on first use, and set operations on it do the per-tool loops in C. Every float
    sum adds the same numbers in the same order as before (the attachment sum is of integers),
    so results do not change by a single bit."""
    if owners is None:
        owners = owners_of(p, tools)
    (
        k_cov,
        k_weight,
        k_existing,
        k_hubs,
        stage_owners,
        k_stage_ends,
        rows,
        k_handoffs,
        n1,
        attachment,
        access,
        vendor,
        closedness,
        c_access,
        access_ok,
        permission_points,
        norm,
        wf,
        wg,
        wl,
    ) = p.k_tables

    # ---- fit and work shares, one pass over the needs
    coverage = 0.0
    work: dict[int, float] = dict.fromkeys(owners, 0.0)  # owners in need order; 0.0 + w == w
    for o, cov, w in zip(owners, k_cov, k_weight, strict=True):
        coverage += cov[o]  # + 0.0 if uncovered
        work[o] += w
    work.pop(NO_TOOL, None)
    fit = coverage
    for e, share, dropped in k_existing:
        fit += share if e in tools else dropped
    if fit < 0:
        fit = 0.0

    # ---- hub and concern tools (owners at HUB_MIN_LEVEL or above): the concern bits each
    # carries as a hub, and how many concern needs it attaches to the stage tools
    carries: dict[int, int] = {}
    attaches: dict[int, int] = {}
    for c, ok, bits, concern in k_hubs:
        o = owners[c]
        if o in ok:
            if o in carries:
                carries[o] |= bits
                attaches[o] += concern
            else:
                carries[o] = bits
                attaches[o] = concern

    # ---- glue: attachment points, and the concern bits every hub carries, less those of the
    # hubs that do not reach a handoff's tool (``miss``, rare)
    stage_tools = set(stage_owners(owners))
    stage_tools.discard(NO_TOOL)
    attach = 0  # integer-valued connection points: exact in any order
    carried_all = 0
    miss: dict[int, int] = {}
    if carries:
        if k_stage_ends:
            ends = stage_tools
        else:
            ends = set(map(owners.__getitem__, p.k_handoff_needs))
            ends.discard(NO_TOOL)
        costs = p.k_costs
        for o, bits in carries.items():
            # connection points to every stage tool, plus _UNREACHED per one it does not reach
            cost = costs.get(o)
            if cost is None:
                cost = costs[o] = {}
            spent = 0
            try:
                for t in stage_tools:
                    spent += cost[t]
            except KeyError:
                spent = _fill_costs(p, o, cost, stage_tools)
            attach += attaches[o] * (spent & _POINTS)
            if bits:
                carried_all |= bits
                if spent > _POINTS or ends is not stage_tools:
                    unreached = ends.difference(rows.get(o) or _row(p, o))
                    if unreached:
                        if not miss:
                            miss = dict.fromkeys(ends, 0)
                            miss[NO_TOOL] = 0
                        for t in unreached:
                            miss[t] |= bits
    # handoffs: per handoff, glue points (with its team points) by pair and hub-carried concerns
    points = 0.0
    if miss:
        for s, d, team, memo in k_handoffs:
            a = owners[s]
            b = owners[d]
            hub_carried = carried_all & ~(miss[a] | miss[b])
            key = (a * n1 + b) << _CONCERN_BITS | hub_carried
            try:
                points += memo[key]  # + 0.0 when the handoff does not cross tools
            except KeyError:
                got = memo[key] = _handoff(p, a, b, hub_carried, team)
                points += got
    else:
        for s, d, team, memo in k_handoffs:
            key = (owners[s] * n1 + owners[d]) << _CONCERN_BITS | carried_all
            try:
                points += memo[key]
            except KeyError:
                got = memo[key] = _handoff(p, owners[s], owners[d], carried_all, team)
                points += got
    if attach:
        points += attachment * attach
    # permission systems (glue.permission_domains): the access-control hub with every holder
    # it reaches, then one per vendor among the holders it does not reach
    hub = owners[c_access] if c_access != NO_TOOL else NO_TOOL
    if hub in access_ok:
        unreached = set(work).difference(rows.get(hub) or _row(p, hub))
        if unreached:
            hub_vendor = vendor[hub]
            domains = 1 + len(
                {vendor[t] for t in unreached if access[t] and vendor[t] != hub_vendor}
            )
        else:
            domains = 1
    else:
        domains = len(set(map(vendor.__getitem__, filter(access.__getitem__, work))))
    if domains > 1:
        points += permission_points * (domains - 1)
    glue = points * norm

    # ---- lock-in
    lock_in = 0.0
    if work:
        total = sum(work.values())
        by_vendor: dict[int, float] = {}
        closed = 0.0
        for t, w in work.items():
            share = w / total
            closed += share * closedness[t]
            v = vendor[t]
            if v in by_vendor:
                by_vendor[v] += share
            else:
                by_vendor[v] = share
        shares = list(by_vendor.values())
        hhi = sum(map(mul, shares, shares))
        lock_in = 100.0 * closed * (0.5 + 0.5 * hhi)

    overall = wf * fit + wg * (100 - glue) + wl * (100 - lock_in)
    return _new(Scored, (_viable(p, tools, owners), fit, glue, lock_in, overall))


def _handoff(p: Problem, a: int, b: int, hub_carried: int, team: float) -> float:
    """Glue points of a handoff between tools a != b: the connection, the concerns neither the
    pair nor a hub carries, and the team boundary's points; 0.0 if a == b or one is NO_TOOL."""
    if a in (b, NO_TOOL) or b == NO_TOOL:
        return 0.0
    base, carried = p.pair(a, b)
    return base + p.mask_points[ALL_CONCERNS & ~(carried | hub_carried)] + team


_new = tuple.__new__  # Scored(...) without its Python-level __new__
_CONCERN_BITS = ALL_CONCERNS.bit_length()
_UNREACHED = 1 << 16
_POINTS = _UNREACHED - 1
_COST = (*(int(v) for v in CONN_POINTS[:CUSTOM]), int(CONN_POINTS[CUSTOM]) + _UNREACHED)
assert all(v == int(v) for v in CONN_POINTS), "the attachment sum relies on integer points"


def _fill_costs(p: Problem, o: int, cost: dict[int, int], stage_tools: set[int]) -> int:
    """Fill ``cost[t]`` (``_COST`` of the connection from ``o``) for the stage tools not in it
    yet, and return their sum over ``stage_tools``: connection points (SAME for ``o`` itself)
    in the low bits, the number of tools ``o`` does not reach in units of ``_UNREACHED``."""
    for t in stage_tools:
        if t not in cost:
            cost[t] = _COST[p.conn(o, t)]
    return sum(map(cost.__getitem__, stage_tools))


def _row(p: Problem, o: int) -> frozenset[int]:
    """The tools ``o`` reaches (connection rank below CUSTOM: Problem.conn), ``o`` included."""
    reach: set[int] = {o}
    b = p.bridge[o]
    while b:
        low = b & -b
        reach.update(p.k_bridged[low.bit_length() - 1])
        b ^= low
    reach.update(t for t, r in p.partners[o].items() if r < CUSTOM)
    row = p.k_rows[o] = frozenset(reach)
    return row


def _viable(p: Problem, tools: Collection[int], owners: list[int]) -> bool:
    bad, must, approvals, versioning, holder_needs, no_sso, gates, rows = p.k_gate_tables
    if not bad.isdisjoint(tools):
        return False
    for c, ok in must:
        if owners[c] not in ok:
            return False
    if approvals is not None and approvals.isdisjoint(tools):
        return False
    if versioning is not None and versioning.isdisjoint(tools):
        return False
    # Per data holder: SSO of its own; audit, lineage and access control of its own or through
    # the hub of that concern, if the hub reaches it (and, for access, is fine enough itself).
    holders = {owners[c] for c in holder_needs}
    if not holders.isdisjoint(no_sso):
        return False
    for c, hub_ok, lacking in gates:
        if not holders.isdisjoint(lacking):
            hub = owners[c]
            if hub not in hub_ok or (holders & lacking).difference(rows.get(hub) or _row(p, hub)):
                return False
    return True
