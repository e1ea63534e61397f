"""The user-facing file formats (catalog, requirements, stack) as frozen pydantic models.

These models are the contract of the YAML files: keys may be added, never renamed. Every model
forbids unknown keys so that a typo is an error rather than a silently ignored setting.
Cross-file references (tool ids, capability ids) are checked later, in ``evaluator.resolve``,
because they need the whole catalog.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]*$"
Version = Annotated[str, Field(pattern=VERSION_PATTERN, max_length=40)]
TOOL_REF_PATTERN = r"^[a-z0-9][a-z0-9._-]*(@[A-Za-z0-9][A-Za-z0-9._+-]*)?$"
ToolRef = Annotated[
    str,
    Field(
        pattern=TOOL_REF_PATTERN,
        max_length=121,
        description="A tool id, optionally pinned to a release: spark@3.5.",
    ),
]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- vocabularies


class Deployment(StrEnum):
    """Where a tool can run.

    For a tool: a cloud name means the vendor or the cloud runs it there as a managed service;
    ``self-hosted`` means the organisation can run it itself, on premises or in its own account
    on any cloud; ``saas`` means the vendor runs it on its own infrastructure.

    For a requirements file's ``deployment.allowed``: a cloud name allows managed services of
    that cloud and the organisation's own infrastructure in its account there; ``self-hosted``
    allows the organisation's own infrastructure wherever it is; ``on-premises`` allows only
    the organisation's own data centres (so a self-hosted tool, and nothing managed).

    ``sovereign-cloud`` is a cloud operated under the organisation's own jurisdiction by a
    locally controlled operator (AWS European Sovereign Cloud, Bleu, S3NS, STACKIT, OVHcloud):
    for a tool, a managed offering on such a cloud; in ``allowed``, those offerings and the
    organisation's own account there (its IaaS and Kubernetes run self-hosted tools). One value
    for all operators: the gate's question is jurisdiction, and which operator is a procurement
    choice an organisation records by restating tools in its own catalog layer.

    ``edge`` is plant-floor gateways and devices (on-device inference, a plant historian): for a
    tool, documented to run on constrained edge hardware; in ``allowed``, only such tools. A
    self-hosted server product is not assumed to run there, so ``edge`` is not own
    infrastructure for a self-hosted tool.
    """

    AWS = "aws"
    AZURE = "azure"
    GCP = "gcp"
    SELF_HOSTED = "self-hosted"
    SAAS = "saas"
    ON_PREMISES = "on-premises"
    SOVEREIGN_CLOUD = "sovereign-cloud"
    EDGE = "edge"


CLOUDS = frozenset({Deployment.AWS, Deployment.AZURE, Deployment.GCP})
"""The hyperscalers, as lock-in counts them ("single cloud"). A sovereign cloud is not counted
as a further cloud: AWS's European Sovereign Cloud is still AWS for lock-in."""
OWN_INFRASTRUCTURE = frozenset(
    {*CLOUDS, Deployment.SOVEREIGN_CLOUD, Deployment.SELF_HOSTED, Deployment.ON_PREMISES}
)
"""Places in ``deployment.allowed`` where the organisation runs infrastructure of its own, so a
self-hosted tool can run there (not ``edge``: constrained devices run only tools documented
for them)."""
ORGANISATION_RUN = frozenset({Deployment.SELF_HOSTED, Deployment.EDGE})
"""A tool's places where the organisation, not a vendor, runs it."""


