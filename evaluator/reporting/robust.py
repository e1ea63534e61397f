"""Wording of the robustness section, shared by the table and Markdown formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.reporting.common import num

if TYPE_CHECKING:
    from evaluator.robustness import LevelCheck, Robustness, Swap

WEIGHT_LABELS = {"fit": "fit", "glue": "glue", "lock_in": "lock-in", "cost": "cost"}
SWAP_HEADERS = ["weight", "now", "ties at", "change", "weights then (fit, glue, lock-in, cost)"]
SWAP_NOTE = (
    "One weight moves at a time; the other three keep their proportions. Beyond the tie the two "
    "swap (a third stack may overtake both earlier)."
)
ACCEPT_HEADERS = ["rank", "stack", "first under", "share"]
LEVEL_HEADERS = ["tool", "capability", "level", "one step off", "first then"]


def weights_text(weights: dict[str, float]) -> str:
    return ", ".join(f"{WEIGHT_LABELS[k]} {v:.2f}" for k, v in weights.items())


def pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def swap_title(s: Swap) -> str:
    return f"What would swap 1. {s.first} and 2. {s.second} (lead {num(s.lead)} points overall)"


def swap_rows(s: Swap) -> list[list[str]]:
    rows = []
    for c in s.changes:
        label = WEIGHT_LABELS[c.weight]
        if c.threshold is None or c.change is None or c.weights_at_threshold is None:
            rows.append(
                [label, f"{c.current:.3f}", "-", "-", "no change of this weight swaps them"]
            )
        else:
            then = ", ".join(f"{v:.3f}" for v in c.weights_at_threshold.values())
            rows.append([label, f"{c.current:.3f}", f"{c.threshold:.3f}", f"{c.change:+.3f}", then])
    return rows


def acceptability_title(r: Robustness) -> str:
    return (
        f"Rank acceptability: the share of {r.samples:,} weightings, drawn uniformly from the "
        f"simplex with seed {r.seed}, under which each stack ranks first"
    )


def acceptability_rows(r: Robustness) -> list[list[str]]:
    return [
        [str(a.rank), a.name, f"{a.first:,}", pct(a.share)]
        if a.competes
        else [str(a.rank), a.name, "-", "not viable"]
        for a in r.acceptability
    ]


def verdict(r: Robustness) -> str:
    winner = r.winner
    if winner is None:
        return "No stacks to rank."
    threshold = pct(r.fragile_below)
    if not r.fragile:
        return (
            f"Robust: {winner.name} ranks first under {pct(winner.share)} of weightings "
            f"(fragile below {threshold})."
        )
    text = (
        f"FRAGILE: {winner.name} ranks first under only {pct(winner.share)} of weightings "
        f"(below {threshold}), so the choice rests on the stated weights"
    )
    best = r.most_often_first
    if best is not None and best.name != winner.name:
        text += f"; {best.name} ranks first most often ({pct(best.share)})"
    return text + "."


def levels_title() -> str:
    return "Catalog levels: does the winner hold when any one level is one step off?"


def levels_text(check: LevelCheck) -> str:
    from evaluator.robustness import LEVEL_METHOD

    if check.winner is None:
        return "No stacks to rank."
    if check.holds:
        return (
            f"The winner, {check.winner}, holds under all {check.checked:,} one-step level "
            f"changes ({LEVEL_METHOD})."
        )
    n = len(check.flips)
    return (
        f"{n:,} of {check.checked:,} one-step level change{'s' if check.checked != 1 else ''} "
        f"put{'s' if n == 1 else ''} another stack first instead of {check.winner} "
        f"({LEVEL_METHOD}):"
    )


def level_rows(check: LevelCheck) -> list[list[str]]:
    return [
        [f.tool, f.capability, str(f.from_level), str(f.to_level), f.winner] for f in check.flips
    ]
