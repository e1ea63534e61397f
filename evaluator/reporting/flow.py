"""A stack as a picture: its tools, the handoffs between them, and how each is bridged.

Read from a ``StackEvaluation`` only (owners, idle tools, handoffs, islands), so every diagram,
Mermaid or SVG, shows what the scoring computed and nothing it did not.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluator.scoring.results import Connection, StackEvaluation

CONNECTION_ORDER: dict[str, int] = {"same": 0, "native": 1, "standard": 2, "custom": 3}
GOVERNANCE_CONCERNS = ("lineage", "audit", "identity")
"""The concerns a review board asks about first: where lineage, the audit trail or access control
(identity carried across) break. Diagrams mark these; the reasons list every broken concern."""


@dataclass(frozen=True)
class Edge:
    """Every handoff from one tool to another, bridged the same way."""

    source: str
    target: str
    connection: Connection
    stages: tuple[tuple[str, str], ...]
    broken: tuple[str, ...]
    """Concerns that do not carry across at least one of these handoffs, sorted."""
    team_boundary: bool
    points: float

    @property
    def breaks_governance(self) -> tuple[str, ...]:
        return tuple(c for c in GOVERNANCE_CONCERNS if c in self.broken)


@dataclass(frozen=True)
class Flow:
    tools: tuple[str, ...]
    serves: dict[str, tuple[str, ...]]
    """The capabilities each tool serves, sorted; empty for an idle tool."""
    idle: tuple[str, ...]
    internal: dict[str, int]
    """Handoffs that stay inside one tool (connection ``same``), by tool."""
    edges: tuple[Edge, ...]
    islands: tuple[tuple[str, ...], ...]

    def island_of(self, tool: str) -> int | None:
        """The 0-based island a working tool belongs to; None for an idle tool."""
        for i, island in enumerate(self.islands):
            if tool in island:
                return i
        return None


def flow_of(e: StackEvaluation) -> Flow:
    serves: dict[str, list[str]] = {t: [] for t in e.tools}
    for capability, tool in e.owners.items():
        if tool is not None:
            serves.setdefault(tool, []).append(capability)
    internal: dict[str, int] = {}
    grouped: dict[tuple[str, str, str], list[int]] = {}
    for i, h in enumerate(e.handoffs):
        if h.source_tool == h.target_tool:
            internal[h.source_tool] = internal.get(h.source_tool, 0) + 1
        else:
            grouped.setdefault((h.source_tool, h.target_tool, h.connection), []).append(i)
    edges = []
    for (source, target, _connection), indices in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], kv[0][1], CONNECTION_ORDER[kv[0][2]])
    ):
        hs = [e.handoffs[i] for i in indices]
        edges.append(
            Edge(
                source=source,
                target=target,
                connection=hs[0].connection,
                stages=tuple(sorted((h.source_stage, h.target_stage) for h in hs)),
                broken=tuple(sorted({c for h in hs for c in h.broken_concerns})),
                team_boundary=any(h.team_boundary for h in hs),
                points=sum(h.points for h in hs),
            )
        )
    tools = tuple(sorted(serves))
    return Flow(
        tools=tools,
        serves={t: tuple(sorted(serves[t])) for t in tools},
        idle=tuple(sorted(e.idle)),
        internal=dict(sorted(internal.items())),
        edges=tuple(edges),
        islands=e.islands,
    )
