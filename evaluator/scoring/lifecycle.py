"""Maturity and lifecycle: how likely a tool is to leave the organisation stranded.

An archived project has nobody left to fix it, and a pinned release past its end of support gets
no security fixes: either forces a migration nobody planned, on someone else's timetable. Both
enter the lock-in score as risk factors beside a tool's closedness (docs/scoring.md, "Maturity
and lifecycle"), and every report lists them as risks. Dates are judged against the as-of date
only, so a run is reproducible.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from evaluator.models import Ring, Stack, Stage, Tool, ToolLifecycle
from evaluator.scoring import params
from evaluator.scoring.results import Risk

if TYPE_CHECKING:
    from evaluator.catalog import Catalog
    from evaluator.models import ReleaseCycle, Requirements


def cycle_for(lifecycle: ToolLifecycle, version: str) -> ReleaseCycle | None:
    """The release cycle a version belongs to: the cycle itself (``3.5``), or the longest cycle
    it extends by dotted parts (``3.5.1`` is in ``3.5``)."""
    best: ReleaseCycle | None = None
    for cycle in lifecycle.cycles:
        if version == cycle.cycle:
            return cycle
        if version.startswith(cycle.cycle + ".") and (
            best is None or len(cycle.cycle) > len(best.cycle)
        ):
            best = cycle
    return best


def pinned_versions(stack: Stack, requirements: Requirements) -> dict[str, str]:
    """The release of each tool of the stack that one is given for: the stack's own pin, else
    the release the organisation runs (``existing``), which a stack keeping the tool keeps."""
    out = {e.tool: e.version for e in requirements.existing if e.version and e.tool in stack.tools}
    out.update(stack.pins)
    return dict(sorted(out.items()))


def maturity_factors(tool: Tool) -> list[tuple[str, float]]:
    """An archived or unmaintained project is a real risk; a sandbox project a weak signal."""
    m = tool.maturity
    if m is None:
        return []
    if m.is_archived:
        when = f", {m.archived.isoformat()}" if m.archived else ""
        by = f"{m.foundation}" if m.foundation and m.stage is Stage.ARCHIVED else "unmaintained"
        return [(f"archived project ({by}{when})", params.MATURITY_RISK["archived"])]
    if m.stage is Stage.SANDBOX:
        return [(f"{m.foundation} sandbox project", params.MATURITY_RISK["sandbox"])]
    return []


def end_of_support(
    lifecycle: ToolLifecycle | None, version: str | None
) -> tuple[ReleaseCycle, dt.date | None] | None:
    """The pinned cycle and its end-of-support date (``None`` when ended on an unknown date);
    ``None`` when nothing is pinned, known, or no end is announced."""
    if lifecycle is None or version is None:
        return None
    cycle = cycle_for(lifecycle, version)
    if cycle is None or cycle.eol is False:
        return None
    return cycle, (None if cycle.eol is True else cycle.eol)


def support_factors(
    tool: Tool, lifecycle: ToolLifecycle | None, version: str | None, today: dt.date, horizon: int
) -> list[tuple[str, float]]:
    """A pinned release past its end of support carries the full risk; one whose end falls
    within the horizon a share growing linearly as the date nears, so nothing jumps."""
    found = end_of_support(lifecycle, version)
    if found is None:
        return []
    cycle, eol = found
    full = params.END_OF_SUPPORT_RISK
    label = f"{tool.id} {cycle.cycle}"
    if eol is None:
        return [(f"{label} past end of support (date not given)", full)]
    days = (eol - today).days
    estimated = " (estimated)" if cycle.estimated else ""
    if days <= 0:
        return [(f"{label} past end of support since {eol.isoformat()}{estimated}", full)]
    if days <= horizon:
        share = full * (1.0 - days / horizon)
        return [
            (
                f"{label} reaches end of support on {eol.isoformat()}{estimated}, in {days} days "
                f"(horizon {horizon})",
                share,
            )
        ]
    return []


def risk_factors(
    tool: Tool, catalog: Catalog, version: str | None, today: dt.date, horizon: int
) -> list[tuple[str, float]]:
    """Every maturity and lifecycle factor of one tool, each with its share of 1."""
    return maturity_factors(tool) + support_factors(
        tool, catalog.lifecycle.get(tool.id), version, today, horizon
    )


def stack_risks(
    stack: Stack,
    requirements: Requirements,
    catalog: Catalog,
    today: dt.date,
) -> tuple[Risk, ...]:
    """What a reviewer must see about a stack's tools whatever they weigh in the score:
    archived and sandbox projects, pinned releases past or near their end of support, and
    tools kept although the organisation's radar has them on hold."""
    horizon = requirements.lifecycle.horizon_days
    pins = pinned_versions(stack, requirements)
    used = {e.tool for e in requirements.existing}
    out: list[Risk] = []
    for tool_id in sorted(stack.tools):
        tool = catalog.tools[tool_id]
        m = tool.maturity
        if m is not None and m.is_archived:
            out.append(
                Risk.trusted(
                    tool=tool_id,
                    kind="archived",
                    date=m.archived.isoformat() if m.archived else None,
                    message=f"{tool_id}: {maturity_factors(tool)[0][0]}",
                    source=m.source,
                )
            )
        elif m is not None and m.stage is Stage.SANDBOX:
            since = f" since {m.accepted.isoformat()}" if m.accepted else ""
            out.append(
                Risk.trusted(
                    tool=tool_id,
                    kind="sandbox",
                    date=m.accepted.isoformat() if m.accepted else None,
                    message=f"{tool_id}: {m.foundation} sandbox project{since}",
                    source=m.source,
                )
            )
        lifecycle = catalog.lifecycle.get(tool_id)
        factors = support_factors(tool, lifecycle, pins.get(tool_id), today, horizon)
        found = end_of_support(lifecycle, pins.get(tool_id))
        if factors and found is not None and lifecycle is not None:
            eol = found[1]
            out.append(
                Risk.trusted(
                    tool=tool_id,
                    kind="end-of-support" if eol is None or eol <= today else "near-end-of-support",
                    date=eol.isoformat() if eol else None,
                    message=factors[0][0],
                    source=lifecycle.source,
                )
            )
        ring = catalog.radar.get(tool_id)
        if ring is not None and ring.ring is Ring.HOLD and tool_id in used:
            note = f" ({ring.note})" if ring.note else ""
            out.append(
                Risk.trusted(
                    tool=tool_id,
                    kind="hold",
                    date=ring.since.isoformat() if ring.since else None,
                    message=f"{tool_id} is on hold in the organisation's radar{note}; "
                    "kept because it is already in use",
                    source=None,
                )
            )
    return tuple(out)


def on_hold(catalog: Catalog, requirements: Requirements) -> frozenset[str]:
    """Tools the radar puts on hold that the organisation does not already use: new stacks may
    not take them up (a gate)."""
    used = {e.tool for e in requirements.existing}
    return frozenset(
        t for t, entry in catalog.radar.items() if entry.ring is Ring.HOLD and t not in used
    )