class Sensitivity(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    REGULATED = "regulated"


class AccessGranularity(StrEnum):
    """How finely a tool can restrict access, coarsest first."""

    NONE = "none"
    COARSE = "coarse"  # whole workspace or instance
    ROLE = "role"  # roles on objects (databases, tables, buckets, projects), also tag-selected
    FINE = "fine"  # rows and columns at the source, or policies on them by tag or attribute
    UNKNOWN = "unknown"  # looked for and not confirmed either way (a tool's fact only)


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
    RUNTIME = "runtime"  # a language runtime: hosts list it in `standards`, libraries in `runs_in`
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


class DataRole(StrEnum):
    """What a tool does with the organisation's data; storage controls apply where it rests or
    is served."""

    STORES = (
        "stores"  # keeps data at rest (storage, warehouses, brokers, feature and vector stores)
    )
    SERVES = "serves"  # serves queries or views over data kept elsewhere (query engines, BI)
    FORMAT = "format"  # a table/file format or library: governed through the engine that reads it
    PROCESSES = "processes"  # moves or computes on data but keeps nothing at rest
    NONE = "none"  # handles metadata, code or models only
    UNKNOWN = "unknown"  # not checked yet: treated as keeping data, so controls are asked


DATA_AT_REST_ROLES = frozenset({DataRole.STORES, DataRole.SERVES, DataRole.UNKNOWN})
"""Roles whose tools must meet the storage controls of a sensitivity class or regulation."""


class PricingModel(StrEnum):
    FREE = "free"  # open source or free to use; running it is the cost (operations)
    PER_USER = "per-user"
    CONSUMPTION = "consumption"
    PER_NODE = "per-node"
    SUBSCRIPTION = "subscription"
    QUOTE = "quote"  # no public price: the band is an estimate


class Size(StrEnum):
    """The size class prices and operations effort scale with."""

    SMALL = "small"  # a team or start-up: ~15 users, under 1 TB
    MEDIUM = "medium"  # a business unit or mid-size company: ~100 users, ~10 TB (the reference)
    LARGE = "large"  # an enterprise: ~1,000 users, ~500 TB


class Commitment(StrEnum):
    CONTRACT = "contract"
    IN_USE = "in-use"


class Stage(StrEnum):
    """A project's stage at its foundation (CNCF, LF AI & Data), earliest first."""

    SANDBOX = "sandbox"
    INCUBATING = "incubating"
    GRADUATED = "graduated"
    ARCHIVED = "archived"


class Ring(StrEnum):
    """An organisation's technology-radar ring for a tool (ThoughtWorks' four rings)."""

    ADOPT = "adopt"
    TRIAL = "trial"
    ASSESS = "assess"
    HOLD = "hold"


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
        description="Tools serving it usually keep the organisation's data (documentation and "
        "default only: controls apply by each tool's data_role).",
    )
    feeds: tuple[Id, ...] = Field(
        default=(), description="Stages this stage hands its output to (the lifecycle flow)."
    )
    sign_off: bool = Field(
        default=False,
        description="Handing work to this stage releases it (to production or to consumers): "
        "approvals belong on handoffs into it.",
    )
    versioned: bool = Field(
        default=False,
        description="What this stage produces (data sets, pipelines, models) must match, version "
        "for version, in the stages it feeds: versioning belongs on handoffs out of it.",
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


UNKNOWN: Literal["unknown"] = "unknown"


def _flag(value: Any) -> Any:
    if value is True or value is False or value == UNKNOWN:
        return value
    raise ValueError(f"expected true, false or unknown, got {value!r}")


Flag = Annotated[bool | Literal["unknown"], BeforeValidator(_flag)]
"""A governance fact: present, absent, or ``unknown`` (looked for and not confirmed either way;
the tool's ``unverified`` map says what was looked for)."""


class Governance(Model):
    """What a tool does for governance by itself. Everything defaults to absent; a fact that
    could not be checked is ``unknown``, never ``false``."""

    lineage: Flag = Field(default=False, description="Tracks lineage of what it produces.")
    audit: Flag = Field(default=False, description="Keeps an audit log of access and changes.")
    access_control: AccessGranularity = AccessGranularity.NONE
    sso: Flag = Field(default=False, description="Signs users in through an external IdP.")
    approvals: Flag = Field(default=False, description="Has approval or sign-off workflows.")
    versioning: tuple[Literal["data", "models", "pipelines", "code"], ...] = ()
    triggers: Flag = Field(
        default=False, description="Can start or be started by automated events (webhooks, etc.)."
    )

    def unknown_fields(self) -> tuple[str, ...]:
        """The facts recorded as unknown, in field order."""
        return tuple(name for name in GOVERNANCE_FLAGS if getattr(self, name) == UNKNOWN)

    def access(self) -> AccessGranularity:
        """The access control known to exist (``none`` when unknown)."""
        unknown = self.access_control is AccessGranularity.UNKNOWN
        return AccessGranularity.NONE if unknown else self.access_control


GOVERNANCE_FLAGS = ("lineage", "audit", "access_control", "sso", "approvals", "triggers")
"""Governance facts that can be ``unknown``."""


def known(flag: Flag) -> bool:
    """True only for a fact known to hold: ``unknown`` gives no credit."""
    return flag is True


class OpennessFacts(Model):
    data_format: Openness = Field(
        description="Format of the data or models it keeps: open (readable by other tools), "
        "proprietary, or none (keeps nothing)."
    )
    api: Openness = Field(description="Whether its APIs are open/standard or vendor-specific.")
    bulk_export: bool = Field(description="Whether all data and metadata can be exported in bulk.")


GovernanceConcern = Literal["access-control", "audit", "lineage"]
"""Concerns an integration can carry from a governance tool to the tool it reaches."""


class Integration(Model):
    tool: Id
    kind: Literal[IntegrationKind.NATIVE, IntegrationKind.STANDARD] = IntegrationKind.NATIVE
    carries: tuple[GovernanceConcern, ...] = Field(
        default=(),
        description="Governance concerns this integration is documented to carry: the policies, "
        "audit trail or lineage of one tool applied to or collected from the other (Ranger's "
        "Trino plugin carries access-control and audit). Needs a source.",
    )
    note: str | None = None
    source: Url | None = None

    @model_validator(mode="after")
    def _carrying_needs_a_source(self) -> Integration:
        if self.carries and self.source is None:
            raise ValueError("an integration that carries a concern needs a source")
        return self


class LicenseChange(Model):
    license: str
    until: dt.date
    note: str | None = None


LICENSE_PATTERN = r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$"


class Component(Model):
    """A part of a product licensed differently from the rest (Airbyte's protocol and CDK under
    MIT next to its ELv2 platform). The tool's ``license`` stays the expression for the product
    as deployed; components say which parts a team may reuse under which terms."""

    name: str = Field(min_length=1)
    license: str = Field(pattern=LICENSE_PATTERN)
    note: str | None = None
    source: Url | None = None


class OpenCore(Model):
    edition: str = Field(description="Name of the open edition.")
    lacks: tuple[str, ...] = Field(description="What the open edition lacks.")
    license: str | None = Field(
        default=None,
        pattern=LICENSE_PATTERN,
        description="Licence of the open edition (SPDX), needed when the tool itself is "
        "proprietary and its open edition is a separate project.",
    )


Money = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
Days = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]


