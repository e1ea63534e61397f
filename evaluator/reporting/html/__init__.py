"""One self-contained HTML page for a review board: ranking, trade-off charts, each stack's
diagram, the capability matrix, robustness, every reason and the assumptions with sources.

``render`` reads the same ``Comparison`` (and ``Robustness``) the other formats render, and the
catalog only for facts the page names (tool names, capability levels, price sources); it computes
no score. The page is a Jinja2 template with autoescaping on, inline CSS and inline SVG
(``svg.py``): no script, no font, no image and no request of any kind when opened or printed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from evaluator.models import CapabilityKind
from evaluator.reporting import robust
from evaluator.reporting.common import annual, headline, money, num, weights_line
from evaluator.reporting.flow import GOVERNANCE_CONCERNS, flow_of
from evaluator.reporting.html import svg
from evaluator.scoring.results import Comparison, StackEvaluation, verdict
from evaluator.scoring.stackview import effective_level
from evaluator.textsafe import one_line

if TYPE_CHECKING:
    from evaluator.catalog import Catalog
    from evaluator.robustness import Robustness

SCORES = (("fit", "Fit"), ("glue", "Glue"), ("lock_in", "Lock-in"), ("cost", "Cost"))
LEVEL_NAMES = {1: "partial", 2: "solid", 3: "best in class"}


def _template(name: str) -> str:
    return (files(__package__) / "templates" / name).read_text(encoding="utf-8")


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FunctionLoader(_template),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = num
    env.filters["t"] = one_line
    env.filters["verdict"] = verdict
    return env


def _href(url: str | None) -> str | None:
    """Only web links become links; anything else stays text."""
    return url if url is not None and url.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Cell:
    tool: str | None
    level: int | None
    idle: bool = False


def _matrix(c: Comparison, catalog: Catalog) -> list[dict[str, Any]]:
    """One row per capability any stack was asked to serve, in lifecycle order, then concerns;
    each cell the tool that serves it in that stack and its catalog level."""
    needed = {cap for r in c.stacks for cap in r.evaluation.owners}
    caps = catalog.capabilities

    def order(cap: str) -> tuple[int, int, str]:
        known = caps.get(cap)
        if known is None:
            return (2, 0, cap)
        concern = known.kind is CapabilityKind.CONCERN
        return (1 if concern else 0, known.order or 0, cap)

    rows = []
    for cap in sorted(needed, key=order):
        cells = []
        for r in c.stacks:
            tool = r.evaluation.owners.get(cap)
            # The level the scoring uses: declared, or implied by the tool's governance features.
            level = effective_level(catalog.tools[tool], cap) if tool in catalog.tools else None
            cells.append(Cell(tool, level))
        known = caps.get(cap)
        rows.append(
            {
                "id": cap,
                "name": known.name if known else cap,
                "concern": known is not None and known.kind is CapabilityKind.CONCERN,
                "cells": cells,
            }
        )
    return rows


def _stack_view(
    rank: int, pareto: bool, e: StackEvaluation, catalog: Catalog, i: int
) -> dict[str, Any]:
    flow = flow_of(e)
    order = {cap.id: cap.order or 0 for cap in catalog.stages_in_order()}
    names = {t: catalog.tools[t].name for t in e.tools if t in catalog.tools}
    diagram = svg.diagram(
        flow, order, names, ident=f"s{i}", title=f"Tools and handoffs of {e.name}"
    )
    breaks = sorted(
        {c for edge in flow.edges for c in edge.breaks_governance},
        key=GOVERNANCE_CONCERNS.index,
    )
    return {
        "anchor": f"stack-{i}",
        "rank": rank,
        "pareto": pareto,
        "e": e,
        "annual": annual(e),
        "diagram": diagram,
        "flow": flow,
        "breaks": breaks,
        "headline": headline(e),
        "scores": [(label, getattr(e, key)) for key, label in SCORES] + [("Overall", e.overall)],
    }


def _sources(c: Comparison, catalog: Catalog) -> list[dict[str, Any]]:
    """Where every price in the cost lines comes from: each tool of every stack."""
    tools = sorted({t for r in c.stacks for t in r.evaluation.tools})
    rows = []
    for t in tools:
        tool = catalog.tools.get(t)
        if tool is None:
            continue
        p = tool.pricing
        rows.append(
            {
                "id": t,
                "name": tool.name,
                "origin": catalog.origin.get(t, ""),
                "model": p.model.value if p else "unknown (priced as a quote)",
                "band": money(p.annual_usd[0], p.annual_usd[1], "USD") if p else "-",
                "estimated": (p.estimated if p else True),
                "as_of": p.as_of.isoformat() if p else tool.as_of.isoformat(),
                "source": p.source if p else None,
                "href": _href(p.source if p else None),
                "ops_source": tool.operations.source if tool.operations else None,
                "ops_href": _href(tool.operations.source if tool.operations else None),
            }
        )
    return rows


def _points(c: Comparison, axis: str) -> list[svg.Point]:
    return [
        svg.Point(
            name=r.evaluation.name,
            x=getattr(r.evaluation, axis).value,
            y=r.evaluation.fit.value,
            size=r.evaluation.glue.value,
            viable=r.evaluation.viable,
            pareto=r.pareto,
        )
        for r in c.stacks
    ]


def _robustness(r: Robustness | None) -> dict[str, Any] | None:
    if r is None:
        return None
    chart = svg.bars(
        [
            svg.Bar(label=f"{a.rank}. {a.name}", share=a.share, text=robust.pct(a.share))
            if a.competes
            else svg.Bar(
                label=f"{a.rank}. {a.name}", share=None, text="not viable: does not compete"
            )
            for a in r.acceptability
        ],
        title="Share of weightings under which each stack ranks first",
    )
    return {
        "weights": robust.weights_text(r.weights),
        "swap_title": robust.swap_title(r.swap) if r.swap else None,
        "swap_blocked": r.swap.blocked if r.swap else None,
        "swap_rows": robust.swap_rows(r.swap) if r.swap and not r.swap.blocked else [],
        "swap_headers": robust.SWAP_HEADERS,
        "swap_note": robust.SWAP_NOTE,
        "title": robust.acceptability_title(r),
        "rows": robust.acceptability_rows(r),
        "headers": robust.ACCEPT_HEADERS,
        "chart": chart,
        "verdict": robust.verdict(r),
        "fragile": r.fragile,
        "levels_title": robust.levels_title() if r.levels else None,
        "levels_text": robust.levels_text(r.levels) if r.levels else None,
        "level_rows": robust.level_rows(r.levels) if r.levels else [],
        "level_headers": robust.LEVEL_HEADERS,
    }


def render(
    comparison: Comparison,
    catalog: Catalog,
    robustness: Robustness | None = None,
    *,
    version: str = "",
) -> str:
    """The whole page. Same inputs, same bytes."""
    c = comparison
    stacks = [
        _stack_view(r.rank, r.pareto, r.evaluation, catalog, i)
        for i, r in enumerate(c.stacks, start=1)
    ]
    charts = [
        svg.scatter(
            _points(c, "lock_in"),
            x_label="lock-in",
            y_label="fit",
            title="Fit against lock-in (bubble size: glue)",
        ),
        svg.scatter(
            _points(c, "cost"),
            x_label="cost",
            y_label="fit",
            title="Fit against cost (bubble size: glue)",
        ),
    ]
    sources = _sources(c, catalog)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            c=c,
            css=Markup(_template("report.css")),
            weights=weights_line(c.weights),
            stacks=stacks,
            charts=charts,
            matrix=_matrix(c, catalog),
            levels=LEVEL_NAMES,
            robustness=_robustness(robustness),
            sources=sources,
            price_of={f"tool.{row['id']}": row for row in sources},
            colours=svg.BRIDGE_COLOUR,
            version=version,
        )
    )


__all__ = ["render"]
