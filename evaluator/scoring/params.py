"""Every constant of the scoring model in one place, so docs/scoring.md and the code agree.

The values are defaults chosen to be explainable, not measured truths; docs/scoring.md says why
each is what it is.
"""

from __future__ import annotations

from typing import Final

from evaluator.models import Control, Sensitivity

# ---- fit
REUSE_POINTS: Final = 10.0
"""Points of fit reserved for reusing existing investments (only when there are any)."""
COMMITMENT_SHARE: Final = {"contract": 2.0, "in-use": 1.0}
"""How much of the reuse pool each existing tool carries, by commitment: a contract with a year
or more to run counts 2, falling linearly to 1 (in use) on its end date, so nothing jumps."""
POSTURE_GOVERNANCE_WEIGHT: Final = 3.0
"""Weight (on the 1..5 scale) the governance posture adds to audit/lineage vs access control."""
POSTURE_SHARE_CAP: Final = 0.15
"""Needs the posture adds weigh together at most this share of what the file declares, so a
file declaring one capability is judged on it, not on needs nobody wrote."""
DATA_GOVERNANCE: Final = frozenset({"access-control", "audit"})
"""Governance needs over the data at rest: without a governance tool for one, the tool that
keeps the data owns it (``owner_key``)."""
GOVERNANCE_CAPABILITIES: Final = frozenset({"access-control", "audit", "lineage", "data-catalog"})
"""What a governance tool is mainly for (an orchestrator is not one)."""
WORKLOAD_SHARE: Final = 0.25
"""A usage-priced tool's (consumption or per node) band is estimated for its main jobs (its
capabilities at its top level); each further stage it runs adds this share of the band: a
platform running streaming, BI and LLM serving besides its ETL and ML bills for them (estimate)."""
LIGHT_STAGES: Final = frozenset(
    {
        "data-labelling",
        "experiment-tracking",
        "lakehouse-table-format",
        "model-registry",
        "responsible-ai",
        "semantic-layer",
    }
)
"""Stages that are no further workload on a usage-priced platform: metadata (runs, registered
models, metric definitions), a table format, analyses in a library, a labelling interface."""
IMPLIED_LEVEL: Final = 1
"""A tool's own governance feature (audit log, lineage, fine access control) covers the
matching concern partially even when its capability map does not list it."""

# ---- glue (points; one point is DAYS_PER_POINT person-days a year)
DAYS_PER_POINT: Final = 3.0
CONNECTION_POINTS: Final = {"same": 0.0, "native": 1.0, "standard": 2.0, "custom": 5.0}
ATTACHMENT_FACTOR: Final = 0.5
"""A cross-cutting tool (orchestrator, catalog) costs this share of a handoff per stage tool it reaches."""
TEAM_HANDOFF_POINTS: Final = 2.0
PERMISSION_SYSTEM_POINTS: Final = 4.0
"""Ongoing cost of one more permission system, scaled by 0.5 + posture."""
CONCERNS: Final = ("lineage", "identity", "audit", "versioning", "approvals", "automation")
CONCERN_HUB: Final = {
    "lineage": "lineage",
    "identity": "access-control",
    "audit": "audit",
    "automation": "orchestration",
}
"""The capability whose tool (at HUB_MIN_LEVEL or above) can carry a concern across a handoff."""


def concern_points(concern: str, posture: float) -> float:
    """Audit-first (posture 0) makes broken audit and lineage dearer; permission-first (1)
    makes broken identity and access dearer."""
    if concern in ("lineage", "audit"):
        return 1.0 + (1.0 - posture)
    if concern == "identity":
        return 1.0 + posture
    return 1.0


# ---- cost (total cost of ownership a year, US dollars inside; reported in the file's currency)
SIZE_PRICE_FACTOR: Final = {"small": 0.25, "medium": 1.0, "large": 4.0}
"""Catalog price bands are for the medium size; consumption, nodes and seats scale with size."""
SIZE_OPS_FACTOR: Final = {"small": 0.5, "medium": 1.0, "large": 2.0}
"""Operations effort grows more slowly than spend: the same cluster, more of it."""
BUDGET_BY_SIZE: Final = {"small": 150_000.0, "medium": 1_000_000.0, "large": 6_000_000.0}
"""The yearly amount a stack costing it scores 50 on cost, unless the file states a budget."""
UNPRICED_BAND: Final = (20_000.0, 200_000.0)
"""A tool the catalog has no price for, at the medium size: a wide band, stated as unknown."""
UNKNOWN_OPERATIONS_DAYS: Final = {"managed": 10.0, "self-hosted": 60.0}
"""Operations effort assumed when the catalog records none."""
INFRASTRUCTURE_PER_OPS_DAY: Final = (300.0, 900.0)
"""Default yearly infrastructure (servers, storage) of a self-hosted tool, per person-day of its
operations effort: the people a system takes is the best size proxy the catalog has (a 120-day
Kafka cluster gets USD 36-108k a year, a 20-day PostgreSQL USD 6-18k)."""
GPU_INFRASTRUCTURE: Final = (50_000.0, 250_000.0)
"""Default yearly GPUs for a self-hosted LLM server at the medium size (2 to 8 data-centre
GPUs around the clock at cloud on-demand rates)."""


# ---- lock-in: how closed a tool is, as shares of 1
CLOSEDNESS: Final = {
    "proprietary-license": 0.25,
    "source-available-license": 0.15,
    "proprietary-data-format": 0.20,
    "proprietary-api": 0.15,
    "vendor-hosted-only": 0.15,
    "single-cloud": 0.10,
    "no-bulk-export": 0.15,
}
SOURCE_AVAILABLE_LICENSES: Final = frozenset(
    {"BUSL-1.1", "SSPL-1.0", "Elastic-2.0", "RSALv2", "Confluent-Community-1.0", "CC-BY-NC-4.0"}
)
"""(A ``LicenseRef-`` prefix is ignored when matching, so ``LicenseRef-RSALv2`` counts.)"""
"""Licences that publish the source but restrict use: not proprietary, not open either."""

# ---- maturity and lifecycle: risk factors added to a tool's closedness (shares of 1)
MATURITY_RISK: Final = {"archived": 0.20, "sandbox": 0.05}
"""An archived or unmaintained project: nobody fixes it, a migration is coming (as much as a
proprietary data format). A sandbox project: early, may not last (a weak signal, a quarter of
that)."""
END_OF_SUPPORT_RISK: Final = 0.20
"""A pinned release past its end of support (no security fixes: an upgrade is forced); within
the horizon, a share of it that grows linearly as the date nears."""

# ---- gates
SENSITIVITY_CONTROLS: Final[dict[Sensitivity, tuple[Control, ...]]] = {
    Sensitivity.PUBLIC: (),
    Sensitivity.INTERNAL: (Control.ACCESS_ROLE,),
    Sensitivity.CONFIDENTIAL: (Control.AUDIT, Control.ACCESS_ROLE, Control.SSO),
    Sensitivity.REGULATED: (Control.AUDIT, Control.ACCESS_FINE, Control.LINEAGE, Control.SSO),
}
STACK_WIDE_CONTROLS: Final = frozenset({Control.APPROVALS, Control.VERSIONING})
"""Controls one tool of the stack can provide for all; the others apply to every tool that
holds data."""
HUB_MIN_LEVEL: Final = 2
"""A tool serving a concern at this level or above bridges it for the tools it reaches."""