class Pricing(Model):
    """What a tool costs to buy, per year, at the reference size (``medium``), in US dollars."""

    model: PricingModel
    annual_usd: tuple[Money, Money] = Field(
        description="Low and high estimate a year at the medium size: subscriptions, licences or "
        "consumption for a typical data/AI workload (0, 0 for free software)."
    )
    per_user_month_usd: Money | None = Field(
        default=None,
        description="Public list price per named user and month, when the product is sold so; "
        "with the requirements' scale.users (or scale.developers) it replaces the band.",
    )
    seats: Literal["users", "developers"] = Field(
        default="users",
        description="Who needs a seat: every user (BI viewers, identity), or only the "
        "developers who build with it (dbt Cloud, LLM tracing).",
    )
    estimated: bool = Field(
        default=True,
        description="The band is an estimate (no public list price covers it), not a quote.",
    )
    source: Url | None = None
    as_of: dt.date
    note: str | None = None

    @model_validator(mode="after")
    def _band_in_order(self) -> Pricing:
        low, high = self.annual_usd
        if low > high:
            raise ValueError("annual_usd must be [low, high] with low <= high")
        if self.model is PricingModel.FREE and high > 0:
            raise ValueError("a free tool's annual_usd is [0, 0]; running it is operations effort")
        if self.model is PricingModel.PER_USER and self.per_user_month_usd is None:
            raise ValueError("a per-user price needs per_user_month_usd")
        return self


