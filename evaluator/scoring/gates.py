"""Viability gates: conditions a stack must meet before its scores mean anything. A stack that
fails one is still scored, but marked not viable with every violation named."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.models import ACCESS_RANK, AccessGranularity, Control
from evaluator.scoring import params
from evaluator.scoring.context import Context
from evaluator.scoring.fit import level_of
from evaluator.scoring.results import Gate, Violation
from evaluator.scoring.stackview import StackView

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


def data_holders(view: StackView, context: Context, catalog: Catalog) -> list[str]:
    """Tools that serve a needed stage that keeps the organisation's data."""
    return sorted(
        {
            owner
            for cap, owner in view.owners.items()
            if owner is not None and catalog.capabilities[cap].holds_data
        }
    )


def meets(view: StackView, tool_id: str, control: Control) -> bool:
    tool = view.tools[tool_id]
    g = tool.governance

    def hub_covers(capability: str) -> bool:
        hub = view.hub(capability)
        return hub is not None and view.reaches(hub, tool_id)

    if control is Control.AUDIT:
        return g.audit or hub_covers("audit")
    if control is Control.LINEAGE:
        return g.lineage or "openlineage" in tool.standards or hub_covers("lineage")
    if control is Control.SSO:
        return g.sso
    if control in (Control.ACCESS_ROLE, Control.ACCESS_FINE):
        needed = (
            AccessGranularity.FINE if control is Control.ACCESS_FINE else AccessGranularity.ROLE
        )
        if ACCESS_RANK[g.access_control] >= ACCESS_RANK[needed]:
            return True
        hub = view.hub("access-control")
        return (
            hub is not None
            and view.reaches(hub, tool_id)
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
    allowed = req.deployment.allowed
    for tool_id, tool in view.tools.items():
        if allowed is not None and not set(tool.deployment) & set(allowed):
            where = ", ".join(d.value for d in tool.deployment)
            out.append(
                Violation(
                    gate="deployment",
                    subject=tool_id,
                    message=f"{tool_id} runs only on {where}; allowed: {', '.join(d.value for d in allowed)}",
                )
            )
        if tool_id in req.avoid.tools:
            out.append(
                Violation(gate="avoid", subject=tool_id, message=f"{tool_id} is on the avoid list")
            )
        if tool.vendor.casefold() in {v.casefold() for v in req.avoid.vendors}:
            out.append(
                Violation(
                    gate="avoid",
                    subject=tool_id,
                    message=f"{tool_id} is from avoided vendor {tool.vendor}",
                )
            )
        avoided = {lic.casefold() for lic in req.avoid.licenses}
        if any(part.casefold() in avoided for part in tool.license.split()):
            out.append(
                Violation(
                    gate="avoid",
                    subject=tool_id,
                    message=f"{tool_id} is licensed {tool.license}, which is avoided",
                )
            )
    holders = data_holders(view, context, catalog)
    demands: list[tuple[Gate, str, Control]] = [
        ("sensitivity", f"{req.sensitivity.value} data", c)
        for c in params.SENSITIVITY_CONTROLS[req.sensitivity]
    ]
    for reg_id in sorted(req.regulations):
        demands.extend(("regulation", reg_id, c) for c in catalog.regulations[reg_id].requires)
    seen: set[tuple[str, Control]] = set()
    for gate, why, control in demands:
        if control in params.STACK_WIDE_CONTROLS:
            if (("*", control) not in seen) and not any(
                meets(view, t, control) for t in view.tools
            ):
                out.append(
                    Violation(
                        gate=gate,
                        subject=control.value,
                        message=f"{why} needs {control.value}: no tool in the stack provides it",
                    )
                )
            seen.add(("*", control))
            continue
        for tool_id in holders:
            if (tool_id, control) in seen:
                continue
            seen.add((tool_id, control))
            if not meets(view, tool_id, control):
                out.append(
                    Violation(
                        gate=gate,
                        subject=tool_id,
                        message=f"{why} needs {control.value} on {tool_id}, which holds data; neither it nor a governance tool reaching it provides it",
                    )
                )
    return out
