"""Markdown for review documents and pull-request comments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tabulate import tabulate

from evaluator.reporting import mermaid, robust
from evaluator.reporting.common import (
    HANDOFF_HEADERS,
    SCORE_HEADERS,
    UNIT_HEADERS,
    UNITS_NOTE,
    annual,
    handoff_rows,
    headline,
    num,
    risk_line,
    score_cells,
    unit_descriptions,
    unit_lines,
    unit_rows,
    unit_verdicts,
    viable_cell,
    weights_line,
)
from evaluator.reporting.flow import flow_of
from evaluator.scoring.results import Comparison, Score, StackEvaluation, verdict
from evaluator.textsafe import md_text

if TYPE_CHECKING:
    from evaluator.robustness import Robustness


def _esc(text: str) -> str:
    """Text from files (names, reasons) as inert Markdown: see ``textsafe.md_text``."""
    return md_text(text)


def comparison(c: Comparison, /, robustness: Robustness | None = None) -> str:
    w = c.weights
    rows = [
        [
            r.rank,
            _esc(r.evaluation.name),
            viable_cell(verdict(r.evaluation), no="**no**"),
            *score_cells(r.evaluation),
            "yes" if r.pareto else "",
        ]
        for r in c.stacks
    ]
    out = [
        f"## Stack comparison: {_esc(c.requirements)}",
        "",
        f"As of {c.as_of}. {weights_line(w).capitalize()}. "
        "Fit: higher is better; glue, lock-in and cost: lower is better.",
        "",
        tabulate(
            rows,
            headers=["Rank", "Stack", "Viable", *(h.capitalize() for h in SCORE_HEADERS), "Pareto"],
            tablefmt="github",
            disable_numparse=True,
            colalign=("right", "left", "left", *("right",) * len(SCORE_HEADERS), "left"),
        ),
        "",
    ]
    if c.units:
        out += _units(c)
    for r in c.stacks:
        e = r.evaluation
        out += [f"### {r.rank}. {_esc(e.name)}", ""]
        out += [f"- {_esc(line)}" for line in headline(e)]
        out += ["", *mermaid.fenced(flow_of(e)), ""]
    out += (
        ["<details><summary>Assumptions</summary>", ""]
        + [f"- {_esc(a)}" for a in c.assumptions]
        + ["", "</details>"]
    )
    if robustness is not None:
        out += _robustness(robustness)
    return "\n".join(out) + "\n"


def _units(c: Comparison) -> list[str]:
    out = ["### Business units", ""]
    out += [f"- {_esc(line)}" for line in unit_descriptions(c)]
    out += [
        "",
        tabulate(
            [[_esc(cell) for cell in row] for row in unit_rows(c)],
            headers=[h.capitalize() for h in UNIT_HEADERS],
            tablefmt="github",
            disable_numparse=True,
            colalign=("left", "left", "left", *("right",) * 6),
        ),
        "",
    ]
    out += [f"- {_esc(line)}" for line in unit_verdicts(c)]
    out += ["", _esc(UNITS_NOTE), ""]
    return out


def _robustness(r: Robustness) -> list[str]:
    out = [
        "",
        "### Robustness of the ranking",
        "",
        f"Weights: {robust.weights_text(r.weights)}.",
        "",
    ]
    if r.swap is not None:
        out += [f"**{_esc(robust.swap_title(r.swap))}**", ""]
        if r.swap.blocked:
            out += [f"{_esc(r.swap.blocked)}.", ""]
        else:
            out += [
                tabulate(
                    [[_esc(str(cell)) for cell in row] for row in robust.swap_rows(r.swap)],
                    headers=robust.SWAP_HEADERS,
                    tablefmt="github",
                    disable_numparse=True,
                    colalign=("left", "right", "right", "right", "left"),
                ),
                "",
                robust.SWAP_NOTE,
                "",
            ]
    rows = [[_esc(cell) for cell in row] for row in robust.acceptability_rows(r)]
    out += [
        f"**{_esc(robust.acceptability_title(r))}**",
        "",
        tabulate(
            rows,
            headers=robust.ACCEPT_HEADERS,
            tablefmt="github",
            disable_numparse=True,
            colalign=("right", "left", "right", "right"),
        ),
        "",
        f"**{_esc(robust.verdict(r))}**",
    ]
    if r.levels is not None:
        out += ["", f"**{_esc(robust.levels_title())}**", "", _esc(robust.levels_text(r.levels))]
        if r.levels.flips:
            rows = [[_esc(cell) for cell in row] for row in robust.level_rows(r.levels)]
            out += [
                "",
                tabulate(
                    rows,
                    headers=robust.LEVEL_HEADERS,
                    tablefmt="github",
                    disable_numparse=True,
                    colalign=("left", "left", "right", "right", "left"),
                ),
            ]
    return out


def _score_section(title: str, score: Score) -> list[str]:
    rows = [[num(x.points), f"`{x.key}`", _esc(x.reason)] for x in score.contributions]
    return [
        f"### {title}: {num(score.value)}",
        "",
        tabulate(
            rows,
            headers=["Points", "Term", "Reason"],
            tablefmt="github",
            disable_numparse=True,
            colalign=("right", "left", "left"),
        ),
        "",
    ]


def evaluation(e: StackEvaluation) -> str:
    out = [f"## {_esc(e.name)}", "", f"Tools: {', '.join(e.tools)}", ""]
    out.append(
        {
            "not viable": "**Not viable**",
            "viable pending verification": "**Viable pending verification** of unknown catalog facts",
            "viable": "**Viable**",
        }[verdict(e)]
    )
    out += [f"- {v.gate}: {_esc(v.message)}" for v in e.violations]
    out += [f"- {v.gate} (to verify): {_esc(v.message)}" for v in e.pending]
    if e.unverified:
        out += ["", f"Rests on unverified facts: {_esc('; '.join(e.unverified))}"]
    out += [f"- {_esc(risk_line(r))}" for r in e.risks]
    out.append("")
    if e.units:
        out += ["### Business units", ""]
        out += [
            f"{'  ' if line.startswith('  ') else ''}- {_esc(line.strip().removeprefix('- '))}"
            for line in unit_lines(e)
        ]
        out.append("")
    owners = [[cap, tool or "-"] for cap, tool in e.owners.items()]
    out += [
        "### Who serves each need",
        "",
        tabulate(owners, headers=["Capability", "Tool"], tablefmt="github"),
        "",
    ]
    if e.idle:
        out += [f"Idle (serve no need, still cost money): {', '.join(e.idle)}", ""]
    out += _score_section("Fit", e.fit)
    out += _score_section(f"Glue ({num(e.glue_person_days)} person-days a year)", e.glue)
    out += _score_section("Lock-in", e.lock_in)
    out += _score_section(f"Cost ({annual(e)} a year)", e.cost)
    out += _score_section("Overall", e.overall)
    out += [
        "### Handoffs",
        "",
        tabulate(
            handoff_rows(e, "→"),
            headers=[h.capitalize() for h in HANDOFF_HEADERS],
            tablefmt="github",
            disable_numparse=True,
        ),
        "",
        *mermaid.fenced(flow_of(e)),
    ]
    out += [f"\n> {_esc(n)}" for n in e.notes]
    return "\n".join(out) + "\n"
