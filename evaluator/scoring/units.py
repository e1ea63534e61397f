"""Business units: overlays of the organisation's requirements, and a stack's verdict for each.

A unit states only what differs from the organisation; its effective requirements are the
organisation's with its keys replaced and its capability entries merged field by field. The
organisation's scores stay those of its own requirements; a stack is viable for the
organisation only when it is viable for every unit (docs/scoring.md, "Business units"). Reports,
the search and decisions call these functions; none restates the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import Requirements, Stack, Unit
from evaluator.scoring.context import Context, build_context
from evaluator.scoring.gates import gate_violations
from evaluator.scoring.results import (
    Divergence,
    RankedStack,
    StackEvaluation,
    UnitEvaluation,
    UnitSummary,
    Violation,
)
from evaluator.scoring.stackview import build_view

if TYPE_CHECKING:
    from evaluator.catalog import Catalog

OVERLAID = ("sensitivity", "regulations", "governance", "deployment", "weights")
"""Unit keys that replace the organisation's value whole when stated."""


@dataclass(frozen=True)
class UnitContext:
    unit: Unit
    context: Context


def unit_requirements(requirements: Requirements, unit: Unit) -> Requirements:
    """The organisation's requirements with the unit's overrides: stated keys replace the
    organisation's, each capability entry changes only the fields it states, and ``uses``
    keeps the capabilities the unit uses (with those it states under ``capabilities``)."""
    org = requirements.capabilities
    used = set(org) if unit.uses is None else set(unit.uses) | set(unit.capabilities)
    caps = {c: n for c, n in org.items() if c in used}
    for cap, over in unit.capabilities.items():
        base = org.get(cap)
        caps[cap] = (
            over
            if base is None
            else base.model_copy(update={f: getattr(over, f) for f in over.model_fields_set})
        )
    update: dict[str, object] = {"capabilities": caps, "units": ()}
    for key in OVERLAID:
        value = getattr(unit, key)
        if value is not None:
            update[key] = value
    return requirements.model_copy(update=update)


def unit_contexts(requirements: Requirements, catalog: Catalog) -> tuple[UnitContext, ...]:
    """Each unit's effective requirements compiled against the catalog, by unit id (so the
    order of units in a file changes nothing)."""
    return tuple(
        UnitContext(unit, build_context(unit_requirements(requirements, unit), catalog))
        for unit in sorted(requirements.units, key=lambda u: u.id)
    )


def gate_contexts(context: Context, units: Sequence[UnitContext]) -> tuple[Context, ...]:
    """The contexts whose gates decide viability: every unit's, or the organisation's own when
    it declares no unit."""
    return tuple(u.context for u in units) or (context,)


def union_violations(per_unit: Sequence[tuple[str, Sequence[Violation]]]) -> tuple[Violation, ...]:
    """Every unit's violations, each once, in unit order; one that not every unit has names
    the units it applies to (``finance: regulated data needs ...``)."""
    where: dict[tuple[str, str, str], list[str]] = {}
    first: list[Violation] = []
    for unit_id, violations in per_unit:
        for v in violations:
            key = (v.gate, v.subject, v.message)
            if key not in where:
                where[key] = []
                first.append(v)
            if unit_id not in where[key]:
                where[key].append(unit_id)
    out = []
    for v in first:
        units = where[(v.gate, v.subject, v.message)]
        if len(units) == len(per_unit):
            out.append(v)
        else:
            out.append(v.model_copy(update={"message": f"{', '.join(units)}: {v.message}"}))
    return tuple(out)


def unit_violations(
    stack: Stack, units: Sequence[UnitContext], catalog: Catalog
) -> tuple[tuple[Violation, ...], tuple[Violation, ...]]:
    """The organisation's violations and pending gates when it declares units: the union of
    theirs (gates only, for the search, which needs the verdict and not each unit's scores). A
    gate that rests on a fact recorded as unknown is pending, as in ``evaluate_stack``."""
    checked = [
        (u.unit.id, gate_violations(build_view(stack, catalog, u.context), u.context, catalog))
        for u in units
    ]
    return (
        union_violations([(i, [v for v in vs if not v.facts]) for i, vs in checked]),
        union_violations([(i, [v for v in vs if v.facts]) for i, vs in checked]),
    )


