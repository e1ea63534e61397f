"""The user-facing file formats (catalog, requirements, stack) as frozen pydantic models.

These models are the contract of the YAML files: keys may be added, never renamed. Every model
forbids unknown keys so that a typo is an error rather than a silently ignored setting.
Cross-file references (tool ids, capability ids) are checked later, in ``evaluator.resolve``,
because they need the whole catalog.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- vocabularies


class Deployment(StrEnum):
    """Where a tool can run. Cloud names mean "runs in that cloud" (managed or in your account)."""

    AWS = "aws"
    AZURE = "azure"
    GCP = "gcp"
    SELF_HOSTED = "self-hosted"
    SAAS = "saas"


CLOUDS = frozenset({Deployment.AWS, Deployment.AZURE, Deployment.GCP})


class Sensitivity(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    REGULATED = "regulated"


class AccessGranularity(StrEnum):
    """How finely a tool can restrict access, coarsest first."""

    NONE = "none"
    COARSE = "coarse"  # whole workspace or instance
    ROLE = "role"  # roles on objects (databases, projects, models)
    FINE = "fine"  # rows, columns, tags or attributes at the source


ACCESS_RANK = {
    AccessGranularity.NONE: 0,
    AccessGranularity.COARSE: 1,
    AccessGranularity.ROLE: 2,
    AccessGranularity.FINE: 3,
}


class Control(StrEnum):
    """Governance controls a sensitivity class or a regulation can demand of data-holding tools."""

    AUDIT = "audit"
    LINEAGE = "lineage"
    ACCESS_ROLE = "access-role"
    ACCESS_FINE = "access-fine"
    SSO = "sso"
    APPROVALS = "approvals"
    VERSIONING = "versioning"


class CapabilityKind(StrEnum):
    STAGE = "stage"  # a step of the data/ML lifecycle; handoffs happen between stages
    CONCERN = "concern"  # cross-cutting: must reach every stage tool (orchestration, catalog, ...)


class VocabKind(StrEnum):
    FORMAT = "format"  # file, table or model format: sharing one bridges a handoff
    DATA_API = "data-api"  # protocol or API for moving data: sharing one bridges a handoff
    LINEAGE = "lineage"  # lineage interchange (OpenLineage)
    IDENTITY = "identity"  # SSO / provisioning (SAML, OIDC, SCIM)
    OTHER = "other"  # worth recording, does not bridge anything by itself


BRIDGING_KINDS = frozenset({VocabKind.FORMAT, VocabKind.DATA_API})


class Openness(StrEnum):
    OPEN = "open"
    PROPRIETARY = "proprietary"
    NONE = "none"  # the tool keeps no data or models of its own
    UNKNOWN = "unknown"  # not checked yet (imported entries); scoring counts it as proprietary


class IntegrationKind(StrEnum):
    NATIVE = "native"
    STANDARD = "standard"
    CUSTOM = "custom"


class Commitment(StrEnum):
    CONTRACT = "contract"
    IN_USE = "in-use"


class Curation(StrEnum):
    CURATED = "curated"
    IMPORTED = "imported"  # written by an importer, facts not yet checked by a person


# --------------------------------------------------------------------------- catalog


class Capability(Model):
    id: Id
    name: str
    kind: CapabilityKind
    description: str
    order: int | None = Field(
        default=None, description="Position in the lifecycle (stages only), smaller is earlier."
    )
    holds_data: bool = Field(
        default=False,
        description="Tools serving it keep the organisation's data, so sensitivity controls apply.",
    )
    feeds: tuple[Id, ...] = Field(
        default=(), description="Stages this stage hands its output to (the lifecycle flow)."
    )


class VocabEntry(Model):
    id: Id
    name: str
    kind: VocabKind
    url: Url | None = None


class Regulation(Model):
    id: Id
    name: str
    requires: tuple[Control, ...]
    source: Url | None = None
    note: str | None = None


class Governance(Model):
    """What a tool does for governance by itself. Everything defaults to absent."""

    lineage: bool = Field(default=False, description="Tracks lineage of what it produces.")
    audit: bool = Field(default=False, description="Keeps an audit log of access and changes.")
    access_control: AccessGranularity = AccessGranularity.NONE
    sso: bool = Field(default=False, description="Signs users in through an external IdP.")
    approvals: bool = Field(default=False, description="Has approval or sign-off workflows.")
    versioning: tuple[Literal["data", "models", "pipelines", "code"], ...] = ()
    triggers: bool = Field(
        default=False, description="Can start or be started by automated events (webhooks, etc.)."
    )


class OpennessFacts(Model):
    data_format: Openness = Field(
        description="Format of the data or models it keeps: open (readable by other tools), "
        "proprietary, or none (keeps nothing)."
    )
    api: Openness = Field(description="Whether its APIs are open/standard or vendor-specific.")
    bulk_export: bool = Field(description="Whether all data and metadata can be exported in bulk.")


class Integration(Model):
    tool: Id
    kind: Literal[IntegrationKind.NATIVE, IntegrationKind.STANDARD] = IntegrationKind.NATIVE
    note: str | None = None
    source: Url | None = None


class LicenseChange(Model):
    license: str
    until: dt.date
    note: str | None = None


LICENSE_PATTERN = r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$"


class OpenCore(Model):
    edition: str = Field(description="Name of the open edition.")
    lacks: tuple[str, ...] = Field(description="What the open edition lacks.")
    license: str | None = Field(
        default=None,
        pattern=LICENSE_PATTERN,
        description="Licence of the open edition (SPDX), needed when the tool itself is "
        "proprietary and its open edition is a separate project.",
    )


UNKNOWN_LICENSES = frozenset({"unknown", "noassertion"})
"""Licence values that mean "not known yet" (lower case)."""


class Tool(Model):
    id: Id
    name: str
    vendor: str
    description: str = ""
    license: str = Field(pattern=LICENSE_PATTERN)
    license_history: tuple[LicenseChange, ...] = ()
    open_core: OpenCore | None = None
    homepage: Url
    repo: Url | None = None
    deployment: tuple[Deployment, ...] = Field(min_length=1)
    capabilities: dict[Id, Annotated[int, Field(ge=1, le=3)]] = Field(min_length=1)
    governance: Governance = Governance()
    openness: OpennessFacts
    formats: tuple[Id, ...] = ()
    standards: tuple[Id, ...] = ()
    integrations: tuple[Integration, ...] = ()
    sources: tuple[Url, ...] = Field(min_length=1)
    as_of: dt.date
    curation: Curation = Curation.CURATED
    notes: str | None = Field(
        default=None, description="Caveats, e.g. facts that could not be checked."
    )

    @field_validator("integrations", mode="before")
    @classmethod
    def _bare_ids_are_native(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"tool": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def proprietary(self) -> bool:
        return self.license.lower() == "proprietary"

    @property
    def license_known(self) -> bool:
        """False for ``unknown`` (or SPDX ``NOASSERTION``): nobody has checked the licence yet,
        so scoring counts it as proprietary."""
        return self.license.lower() not in UNKNOWN_LICENSES

    @property
    def self_hostable(self) -> bool:
        return Deployment.SELF_HOSTED in self.deployment


class CatalogFile(Model):
    """One catalog YAML file. Any number of them are merged into a ``Catalog``."""

    kind: Literal["catalog"]
    version: Literal[1]
    name: str | None = None
    capabilities: tuple[Capability, ...] = ()
    formats: tuple[VocabEntry, ...] = ()
    standards: tuple[VocabEntry, ...] = ()
    regulations: tuple[Regulation, ...] = ()
    tools: tuple[Tool, ...] = ()


# --------------------------------------------------------------------------- requirements


class Need(Model):
    weight: int = Field(default=3, ge=1, le=5)
    must: bool = False
    min_level: int = Field(default=1, ge=1, le=3)


class Team(Model):
    name: str
    stages: tuple[Id, ...] = Field(min_length=1)


class Existing(Model):
    tool: Id
    commitment: Commitment = Commitment.IN_USE
    until: dt.date | None = None


class Avoid(Model):
    tools: tuple[Id, ...] = ()
    vendors: tuple[str, ...] = ()
    licenses: tuple[str, ...] = ()


class Weights(Model):
    fit: float = Field(default=0.5, ge=0)
    glue: float = Field(default=0.25, ge=0)
    lock_in: float = Field(default=0.25, ge=0)

    @model_validator(mode="after")
    def _not_all_zero(self) -> Weights:
        if self.fit + self.glue + self.lock_in <= 0:
            raise ValueError("at least one weight must be above 0")
        return self

    def normalised(self) -> tuple[float, float, float]:
        total = self.fit + self.glue + self.lock_in
        return self.fit / total, self.glue / total, self.lock_in / total


class GovernancePosture(Model):
    posture: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="0 = audit-first (broad access, strong audit trail and lineage); "
        "1 = permission-first (tight access control at the source).",
    )


class DeploymentPolicy(Model):
    allowed: tuple[Deployment, ...] | None = Field(
        default=None, description="Where tools may run; absent means anywhere."
    )


class Requirements(Model):
    kind: Literal["requirements"]
    version: Literal[1]
    name: str
    description: str | None = None
    sensitivity: Sensitivity = Sensitivity.INTERNAL
    regulations: tuple[Id, ...] = ()
    governance: GovernancePosture = GovernancePosture()
    deployment: DeploymentPolicy = DeploymentPolicy()
    capabilities: dict[Id, Need] = Field(min_length=1)
    teams: tuple[Team, ...] = ()
    existing: tuple[Existing, ...] = ()
    avoid: Avoid = Avoid()
    weights: Weights = Weights()

    @field_validator("capabilities", mode="before")
    @classmethod
    def _bare_number_is_weight(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: {"weight": v} if isinstance(v, int) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        return value


# --------------------------------------------------------------------------- stacks


class DeclaredIntegration(Model):
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    kind: IntegrationKind
    note: str | None = None


class Stack(Model):
    kind: Literal["stack"]
    version: Literal[1]
    name: str
    description: str | None = None
    tools: tuple[Id, ...] = Field(min_length=1)
    roles: dict[Id, Id] = Field(
        default_factory=dict, description="capability -> tool that serves it in this stack"
    )
    integrations: tuple[DeclaredIntegration, ...] = ()

    @field_validator("tools")
    @classmethod
    def _unique_tools(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        dupes = sorted({t for t in value if t in seen or seen.add(t)})  # type: ignore[func-returns-value]
        if dupes:
            raise ValueError(f"tool listed twice: {', '.join(dupes)}")
        return value


FileKind = Literal["catalog", "requirements", "stack"]
MODEL_BY_KIND: dict[str, type[Model]] = {
    "catalog": CatalogFile,
    "requirements": Requirements,
    "stack": Stack,
}
