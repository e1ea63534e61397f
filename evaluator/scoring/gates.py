"""Viability gates: conditions a stack must meet before its scores mean anything. A stack that
fails one is still scored, but marked not viable with every violation named."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.models import (
    ACCESS_RANK,
    DATA_AT_REST_ROLES,
    OWN_INFRASTRUCTURE,
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


def placements(tool: Tool, allowed: tuple[Deployment, ...] | None) -> tuple[str, ...]:
    """Where this tool may run under the deployment policy: the vendor's or cloud's managed
    offering in an allowed place, or the organisation's own infrastructure (on premises or its
    own account in an allowed cloud) for a self-hostable tool."""
    allowed_set = set(Deployment) if allowed is None else set(allowed)
    out = [d.value for d in tool.deployment if d is not Deployment.SELF_HOSTED and d in allowed_set]
    if Deployment.SELF_HOSTED in tool.deployment and allowed_set & OWN_INFRASTRUCTURE:
        out.append("self-hosted")
    return tuple(out)


def deployable(tool: Tool, allowed: tuple[Deployment, ...] | None) -> bool:
    return bool(placements(tool, allowed))


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


def meets(view: StackView, tool_id: str, control: Control) -> bool:
    tool = view.tools[tool_id]
    g = tool.governance

    def governed(capability: str) -> str | None:
        hub = view.hub(capability)
        return hub if hub is not None and view.governs(hub, tool_id, capability) else None

    if control is Control.AUDIT:
        return g.audit or governed("audit") is not None
    if control is Control.LINEAGE:
        return g.lineage or governed("lineage") is not None
    if control is Control.SSO:
        return g.sso
    if control in (Control.ACCESS_ROLE, Control.ACCESS_FINE):
        needed = (
            AccessGranularity.FINE if control is Control.ACCESS_FINE else AccessGranularity.ROLE
        )
        if ACCESS_RANK[g.access_control] >= ACCESS_RANK[needed]:
            return True
        hub = governed("access-control")
        return (
            hub is not None
            and ACCESS_RANK[view.tools[hub].governance.access_control] >= ACCESS_RANK[needed]
        )
    if control is Control.APPROVALS:
        return g.approvals
    return bool(g.versioning)


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
            if (("*", control) not in seen) and not any(meets(view, t, control) for t in working):
                out.append(
                    Violation(
                        gate=gate,
                        subject=control.value,
                        message=f"{why} needs {control.value}: no working tool in the stack provides it",
                    )
                )
            seen.add(("*", control))
            continue
        for tool_id in holders:
            asked = applies(view.tools[tool_id], control)
            if asked is None or (tool_id, asked) in seen:
                continue
            seen.add((tool_id, asked))
            if not meets(view, tool_id, asked):
                role = view.tools[tool_id].data_role.value
                keeps = (
                    "whose data role is not recorded"
                    if role == "unknown"
                    else "which serves data"
                    if role == "serves"
                    else "which holds data"
                )
                lacks = (
                    "it has no SSO of its own"
                    if asked is Control.SSO
                    else f"neither it nor a governance tool documented to carry {_concern(asked)} to it provides it"
                )
                out.append(
                    Violation(
                        gate=gate,
                        subject=tool_id,
                        message=f"{why} needs {asked.value} on {tool_id}, {keeps}; {lacks}",
                    )
                )
    return out


def _concern(control: Control) -> str:
    if control in (Control.ACCESS_ROLE, Control.ACCESS_FINE):
        return "access control"
    return control.value


__all__ = ["applies", "data_holders", "deployable", "gate_violations", "meets", "placements"]
