"""Fit (0..100): how much of what the business needs the stack does, plus reuse of what it owns.

    fit = C * sum(w_c * level_c / 3) / sum(w_c)  +  reuse shares kept  -  contract shares dropped
with C = 100, or 100 - REUSE_POINTS when there are existing investments; floored at 0.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from evaluator.models import Commitment
from evaluator.scoring import params
from evaluator.scoring.context import Context
from evaluator.scoring.results import Contribution, Score
from evaluator.scoring.stackview import StackView, effective_level

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


def level_of(view: StackView, capability: str) -> int:
    owner = view.owners.get(capability)
    return 0 if owner is None else effective_level(view.tools[owner], capability)


def contract_active(until: dt.date | None, today: dt.date) -> bool:
    return until is None or until >= today


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
            reason = f"not covered (weight {need.weight:g}, {why})"
        else:
            reason = f"{owner} at level {level}/3 (weight {need.weight:g}, {why})"
        out.append(
            Contribution(
                key=f"coverage.{need.capability}", points=points, reason=reason, possible=possible
            )
        )
    shares = {
        e.tool: params.COMMITMENT_SHARE[_commitment(e.commitment, e.until, today)] for e in existing
    }
    pool = sum(shares.values())
    for item in sorted(existing, key=lambda e: e.tool):
        share = params.REUSE_POINTS * shares[item.tool] / pool
        name = catalog.tools[item.tool].name
        if item.tool in view.tools:
            out.append(
                Contribution(
                    key=f"reuse.{item.tool}",
                    points=share,
                    reason=f"reuses {name} ({_describe(item.commitment, item.until, today)})",
                )
            )
        elif _commitment(item.commitment, item.until, today) == "contract":
            out.append(
                Contribution(
                    key=f"switching.{item.tool}",
                    points=-share,
                    reason=f"switching cost: drops {name} ({_describe(item.commitment, item.until, today)})",
                )
            )
        else:
            out.append(
                Contribution(
                    key=f"reuse.{item.tool}",
                    points=0.0,
                    reason=f"does not reuse {name} ({_describe(item.commitment, item.until, today)})",
                )
            )
    raw = math.fsum(c.points for c in out)
    if raw < 0:
        out.append(Contribution(key="floor", points=-raw, reason="fit cannot go below 0"))
    return Score.of(out)


def _commitment(commitment: Commitment, until: dt.date | None, today: dt.date) -> str:
    if commitment is Commitment.CONTRACT and contract_active(until, today):
        return "contract"
    return "in-use"


def _describe(commitment: Commitment, until: dt.date | None, today: dt.date) -> str:
    if commitment is Commitment.CONTRACT:
        if until is None:
            return "under contract"
        if contract_active(until, today):
            return f"under contract until {until.isoformat()}"
        return f"contract ended {until.isoformat()}"
    return "in use"
