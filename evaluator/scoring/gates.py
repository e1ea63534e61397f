"""Viability gates: conditions a stack must meet before its scores mean anything. A stack that
fails one is still scored, but marked not viable with every violation named."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from evaluator.models import (
    ACCESS_RANK,
    DATA_AT_REST_ROLES,
    OWN_INFRASTRUCTURE,
    UNKNOWN,
    AccessGranularity,
    Control,
    Deployment,
    Tool,
)
from evaluator.scoring import licence, params
from evaluator.scoring.context import Context
from evaluator.scoring.fit import level_of
from evaluator.scoring.results import Gate, Violation
from evaluator.scoring.stackview import StackView, main_capabilities

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


def data_holders(view: StackView) -> list[str]:
    """Tools that keep the organisation's data at rest or serve queries over it: storage
    controls apply to them. Table formats and libraries are governed through the engine that
    reads them; processors keep nothing at rest."""
    return sorted(t for t, tool in view.tools.items() if tool.data_role in DATA_AT_REST_ROLES)


Status = Literal["met", "unverified", "unmet"]
"""A control on a tool: met by recorded facts, resting on a fact recorded as unknown, or not met."""


def placements(
    tool: Tool, allowed: tuple[Deployment, ...] | None, *, unverified: bool = False
) -> tuple[str, ...]:
    """Where this tool may run under the deployment policy: the vendor's or cloud's managed
    offering in an allowed place (a sovereign cloud included), the organisation's own
    infrastructure (on premises or its own account in an allowed cloud or sovereign cloud) for a
    self-hostable tool, or the edge for a tool documented to run there. With ``unverified``,
    places no source confirmed (the tool's ``unverified`` map) count too."""
    allowed_set = set(Deployment) if allowed is None else set(allowed)
    places = set(tool.deployment) | (set(tool.unverified_places) if unverified else set())
    out = [d.value for d in Deployment if d in places and d is not Deployment.SELF_HOSTED]
    out = [d for d in out if Deployment(d) in allowed_set]
    if Deployment.SELF_HOSTED in places and allowed_set & OWN_INFRASTRUCTURE:
        out.append("self-hosted")
    return tuple(out)


def deployable(tool: Tool, allowed: tuple[Deployment, ...] | None) -> bool:
    return bool(placements(tool, allowed))


def fact(tool_id: str, path: str) -> str:
    """How a report names one unverified catalog fact."""
    return f"{tool_id} {path}"


def tool_gate_violations(tool: Tool, context: Context) -> list[Violation]:
    """The gates a tool fails by itself, whatever else the stack holds: deployment, avoid
    lists and the radar's hold ring. Recommend drops such tools before searching; scoring reports them."""
    req = context.requirements
    out: list[Violation] = []
    allowed = req.deployment.allowed
    if allowed is not None and not deployable(tool, allowed):
        where = ", ".join(d.value for d in tool.deployment)
        own = (
            "; self-hosted needs on-premises, self-hosted or a cloud in allowed"
            if Deployment.SELF_HOSTED in tool.deployment
            else ""
        )
        maybe = [p for p in placements(tool, allowed, unverified=True) if p not in tool.deployment]
        if maybe:
            out.append(
                Violation(
                    gate="deployment",
                    subject=tool.id,
                    message=f"{tool.id} is verified only on {where}; allowed: "
                    f"{', '.join(d.value for d in allowed)}; it may run on {', '.join(maybe)}, "
                    "which no source confirmed",
                    facts=tuple(fact(tool.id, f"deployment.{p}") for p in maybe),
                )
            )
        else:
            out.append(
                Violation(
                    gate="deployment",
                    subject=tool.id,
                    message=f"{tool.id} runs only on {where}; allowed: {', '.join(d.value for d in allowed)}{own}",
                )
            )
    if tool.id in req.avoid.tools:
        out.append(
            Violation(gate="avoid", subject=tool.id, message=f"{tool.id} is on the avoid list")
        )
    if tool.vendor.casefold() in {v.casefold() for v in req.avoid.vendors}:
        out.append(
            Violation(
                gate="avoid",
                subject=tool.id,
                message=f"{tool.id} is from avoided vendor {tool.vendor}",
            )
        )
    if tool.id in context.on_hold:
        out.append(
            Violation(
                gate="radar",
                subject=tool.id,
                message=f"{tool.id} is on hold in the organisation's radar; only a tool already "
                "in use may stay",
            )
        )
    if licence.avoided(tool.license, req.avoid.licenses):
        out.append(
            Violation(
                gate="avoid",
                subject=tool.id,
                message=f"{tool.id} is licensed {tool.license}, and every option is avoided",
            )
        )
    return out


RAW_CAPABILITIES = frozenset({"object-storage", "streaming"})
"""Raw storage and transport: buckets and event brokers hold files and messages, not tables."""


def applies(tool: Tool, control: Control) -> Control | None:
    """The control a storage demand asks of this tool: on a tool mainly for raw storage or
    transport (object storage, an event broker), fine-grained access is asked at its own
    grain, roles on buckets and topics, and lineage is recorded by the engines and catalogs
    that read it, not by the bucket; every other holder is asked the control as it stands."""
    if main_capabilities(tool) <= RAW_CAPABILITIES:
        if control is Control.ACCESS_FINE:
            return Control.ACCESS_ROLE
        if control is Control.LINEAGE:
            return None
    return control


def status(view: StackView, tool_id: str, control: Control) -> tuple[Status, tuple[str, ...]]:
    """Whether a tool in this stack meets a control, by its own features or through a
    governance tool documented to carry the concern to it; when only a fact recorded as
    unknown stands between it and the control, ``unverified`` with the facts to check."""
    tool = view.tools[tool_id]
    g = tool.governance

    def governed(capability: str) -> str | None:
        hub = view.hub(capability)
        return hub if hub is not None and view.governs(hub, tool_id, capability) else None

    def own(field: str, value: object) -> tuple[Status, tuple[str, ...]]:
        if value is True:
            return "met", ()
        if value == UNKNOWN:
            return "unverified", (fact(tool_id, f"governance.{field}"),)
        return "unmet", ()

    if control is Control.AUDIT:
        return ("met", ()) if governed("audit") is not None else own("audit", g.audit)
    if control is Control.LINEAGE:
        return ("met", ()) if governed("lineage") is not None else own("lineage", g.lineage)
    if control is Control.SSO:
        return own("sso", g.sso)
    if control is Control.APPROVALS:
        return own("approvals", g.approvals)
    if control in (Control.ACCESS_ROLE, Control.ACCESS_FINE):
        needed = ACCESS_RANK[
            AccessGranularity.FINE if control is Control.ACCESS_FINE else AccessGranularity.ROLE
        ]
        facts: list[str] = []
        if ACCESS_RANK[g.access()] >= needed:
            return "met", ()
        if g.access_control is AccessGranularity.UNKNOWN:
            facts.append(fact(tool_id, "governance.access_control"))
        hub = governed("access-control")
        if hub is not None:
            hg = view.tools[hub].governance
            if ACCESS_RANK[hg.access()] >= needed:
                return "met", ()
            if hg.access_control is AccessGranularity.UNKNOWN:
                facts.append(fact(hub, "governance.access_control"))
        return ("unverified", tuple(facts)) if facts else ("unmet", ())
    return ("met", ()) if g.versioning else ("unmet", ())


def meets(view: StackView, tool_id: str, control: Control) -> bool:
    """The control does not rule the stack out: met, or pending verification of an unknown."""
    return status(view, tool_id, control)[0] != "unmet"


def gate_violations(view: StackView, context: Context, catalog: Catalog) -> list[Violation]:
    req = context.requirements
    out: list[Violation] = []
    for need in context.needs:
        if not need.must:
            continue
        level = level_of(view, need.capability)
        if level < need.min_level:
            owner = view.owners.get(need.capability)
            have = "not covered" if owner is None else f"covered only at level {level} by {owner}"
            out.append(
                Violation(
                    gate="must-have",
                    subject=need.capability,
                    message=f"must-have {need.capability} at level {need.min_level}: {have}",
                )
            )
            continue
        owner = view.owners.get(need.capability)
        if owner is not None and view.tools[owner].level_unverified(need.capability):
            out.append(
                Violation(
                    gate="must-have",
                    subject=need.capability,
                    message=f"must-have {need.capability} at level {need.min_level}: {owner}'s "
                    f"level {level} is an estimate no source confirmed",
                    facts=(fact(owner, f"capabilities.{need.capability}"),),
                )
            )
    for tool in view.tools.values():
        out.extend(tool_gate_violations(tool, context))
    holders = data_holders(view)
    demands: list[tuple[Gate, str, Control]] = [
        ("sensitivity", f"{req.sensitivity.value} data", c)
        for c in params.SENSITIVITY_CONTROLS[req.sensitivity]
    ]
    for reg_id in sorted(req.regulations):
        demands.extend(("regulation", reg_id, c) for c in catalog.regulations[reg_id].requires)
    working = sorted(view.working)
    seen: set[tuple[str, Control]] = set()
    for gate, why, control in demands:
        if control in params.STACK_WIDE_CONTROLS:
            if ("*", control) not in seen:
                found = [status(view, t, control) for t in working]
                if not any(st == "met" for st, _ in found):
                    pending = tuple(f for st, fs in found if st == "unverified" for f in fs)
                    out.append(
                        Violation(
                            gate=gate,
                            subject=control.value,
                            message=f"{why} needs {control.value}: no working tool in the stack provides it"
                            + (", unless an unknown fact holds" if pending else ""),
                            facts=pending,
                        )
                    )
            seen.add(("*", control))
            continue
        for tool_id in holders:
            asked = applies(view.tools[tool_id], control)
            if asked is None or (tool_id, asked) in seen:
                continue
            seen.add((tool_id, asked))
            state, facts = status(view, tool_id, asked)
            if state != "met":
                role = view.tools[tool_id].data_role.value
                keeps = (
                    "whose data role is not recorded"
                    if role == "unknown"
                    else "which serves data"
                    if role == "serves"
                    else "which holds data"
                )
                lacks = (
                    "unverified: " + ", ".join(facts) + " recorded as unknown"
                    if facts
                    else "it has no SSO of its own"
                    if asked is Control.SSO
                    else f"neither it nor a governance tool documented to carry {_concern(asked)} to it provides it"
                )
                out.append(
                    Violation(
                        gate=gate,
                        subject=tool_id,
                        message=f"{why} needs {asked.value} on {tool_id}, {keeps}; {lacks}",
                        facts=facts,
                    )
                )
    return out


def _concern(control: Control) -> str:
    if control in (Control.ACCESS_ROLE, Control.ACCESS_FINE):
        return "access control"
    return control.value


__all__ = [
    "applies",
    "data_holders",
    "deployable",
    "fact",
    "gate_violations",
    "meets",
    "placements",
    "status",
]
