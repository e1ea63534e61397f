"""A stack's tools and handoffs as a Mermaid ``flowchart``, which GitHub draws in Markdown.

Node ids are generated (``n1``, ``n2``, ... in tool order), never taken from files; every label
goes through ``label``, so no text from a catalog or stack file can close a node, start a link or
inject markup into the diagram.
"""

from __future__ import annotations

from evaluator.reporting.flow import Edge, Flow
from evaluator.textsafe import one_line

ARROW = {"same": "-->", "native": "-->", "standard": "-->", "custom": "-.->"}
COLOUR = {"same": "#9e9e9e", "native": "#2e7d32", "standard": "#1565c0", "custom": "#e65100"}
PER_LINE = 3

# Mermaid's entity codes; '#' first, so the codes themselves are not escaped again.
_ENTITIES = (
    ("#", "#35;"),
    ("&", "#38;"),
    ('"', "#quot;"),
    ("<", "#lt;"),
    (">", "#gt;"),
    ("|", "#124;"),
    ("`", "#96;"),
    ("[", "#91;"),
    ("]", "#93;"),
    ("{", "#123;"),
    ("}", "#125;"),
)


def label(text: str) -> str:
    """``text`` as inert label text inside ``"..."``: one line, no quote, bracket, pipe,
    backtick or angle bracket left (each becomes its Mermaid entity code)."""
    out = one_line(text)
    for char, code in _ENTITIES:
        out = out.replace(char, code)
    return out


def _node_text(flow: Flow, tool: str) -> str:
    serves = flow.serves[tool]
    lines = [f"<b>{label(tool)}</b>"]
    if not serves:
        lines.append("idle: serves no need")
    for i in range(0, len(serves), PER_LINE):
        lines.append(label(", ".join(serves[i : i + PER_LINE])))
    inside = flow.internal.get(tool, 0)
    if inside:
        lines.append(f"{inside} handoff{'s' if inside != 1 else ''} inside")
    return "<br/>".join(lines)


def edge_text(edge: Edge) -> str:
    parts: list[str] = [edge.connection]
    if edge.team_boundary:
        parts.append("team handoff")
    if edge.breaks_governance:
        parts.append("breaks " + ", ".join(edge.breaks_governance))
    return label("; ".join(parts))


def flowchart(flow: Flow) -> str:
    """The diagram text (no code fence). Integration islands are subgraphs when there is more
    than one; idle tools are dashed; edges are coloured by how they are bridged."""
    ids = {tool: f"n{i}" for i, tool in enumerate(flow.tools, start=1)}
    out = ["flowchart LR"]

    def node(tool: str, indent: str) -> str:
        return f'{indent}{ids[tool]}["{_node_text(flow, tool)}"]'

    grouped: set[str] = set()
    if len(flow.islands) > 1:
        for i, island in enumerate(flow.islands, start=1):
            out.append(f'  subgraph island{i}["integration island {i}"]')
            out += [node(t, "    ") for t in island if t in ids]
            out.append("  end")
            grouped.update(island)
    out += [node(t, "  ") for t in flow.tools if t not in grouped]
    for edge in flow.edges:
        out.append(
            f'  {ids[edge.source]} {ARROW[edge.connection]}|"{edge_text(edge)}"| {ids[edge.target]}'
        )
    for i, edge in enumerate(flow.edges):
        out.append(f"  linkStyle {i} stroke:{COLOUR[edge.connection]},stroke-width:2px")
    if flow.idle:
        out.append("  classDef idle stroke-dasharray:5 4,color:#666")
        out.append(f"  class {','.join(ids[t] for t in flow.idle)} idle")
    return "\n".join(out) + "\n"


def fenced(flow: Flow) -> list[str]:
    """The diagram as Markdown lines, in a ``mermaid`` code fence."""
    return ["```mermaid", *flowchart(flow).rstrip("\n").split("\n"), "```"]
