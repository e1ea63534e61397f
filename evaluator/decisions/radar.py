"""A technology radar from the decision records: what the organisation adopts, trials, assesses
and holds, and how that moved over the records' git history.

Rings, strongest first (a tool in several decisions takes its strongest ring):

- **adopt**: in the chosen stack of an accepted decision;
- **trial**: in the chosen stack of a proposed decision, or in a viable runner-up of an accepted
  or proposed one;
- **hold**: named by a viability gate of a stack considered in an accepted or proposed decision
  (avoided, not deployable where allowed, missing a control the data needs), or in the chosen
  stack of a superseded or deprecated decision (unless an active one adopts or trials it);
- **assess**: in any other stack an accepted or proposed decision considered.

A record stores each stack's scores and every contribution; a stack's tools are the subjects of
its ``tool.<id>`` cost terms (every tool of a stack is priced, idle ones too). Gate violations are
stored as their messages; a tool is named by one when its id appears in it as a word.

Quadrants (at most four, as BYOR and Backstage draw them) group the taxonomy's capabilities by
where they sit in the lifecycle: stages before data quality (``order`` < 40) are the **data
platform**; data quality and what business users see (40 <= ``order`` < 45, or >= 85) are
**analytics**; the machine-learning stages in between are **ML and AI**; cross-cutting concerns
(orchestration, catalog, lineage, access control, audit) are **governance and operations**. A
tool goes to the quadrant where most of its best capabilities (its highest catalog level) are.

Everything here is a pure function of the records given; ``history`` in ``service`` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.decisions.record import ACTIVE, Record, Status
from evaluator.models import CapabilityKind

if TYPE_CHECKING:
    from evaluator.catalog import Catalog

RINGS = ("adopt", "trial", "assess", "hold")
RING_NAMES = {"adopt": "Adopt", "trial": "Trial", "assess": "Assess", "hold": "Hold"}
RING_COLOURS = {"adopt": "#5BA300", "trial": "#009EB0", "assess": "#C7BA00", "hold": "#E09B96"}
RING_MEANING = {
    "adopt": "In the chosen stack of an accepted decision.",
    "trial": "In the chosen stack of a proposed decision, or in a viable runner-up.",
    "assess": "In a stack an accepted or proposed decision considered.",
    "hold": "Named by a viability gate, or chosen only in superseded decisions.",
}
STRENGTH = {"adopt": 0, "trial": 1, "hold": 2, "assess": 3}
"""Which ring wins when decisions disagree: a choice outranks a gate, a gate outranks a mere
consideration."""

QUADRANTS = (
    ("data-platform", "Data platform"),
    ("analytics", "Analytics and data quality"),
    ("ml-ai", "ML and AI"),
    ("governance", "Governance and operations"),
)


def capability_quadrant(kind: CapabilityKind, order: int | None) -> str:
    if kind is CapabilityKind.CONCERN:
        return "governance"
    o = order or 0
    if o < 40:
        return "data-platform"
    if o < 45 or o >= 85:
        return "analytics"
    return "ml-ai"


def tool_quadrant(tool_id: str, catalog: Catalog) -> str:
    """The quadrant most of the tool's best capabilities (its highest level) fall in; ties go to
    the quadrant its levels sum highest in, then to the earlier quadrant."""
    tool = catalog.tools.get(tool_id)
    best = dict.fromkeys((q for q, _ in QUADRANTS), 0)
    total = dict.fromkeys((q for q, _ in QUADRANTS), 0)
    if tool is not None and tool.capabilities:
        top = max(tool.capabilities.values())
        for cap, level in tool.capabilities.items():
            known = catalog.capabilities.get(cap)
            if known is not None:
                q = capability_quadrant(known.kind, known.order)
                best[q] += level == top
                total[q] += level
    return max(QUADRANTS, key=lambda q: (best[q[0]], total[q[0]], -QUADRANTS.index(q)))[0]


@dataclass(frozen=True)
class Placement:
    """Where one tool sits on the radar at one point in time, and why."""

    ring: str
    reasons: tuple[str, ...]


def stack_tools(record: Record, stack: str) -> tuple[str, ...]:
    terms = record.evidence.get(stack)
    if terms is None:
        return ()
    cost = terms.terms.get("cost", {})
    return tuple(sorted(k.removeprefix("tool.") for k in cost if k.startswith("tool.")))


def _named(tool: str, message: str) -> bool:
    return re.search(rf"(?<![a-z0-9-]){re.escape(tool)}(?![a-z0-9-])", message) is not None


def _title(record: Record) -> str:
    m = record.machine
    return f'decision {record.number:04d} "{m.title}" ({record.front.status.value} {record.front.date.isoformat()})'


def placements(records: Sequence[Record]) -> dict[str, Placement]:
    """Every tool the records name, with its ring and the reasons, one per decision."""
    found: dict[str, list[tuple[str, str]]] = {}

    def put(tool: str, ring: str, reason: str) -> None:
        found.setdefault(tool, []).append((ring, reason))

    for record in sorted(records, key=lambda r: (r.number, r.file)):
        m = record.machine
        status = record.front.status
        title = _title(record)
        rows = {row.stack: row for row in m.scores}
        if status not in ACTIVE:
            for tool in stack_tools(record, m.chosen):
                put(tool, "hold", f"chosen in {m.chosen} in {title}, since superseded")
            continue
        for row in m.scores:
            score = f"rank {row.rank} of {len(rows)}, overall {row.overall:.1f}" + (
                "" if row.viable else ", not viable"
            )
            evidence = record.evidence.get(row.stack)
            for tool in stack_tools(record, row.stack):
                if row.stack == m.chosen:
                    ring = "adopt" if status is Status.ACCEPTED else "trial"
                    put(tool, ring, f"chosen: {row.stack} ({score}) in {title}")
                    continue
                gates = [v for v in (evidence.violations if evidence else ()) if _named(tool, v)]
                if gates:
                    put(tool, "hold", f"not viable in {row.stack}: {gates[0]} ({title})")
                elif row.viable:
                    put(tool, "trial", f"viable runner-up {row.stack} ({score}) in {title}")
                else:
                    put(tool, "assess", f"considered in {row.stack} ({score}) in {title}")
    out: dict[str, Placement] = {}
    for tool, entries in sorted(found.items()):
        ring = min((r for r, _ in entries), key=STRENGTH.__getitem__)
        reasons = tuple(dict.fromkeys(why for r, why in entries if r == ring))
        out[tool] = Placement(ring, reasons)
    return out


@dataclass(frozen=True)
class Moment:
    """The radar as the records stood at one date (a commit, or the working tree)."""

    date: str
    placements: Mapping[str, Placement]


@dataclass(frozen=True)
class Step:
    date: str
    ring: str
    moved: int
    """+1 towards adopt, -1 away from it, 0 on the first appearance or no change of ring."""
    description: str


@dataclass(frozen=True)
class Entry:
    tool: str
    name: str
    url: str
    quadrant: str
    ring: str
    description: str
    is_new: bool
    status: str
    """BYOR's: ``New``, ``Moved In``, ``Moved Out`` or ``No Change`` against the previous
    moment."""
    timeline: tuple[Step, ...]
    """Newest first, one step per change of ring."""


def _moved(before: str, after: str) -> int:
    a, b = RINGS.index(before), RINGS.index(after)
    return 0 if a == b else (1 if b < a else -1)


def radar(moments: Sequence[Moment], catalog: Catalog) -> tuple[Entry, ...]:
    """The entries of the latest moment, with what changed since the one before and each
    tool's history of rings. ``moments`` oldest first; empty gives no entries."""
    if not moments:
        return ()
    now = moments[-1].placements
    before = moments[-2].placements if len(moments) > 1 else {}
    entries = []
    for tool, place in sorted(now.items()):
        steps: list[Step] = []
        previous: str | None = None
        for moment in moments:
            p = moment.placements.get(tool)
            if p is None or p.ring == previous:
                continue
            moved = 0 if previous is None else _moved(previous, p.ring)
            steps.append(Step(moment.date, p.ring, moved, p.reasons[0]))
            previous = p.ring
        old = before.get(tool)
        if old is None:
            status = "New"
        elif old.ring == place.ring:
            status = "No Change"
        else:
            status = "Moved In" if _moved(old.ring, place.ring) > 0 else "Moved Out"
        known = catalog.tools.get(tool)
        url = str(known.homepage) if known is not None else "#"
        entries.append(
            Entry(
                tool=tool,
                name=known.name if known is not None else tool,
                url=url if url.startswith(("https://", "http://")) else "#",
                quadrant=tool_quadrant(tool, catalog),
                ring=place.ring,
                description=f"{RING_NAMES[place.ring]}: " + "; ".join(place.reasons),
                is_new=old is None,
                status=status,
                timeline=tuple(reversed(steps)),
            )
        )
    quadrant = {q: i for i, (q, _) in enumerate(QUADRANTS)}
    # BYOR draws quadrants and rings in the order the rows first name them: adopt innermost.
    return tuple(
        sorted(
            entries,
            key=lambda e: (quadrant[e.quadrant], RINGS.index(e.ring), e.name.casefold(), e.tool),
        )
    )
