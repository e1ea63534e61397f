"""What moved between two snapshots of the same stack, in words a reviewer can check.

Shared by ``check`` (record versus today) and ``diff`` (git revision versus working tree): gate
violations that appeared or went away first, then the contributions whose points or reasons
changed, largest movement first.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluator.decisions.snapshot import SCORES, StackSnapshot, Term

EPSILON = 0.05
"""Movements smaller than this (in points) are rounding noise, not reasons."""
MAX_TERM_CHANGES = 8
LABEL = {
    "fit": "fit",
    "glue": "glue",
    "lock_in": "lock-in",
    "cost": "cost",
    "overall": "overall",
}


@dataclass(frozen=True)
class ReasonChange:
    score: str  # fit | glue | lock_in | gate | note
    key: str
    delta: float
    text: str


def _signed(value: float) -> str:
    text = f"{value + (1e-9 if value >= 0 else -1e-9):+.1f}"
    return "+0.0" if text == "-0.0" else text


def _term_change(score: str, key: str, old: Term | None, new: Term | None) -> ReasonChange | None:
    label = LABEL[score]
    if old is None and new is not None:
        if abs(new.points) < EPSILON:
            return None
        text = f"{label} {_signed(new.points)} {key}: {new.reason} (new)"
        return ReasonChange(score, key, new.points, text)
    if new is None and old is not None:
        if abs(old.points) < EPSILON:
            return None
        text = f"{label} {_signed(-old.points)} {key}: no longer applies (was: {old.reason})"
        return ReasonChange(score, key, -old.points, text)
    assert old is not None
    assert new is not None
    delta = new.points - old.points
    if abs(delta) < EPSILON and old.reason == new.reason:
        return None
    if old.reason == new.reason:
        text = f"{label} {_signed(delta)} {key}: {new.reason}"
    else:
        text = f"{label} {_signed(delta)} {key}: {old.reason} -> {new.reason}"
    return ReasonChange(score, key, delta, text)


def reason_changes(
    old: StackSnapshot, new: StackSnapshot, *, limit: int = MAX_TERM_CHANGES
) -> list[str]:
    """Lines naming what changed, gates first; at most ``limit`` contribution lines, then a tally."""
    old_v, new_v = set(old.evidence.violations), set(new.evidence.violations)
    lines = [f"now fails: {v}" for v in new.evidence.violations if v not in old_v]
    lines += [f"no longer fails: {v}" for v in old.evidence.violations if v not in new_v]
    old_n = set(old.evidence.notes)
    lines += [f"note: {n}" for n in new.evidence.notes if n not in old_n]
    terms: list[ReasonChange] = []
    for score in SCORES:
        before = old.evidence.terms.get(score, {})
        after = new.evidence.terms.get(score, {})
        for key in sorted(set(before) | set(after)):
            change = _term_change(score, key, before.get(key), after.get(key))
            if change is not None:
                terms.append(change)
    terms.sort(key=lambda c: (-abs(c.delta), SCORES.index(c.score), c.key))
    lines += [c.text for c in terms[:limit]]
    rest = len(terms) - limit
    if rest > 0:
        lines.append(f"... and {rest} smaller change{'s' if rest != 1 else ''} in contributions")
    return lines
