"""What a requirements file implies before any stack is looked at: the weighted needs (declared
plus those the governance posture adds) and the handoffs between required lifecycle stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import CapabilityKind, Requirements
from evaluator.scoring import graphs, params
from evaluator.scoring.lifecycle import on_hold

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


@dataclass(frozen=True)
class WeightedNeed:
    capability: str
    weight: float
    must: bool
    min_level: int
    origin: str  # "declared" or "posture"


@dataclass(frozen=True)
class Context:
    """Requirements compiled against a catalog; shared by every stack of a comparison."""

    requirements: Requirements
    needs: tuple[WeightedNeed, ...]  # sorted by capability id
    stages: frozenset[str]
    concerns: frozenset[str]
    handoffs: tuple[tuple[str, str], ...]  # sorted (source stage, target stage)
    teams_of_stage: dict[str, frozenset[str]]
    posture: float
    handoff_concerns: dict[tuple[str, str], tuple[str, ...]]
    """Per handoff, the cross-cutting concerns that belong on it (params.CONCERNS order):
    approvals only into a sign-off stage, versioning only out of a versioned one."""
    on_hold: frozenset[str] = frozenset()
    """Tools the organisation's radar puts on hold and it does not already use."""

    @property
    def total_weight(self) -> float:
        return sum(n.weight for n in self.needs)


def posture_needs(posture: float) -> dict[str, float]:
    """Audit-first weighs audit trail and lineage up; permission-first weighs access control up."""
    w = params.POSTURE_GOVERNANCE_WEIGHT
    return {"audit": w * (1 - posture), "lineage": w * (1 - posture), "access-control": w * posture}


def posture_scale(declared: float, added: float) -> float:
    """The factor on posture-added weights: 1 for a file that declares a whole platform, less
    for one that declares little, so added needs weigh at most POSTURE_SHARE_CAP of it."""
    if added <= 0:
        return 0.0
    return min(1.0, params.POSTURE_SHARE_CAP * declared / added)


def build_context(requirements: Requirements, catalog: Catalog) -> Context:
    posture = requirements.governance.posture
    needs: dict[str, WeightedNeed] = {}
    for cap, need in requirements.capabilities.items():
        needs[cap] = WeightedNeed(cap, float(need.weight), need.must, need.min_level, "declared")
    added = {
        cap: weight
        for cap, weight in posture_needs(posture).items()
        if cap not in needs and weight > 0 and cap in catalog.capabilities
    }
    factor = posture_scale(sum(n.weight for n in needs.values()), sum(added.values()))
    for cap, weight in added.items():
        needs[cap] = WeightedNeed(cap, weight * factor, False, 1, "posture")
    kinds = {cap: catalog.capabilities[cap].kind for cap in needs}
    stages = frozenset(c for c, k in kinds.items() if k is CapabilityKind.STAGE)
    concerns = frozenset(c for c, k in kinds.items() if k is CapabilityKind.CONCERN)
    teams: dict[str, set[str]] = {}
    for team in requirements.teams:
        for stage in team.stages:
            teams.setdefault(stage, set()).add(team.name)
    handoffs = required_handoffs(catalog, stages)
    return Context(
        requirements=requirements,
        needs=tuple(needs[c] for c in sorted(needs)),
        stages=stages,
        concerns=concerns,
        handoffs=handoffs,
        teams_of_stage={s: frozenset(t) for s, t in teams.items()},
        posture=posture,
        handoff_concerns={h: handoff_concerns(catalog, *h) for h in handoffs},
        on_hold=on_hold(catalog, requirements),
    )


def handoff_concerns(catalog: Catalog, source: str, target: str) -> tuple[str, ...]:
    """What must carry across a handoff: lineage, identity, audit and automation always; an
    approval where the target receives a release; versioning where the source's artifacts
    must match downstream."""
    src, dst = catalog.capabilities[source], catalog.capabilities[target]
    return tuple(
        c
        for c in params.CONCERNS
        if (c != "approvals" or dst.sign_off) and (c != "versioning" or src.versioned)
    )


def stage_feeds(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """The taxonomy's lifecycle flow: (stage, stage it feeds) pairs."""
    return tuple(
        (cap.id, target)
        for cap in catalog.capabilities.values()
        if cap.kind is CapabilityKind.STAGE
        for target in cap.feeds
    )


def required_handoffs(catalog: Catalog, stages: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Handoffs between required stages (``graphs.stage_handoffs``: directly, or through stages
    the requirements do not need; ingestion -> warehouse -> training is two handoffs, not
    three)."""
    stage_ids = {c.id for c in catalog.capabilities.values() if c.kind is CapabilityKind.STAGE}
    return graphs.stage_handoffs(stage_feeds(catalog), stages & stage_ids)
