"""Glue cost (0..100 and person-days a year): what it takes to make the stack's tools work as one.

The stack is a networkx graph whose nodes are its tools and whose edges are the handoffs between
lifecycle stages that two different tools serve. Raw glue points are the sum of
  - each handoff's connection (same tool < native < shared standard < custom code),
  - each cross-cutting concern that does not carry across that handoff,
  - each handoff between teams that work in different tools,
  - each cross-cutting tool's attachments to the stage tools it must reach,
  - each permission system beyond the first (ongoing management, scaled by posture);
and the score is raw / worst-case-for-these-requirements * 100.
"""

from __future__ import annotations

from evaluator.models import Tool, known
from evaluator.scoring import graphs, params
from evaluator.scoring.context import Context
from evaluator.scoring.results import Connection, Contribution, Handoff, Score
from evaluator.scoring.stackview import (
    StackView,
    cheaper,
    commercial,
    data_platform,
    host_of,
    suite_mates,
    worse,
)


def concern_support(tool: Tool) -> dict[str, bool]:
    """Which cross-cutting concerns a tool supports by itself."""
    g = tool.governance
    return {
        "lineage": known(g.lineage),
        "identity": known(g.sso),
        "audit": known(g.audit),
        "versioning": bool(g.versioning),
        "approvals": known(g.approvals),
        "automation": known(g.triggers),
    }


def _flag(concern: str, tool: Tool) -> bool:
    return concern_support(tool)[concern]


def carried_by_themselves(concern: str, ta: Tool, tb: Tool, kind: Connection) -> bool:
    """The part of ``carries`` no hub is needed for: both tools support the concern and are
    wired together (native, one suite; identity: SSO on both sides; lineage: OpenLineage on
    both sides; a library and the tool it runs inside: whatever that host supports, as the
    library acts in the host's own jobs). The search's bound reads it too."""
    embedded = host_of(ta, tb)
    if embedded is not None:
        return _flag(concern, embedded[0])
    if not (_flag(concern, ta) and _flag(concern, tb)):
        return False
    if concern == "identity" or kind in ("same", "native") or suite_mates(ta, tb):
        return True
    return concern == "lineage" and "openlineage" in ta.standards and "openlineage" in tb.standards


def carries(view: StackView, concern: str, a: str, b: str) -> bool:
    """A concern carries across a boundary when both tools support it and are wired together
    (native integration or one vendor's suite; for lineage, OpenLineage on both sides; for
    identity, SSO on both sides), or when the stack's tool for that concern reaches both: for
    lineage, audit and identity (access control) through integrations documented to carry it,
    for automation (the orchestrator) through any integration that needs no custom code."""
    if carried_by_themselves(concern, view.tools[a], view.tools[b], view.connection(a, b)[0]):
        return True
    hub_capability = params.CONCERN_HUB.get(concern)
    hub = view.hub(hub_capability) if hub_capability else None
    if hub is None:
        return False
    if concern == "automation":
        return view.reaches(hub, a) and view.reaches(hub, b)
    return view.governs(hub, a, hub_capability) and view.governs(hub, b, hub_capability)  # type: ignore[arg-type]


def route(view: StackView, a: str, b: str) -> tuple[Connection, tuple[str, ...]]:
    """How work passes from a to b: directly, or through a data platform of the stack that both
    work on without custom code (ELT runs in the warehouse, BI reads it: dbt -> Snowflake <-
    Tableau is native on both sides, whatever dbt and Tableau say of each other). Only a
    platform that serves a need counts: an idle tool does nothing asked for, so it bridges
    nothing either (and dropping it can never add glue)."""
    best = view.connection(a, b)
    working = view.working
    for hub in sorted(view.tools):
        if hub in (a, b) or hub not in working or not data_platform(view.tools[hub]):
            continue
        left, right = view.connection(a, hub)[0], view.connection(hub, b)[0]
        kind = worse(left, right)
        if kind != "custom" and cheaper(kind, best[0]):
            best = (kind, (f"both work on {hub}",))
    return best


def crosses_teams(
    context: Context, source_stage: str, target_stage: str, ta: Tool, tb: Tool
) -> bool:
    """Whether a handoff passes between teams that share neither stage, in different tools (a
    library called inside its host's notebooks and jobs is worked on in the host's workspace:
    no tool boundary to cross)."""
    teams_a = context.teams_of_stage.get(source_stage, frozenset())
    teams_b = context.teams_of_stage.get(target_stage, frozenset())
    return bool(teams_a and teams_b and not teams_a & teams_b) and host_of(ta, tb) is None


def handoffs(view: StackView, context: Context) -> list[Handoff]:
    out = []
    for source_stage, target_stage in context.handoffs:
        a, b = view.owners.get(source_stage), view.owners.get(target_stage)
        if a is None or b is None:
            continue  # an uncovered stage costs fit, not glue
        kind, via = route(view, a, b)
        broken: tuple[str, ...] = ()
        team_boundary = False
        if kind != "same":  # one tool on both sides: nothing to glue
            concerns = context.handoff_concerns[(source_stage, target_stage)]
            broken = tuple(c for c in concerns if not carries(view, c, a, b))
            team_boundary = crosses_teams(
                context, source_stage, target_stage, view.tools[a], view.tools[b]
            )
        points = (
            params.CONNECTION_POINTS[kind]
            + sum(params.concern_points(c, context.posture) for c in broken)
            + (params.TEAM_HANDOFF_POINTS if team_boundary else 0.0)
        )
        out.append(
            Handoff(
                source_stage=source_stage,
                target_stage=target_stage,
                source_tool=a,
                target_tool=b,
                connection=kind,
                via=via,
                broken_concerns=broken,
                team_boundary=team_boundary,
                points=points,
            )
        )
    return out