class Operations(Model):
    """People it takes to run a tool, in person-days a year at the reference size."""

    self_hosted_days: Days | None = Field(
        default=None,
        description="Running it yourself (install, upgrades, scaling, on-call); absent when it "
        "cannot be self-hosted.",
    )
    managed_days: Days = Field(
        description="Administering it when the vendor or a cloud runs it (users, settings, cost "
        "control); for a self-hosted-only tool, the same as self_hosted_days."
    )
    infrastructure_usd: tuple[Money, Money] | None = Field(
        default=None,
        description="Servers, GPUs and storage a self-hosted deployment needs a year at the "
        "medium size, low and high; absent means the model's default (see docs/scoring.md).",
    )
    source: Url | None = None
    note: str | None = None


UNVERIFIED_KEY = (
    r"^(governance\.(lineage|audit|access_control|sso|approvals|triggers)"
    r"|deployment\.(" + "|".join(d.value for d in Deployment) + ")"
    r"|capabilities\.[a-z0-9][a-z0-9._-]*)$"
)
"""Keys of a tool's ``unverified`` map: the fact path that could not be checked."""


class Maturity(Model):
    """How established a project or product is, and whether anyone still maintains it."""

    foundation: str | None = Field(
        default=None, description="The foundation that hosts it (CNCF, LF AI & Data), if any."
    )
    stage: Stage | None = Field(
        default=None, description="Its stage at that foundation; needs foundation."
    )
    accepted: dt.date | None = Field(default=None, description="Accepted by the foundation.")
    incubating: dt.date | None = Field(default=None, description="Moved to incubation.")
    graduated: dt.date | None = Field(default=None, description="Graduated.")
    archived: dt.date | None = Field(
        default=None,
        description="Archived by its foundation or owner, or declared unmaintained, on this date.",
    )
    general_availability: dt.date | None = Field(
        default=None,
        description="For a product: when it became generally available (absent: unknown).",
    )
    source: Url = Field(description="Where these facts were read (landscape, foundation page).")
    as_of: dt.date
    note: str | None = None

    @property
    def is_archived(self) -> bool:
        return self.stage is Stage.ARCHIVED or self.archived is not None


class RadarEntry(Model):
    """An organisation's own ring for a tool; ``hold`` keeps it out of new stacks."""

    tool: Id
    ring: Ring
    since: dt.date | None = None
    note: str | None = None


class ReleaseCycle(Model):
    """One release line (``3.5``) and its support dates. ``eol: true`` means support ended on a
    date the source does not give; ``false`` (the default) that no end is announced."""

    cycle: Version
    released: dt.date | None = None
    support: dt.date | bool | None = Field(
        default=None, description="End of active support (bug fixes), when it differs from eol."
    )
    eol: dt.date | bool = Field(
        default=False, description="End of support (security fixes); true = ended, date unknown."
    )
    extended_support: dt.date | bool | None = Field(
        default=None, description="End of paid extended support, if any."
    )
    lts: bool = False
    latest: str | None = None
    estimated: bool = Field(
        default=False, description="The source marks the end-of-support date as an estimate."
    )