def evaluate_with_units(
    stack: Stack,
    context: Context,
    units: Sequence[UnitContext],
    catalog: Catalog,
    *,
    today: dt.date,
    source: str | None = None,
    detail: bool = True,
) -> StackEvaluation:
    """The organisation's evaluation: its own scores (``evaluate_stack``), and, with units,
    viable only when viable for every unit (its violations and pending gates are the units',
    the facts it rests on theirs too), with each unit's verdict and scores (``detail``; without
    it only the verdict, which is all the search needs)."""
    from evaluator.scoring.evaluate import evaluate_stack

    e = evaluate_stack(stack, context, catalog, today=today, source=source)
    if not units:
        return e
    if not detail:
        violations, pending = unit_violations(stack, units, catalog)
        return e.model_copy(
            update={"viable": not violations, "violations": violations, "pending": pending}
        )
    per = [
        (u.unit, evaluate_stack(stack, u.context, catalog, today=today, source=source))
        for u in units
    ]
    violations = union_violations([(unit.id, ue.violations) for unit, ue in per])
    return e.model_copy(
        update={
            "viable": not violations,
            "violations": violations,
            "pending": union_violations([(unit.id, ue.pending) for unit, ue in per]),
            "unverified": tuple(sorted({f for _, ue in per for f in ue.unverified})),
            "units": tuple(
                UnitEvaluation.trusted(
                    unit=unit.id,
                    name=unit.label,
                    viable=ue.viable,
                    violations=ue.violations,
                    pending=ue.pending,
                    unverified=ue.unverified,
                    idle=ue.idle,
                    fit=ue.fit,
                    glue=ue.glue,
                    glue_person_days=ue.glue_person_days,
                    lock_in=ue.lock_in,
                    cost=ue.cost,
                    annual_cost=ue.annual_cost,
                    overall=ue.overall,
                )
                for unit, ue in per
            ),
        }
    )


def differences(requirements: Requirements, unit: Unit) -> tuple[str, ...]:
    """What a unit changes, in words, each with the organisation's value beside it."""
    org = requirements
    eff = unit_requirements(requirements, unit)
    out: list[str] = []
    if eff.sensitivity != org.sensitivity:
        out.append(f"sensitivity {eff.sensitivity.value} (organisation: {org.sensitivity.value})")
    if sorted(eff.regulations) != sorted(org.regulations):
        out.append(
            f"regulations {', '.join(sorted(eff.regulations)) or 'none'} "
            f"(organisation: {', '.join(sorted(org.regulations)) or 'none'})"
        )
    if eff.governance.posture != org.governance.posture:
        out.append(f"posture {eff.governance.posture:g} (organisation: {org.governance.posture:g})")

    def places(req: Requirements) -> str:
        allowed = req.deployment.allowed
        return "anywhere" if allowed is None else ", ".join(sorted(d.value for d in allowed))

    if places(eff) != places(org):
        out.append(f"deployment {places(eff)} (organisation: {places(org)})")
    if eff.weights.normalised() != org.weights.normalised():
        wf, wg, wl, wc = eff.weights.normalised()
        out.append(f"weights fit {wf:.2f}, glue {wg:.2f}, lock-in {wl:.2f}, cost {wc:.2f}")
    unused = sorted(set(org.capabilities) - set(eff.capabilities))
    if unused:
        out.append(f"does not use {', '.join(unused)}")
    for cap in sorted(eff.capabilities):
        mine, theirs = eff.capabilities[cap], org.capabilities.get(cap)
        if theirs is None or mine == theirs:
            continue
        out.append(f"{cap}: {_need(mine)} (organisation: {_need(theirs)})")
    return tuple(out)


def _need(need: object) -> str:
    from evaluator.models import Need

    assert isinstance(need, Need)
    text = f"weight {need.weight}"
    if need.must:
        text += f", must at level {need.min_level}" if need.min_level > 1 else ", must"
    elif need.min_level > 1:
        text += f", level {need.min_level}"
    return text


def summaries(
    requirements: Requirements, units: Sequence[UnitContext], ranked: Sequence[RankedStack]
) -> tuple[UnitSummary, ...]:
    """Each unit with what it changes and its own ranking of the compared stacks (the same
    order ``rank`` gives: viable first, then overall, then name)."""
    from evaluator.scoring.evaluate import rank_key

    out = []
    for u in units:
        mine = [
            (r.evaluation, next(x for x in r.evaluation.units if x.unit == u.unit.id))
            for r in ranked
        ]
        mine.sort(key=lambda p: rank_key(p[1].viable, p[1].overall.value, p[0].name, p[0].source))
        out.append(
            UnitSummary.trusted(
                id=u.unit.id,
                name=u.unit.label,
                differs=differences(requirements, u.unit),
                ranking=tuple(e.name for e, _ in mine),
            )
        )
    return tuple(out)


def divergences(ranked: Sequence[RankedStack]) -> tuple[Divergence, ...]:
    """The stacks whose verdict differs between units, in rank order."""
    out = []
    for r in ranked:
        yes = tuple(x.unit for x in r.evaluation.units if x.viable)
        no = tuple(x.unit for x in r.evaluation.units if not x.viable)
        if yes and no:
            out.append(
                Divergence.trusted(stack=r.evaluation.name, viable_for=yes, not_viable_for=no)
            )
    return tuple(out)


__all__ = [
    "UnitContext",
    "divergences",
    "evaluate_with_units",
    "gate_contexts",
    "summaries",
    "union_violations",
    "unit_contexts",
    "unit_requirements",
    "unit_violations",
]
