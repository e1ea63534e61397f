"""Scores at a past revision against scores now: per stack, per field, past, current, difference.

Pure: both sides arrive as snapshots (stacks matched by name), and the result renders to text,
Markdown (a pull-request comment) or JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evaluator.decisions.changes import reason_changes
from evaluator.decisions.snapshot import StackSnapshot, r2

FIELDS = ("rank", "viable", "fit", "glue", "glue_days", "lock_in", "cost", "overall")
NUMERIC = ("fit", "glue", "glue_days", "lock_in", "cost", "overall")


@dataclass(frozen=True)
class StackDiff:
    name: str
    past: StackSnapshot | None
    current: StackSnapshot | None
    reasons: tuple[str, ...]

    @property
    def state(self) -> str:
        if self.past is None:
            return "added"
        if self.current is None:
            return "removed"
        return "changed" if self.changed_fields() or self.reasons else "unchanged"

    def value(self, side: StackSnapshot | None, field: str) -> Any:
        return None if side is None else getattr(side.row, field)

    def changed_fields(self) -> list[str]:
        return [f for f in FIELDS if self.value(self.past, f) != self.value(self.current, f)]

    def fields(self) -> dict[str, dict[str, Any]]:
        """``past``, ``current`` and ``diff`` per field (``diff`` is current - past for numbers,
        a bool for viability and null when a side is missing)."""
        out: dict[str, dict[str, Any]] = {}
        for f in FIELDS:
            past, current = self.value(self.past, f), self.value(self.current, f)
            diff: Any = None
            if past is not None and current is not None:
                diff = past != current if f == "viable" else r2(current - past)
            out[f] = {"past": past, "current": current, "diff": diff}
        return out


@dataclass(frozen=True)
class Diff:
    base: str
    as_of: str
    requirements_past: str | None
    requirements_current: str
    stacks: tuple[StackDiff, ...]

    @property
    def changed(self) -> bool:
        return any(s.state != "unchanged" for s in self.stacks) or (
            self.requirements_past != self.requirements_current
        )


def diff_snapshots(
    past: Sequence[StackSnapshot],
    current: Sequence[StackSnapshot],
    *,
    base: str,
    as_of: str,
    requirements_past: str | None,
    requirements_current: str,
) -> Diff:
    """Stacks in current rank order, then those only in the past."""
    before = {s.name: s for s in past}
    after = {s.name: s for s in current}
    order = [s.name for s in current] + [s.name for s in past if s.name not in after]
    stacks = []
    for name in order:
        old, new = before.get(name), after.get(name)
        reasons = tuple(reason_changes(old, new)) if old and new else ()
        stacks.append(StackDiff(name, old, new, reasons))
    return Diff(base, as_of, requirements_past, requirements_current, tuple(stacks))
