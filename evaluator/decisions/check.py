"""Is a recorded decision still right? Classify what changed since it was made.

Pure: the caller re-evaluates the recorded inputs as they are today and hands over the fresh
snapshots and fingerprints; this module compares them with the record and says, per decision,
``unchanged``, ``holds`` (inputs or dates changed, the outcome did not) or ``changed``, with
findings that are blocking or advisory according to the policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from evaluator.decisions.changes import reason_changes
from evaluator.decisions.record import ACTIVE, CatalogInputs, Record
from evaluator.decisions.render import num
from evaluator.decisions.snapshot import StackSnapshot
from evaluator.models import Commitment, Requirements

DEFAULT_THRESHOLD = 5.0


class Rule(StrEnum):
    """Findings that can block (fail the check). ``not-viable`` always does."""

    NOT_VIABLE = "not-viable"
    RANK = "rank"
    SCORE_DROP = "score-drop"
    EOL = "eol"


class Outcome(StrEnum):
    UNCHANGED = "unchanged"
    HOLDS = "holds"
    CHANGED = "changed"


OUTCOME_TEXT = {
    Outcome.UNCHANGED: "inputs unchanged",
    Outcome.HOLDS: "inputs changed, outcome holds",
    Outcome.CHANGED: "outcome changed",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # a Rule value, or score-move / contract-ended / stack-removed
    message: str
    blocking: bool


@dataclass(frozen=True)
class Current:
    """The recorded inputs as they are today."""

    requirements: Requirements
    requirements_sha: str
    stack_shas: Mapping[str, str]  # repository path -> fingerprint, for stacks still present
    catalog: CatalogInputs
    snapshots: Mapping[str, StackSnapshot]  # by repository path
    version: str
    as_of: dt.date


@dataclass(frozen=True)
class Policy:
    fail_on: frozenset[Rule] = frozenset({Rule.NOT_VIABLE})
    threshold: float = DEFAULT_THRESHOLD


@dataclass(frozen=True)
class DecisionCheck:
    file: str
    title: str
    status: str
    chosen: str
    outcome: Outcome
    changed_inputs: tuple[str, ...]
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]
    current: tuple[StackSnapshot, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return any(f.blocking for f in self.findings)


def changed_inputs(record: Record, now: Current) -> list[str]:
    m = record.machine
    out: list[str] = []
    req = m.inputs.requirements
    if req.sha256 != now.requirements_sha:
        out.append(f"requirements {req.path} changed")
    for s in m.inputs.stacks:
        sha = now.stack_shas.get(s.path)
        if sha is None:
            out.append(f"stack {s.path} removed")
        elif sha != s.sha256:
            out.append(f"stack {s.path} changed")
    cat = m.inputs.catalog
    if cat.taxonomy != now.catalog.taxonomy:
        out.append("catalog taxonomy (capabilities, formats, standards, regulations) changed")
    for tool in sorted(set(cat.tools) | set(now.catalog.tools)):
        before, after = cat.tools.get(tool), now.catalog.tools.get(tool)
        if before is None:
            out.append(f"catalog entry {tool} now involved")
        elif after is None:
            out.append(f"catalog entry {tool} no longer involved")
        elif before != after:
            out.append(f"catalog entry {tool} changed")
    if m.version != now.version:
        out.append(f"stackfit {m.version} -> {now.version}")
    return out


def ended_contracts(record: Record, now: Current) -> list[Finding]:
    """Contracts in ``existing`` whose end date has passed since the decision was made."""
    decided = record.machine.as_of
    return [
        Finding(
            "contract-ended",
            f"contract for {e.tool} ended {e.until.isoformat()} (after the decision of "
            f"{decided.isoformat()})",
            blocking=False,
        )
        for e in sorted(now.requirements.existing, key=lambda e: e.tool)
        if e.commitment is Commitment.CONTRACT
        and e.until is not None
        and decided <= e.until < now.as_of
    ]


def outcome_findings(
    then: StackSnapshot, now_chosen: StackSnapshot, first: StackSnapshot, policy: Policy
) -> list[Finding]:
    name = then.name
    out: list[Finding] = []
    if then.row.viable and not now_chosen.row.viable:
        why = "; ".join(now_chosen.evidence.violations)
        out.append(Finding(Rule.NOT_VIABLE, f"{name} is no longer viable: {why}", blocking=True))
    if now_chosen.row.rank > then.row.rank:
        was = "first" if then.row.rank == 1 else f"{then.row.rank}"
        message = f"{name} now ranks {now_chosen.row.rank} (was {was}); first is {first.name}"
        out.append(Finding(Rule.RANK, message, blocking=Rule.RANK in policy.fail_on))
    drop = then.row.overall - now_chosen.row.overall
    if drop > policy.threshold:
        message = (
            f"{name} overall dropped {num(drop)} points ({num(then.row.overall)} -> "
            f"{num(now_chosen.row.overall)}; threshold {policy.threshold:g})"
        )
        out.append(Finding(Rule.SCORE_DROP, message, blocking=Rule.SCORE_DROP in policy.fail_on))
    for score in ("fit", "glue", "lock_in", "cost"):
        before, after = then.row.value(score), now_chosen.row.value(score)
        if abs(after - before) > policy.threshold:
            message = (
                f"{name} {score.replace('_', '-')} moved {num(before)} -> {num(after)} "
                f"(threshold {policy.threshold:g})"
            )
            out.append(Finding("score-move", message, blocking=False))
    return out


def support_findings(now_chosen: StackSnapshot, policy: Policy) -> list[Finding]:
    """The chosen stack's pinned releases past or near their end of support (within the
    requirements' horizon of the as-of date): a warning, or a failure with ``--fail-on eol``."""
    return [
        Finding(Rule.EOL, f"{now_chosen.name}: {text}", blocking=Rule.EOL in policy.fail_on)
        for text in now_chosen.evidence.end_of_support
    ]


def assess(record: Record, now: Current, policy: Policy) -> DecisionCheck:
    m = record.machine
    inputs = changed_inputs(record, now)
    findings = ended_contracts(record, now)
    then = record.snapshots()
    chosen_path = record.chosen_path()
    then_chosen = then.get(m.chosen)
    now_chosen = now.snapshots.get(chosen_path or "")
    ranked = sorted(now.snapshots.values(), key=lambda s: s.row.rank)
    outcome_moved: list[Finding] = []
    reasons: list[str] = []
    if then_chosen is not None and now_chosen is not None and ranked:
        outcome_moved = outcome_findings(then_chosen, now_chosen, ranked[0], policy)
        reasons = reason_changes(then_chosen, now_chosen)
    if outcome_moved:
        outcome = Outcome.CHANGED
    elif inputs or findings or reasons:
        outcome = Outcome.HOLDS
    else:
        outcome = Outcome.UNCHANGED
    return DecisionCheck(
        file=record.file,
        title=m.title,
        status=record.front.status.value,
        chosen=m.chosen,
        outcome=outcome,
        changed_inputs=tuple(inputs),
        findings=tuple(
            outcome_moved
            + findings
            + (support_findings(now_chosen, policy) if now_chosen is not None else [])
        ),
        reasons=tuple(reasons),
        current=tuple(ranked),
    )


def active(records: Collection[Record]) -> list[Record]:
    """Records that still stand: proposed or accepted, and not superseded by a later record
    (the link counts even if the old record's status was never updated)."""
    replaced = {r.front.supersedes for r in records if r.front.supersedes}
    return sorted(
        (r for r in records if r.front.status in ACTIVE and r.file not in replaced),
        key=lambda r: r.file,
    )
