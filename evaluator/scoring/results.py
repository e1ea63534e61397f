"""What the evaluator returns: scores as sums of named contributions, and why.

These are the objects every report format renders; the JSON report is their dump, so field names
here are part of the documented JSON contract.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

Connection = Literal["same", "native", "standard", "custom"]
Gate = Literal["must-have", "deployment", "avoid", "sensitivity", "regulation", "radar"]
RiskKind = Literal["archived", "sandbox", "end-of-support", "near-end-of-support", "hold"]


class Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def trusted(cls, **data: Any) -> Self:
        """Build from values the model itself computed (no user input): skips validation,
        which is most of the time of scoring thousands of stacks."""
        return cls.model_construct(**data)  # type: ignore[return-value]


class Contribution(Result):
    """One named term of a score; a score is exactly the sum of its contributions."""

    key: str
    points: float
    reason: str
    possible: float | None = None
    """For coverage terms: the points full coverage would give, so gaps can be ranked."""


class Score(Result):
    value: float
    contributions: tuple[Contribution, ...]

    @classmethod
    def of(cls, contributions: list[Contribution]) -> Score:
        # fsum is correctly rounded, so the total does not depend on the order of terms.
        return cls.model_construct(
            value=math.fsum(c.points for c in contributions), contributions=tuple(contributions)
        )


class Violation(Result):
    gate: Gate
    subject: str
    message: str
    facts: tuple[str, ...] = ()
    """Catalog facts recorded as unknown that would clear this gate if they hold (``TOOL
    governance.sso``); a violation with facts is pending verification, not a failure."""


class Risk(Result):
    """Something about a tool of the stack a reviewer must see, whatever it weighs in a score:
    an archived or sandbox project, a pinned release past or near its end of support, a tool
    on hold in the organisation's radar kept because it is in use."""

    tool: str
    kind: RiskKind
    date: str | None
    """The date it refers to (archived, accepted, end of support, on hold since), if known."""
    message: str
    source: str | None
    """Where the fact comes from (landscape, endoflife.date, vendor policy page)."""


class Handoff(Result):
    """A flow between two lifecycle stages, and what it costs when two tools serve them."""

    source_stage: str
    target_stage: str
    source_tool: str
    target_tool: str
    connection: Connection
    via: tuple[str, ...]
    broken_concerns: tuple[str, ...]
    team_boundary: bool
    points: float


class AnnualCost(Result):
    """The total cost of ownership a year, as a band in the requirements' currency."""

    low: float
    high: float
    currency: str


class UnitEvaluation(Result):
    """A stack scored against one business unit's effective requirements (the organisation's
    with the unit's overrides): the unit's own verdict and scores, shown beside the
    organisation's."""

    unit: str
    name: str
    viable: bool
    violations: tuple[Violation, ...]
    pending: tuple[Violation, ...]
    unverified: tuple[str, ...]
    idle: tuple[str, ...]
    fit: Score
    glue: Score
    glue_person_days: float
    lock_in: Score
    cost: Score
    annual_cost: AnnualCost
    overall: Score


class StackEvaluation(Result):
    name: str
    source: str | None
    tools: tuple[str, ...]
    owners: dict[str, str | None]
    idle: tuple[str, ...]
    """Tools in the stack that serve no need: they cost money and do nothing asked for."""
    viable: bool
    """No gate fails on the recorded facts (it may still be pending verification)."""
    violations: tuple[Violation, ...]
    pending: tuple[Violation, ...] = ()
    """Gates the stack passes only if catalog facts recorded as unknown hold: viable pending
    verification, each fact to check named in ``facts``."""
    unverified: tuple[str, ...] = ()
    """Every unknown or estimated catalog fact the verdict rests on: pending gates' facts and
    the unconfirmed levels of tools that own a need."""
    fit: Score
    glue: Score
    glue_person_days: float
    lock_in: Score
    cost: Score
    annual_cost: AnnualCost
    overall: Score
    handoffs: tuple[Handoff, ...]
    notes: tuple[str, ...]
    risks: tuple[Risk, ...] = ()
    """Maturity, lifecycle and radar risks of the stack's tools, by tool then kind."""
    units: tuple[UnitEvaluation, ...] = ()
    """Per business unit, by unit id; empty when the requirements declare none."""
    islands: tuple[tuple[str, ...], ...] = Field(default=(), exclude=True)
    """The working tools in groups wired together without custom code (``glue.integration_islands``),
    for the pictures; left out of the JSON, whose notes say the same when there is more than one."""


def verdict_of(viable: bool, pending: bool) -> str:
    """``viable``, ``viable pending verification`` (every gate passes only if catalog facts
    recorded as unknown hold) or ``not viable``."""
    if not viable:
        return "not viable"
    return "viable pending verification" if pending else "viable"


def verdict(e: StackEvaluation) -> str:
    return verdict_of(e.viable, bool(e.pending))


class RankedStack(Result):
    rank: int
    pareto: bool
    evaluation: StackEvaluation


class UnitSummary(Result):
    """A business unit as a comparison reports it: what differs from the organisation and how
    the compared stacks rank by the unit's own evaluation."""

    id: str
    name: str
    differs: tuple[str, ...]
    ranking: tuple[str, ...]
    """Stack names, best first by the unit's own verdict and overall score."""


class Divergence(Result):
    """A stack that some units find viable and others do not."""

    stack: str
    viable_for: tuple[str, ...]
    not_viable_for: tuple[str, ...]


class Comparison(Result):
    requirements: str
    as_of: str
    weights: dict[str, float]
    assumptions: tuple[str, ...]
    stacks: tuple[RankedStack, ...]
    units: tuple[UnitSummary, ...] = ()
    divergent: tuple[Divergence, ...] = ()