class ToolLifecycle(Model):
    """The release cycles of a tool with their end-of-support dates, and where they come from."""

    tool: Id
    source: Url
    as_of: dt.date
    product: str | None = Field(
        default=None, description="The product's id at the source (endoflife.date's permalink)."
    )
    policy: Url | None = Field(default=None, description="The vendor's support-policy page.")
    cycles: tuple[ReleaseCycle, ...] = Field(min_length=1)
    note: str | None = None

    @field_validator("cycles")
    @classmethod
    def _unique_cycles(cls, value: tuple[ReleaseCycle, ...]) -> tuple[ReleaseCycle, ...]:
        seen: set[str] = set()
        dupes = sorted({c.cycle for c in value if c.cycle in seen or seen.add(c.cycle)})  # type: ignore[func-returns-value]
        if dupes:
            raise ValueError(f"release cycle listed twice: {', '.join(dupes)}")
        return value


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
    components: tuple[Component, ...] = Field(
        default=(),
        description="Parts licensed differently from the product as a whole, each with its "
        "licence (SPDX) and a source.",
    )
    homepage: Url
    repo: Url | None = None
    deployment: tuple[Deployment, ...] = Field(min_length=1)
    capabilities: dict[Id, Annotated[int, Field(ge=1, le=3)]] = Field(min_length=1)
    governance: Governance = Governance()
    openness: OpennessFacts
    formats: tuple[Id, ...] = ()
    standards: tuple[Id, ...] = ()
    runs_in: tuple[Id, ...] = Field(
        default=(),
        description="For a library: the runtimes (standards of kind runtime, such as python) it "
        "runs inside. A tool that lists the runtime in its standards runs the library in its own "
        "jobs and notebooks: the two connect natively and the call is governed by the host.",
    )
    integrations: tuple[Integration, ...] = ()
    data_role: DataRole = Field(
        default=DataRole.UNKNOWN,
        description="What it does with the organisation's data; storage controls apply to tools "
        "that store or serve it.",
    )
    pricing: Pricing | None = Field(
        default=None, description="What it costs to buy; absent means unknown (priced as quote)."
    )
    operations: Operations | None = Field(
        default=None, description="People it takes to run; absent means unknown (a default)."
    )
    sources: tuple[Url, ...] = Field(min_length=1)
    as_of: dt.date
    curation: Curation = Curation.CURATED
    maturity: Maturity | None = Field(
        default=None,
        description="Foundation stage, archival and general availability, with their source.",
    )
    notes: str | None = Field(
        default=None, description="Caveats, e.g. facts that could not be checked."
    )
    unverified: dict[str, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description="Facts that could not be checked, each with what was looked for (where "
        "and when): `governance.FIELD` for a governance fact recorded as unknown, "
        "`deployment.PLACE` for a place the tool may run but that no source confirmed (not "
        "listed in deployment), `capabilities.ID` for a level recorded as a best estimate.",
    )

    evidence: dict[str, Url] = Field(
        default_factory=dict,
        description="The source for one fact, by the same paths as unverified "
        "(`governance.sso`, `deployment.azure`, `capabilities.warehouse`): the page that "
        "confirms the recorded value, true or false.",
    )

    @model_validator(mode="after")
    def _unknowns_say_what_was_looked_for(self) -> Tool:
        problems: list[str] = []
        for key in sorted(self.evidence):
            part, _, name = key.partition(".")
            if not re.match(UNVERIFIED_KEY, key):
                problems.append(
                    f"evidence key {key!r}: use governance.FIELD, deployment.PLACE or "
                    "capabilities.ID"
                )
            elif key in self.unverified:
                problems.append(f"evidence {key}: the fact is also listed as unverified")
            elif part == "capabilities" and name not in self.capabilities:
                problems.append(f"evidence {key}: {name} is not among the capabilities")
        recorded_unknown = set(self.governance.unknown_fields())
        for key in sorted(self.unverified):
            part, _, name = key.partition(".")
            if not re.match(UNVERIFIED_KEY, key):
                problems.append(
                    f"unverified key {key!r}: use governance.FIELD ({', '.join(GOVERNANCE_FLAGS)}), "
                    f"deployment.PLACE ({', '.join(d.value for d in Deployment)}) or capabilities.ID"
                )
            elif part == "governance" and name not in recorded_unknown:
                problems.append(
                    f"unverified {key}: governance.{name} is recorded as a fact; record it as "
                    "unknown or drop the entry"
                )
            elif part == "deployment" and name in {d.value for d in self.deployment}:
                problems.append(
                    f"unverified {key}: {name} is listed in deployment as verified; an "
                    "unverified place stays out of the list"
                )
            elif part == "capabilities" and name not in self.capabilities:
                problems.append(f"unverified {key}: {name} is not among the capabilities")
        for name in sorted(
            recorded_unknown
            - {k.partition(".")[2] for k in self.unverified if k.startswith("governance.")}
        ):
            problems.append(
                f"governance.{name} is unknown: say what was looked for in "
                f"unverified['governance.{name}']"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

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

    @property
    def unverified_places(self) -> tuple[Deployment, ...]:
        """Places the tool may run that no source confirmed, in enum order."""
        names = {k.partition(".")[2] for k in self.unverified if k.startswith("deployment.")}
        return tuple(d for d in Deployment if d.value in names)

    def level_unverified(self, capability: str) -> bool:
        """Whether this capability's level is a best estimate no source confirmed."""
        return f"capabilities.{capability}" in self.unverified


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
    radar: tuple[RadarEntry, ...] = Field(
        default=(), description="The organisation's radar rings; a later layer's ring wins."
    )
    lifecycle: tuple[ToolLifecycle, ...] = Field(
        default=(), description="Release cycles and end-of-support dates per tool."
    )


# --------------------------------------------------------------------------- requirements


class Need(Model):
    weight: int = Field(default=3, ge=1, le=5)
    must: bool = False
    min_level: int = Field(default=1, ge=1, le=3)


class Team(Model):
    name: str
    stages: tuple[Id, ...] = Field(min_length=1)


def split_pin(ref: Any) -> tuple[Any, str | None]:
    """``spark@3.5`` -> (``spark``, ``3.5``); anything else unchanged, without a version."""
    if isinstance(ref, str) and ref.count("@") == 1:
        tool, version = ref.split("@")
        return tool, version
    return ref, None


class Existing(Model):
    tool: ToolRef
    version: Version | None = Field(
        default=None,
        description="The release in use (a cycle such as 3.5, or 3.5.1); also written tool@3.5.",
    )
    commitment: Commitment = Commitment.IN_USE
    until: dt.date | None = None
    migration_days: Days | None = Field(
        default=None,
        description="Person-days it would take to move off this tool (rewrite jobs, retrain "
        "people, move data); counted, spread over the horizon, when a stack drops it.",
    )
    annual_usd: Money | None = Field(
        default=None,
        description="What the organisation pays for it a year (a negotiated price); replaces "
        "the catalog's band, and is what a dropped contract still costs until it ends.",
    )

    @model_validator(mode="before")
    @classmethod
    def _pinned_tool(cls, data: Any) -> Any:
        if isinstance(data, dict):
            tool, version = split_pin(data.get("tool"))
            if version is not None:
                if data.get("version") not in (None, version):
                    raise ValueError(f"tool {data['tool']} and version {data['version']} differ")
                data = {**data, "tool": tool, "version": version}
        return data


class Avoid(Model):
    tools: tuple[Id, ...] = ()
    vendors: tuple[str, ...] = ()
    licenses: tuple[str, ...] = ()


Weight = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class Weights(Model):
    """Relative weights of the four scores; normalised to sum 1. A file written for model v1
    (fit, glue, lock_in only) gets cost at its default, 0.25."""

    fit: Weight = 0.5
    glue: Weight = 0.25
    lock_in: Weight = 0.25
    cost: Weight = 0.25

    @model_validator(mode="after")
    def _not_all_zero(self) -> Weights:
        if self.fit + self.glue + self.lock_in + self.cost <= 0:
            raise ValueError("at least one weight must be above 0")
        return self

    def normalised(self) -> tuple[float, float, float, float]:
        total = self.fit + self.glue + self.lock_in + self.cost
        return self.fit / total, self.glue / total, self.lock_in / total, self.cost / total


class Scale(Model):
    """How big the organisation's use is: what prices and operations effort scale with."""

    size: Size = Size.MEDIUM
    users: int | None = Field(
        default=None, ge=1, le=10_000_000, description="Named users of per-user priced tools."
    )
    developers: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Data and ML engineers who need a seat in tools sold per developer.",
    )
    budget_usd: Money | None = Field(
        default=None,
        gt=0,
        description="The yearly amount a stack is judged against: one costing this scores 50 on "
        "cost (default by size).",
    )


