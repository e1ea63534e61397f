"""Lock-in risk (0..100): how closed each tool is, weighted by the share of the stack's work it
carries, scaled by how concentrated that work is on few vendors.

    lock_in = 100 * sum_t share_t * closed_t * (0.5 + 0.5 * HHI)
share_t: weight of the needed capabilities tool t serves / weight of all served ones;
closed_t: sum of the closedness factors that apply to t (at most 1);
HHI: Herfindahl index of vendor shares (1 = one vendor does everything).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from evaluator.models import CLOUDS, ORGANISATION_RUN, Deployment, Openness, Tool
from evaluator.scoring import licence, params
from evaluator.scoring.context import Context
from evaluator.scoring.lifecycle import pinned_versions, risk_factors
from evaluator.scoring.results import Contribution, Score
from evaluator.scoring.stackview import StackView

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


def closedness(tool: Tool) -> list[tuple[str, float]]:
    """The named reasons a tool is hard to leave, each with its share of 1."""
    c = params.CLOSEDNESS
    out: list[tuple[str, float]] = []
    kind = licence.openness(tool.license)
    if kind == "proprietary":
        out.append(("proprietary licence", c["proprietary-license"]))
    elif kind == "unknown":
        out.append(("licence unknown, counted as proprietary", c["proprietary-license"]))
    elif kind == "source-available":
        out.append((f"source-available licence {tool.license}", c["source-available-license"]))
    if tool.openness.data_format is Openness.PROPRIETARY:
        out.append(("proprietary data/model format", c["proprietary-data-format"]))
    elif tool.openness.data_format is Openness.UNKNOWN:
        out.append(
            ("data/model format unknown, counted as proprietary", c["proprietary-data-format"])
        )
    if tool.openness.api is Openness.PROPRIETARY:
        out.append(("proprietary API", c["proprietary-api"]))
    elif tool.openness.api is Openness.UNKNOWN:
        out.append(("API unknown, counted as proprietary", c["proprietary-api"]))
    if not set(tool.deployment) & ORGANISATION_RUN:
        out.append(("vendor-hosted only", c["vendor-hosted-only"]))
        clouds = set(tool.deployment) & CLOUDS
        if len(clouds) == 1 and Deployment.SAAS not in tool.deployment:
            out.append((f"single cloud ({next(iter(clouds)).value})", c["single-cloud"]))
    if not tool.openness.bulk_export:
        out.append(("no bulk export", c["no-bulk-export"]))
    return out


def tool_factors(
    tool: Tool, catalog: Catalog, context: Context, version: str | None, today: dt.date
) -> list[tuple[str, float]]:
    """Closedness and risk: what makes a tool hard to leave, and what may force leaving it on
    someone else's timetable (an archived project, a release past its end of support)."""
    horizon = context.requirements.lifecycle.horizon_days
    return closedness(tool) + risk_factors(tool, catalog, version, today, horizon)


def work_shares(view: StackView, context: Context) -> dict[str, float]:
    weights: dict[str, float] = {}
    for need in context.needs:
        owner = view.owners.get(need.capability)
        if owner is not None:
            weights[owner] = weights.get(owner, 0.0) + need.weight
    total = sum(weights.values())
    return {t: w / total for t, w in sorted(weights.items())} if total else {}


def vendor_concentration(
    view: StackView, shares: dict[str, float]
) -> tuple[float, dict[str, float]]:
    by_vendor: dict[str, float] = {}
    for tool, share in shares.items():
        vendor = view.tools[tool].vendor
        by_vendor[vendor] = by_vendor.get(vendor, 0.0) + share
    return sum(s * s for s in by_vendor.values()), by_vendor


def lock_in_score(view: StackView, context: Context, catalog: Catalog, today: dt.date) -> Score:
    shares = work_shares(view, context)
    pins = pinned_versions(view.stack, context.requirements)
    hhi, by_vendor = vendor_concentration(view, shares)
    multiplier = 0.5 + 0.5 * hhi
    out: list[Contribution] = []
    for tool_id, share in shares.items():
        tool = view.tools[tool_id]
        factors = tool_factors(tool, catalog, context, pins.get(tool_id), today)
        closed = min(1.0, sum(f for _, f in factors))
        what = "closedness" if len(factors) == len(closedness(tool)) else "closedness and risk"
        if not factors:
            reason = f"{tool_id}: carries {share:.0%} of the work; open on every count"
        else:
            named = ", ".join(f"{name} {value:.2f}" for name, value in factors)
            reason = f"{tool_id}: carries {share:.0%} of the work x {what} {closed:.2f} ({named}) x vendor concentration {multiplier:.2f}"
        out.append(
            Contribution.trusted(
                key=f"tool.{tool_id}", points=100.0 * share * closed * multiplier, reason=reason
            )
        )
    if by_vendor:
        top = max(sorted(by_vendor), key=lambda v: by_vendor[v])
        out.append(
            Contribution.trusted(
                key="concentration",
                points=0.0,
                reason=f"vendor concentration HHI {hhi:.2f} (largest: {top} with {by_vendor[top]:.0%} of the work) gives the x{multiplier:.2f} above",
            )
        )
    return Score.of(out)
