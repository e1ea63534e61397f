"""One stack's evaluation reduced to what a decision needs to remember and compare later.

Values are rounded to two decimals when the snapshot is taken, so a snapshot read back from a
record and one taken from a live evaluation compare equal when nothing changed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from evaluator.reporting.common import annual
from evaluator.scoring.results import Comparison, RankedStack, Score

SCORES = ("fit", "glue", "lock_in", "cost", "overall")
"""The scores, each a sum of named contributions (overall's are the weighted other four). A
record written before model v2 has no cost: it reads back as 0 with no terms."""


def r2(value: float) -> float:
    rounded = round(value, 2)
    return 0.0 if rounded == 0 else rounded


class Snap(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Term(Snap):
    points: float
    reason: str
    possible: float | None = None
    """For coverage terms: the points full coverage would give."""


class ScoreRow(Snap):
    """One row of the score matrix."""

    stack: str
    rank: int
    viable: bool
    pareto: bool
    fit: float
    glue: float
    glue_days: float
    lock_in: float
    cost: float = 0.0
    annual: str = ""
    """The yearly cost band as reported (e.g. ``USD 120-180k``); empty in records before v2."""
    overall: float

    def value(self, field: str) -> float:
        result = getattr(self, field)
        assert isinstance(result, float | int)
        return float(result)


class Evidence(Snap):
    """Why a stack scored as it did: its gate violations and every named contribution."""

    violations: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    """Gates passed only if catalog facts recorded as unknown hold (viable pending verification)."""
    terms: dict[str, dict[str, Term]] = {}
    notes: tuple[str, ...] = ()
    end_of_support: tuple[str, ...] = ()
    """Pinned releases past or near their end of support (now, for ``check``; records do not
    store it: the lock-in terms carry the same reasons)."""


class StackSnapshot(Snap):
    path: str | None
    row: ScoreRow
    evidence: Evidence

    @property
    def name(self) -> str:
        return self.row.stack


def _terms(score: Score) -> dict[str, Term]:
    return {
        c.key: Term(
            points=r2(c.points),
            reason=c.reason,
            possible=None if c.possible is None else r2(c.possible),
        )
        for c in score.contributions
    }


def snapshot(ranked: RankedStack, path: str | None) -> StackSnapshot:
    e = ranked.evaluation
    row = ScoreRow(
        stack=e.name,
        rank=ranked.rank,
        viable=e.viable,
        pareto=ranked.pareto,
        fit=r2(e.fit.value),
        glue=r2(e.glue.value),
        glue_days=r2(e.glue_person_days),
        lock_in=r2(e.lock_in.value),
        cost=r2(e.cost.value),
        annual=annual(e),
        overall=r2(e.overall.value),
    )
    evidence = Evidence(
        violations=tuple(v.message for v in e.violations),
        pending=tuple(v.message for v in e.pending),
        terms={name: _terms(getattr(e, name)) for name in SCORES},
        notes=e.notes,
        end_of_support=tuple(
            r.message for r in e.risks if r.kind in ("end-of-support", "near-end-of-support")
        ),
    )
    return StackSnapshot(path=path, row=row, evidence=evidence)


def snapshots(comparison: Comparison, paths: dict[str, str]) -> tuple[StackSnapshot, ...]:
    """Every stack of a comparison, in rank order; ``paths`` maps a stack's source to its
    repository path."""
    return tuple(
        snapshot(r, paths.get(r.evaluation.source or "", r.evaluation.source))
        for r in comparison.stacks
    )