class Rates(Model):
    """The organisation's own rates, to price effort and report in its currency."""

    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    per_usd: float = Field(
        default=1.0, gt=0, le=1e6, allow_inf_nan=False, description="Units of currency per USD."
    )
    person_day_usd: Money = Field(
        default=800.0, description="Loaded cost of one person-day of engineering, in USD."
    )
    horizon_years: int = Field(
        default=3, ge=1, le=10, description="Years the total cost of ownership is spread over."
    )


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


class LifecyclePolicy(Model):
    horizon_days: int = Field(
        default=180,
        ge=0,
        le=3650,
        description="A pinned release whose support ends within this many days of the as-of "
        "date counts as a risk (past its end, the full risk).",
    )


MAX_UNITS = 50
"""Each unit scores every stack once more; past this many, a file is not describing business
units (measured in docs/benchmarks.md terms: compare's work grows with stacks x units)."""


class Unit(Model):
    """A business unit: an overlay of the organisation's requirements. It states only what
    differs; a key it leaves out keeps the organisation's value. Its effective requirements are
    the organisation's with these keys replaced, and each ``capabilities`` entry merged into the
    organisation's entry for that capability (only the fields it states change)."""

    id: Id
    name: str | None = Field(default=None, description="Shown in reports (default: the id).")
    description: str | None = None
    sensitivity: Sensitivity | None = None
    regulations: tuple[Id, ...] | None = Field(
        default=None, description="Replaces the organisation's list ([] for none)."
    )
    governance: GovernancePosture | None = None
    deployment: DeploymentPolicy | None = Field(
        default=None, description="Replaces the organisation's policy ({} for anywhere)."
    )
    uses: tuple[Id, ...] | None = Field(
        default=None,
        min_length=1,
        description="The organisation's capabilities this unit uses (default: all of them).",
    )
    capabilities: dict[Id, Need] = Field(
        default_factory=dict,
        description="Per capability the organisation declares, what differs for this unit: "
        "weight, must, min_level; only the fields stated change (a bare number is the weight).",
    )
    weights: Weights | None = None

    @field_validator("capabilities", mode="before")
    @classmethod
    def _bare_number_is_weight(cls, value: Any) -> Any:
        return _bare_numbers(value)

    @property
    def label(self) -> str:
        return self.name or self.id


