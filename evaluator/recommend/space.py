"""The search space of ``stackfit recommend`` and what the bound needs to know about it.

Everything here is read from the scoring model's own functions (owner order, levels, tool gates,
closedness, prices, operations, connections, carrying integrations), computed once per search:
the search decides nothing the model does not.

A stack is in the space when it holds every tool that must stay (the ``--from`` stack's tools,
and tools under a contract still running unless drops are allowed), every other tool passes the
deployment and avoid gates and owns at least one needed capability under the owner rule, and it
has at most ``max_tools`` tools.

With business units, the gates are every unit's (a stack serves every unit): a tool failing a
deployment or avoid gate of any unit makes every stack holding it non-viable, a must-have of any
unit is a must-have of the search at the highest level a unit asks, and the storage controls the
search prunes by are the union of the units' (``holder_controls``). Scores stay the
organisation's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evaluator.models import Commitment, Control, Requirements, Stack, Tool
from evaluator.scoring import params
from evaluator.scoring.context import Context
from evaluator.scoring.cost import dropped_lines, further_workloads, tool_line, workload_price
from evaluator.scoring.fit import commitment_share, contract_active
from evaluator.scoring.gates import tool_gate_violations
from evaluator.scoring.lifecycle import pinned_versions
from evaluator.scoring.lockin import tool_factors
from evaluator.scoring.stackview import OwnerKey, effective_level, owner_key
from evaluator.scoring.units import UnitContext, gate_contexts, unit_contexts

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


@dataclass(frozen=True)
class NeedInfo:
    capability: str
    weight: float
    must: bool
    min_level: int
    concern: bool
    coverage: float
    """Fit points at level 3."""
    candidates: tuple[str, ...]
    """Tools allowed to own it, best first by the owner rule."""


@dataclass
class Space:
    catalog: Catalog
    context: Context
    today: dt.date
    base: Stack | None
    forced: tuple[str, ...]
    max_tools: int
    needs: list[NeedInfo]
    """In decision order (``_decision_order``)."""
    level: dict[tuple[str, str], int] = field(default_factory=dict)
    key: dict[tuple[str, str], OwnerKey] = field(default_factory=dict)
    closed: dict[str, float] = field(default_factory=dict)
    annual: dict[str, float] = field(default_factory=dict)
    """Per tool: the middle of its yearly price band plus its operations effort (USD)."""
    workload: dict[tuple[str, str], float] = field(default_factory=dict)
    """Per (need, tool), what owning that need adds to the tool's yearly price (a further
    workload of a usage-priced tool, ``cost.further_workloads``)."""
    reuse: dict[str, float] = field(default_factory=dict)
    """Fit points an existing tool earns when it owns a need."""
    dropped: dict[str, float] = field(default_factory=dict)
    """Yearly cost (USD, middle of the band) of leaving an existing tool out."""
    infeasible: str | None = None
    units: tuple[UnitContext, ...] = ()
    """The business units whose gates decide viability (none: the organisation's own)."""
    holder_controls: tuple[Control, ...] = ()
    """Storage controls a data-holding tool must meet (by itself or through a governance tool)
    for a stack to be viable: what the search may prune by."""


CONTROL_CONCERN = {
    Control.AUDIT: "audit",
    Control.LINEAGE: "lineage",
    Control.ACCESS_ROLE: "access-control",
    Control.ACCESS_FINE: "access-control",
}
"""The governance concern whose tool can carry a control to a data holder."""


def demanded_controls(requirements: Requirements, catalog: Catalog) -> set[Control]:
    """What the sensitivity class and the regulations ask of every data holder."""
    controls = set(params.SENSITIVITY_CONTROLS[requirements.sensitivity])
    for reg in requirements.regulations:
        controls.update(catalog.regulations[reg].requires)
    return controls - params.STACK_WIDE_CONTROLS


def holder_controls(
    context: Context, units: tuple[UnitContext, ...], catalog: Catalog
) -> tuple[Control, ...]:
    """The storage controls the search prunes by. Without units, the organisation's. With
    units, every unit's, except a control whose governance concern the unit needs and the
    organisation does not: the search knows only the organisation's governance tools, and that
    unit's could carry the control where the organisation has none (leaving it out prunes less,
    never wrongly; the leaves are checked by the model)."""
    if not units:
        return tuple(sorted(demanded_controls(context.requirements, catalog)))
    org_needs = {n.capability for n in context.needs}
    out: set[Control] = set()
    for u in units:
        unit_needs = {n.capability for n in u.context.needs}
        for control in demanded_controls(u.context.requirements, catalog):
            concern = CONTROL_CONCERN.get(control)
            if concern is not None and concern in unit_needs and concern not in org_needs:
                continue
            out.add(control)
    return tuple(sorted(out))


def build_space(
    catalog: Catalog,
    context: Context,
    today: dt.date,
    *,
    base: Stack | None = None,
    max_tools: int | None = None,
    allow_drop: bool = False,
) -> Space:
    req = context.requirements
    existing = frozenset(e.tool for e in req.existing)
    contracts = {
        e.tool
        for e in req.existing
        if e.commitment is Commitment.CONTRACT and contract_active(e.until, today)
    }
    forced = set(base.tools if base is not None else ()) | (set() if allow_drop else contracts)
    units = unit_contexts(req, catalog)
    gates = gate_contexts(context, units)
    allowed = {
        t.id: t
        for t in catalog.tools.values()
        if t.id in forced or not any(not v.facts for g in gates for v in tool_gate_violations(t, g))
    }
    musts: dict[str, int] = {}
    for g in gates:
        for wn in g.needs:
            if wn.must:
                musts[wn.capability] = max(musts.get(wn.capability, 0), wn.min_level)
    total = context.total_weight
    points = 100.0 - (params.REUSE_POINTS if req.existing else 0.0)
    needs: list[NeedInfo] = []
    level: dict[tuple[str, str], int] = {}
    key: dict[tuple[str, str], OwnerKey] = {}
    for need in context.needs:
        serving: list[Tool] = []
        for tool in allowed.values():
            lv = effective_level(tool, need.capability)
            if lv > 0:
                serving.append(tool)
                level[(need.capability, tool.id)] = lv
                key[(need.capability, tool.id)] = owner_key(
                    tool, need.capability, existing, catalog
                )
        serving.sort(key=lambda t: key[(need.capability, t.id)])
        cap = catalog.capabilities[need.capability]
        needs.append(
            NeedInfo(
                capability=need.capability,
                weight=need.weight,
                must=need.capability in musts,
                min_level=musts.get(need.capability, need.min_level),
                concern=cap.kind.value == "concern",
                coverage=points * need.weight / total,
                candidates=tuple(t.id for t in serving),
            )
        )
    needs = _decision_order(needs, context.handoffs)
    universe = set(forced) | {t for n in needs for t in n.candidates}
    stated = {e.tool: e for e in req.existing}
    annual = {
        tid: tool_line(catalog.tools[tid], context, stated.get(tid), False).middle
        for tid in sorted(universe | existing)
    }
    # What owning a need adds to a usage-priced tool's price (``further_workloads``).
    workload = {
        (n.capability, t): price
        for n in needs
        for t in n.candidates
        if further_workloads(catalog.tools[t], n.capability, catalog)
        and (price := workload_price(catalog.tools[t], context, stated.get(t))) > 0
    }
    shares = {e.tool: commitment_share(e, today) for e in req.existing}
    pool = sum(shares.values())
    reuse = {t: params.REUSE_POINTS * s / pool for t, s in shares.items()} if pool else {}
    dropped = {
        e.tool: sum(line.middle for line in dropped_lines(e, catalog.tools[e.tool], context, today))
        for e in req.existing
    }
    # A stack the search builds keeps the partial stack's pins and the releases in use.
    pins = pinned_versions(_all_of(universe, base), req)
    space = Space(
        catalog=catalog,
        context=context,
        today=today,
        base=base,
        forced=tuple(sorted(forced)),
        max_tools=max_tools if max_tools is not None else 1 << 30,
        needs=needs,
        level=level,
        key=key,
        closed={
            t: min(
                1.0,
                sum(
                    f
                    for _, f in tool_factors(catalog.tools[t], catalog, context, pins.get(t), today)
                ),
            )
            for t in universe
        },
        annual=annual,
        workload=workload,
        reuse=reuse,
        dropped=dropped,
        units=units,
        holder_controls=holder_controls(context, units, catalog),
    )
    if len(space.forced) > space.max_tools:
        space.infeasible = f"{len(space.forced)} tools must stay ({', '.join(space.forced)}), more than --max-tools"
    for n in needs:
        if n.must and not any(level[(n.capability, t)] >= n.min_level for t in n.candidates):
            space.infeasible = (
                f"no tool that passes the deployment and avoid gates serves must-have "
                f"{n.capability} at level {n.min_level}"
            )
            break
    return space


def _all_of(tools: set[str], base: Stack | None) -> Stack:
    """A stack holding every tool of the search space, with the partial stack's pins."""
    return Stack.model_construct(
        kind="stack",
        version=1,
        name="search space",
        tools=tuple(sorted(tools)),
        pins=dict(base.pins) if base is not None else {},
    )


def _decision_order(needs: list[NeedInfo], handoffs: tuple[tuple[str, str], ...]) -> list[NeedInfo]:
    """Stages first, along the handoff graph: next the stage with the most decided neighbours,
    heaviest first, so each decision closes handoffs whose glue the bound can then count. Then
    the cross-cutting concerns, heaviest first: once every stage tool is known, what each
    governance tool would carry, leave broken and have to reach is exact."""
    concerns = sorted((n for n in needs if n.concern), key=lambda n: (-n.weight, n.capability))
    stages = {n.capability: n for n in needs if not n.concern}
    links: dict[str, set[str]] = {c: set() for c in stages}
    for a, b in handoffs:
        if a in links and b in links:
            links[a].add(b)
            links[b].add(a)
    order: list[NeedInfo] = []
    done: set[str] = set()
    while len(done) < len(stages):
        nxt = min(
            (c for c in stages if c not in done),
            key=lambda c: (-len(links[c] & done), -stages[c].weight, c),
        )
        done.add(nxt)
        order.append(stages[nxt])
    return order + concerns
