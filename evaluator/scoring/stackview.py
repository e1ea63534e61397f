"""A stack seen through a catalog: which tool serves each needed capability, and how two tools
connect. Scoring reads only this view, never the YAML models directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import (
    BRIDGING_KINDS,
    AccessGranularity,
    IntegrationKind,
    Stack,
    Tool,
)
from evaluator.scoring import params
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


def effective_level(tool: Tool, capability: str) -> int:
    """The declared level, or the partial level a tool's own governance feature implies."""
    level = tool.capabilities.get(capability, 0)
    g = tool.governance
    implied = (
        (capability == "audit" and g.audit)
        or (capability == "lineage" and g.lineage)
        or (capability == "access-control" and g.access_control is AccessGranularity.FINE)
    )
    return max(level, params.IMPLIED_LEVEL) if implied else level


@dataclass(frozen=True)
class StackView:
    stack: Stack
    tools: dict[str, Tool]  # in the stack, by id
    owners: dict[str, str | None]  # needed capability -> tool id
    links: dict[frozenset[str], tuple[Connection, tuple[str, ...]]]

    def connection(self, a: str, b: str) -> tuple[Connection, tuple[str, ...]]:
        if a == b:
            return "same", ()
        return self.links.get(frozenset((a, b)), ("custom", ()))

    def reaches(self, hub: str, tool: str) -> bool:
        """Whether a cross-cutting tool is wired to another without custom code."""
        return self.connection(hub, tool)[0] != "custom"

    def hub(self, capability: str) -> str | None:
        """The stack's tool for a needed concern, if it serves it well enough to bridge other
        tools. A concern the requirements do not ask for has no hub: what bridges the stack
        must be something the business declared it needs, and it keeps every tool's effect
        visible in what that tool is there for."""
        owner = self.owners.get(capability)
        if owner is None or effective_level(self.tools[owner], capability) < params.HUB_MIN_LEVEL:
            return None
        return owner


def best_tool(tools: dict[str, Tool], capability: str, existing: frozenset[str]) -> str | None:
    """Highest level first; then a tool already owned; then the broadest tool; then by id, so
    that the order tools are listed in never matters."""
    candidates = [t for t in tools.values() if effective_level(t, capability) > 0]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda t: (
            -effective_level(t, capability),
            t.id not in existing,
            -len(t.capabilities),
            t.id,
        ),
    )
    return best.id


def connect(a: Tool, b: Tool, catalog: Catalog, stack: Stack) -> tuple[Connection, tuple[str, ...]]:
    """The cheapest documented way two tools exchange work: a native integration (either side
    documents it, or the stack declares it), a shared open format or data API, else custom code."""
    options: list[tuple[Connection, tuple[str, ...]]] = []
    for src, dst in ((a, b), (b, a)):
        for integration in src.integrations:
            if integration.tool == dst.id:
                options.append((_CONNECTION[integration.kind], (f"{src.id} integration",)))
    for declared in stack.integrations:
        if {declared.source, declared.target} == {a.id, b.id}:
            options.append((_CONNECTION[declared.kind], ("declared in stack",)))
    shared = sorted(
        (
            set(a.formats)
            & set(b.formats)
            & {f for f, v in catalog.formats.items() if v.kind in BRIDGING_KINDS}
        )
        | (
            set(a.standards)
            & set(b.standards)
            & {s for s, v in catalog.standards.items() if v.kind in BRIDGING_KINDS}
        )
    )
    if shared:
        options.append(("standard", tuple(shared)))
    if not options:
        return "custom", ()
    kind = min(options, key=lambda o: _RANK[o[0]])[0]
    via = tuple(sorted({v for k, vs in options if k == kind for v in vs}))
    return kind, via


def build_view(stack: Stack, catalog: Catalog, context: Context) -> StackView:
    tools = {tid: catalog.tools[tid] for tid in sorted(stack.tools)}
    existing = frozenset(e.tool for e in context.requirements.existing)
    owners: dict[str, str | None] = {}
    for need in context.needs:
        role = stack.roles.get(need.capability)
        owners[need.capability] = (
            role if role in tools else best_tool(tools, need.capability, existing)
        )
    ids = sorted(tools)
    links = {
        frozenset((a, b)): connect(tools[a], tools[b], catalog, stack)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    }
    return StackView(stack=stack, tools=tools, owners=owners, links=links)


__all__ = ["StackView", "best_tool", "build_view", "connect", "effective_level"]
