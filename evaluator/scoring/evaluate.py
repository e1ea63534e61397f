"""Evaluate stacks against requirements: the one entry point reports and commands call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from evaluator.models import Requirements, Stack
from evaluator.scoring import params
from evaluator.scoring.context import Context, build_context
from evaluator.scoring.cost import cost_score
from evaluator.scoring.fit import fit_score
from evaluator.scoring.gates import fact, gate_violations
from evaluator.scoring.glue import glue_score, integration_islands
from evaluator.scoring.lifecycle import stack_risks
from evaluator.scoring.lockin import lock_in_score
from evaluator.scoring.results import Comparison, Contribution, RankedStack, Score, StackEvaluation
from evaluator.scoring.stackview import build_view
from evaluator.scoring.units import divergences, evaluate_with_units, summaries, unit_contexts

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


def overall_score(
    fit: float, glue: float, lock_in: float, cost: float, weights: tuple[float, float, float, float]
) -> Score:
    wf, wg, wl, wc = weights
    return Score.of(
        [
            Contribution.trusted(
                key="fit", points=wf * fit, reason=f"fit {fit:.1f} x weight {wf:.2f}"
            ),
            Contribution.trusted(
                key="glue",
                points=wg * (100 - glue),
                reason=f"(100 - glue {glue:.1f}) x weight {wg:.2f}",
            ),
            Contribution.trusted(
                key="lock_in",
                points=wl * (100 - lock_in),
                reason=f"(100 - lock-in {lock_in:.1f}) x weight {wl:.2f}",
            ),
            Contribution.trusted(
                key="cost",
                points=wc * (100 - cost),
                reason=f"(100 - cost {cost:.1f}) x weight {wc:.2f}",
            ),
        ]
    )


def evaluate_stack(
    stack: Stack,
    context: Context,
    catalog: Catalog,
    *,
    today: dt.date,
    source: str | None = None,
) -> StackEvaluation:
    view = build_view(stack, catalog, context)
    fit = fit_score(view, context, catalog, today)
    glue, days, hand = glue_score(view, context)
    lock_in = lock_in_score(view, context, catalog, today)
    cost, annual = cost_score(view, context, catalog, today, days)
    checked = gate_violations(view, context, catalog)
    violations = [v for v in checked if not v.facts]
    pending = [v for v in checked if v.facts]
    unverified = sorted(
        {f for v in pending for f in v.facts}
        | {
            fact(owner, f"capabilities.{cap}")
            for cap, owner in view.owners.items()
            if owner is not None and view.tools[owner].level_unverified(cap)
        }
    )
    islands = integration_islands(view, hand)
    island_note = (
        [
            "tools joined only by custom code, in groups: "
            + " | ".join(", ".join(i) for i in islands)
        ]
        if len(islands) > 1
        else []
    )
    notes = (
        *island_note,
        *(
            f"contract for {e.tool} ended {e.until.isoformat()}; it counts as in use, not under contract"
            for e in sorted(context.requirements.existing, key=lambda e: e.tool)
            if e.commitment.value == "contract" and e.until is not None and e.until < today
        ),
    )
    return StackEvaluation(
        name=stack.name,
        source=source,
        tools=tuple(sorted(stack.tools)),
        owners=dict(sorted(view.owners.items())),
        idle=view.idle,
        viable=not violations,
        violations=tuple(violations),
        pending=tuple(pending),
        unverified=tuple(unverified),
        fit=fit,
        glue=glue,
        glue_person_days=days,
        lock_in=lock_in,
        cost=cost,
        annual_cost=annual,
        overall=overall_score(
            fit.value,
            glue.value,
            lock_in.value,
            cost.value,
            context.requirements.weights.normalised(),
        ),
        handoffs=tuple(hand),
        notes=notes,
        risks=stack_risks(stack, context.requirements, catalog, today),
        islands=tuple(tuple(i) for i in islands),
    )


def _key(e: StackEvaluation) -> tuple[float, float, float, float]:
    """The four scores, each oriented so that higher is better."""
    return (e.fit.value, -e.glue.value, -e.lock_in.value, -e.cost.value)


def _beats(ka: tuple[float, ...], kb: tuple[float, ...]) -> bool:
    return all(x >= y for x, y in zip(ka, kb, strict=True)) and ka != kb


def dominates(a: StackEvaluation, b: StackEvaluation) -> bool:
    """a is at least as good as b on fit, glue, lock-in and cost, and better on one."""
    return _beats(_key(a), _key(b))


def pareto_keys(evaluations: Sequence[StackEvaluation]) -> set[tuple[float, float, float, float]]:
    """The score vectors no other stack beats. Distinct vectors are swept in decreasing order,
    so a vector can only be beaten by one already on the front: the work is the number of
    distinct vectors times the front's size, not the square of the number of stacks."""
    front: list[tuple[float, float, float, float]] = []
    for k in sorted({_key(e) for e in evaluations}, reverse=True):
        if not any(_beats(f, k) for f in front):
            front.append(k)
    return set(front)