def integration_islands(view: StackView, hand: list[Handoff]) -> list[list[str]]:
    """Groups of the stack's working tools wired together without custom code (handoffs and
    concern attachments, the connected components of that graph of tools); more than one
    group means the stack is held together by code the organisation writes and keeps itself."""
    working = sorted({o for o in view.owners.values() if o is not None})
    links = [(h.source_tool, h.target_tool) for h in hand if h.connection != "custom"]
    for concern in ("orchestration", "data-catalog", "lineage", "access-control", "audit"):
        hub = view.hub(concern)
        if hub is not None:
            links += [(hub, t) for t in working if t != hub and view.reaches(hub, t)]
    return [list(g) for g in graphs.groups(working, links)]


def permission_domains(view: StackView) -> list[list[str]]:
    """Permission systems to manage among the tools that serve a need and keep their own access
    control: the stack's access-control tool with every holder it reaches, then one system per
    vendor (one IAM) among the holders it does not reach."""
    holders = sorted(
        {
            o
            for o in view.owners.values()
            if o is not None and view.tools[o].governance.access().value != "none"
        }
    )
    hub = view.hub("access-control")
    hub_tool = view.tools[hub] if hub is not None else None
    domains: dict[str, set[str]] = {}
    if hub is not None:
        domains[f"hub:{hub}"] = {hub}
    for holder in holders:
        governed = hub is not None and view.governs(hub, holder, "access-control")
        key = permission_key(view.tools[holder], hub_tool, governed)
        domains.setdefault(key, set()).add(holder)
    return sorted(sorted(d) for d in domains.values())


def permission_key(holder: Tool, hub: Tool | None, governed: bool) -> str:
    """Which permission system a tool that keeps its own access control belongs to, given the
    stack's access-control tool (``governed``: that tool reaches this one): the hub's, its own
    (open-source projects of one foundation share no IAM) or its vendor's (one IAM), which is
    the hub's when both are commercial products of that vendor."""
    if governed and hub is not None:
        return f"hub:{hub.id}"
    if not commercial(holder):
        return f"tool:{holder.id}"
    if hub is not None and holder.vendor == hub.vendor and commercial(hub):
        return f"hub:{hub.id}"
    return f"vendor:{holder.vendor}"


def worst_case(context: Context) -> float:
    handoffs = sum(
        params.CONNECTION_POINTS["custom"]
        + sum(params.concern_points(c, context.posture) for c in context.handoff_concerns[h])
        + params.TEAM_HANDOFF_POINTS
        for h in context.handoffs
    )
    attachments = (
        len(context.concerns)
        * len(context.stages)
        * params.ATTACHMENT_FACTOR
        * params.CONNECTION_POINTS["custom"]
    )
    permissions = (
        max(len(context.needs) - 1, 0) * params.PERMISSION_SYSTEM_POINTS * (0.5 + context.posture)
    )
    return handoffs + attachments + permissions


def glue_score(view: StackView, context: Context) -> tuple[Score, float, list[Handoff]]:
    hand = handoffs(view, context)
    scale = worst_case(context)
    norm = 100.0 / scale if scale > 0 else 0.0
    out: list[Contribution] = []
    for h in hand:
        if h.connection == "same":
            continue
        pair = f"{h.source_stage} -> {h.target_stage} ({h.source_tool} -> {h.target_tool})"
        via = f" via {', '.join(h.via)}" if h.via else ""
        out.append(
            Contribution.trusted(
                key=f"handoff.{h.source_stage}.{h.target_stage}",
                points=params.CONNECTION_POINTS[h.connection] * norm,
                reason=f"{pair}: {h.connection}{via}",
            )
        )
        for concern in h.broken_concerns:
            out.append(
                Contribution.trusted(
                    key=f"concern.{concern}.{h.source_stage}.{h.target_stage}",
                    points=params.concern_points(concern, context.posture) * norm,
                    reason=f"{pair}: {concern} does not carry across",
                )
            )
        if h.team_boundary:
            out.append(
                Contribution.trusted(
                    key=f"team.{h.source_stage}.{h.target_stage}",
                    points=params.TEAM_HANDOFF_POINTS * norm,
                    reason=f"{pair}: handoff between teams in different tools",
                )
            )
    stage_tools = sorted({o for s in context.stages if (o := view.owners.get(s)) is not None})
    for concern in sorted(context.concerns):
        hub = view.hub(concern)
        if hub is None:
            continue  # covered only by tools' own features: nothing to wire
        for tool in stage_tools:
            if tool == hub:
                continue
            kind, links = view.connection(hub, tool)
            points = params.ATTACHMENT_FACTOR * params.CONNECTION_POINTS[kind] * norm
            detail = f" via {', '.join(links)}" if links else ""
            out.append(
                Contribution.trusted(
                    key=f"attach.{concern}.{tool}",
                    points=points,
                    reason=f"{concern} ({hub}) reaches {tool}: {kind}{detail}",
                )
            )
    domains = permission_domains(view)
    for domain in domains[1:]:
        points = params.PERMISSION_SYSTEM_POINTS * (0.5 + context.posture) * norm
        out.append(
            Contribution.trusted(
                key=f"permissions.{domain[0]}",
                points=points,
                reason=f"separate permission system to manage: {', '.join(domain)}",
            )
        )
    score = Score.of(out)
    days = score.value / norm * params.DAYS_PER_POINT if norm else 0.0
    return score, days, hand
