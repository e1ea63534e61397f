"""A stack seen through a catalog: which tool serves each needed capability, how two tools
connect, and which governance concerns reach from one tool to another. Scoring reads only this
view, never the YAML models directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import (
    BRIDGING_KINDS,
    DATA_AT_REST_ROLES,
    AccessGranularity,
    DataRole,
    IntegrationKind,
    Stack,
    Tool,
)
from evaluator.scoring import licence, params
from evaluator.scoring.context import Context
from evaluator.scoring.results import Connection

if TYPE_CHECKING:
    from evaluator.catalog import Catalog

_RANK: dict[Connection, int] = {"same": 0, "native": 1, "standard": 2, "custom": 3}
_CONNECTION: dict[IntegrationKind, Connection] = {
    IntegrationKind.NATIVE: "native",
    IntegrationKind.STANDARD: "standard",
    IntegrationKind.CUSTOM: "custom",
}


def worse(a: Connection, b: Connection) -> Connection:
    return a if _RANK[a] >= _RANK[b] else b


def cheaper(a: Connection, b: Connection) -> bool:
    return _RANK[a] < _RANK[b]


SHARED_DATA_CAPABILITIES = ("object-storage", "lakehouse-table-format", "warehouse")


def data_platform(tool: Tool) -> bool:
    """A tool other tools hand data through: it keeps or serves the data (a recorded role) and
    is a real warehouse, lakehouse or object store (level 2 or more). A model registry or a
    feature store keeps data too, but nobody routes a pipeline through them."""
    return (
        tool.data_role in DATA_AT_REST_ROLES
        and tool.data_role is not DataRole.UNKNOWN
        and any(tool.capabilities.get(c, 0) >= 2 for c in SHARED_DATA_CAPABILITIES)
    )


def effective_level(tool: Tool, capability: str) -> int:
    """The declared level, or the partial level a tool's own governance feature implies."""
    level = tool.capabilities.get(capability, 0)
    g = tool.governance
    implied = (
        (capability == "audit" and g.audit is True)
        or (capability == "lineage" and g.lineage is True)
        or (capability == "access-control" and g.access() is AccessGranularity.FINE)
    )
    return max(level, params.IMPLIED_LEVEL) if implied else level


def commercial(tool: Tool) -> bool:
    """Sold by its vendor (proprietary or unchecked licence, or only run by the vendor): the
    kind of product a vendor builds into a suite."""
    return (
        licence.openness(tool.license) in ("proprietary", "unknown")
        or "self-hosted" not in tool.deployment
    )


def suite_mates(a: Tool, b: Tool) -> bool:
    """Two commercial products of one vendor: built to work together (one console, one IAM).
    Open-source projects of one foundation are not a suite."""
    return a.vendor == b.vendor and commercial(a) and commercial(b)


def host_of(a: Tool, b: Tool) -> tuple[Tool, str] | None:
    """When one of two tools is a library that runs inside the other (a runtime it lists in
    ``runs_in`` that the other lists in ``standards``): the host and that runtime. Fairlearn
    called in a Cloudera or Databricks notebook is a function call, not an integration."""
    for lib, host in ((a, b), (b, a)):
        shared = sorted(set(lib.runs_in) & set(host.standards))
        if shared:
            return host, shared[0]
    return None


OwnerKey = tuple[int, bool, bool, tuple[int, int], bool, str]


def _data_home(tool: Tool) -> int:
    """Where access control and audit belong when no governance tool serves them, best first:
    the warehouse, lakehouse or object store the data rests in, another tool that keeps data
    at rest, one that serves queries over it, then the rest."""
    if data_platform(tool):
        return 0
    return {DataRole.STORES: 1, DataRole.SERVES: 2}.get(tool.data_role, 3)


_MAIN: dict[int, tuple[Tool, frozenset[str]]] = {}


def main_capabilities(tool: Tool) -> frozenset[str]:
    """What a tool is mainly for: its capabilities at its highest level (remembered per tool
    object: catalogs are frozen)."""
    got = _MAIN.get(id(tool))
    if got is None or got[0] is not tool:
        top = max(tool.capabilities.values())
        got = (tool, frozenset(c for c, lv in tool.capabilities.items() if lv == top))
        _MAIN[id(tool)] = got
    return got[1]