def _bare_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: {"weight": v} if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in value.items()
        }
    return value


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
    scale: Scale = Scale()
    rates: Rates = Rates()
    lifecycle: LifecyclePolicy = LifecyclePolicy()
    units: tuple[Unit, ...] = Field(
        default=(),
        max_length=MAX_UNITS,
        description="Business units whose requirements differ from the organisation's; a stack "
        "is viable only when it is viable for every unit (see docs/scoring.md).",
    )

    @field_validator("capabilities", mode="before")
    @classmethod
    def _bare_number_is_weight(cls, value: Any) -> Any:
        return _bare_numbers(value)


# --------------------------------------------------------------------------- stacks


class DeclaredIntegration(Model):
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    kind: IntegrationKind
    carries: tuple[GovernanceConcern, ...] = Field(
        default=(),
        description="Governance concerns this glue carries (the organisation built it to apply "
        "policies, collect audit or lineage).",
    )
    note: str | None = None


class Stack(Model):
    kind: Literal["stack"]
    version: Literal[1]
    name: str
    description: str | None = None
    tools: tuple[ToolRef, ...] = Field(
        min_length=1, description="Tool ids; tool@version pins a release (spark@3.5)."
    )
    pins: dict[Id, Version] = Field(
        default_factory=dict,
        description="tool -> pinned release; tool@version in tools is the short form.",
    )
    roles: dict[Id, Id] = Field(
        default_factory=dict, description="capability -> tool that serves it in this stack"
    )
    integrations: tuple[DeclaredIntegration, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _pins(cls, data: Any) -> Any:
        """``spark@3.5`` in ``tools`` is ``spark`` with ``pins: {spark: "3.5"}``."""
        if not isinstance(data, dict) or not isinstance(data.get("tools"), list):
            return data
        given = data.get("pins", {})
        versions = dict(given) if isinstance(given, dict) else None
        tools = []
        for ref in data["tools"]:
            tool, version = split_pin(ref)
            tools.append(tool)
            if version is not None and versions is not None:
                if versions.get(tool, version) != version:
                    raise ValueError(f"{tool} pinned to both {versions[tool]} and {version}")
                versions[tool] = version
        data = {**data, "tools": tools}
        if versions:
            data["pins"] = versions
        return data

    @model_validator(mode="after")
    def _versions_of_listed_tools(self) -> Stack:
        stray = sorted(set(self.pins) - set(self.tools))
        if stray:
            raise ValueError(f"pins for tools not in the stack: {', '.join(stray)}")
        return self

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
