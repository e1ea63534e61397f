"""Plain-text output for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tabulate import tabulate

from evaluator.reporting import robust
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
from evaluator.scoring.results import Comparison, Score, StackEvaluation, verdict
from evaluator.textsafe import one_line

if TYPE_CHECKING:
    from evaluator.robustness import Robustness


def comparison(c: Comparison, /, robustness: Robustness | None = None) -> str:
    w = c.weights
    rows = [
        [
            r.rank,
            one_line(r.evaluation.name),
            viable_cell(verdict(r.evaluation), no="NO"),
            *score_cells(r.evaluation),
            "*" if r.pareto else "",
        ]
        for r in c.stacks
    ]
    out = [
        one_line(f"Requirements: {c.requirements}"),
        f"As of {c.as_of}; {weights_line(w)}",
        "",
        tabulate(
            rows,
            headers=["rank", "stack", "viable", *SCORE_HEADERS, "pareto"],
            tablefmt="simple",
            disable_numparse=True,
            colalign=("right", "left", "left", *("right",) * len(SCORE_HEADERS), "center"),
        ),
        "",
        "fit: higher is better; glue, lock-in and cost: lower is better; * = on the Pareto front",
    ]
    if c.units:
        out += _units(c)
    for r in c.stacks:
        e = r.evaluation
        out += ["", one_line(f"{r.rank}. {e.name}" + (f" ({e.source})" if e.source else ""))]
        out += [one_line(f"   {line}") for line in headline(e)]
    if robustness is not None:
        out += _robustness(robustness)
    return "\n".join(out) + "\n"


def _units(c: Comparison) -> list[str]:
    body = tabulate(
        [[one_line(cell) for cell in row] for row in unit_rows(c)],
        headers=UNIT_HEADERS,
        tablefmt="simple",
        disable_numparse=True,
        colalign=("left", "left", "left", *("right",) * 6),
    )
    out = ["", "Business units:"]
    out += [one_line(f"   {line}") for line in unit_descriptions(c)]
    out += ["", *(f"   {line}" for line in body.splitlines()), ""]
    out += [one_line(line) for line in unit_verdicts(c)]
    out.append(UNITS_NOTE)
    return out


def _robustness(r: Robustness) -> list[str]:
    out = ["", f"Robustness of the ranking (weights {robust.weights_text(r.weights)})"]
    if r.swap is not None:
        out += ["", robust.swap_title(r.swap) + ":"]
        if r.swap.blocked:
            out.append(f"   {r.swap.blocked}.")
        else:
            body = tabulate(
                robust.swap_rows(r.swap),
                headers=robust.SWAP_HEADERS,
                tablefmt="simple",
                disable_numparse=True,
                colalign=("left", "right", "right", "right", "left"),
            )
            out += [f"   {line}" for line in body.splitlines()]
            out.append(f"   {robust.SWAP_NOTE}")
    body = tabulate(
        robust.acceptability_rows(r),
        headers=robust.ACCEPT_HEADERS,
        tablefmt="simple",
        disable_numparse=True,
        colalign=("right", "left", "right", "right"),
    )
    out += ["", robust.acceptability_title(r) + ":"]
    out += [f"   {line}" for line in body.splitlines()]
    out += ["", robust.verdict(r)]
    if r.levels is not None:
        out += ["", robust.levels_title(), f"   {robust.levels_text(r.levels)}"]
        if r.levels.flips:
            body = tabulate(
                robust.level_rows(r.levels),
                headers=robust.LEVEL_HEADERS,
                tablefmt="simple",
                disable_numparse=True,
                colalign=("left", "left", "right", "right", "left"),
            )
            out += [f"   {line}" for line in body.splitlines()]
    return out


def _score_block(title: str, score: Score) -> list[str]:
    rows = [[num(c.points), one_line(c.key), one_line(c.reason)] for c in score.contributions]
    body = tabulate(
        rows,
        headers=["points", "term", "reason"],
        tablefmt="simple",
        disable_numparse=True,
        colalign=("right", "left", "left"),
    )
    return [f"{title}: {num(score.value)}", body, ""]


def evaluation(e: StackEvaluation) -> str:
    out = [
        one_line(f"Stack: {e.name}" + (f" ({e.source})" if e.source else "")),
        f"Tools: {', '.join(e.tools)}",
        "",
    ]
    out.append(
        {
            "not viable": "Viable: NO",
            "viable pending verification": "Viable: pending verification of unknown catalog facts",
            "viable": "Viable: yes",
        }[verdict(e)]
    )
    out += [one_line(f"  - [{v.gate}] {v.message}") for v in e.violations]
    out += [one_line(f"  - [{v.gate}, to verify] {v.message}") for v in e.pending]
    if e.unverified:
        out.append(one_line(f"Rests on unverified facts: {'; '.join(e.unverified)}"))
    out += [one_line(f"  - {risk_line(r)}") for r in e.risks]
    out.append("")
    if e.units:
        out += ["Business units:", *(one_line(f"  {line}") for line in unit_lines(e)), ""]
    owners = [[cap, tool or "-"] for cap, tool in e.owners.items()]
    out += [
        "Who serves each need:",
        tabulate(owners, headers=["capability", "tool"], tablefmt="simple"),
        "",
    ]
    if e.idle:
        out += [f"Idle (serve no need, still cost money): {', '.join(e.idle)}", ""]
    out += _score_block("Fit", e.fit)
    out += _score_block(f"Glue ({num(e.glue_person_days)} person-days a year)", e.glue)
    out += _score_block("Lock-in", e.lock_in)
    out += _score_block(f"Cost ({annual(e)} a year)", e.cost)
    out += _score_block("Overall", e.overall)
    out += [
        "Handoffs:",
        tabulate(
            handoff_rows(e, "->"),
            headers=list(HANDOFF_HEADERS),
            tablefmt="simple",
            disable_numparse=True,
        ),
    ]
    out += [one_line(f"Note: {n}") for n in e.notes]
    return "\n".join(out) + "\n"