def owner_key(tool: Tool, capability: str, existing: frozenset[str], catalog: Catalog) -> OwnerKey:
    """The owner rule's order, best first: the highest level; then the specialist, the tool a
    stack adds for that job rather than the broadest platform: first a tool mainly for it (the
    capability is among those at its highest level: Dataform for transformation over Dataflow,
    which is mainly for streaming), then a tool mainly for that kind of job (a governance
    concern goes to a governance tool, not to the transformation tool that also tracks
    lineage); then the tool with the fewest capabilities: the one the stack added for that
    job, not the broadest platform, even one the organisation already has (dbt Cloud added
    beside a Snowflake under contract does the transformation); then a tool already owned;
    then by id, so the order of tools in a file never matters.

    Access control and audit over the data (``params.DATA_GOVERNANCE``) that no governance
    tool serves better (one mainly for a data-governance capability: an orchestrator is not
    one) go instead where the data is (``_data_home``), the broadest first. Without Immuta or
    Purview, access to a GCP estate is governed in BigQuery, not in Looker because Looker has
    fewer capabilities, and its audit trail is BigQuery's, not Cloud Storage's or Composer's.
    Lineage keeps the specialist order: dbt's lineage of the transformations, not the ML
    platform's."""
    kinds = catalog.capabilities
    main = main_capabilities(tool)
    breadth = len(tool.capabilities)
    if capability in params.DATA_GOVERNANCE:
        specialist = not main.isdisjoint(params.GOVERNANCE_CAPABILITIES)
        order = (0, breadth) if specialist else (_data_home(tool), -breadth)
    else:
        specialist = kinds[capability].kind in {kinds[c].kind for c in main if c in kinds}
        order = (0, breadth)
    return (
        -effective_level(tool, capability),
        capability not in main,
        not specialist,
        order,
        tool.id not in existing,
        tool.id,
    )


def best_tool(
    tools: dict[str, Tool], capability: str, existing: frozenset[str], catalog: Catalog
) -> str | None:
    candidates = [t for t in tools.values() if effective_level(t, capability) > 0]
    if not candidates:
        return None
    return min(candidates, key=lambda t: owner_key(t, capability, existing, catalog)).id


def bridging_vocabulary(catalog: Catalog) -> frozenset[str]:
    """Format and data-API ids that bridge a handoff (computed once per catalog)."""
    cached: frozenset[str] | None = getattr(catalog, "_bridging_cache", None)
    if cached is None:
        cached = frozenset(
            {f"f:{k}" for k, v in catalog.formats.items() if v.kind in BRIDGING_KINDS}
            | {f"s:{k}" for k, v in catalog.standards.items() if v.kind in BRIDGING_KINDS}
        )
        object.__setattr__(catalog, "_bridging_cache", cached)
    return cached


def connect(a: Tool, b: Tool, catalog: Catalog, stack: Stack) -> tuple[Connection, tuple[str, ...]]:
    """The cheapest documented way two tools exchange work: a native integration (either side
    documents it, the stack declares it, both are one vendor's commercial suite, or one is a
    library that runs inside the other), a shared open format or data API, else custom code."""
    options: list[tuple[Connection, tuple[str, ...]]] = []
    for src, dst in ((a, b), (b, a)):
        for integration in src.integrations:
            if integration.tool == dst.id:
                options.append((_CONNECTION[integration.kind], (f"{src.id} integration",)))
    for declared in stack.integrations:
        if {declared.source, declared.target} == {a.id, b.id}:
            options.append((_CONNECTION[declared.kind], ("declared in stack",)))
    if suite_mates(a, b):
        options.append(("native", (f"one {a.vendor} suite",)))
    embedded = host_of(a, b)
    if embedded is not None:
        host, runtime = embedded
        library = b if host is a else a
        options.append(("native", (f"{library.id} runs inside {host.id} ({runtime})",)))
    vocab = bridging_vocabulary(catalog)
    shared = sorted(
        {f for f in set(a.formats) & set(b.formats) if f"f:{f}" in vocab}
        | {s for s in set(a.standards) & set(b.standards) if f"s:{s}" in vocab}
    )
    if shared:
        options.append(("standard", tuple(shared)))
    if not options:
        return "custom", ()
    kind = min(options, key=lambda o: _RANK[o[0]])[0]
    via = tuple(sorted({v for k, vs in options if k == kind for v in vs}))
    return kind, via


