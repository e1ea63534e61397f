"""Fit (0..100): how much of what the business needs the stack does, plus reuse of what it owns.

    fit = C * sum(w_c * level_c / 3) / sum(w_c)  +  reuse shares of existing tools that do work
with C = 100, or 100 - REUSE_POINTS when there are existing investments. Dropping a tool costs
money (remaining contract, migration), so it is counted in cost, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from evaluator.models import Commitment, Existing, Tool
from evaluator.scoring import params
from evaluator.scoring.context import Context
from evaluator.scoring.results import Contribution, Score
from evaluator.scoring.stackview import StackView, effective_level

if TYPE_CHECKING:
    from evaluator.catalog import Catalog

DAYS_PER_YEAR = 365.25


def level_of(view: StackView, capability: str) -> int:
    owner = view.owners.get(capability)
    return 0 if owner is None else effective_level(view.tools[owner], capability)


def contract_active(until: dt.date | None, today: dt.date) -> bool:
    return until is None or until >= today


def remaining_years(item: Existing, today: dt.date) -> float:
    """Years a contract still runs (0 for a tool only in use or a contract that ended; one
    year for an open-ended contract, which renews yearly)."""
    if item.commitment is not Commitment.CONTRACT:
        return 0.0
    if item.until is None:
        return 1.0
    return max(0.0, (item.until - today).days / DAYS_PER_YEAR)


def commitment_share(item: Existing, today: dt.date) -> float:
    """Weight of an existing tool in the reuse pool: 1 in use, up to 2 under a contract with a
    year or more to run, falling linearly to 1 on its end date (no cliff)."""
    base = params.COMMITMENT_SHARE["in-use"]
    extra = params.COMMITMENT_SHARE["contract"] - base
    return base + extra * min(1.0, remaining_years(item, today))


def describe(item: Existing, today: dt.date) -> str:
    if item.commitment is Commitment.CONTRACT:
        if item.until is None:
            return "under contract"
        if contract_active(item.until, today):
            return f"under contract until {item.until.isoformat()}"
        return f"contract ended {item.until.isoformat()}"
    return "in use"


def does_work(tool: Tool, capability: str, context: Context) -> bool:
    """Whether owning a needed capability is work the stack relies on, the work reuse credit is
    for: a stage, or a governance need at the level that reaches other tools (one below it,
    such as a database's own roles owning access control, covers that tool alone)."""
    return (
        capability not in context.concerns
        or effective_level(tool, capability) >= params.HUB_MIN_LEVEL
    )


def doing_work(view: StackView, context: Context) -> frozenset[str]:
    """Tools that own a need as work (``does_work``)."""
    return frozenset(
        o for c, o in view.owners.items() if o is not None and does_work(view.tools[o], c, context)
    )


def fit_score(view: StackView, context: Context, catalog: Catalog, today: dt.date) -> Score:
    existing = context.requirements.existing
    coverage_points = 100.0 - (params.REUSE_POINTS if existing else 0.0)
    total = context.total_weight
    out: list[Contribution] = []
    for need in context.needs:
        owner = view.owners.get(need.capability)
        level = level_of(view, need.capability)
        possible = coverage_points * need.weight / total
        points = possible * level / 3
        why = "declared" if need.origin == "declared" else "added by governance posture"
        if owner is None:
            reason = f"not covered (weight {need.weight:.3g}, {why})"
        else:
            estimate = (
                ", an estimate no source confirmed"
                if view.tools[owner].level_unverified(need.capability)
                else ""
            )
            reason = f"{owner} at level {level}/3{estimate} (weight {need.weight:.3g}, {why})"
        out.append(
            Contribution.trusted(
                key=f"coverage.{need.capability}", points=points, reason=reason, possible=possible
            )
        )
    shares = {e.tool: commitment_share(e, today) for e in existing}
    pool = sum(shares.values())
    working = view.working
    doing = doing_work(view, context)
    for item in sorted(existing, key=lambda e: e.tool):
        share = params.REUSE_POINTS * shares[item.tool] / pool
        name = catalog.tools[item.tool].name
        state = describe(item, today)
        if item.tool in doing:
            points, reason = share, f"reuses {name} ({state})"
        elif item.tool in working:
            only = ", ".join(sorted(c for c, o in view.owners.items() if o == item.tool))
            points, reason = (
                0.0,
                f"keeps {name} ({state}) only for {only}, below the level that reaches other "
                "tools: it covers itself alone, no reuse credit",
            )
        elif item.tool in view.tools:
            points, reason = 0.0, f"keeps {name} ({state}) but gives it no work: no reuse credit"
        else:
            points, reason = 0.0, f"does not reuse {name} ({state})"
        out.append(Contribution.trusted(key=f"reuse.{item.tool}", points=points, reason=reason))
    return Score.of(out)