def rank_key(
    viable: bool, overall: float, name: str, source: str | None
) -> tuple[bool, float, str, str]:
    """Viable stacks first, then by overall score; ties by name, so input order never matters."""
    return (not viable, -round(overall, 9), name, source or "")


def rank(evaluations: Sequence[StackEvaluation]) -> list[RankedStack]:
    """Viable stacks first, then by overall score; ties by name, so input order never matters."""
    ordered = sorted(
        evaluations, key=lambda e: rank_key(e.viable, e.overall.value, e.name, e.source)
    )
    front = pareto_keys(evaluations)
    return [
        RankedStack(rank=i, pareto=_key(e) in front, evaluation=e)
        for i, e in enumerate(ordered, start=1)
    ]


def assumptions(requirements: Requirements) -> tuple[str, ...]:
    c = params.CONNECTION_POINTS
    scale, rates = requirements.scale, requirements.rates
    budget = (
        scale.budget_usd
        if scale.budget_usd is not None
        else params.BUDGET_BY_SIZE[scale.size.value]
    )
    size = scale.size.value
    return (
        f"one glue point = {params.DAYS_PER_POINT:g} person-days a year of building and keeping integrations",
        f"handoff cost in points: same tool {c['same']:g}, native {c['native']:g}, shared standard {c['standard']:g}, custom code {c['custom']:g}",
        "a cross-cutting concern (lineage, identity, audit, versioning, approvals, automation) that does not carry across a handoff costs 1 point; audit-first posture raises lineage and audit to up to 2, permission-first raises identity to up to 2",
        f"a handoff between different teams in different tools costs {params.TEAM_HANDOFF_POINTS:g} points",
        f"each permission system beyond the first costs {params.PERMISSION_SYSTEM_POINTS:g} x (0.5 + posture) points of ongoing management",
        f"cost: catalog price bands are for a medium-size organisation, scaled x{params.SIZE_PRICE_FACTOR[size]:g} for size {size}; operations effort x{params.SIZE_OPS_FACTOR[size]:g}"
        + (f"; per-user prices for {scale.users} users" if scale.users is not None else ""),
        f"cost: one person-day = {rates.currency} {rates.person_day_usd * rates.per_usd:,.0f} ({rates.per_usd:g} {rates.currency} per USD); one-off costs spread over {rates.horizon_years} years",
        f"cost score = 100 x annual / (annual + {rates.currency} {budget * rates.per_usd:,.0f} budget); prices are list prices or estimates as of each tool's pricing date, never quotes",
    )


def compare(
    stacks: Sequence[tuple[Stack, str | None]],
    requirements: Requirements,
    catalog: Catalog,
    *,
    today: dt.date,
) -> Comparison:
    context = build_context(requirements, catalog)
    units = unit_contexts(requirements, catalog)
    evaluations = [
        evaluate_with_units(s, context, units, catalog, today=today, source=src)
        for s, src in stacks
    ]
    ranked = tuple(rank(evaluations))
    wf, wg, wl, wc = requirements.weights.normalised()
    return Comparison(
        requirements=requirements.name,
        as_of=today.isoformat(),
        weights={"fit": wf, "glue": wg, "lock_in": wl, "cost": wc},
        assumptions=assumptions(requirements),
        stacks=ranked,
        units=summaries(requirements, units, ranked),
        divergent=divergences(ranked),
    )