def carried(a: Tool, b: Tool, stack: Stack) -> frozenset[str]:
    """Governance concerns (access-control, audit, lineage) an integration between two tools is
    documented to carry, in either direction, or that the stack's own glue is declared to carry.
    A shared format or protocol carries none: a CSV file holds no policy and no audit trail."""
    out: set[str] = set()
    for src, dst in ((a, b), (b, a)):
        for integration in src.integrations:
            if integration.tool == dst.id:
                out.update(integration.carries)
    for declared in stack.integrations:
        if {declared.source, declared.target} == {a.id, b.id}:
            out.update(declared.carries)
    if "openlineage" in a.standards and "openlineage" in b.standards:
        out.add("lineage")  # a lineage protocol: its events are the lineage
    return frozenset(out)


@dataclass(frozen=True)
class StackView:
    stack: Stack
    tools: dict[str, Tool]  # in the stack, by id
    owners: dict[str, str | None]  # needed capability -> tool id
    links: dict[frozenset[str], tuple[Connection, tuple[str, ...]]]
    carry: dict[frozenset[str], frozenset[str]]

    def connection(self, a: str, b: str) -> tuple[Connection, tuple[str, ...]]:
        if a == b:
            return "same", ()
        return self.links.get(frozenset((a, b)), ("custom", ()))

    def reaches(self, hub: str, tool: str) -> bool:
        """Whether a cross-cutting tool is wired to another without custom code."""
        return self.connection(hub, tool)[0] != "custom"

    def governs(self, hub: str, tool: str, concern: str) -> bool:
        """Whether a governance tool's concern reaches another tool: itself, or an integration
        documented to carry it."""
        return hub == tool or concern in self.carry.get(frozenset((hub, tool)), frozenset())

    def hub(self, capability: str) -> str | None:
        """The stack's tool for a needed concern, if it serves it well enough to bridge other
        tools. A concern the requirements do not ask for has no hub: what bridges the stack
        must be something the business declared it needs, and it keeps every tool's effect
        visible in what that tool is there for."""
        owner = self.owners.get(capability)
        if owner is None or effective_level(self.tools[owner], capability) < params.HUB_MIN_LEVEL:
            return None
        return owner

    @property
    def working(self) -> frozenset[str]:
        """Tools that serve at least one need."""
        return frozenset(o for o in self.owners.values() if o is not None)

    @property
    def idle(self) -> tuple[str, ...]:
        """Tools in the stack that serve no need: they cost money and do nothing asked for."""
        working = self.working
        return tuple(t for t in self.tools if t not in working)


def stack_owners(
    stack: Stack, catalog: Catalog, context: Context, tools: dict[str, Tool] | None = None
) -> dict[str, str | None]:
    """Who owns each need in the stack: its role when the stack names one, else the owner rule
    (``best_tool``)."""
    if tools is None:
        tools = {tid: catalog.tools[tid] for tid in sorted(stack.tools)}
    existing = frozenset(e.tool for e in context.requirements.existing)
    owners: dict[str, str | None] = {}
    for need in context.needs:
        role = stack.roles.get(need.capability)
        owners[need.capability] = (
            role if role in tools else best_tool(tools, need.capability, existing, catalog)
        )
    return owners


def build_view(stack: Stack, catalog: Catalog, context: Context) -> StackView:
    tools = {tid: catalog.tools[tid] for tid in sorted(stack.tools)}
    owners = stack_owners(stack, catalog, context, tools)
    ids = sorted(tools)
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    links = {frozenset(p): connect(tools[p[0]], tools[p[1]], catalog, stack) for p in pairs}
    carry = {frozenset(p): carried(tools[p[0]], tools[p[1]], stack) for p in pairs}
    return StackView(stack=stack, tools=tools, owners=owners, links=links, carry=carry)


__all__ = [
    "StackView",
    "best_tool",
    "build_view",
    "carried",
    "connect",
    "effective_level",
    "main_capabilities",
    "owner_key",
    "stack_owners",
    "suite_mates",
]
