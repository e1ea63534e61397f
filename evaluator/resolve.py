"""Check the ids a requirements or stack file uses against the merged catalog.

The models only know an id's shape; whether ``snowflak`` is a tool needs the catalog, which is
assembled from several files. Checking here, once, with the file's own positions, means a typo is
reported at its line with a suggestion, and scoring never meets an unknown id.
"""

from __future__ import annotations

from evaluator.catalog import Catalog
from evaluator.errors import InputError
from evaluator.loading import messages as msg
from evaluator.loading.files import Document, as_requirements, as_stack
from evaluator.loading.yamlsafe import KeyPath


def check_requirements(req_doc: Document, catalog: Catalog) -> list[InputError]:
    """Every capability, regulation and tool id in a requirements file must be in the catalog."""
    req = as_requirements(req_doc)
    caps, tools = catalog.capabilities, catalog.tools
    hints = msg.Hints()
    errors = [
        req_doc.error(
            ("capabilities", cap), hints.unknown_ref("capability", cap, caps), at_key=True
        )
        for cap in req.capabilities
        if cap not in caps
    ]
    errors += [
        req_doc.error(("regulations", i), hints.unknown_ref("regulation", reg, catalog.regulations))
        for i, reg in enumerate(req.regulations)
        if reg not in catalog.regulations
    ]
    stages = [c.id for c in catalog.stages_in_order()]
    errors += [
        req_doc.error(("teams", t, "stages", s), hints.unknown_ref("capability", stage, stages))
        for t, team in enumerate(req.teams)
        for s, stage in enumerate(team.stages)
        if stage not in caps
    ]
    errors += [
        req_doc.error(("existing", i, "tool"), hints.unknown_ref("tool", item.tool, tools))
        for i, item in enumerate(req.existing)
        if item.tool not in tools
    ]
    for i, item in enumerate(req.existing):
        if item.version is not None and item.tool in tools:
            problem = version_problem(catalog, item.tool, item.version, hints)
            if problem:
                path: KeyPath = ("existing", i, "version")
                if path not in req_doc.positions.values:
                    path = ("existing", i, "tool")
                errors.append(req_doc.error(path, problem))
    errors += [
        req_doc.error(("avoid", "tools", i), hints.unknown_ref("tool", tool, tools))
        for i, tool in enumerate(req.avoid.tools)
        if tool not in tools
    ]
    errors += _check_units(req_doc, catalog, hints)
    return errors


def _check_units(req_doc: Document, catalog: Catalog, hints: msg.Hints) -> list[InputError]:
    """Unit ids are unique; a unit's capabilities and uses name capabilities the organisation
    declares (a unit is an overlay of them), its regulations ones the catalog knows."""
    req = as_requirements(req_doc)
    caps, declared = catalog.capabilities, req.capabilities
    errors: list[InputError] = []
    first: dict[str, int] = {}

    def capability(path: KeyPath, cap: str, *, at_key: bool = False) -> None:
        if cap not in caps:
            errors.append(
                req_doc.error(path, hints.unknown_ref("capability", cap, caps), at_key=at_key)
            )
        elif cap not in declared:
            message = msg.UNIT_CAPABILITY_NOT_DECLARED.format(capability=cap)
            errors.append(req_doc.error(path, message, at_key=at_key))

    for i, unit in enumerate(req.units):
        if unit.id in first:
            message = msg.DUPLICATE_UNIT.format(id=unit.id, other=first[unit.id])
            errors.append(req_doc.error(("units", i, "id"), message))
        else:
            first[unit.id] = i
        for cap in unit.capabilities:
            capability(("units", i, "capabilities", cap), cap, at_key=True)
        for j, cap in enumerate(unit.uses or ()):
            capability(("units", i, "uses", j), cap)
        errors += [
            req_doc.error(
                ("units", i, "regulations", j),
                hints.unknown_ref("regulation", reg, catalog.regulations),
            )
            for j, reg in enumerate(unit.regulations or ())
            if reg not in catalog.regulations
        ]
    return errors


def check_stack(stack_doc: Document, catalog: Catalog) -> list[InputError]:
    """Tool and capability ids must be known, and roles and integrations must stay in the stack."""
    stack = as_stack(stack_doc)
    known, in_stack = catalog.tools, set(stack.tools)
    hints = msg.Hints()
    errors = [
        stack_doc.error(("tools", i), hints.unknown_ref("tool", tool, known))
        for i, tool in enumerate(stack.tools)
        if tool not in known
    ]
    for i, tool in enumerate(stack.tools):
        version = stack.pins.get(tool)
        if version is not None and tool in known:
            problem = version_problem(catalog, tool, version, hints)
            if problem:
                at: KeyPath = ("pins", tool)
                if at not in stack_doc.positions.values:
                    at = ("tools", i)
                errors.append(stack_doc.error(at, problem))
    for cap, tool in stack.roles.items():
        path: KeyPath = ("roles", cap)
        if cap not in catalog.capabilities:
            message = hints.unknown_ref("capability", cap, catalog.capabilities)
            errors.append(stack_doc.error(path, message, at_key=True))
        if tool not in known:
            errors.append(stack_doc.error(path, hints.unknown_ref("tool", tool, in_stack or known)))
        elif tool not in in_stack:
            message = msg.ROLE_NOT_IN_STACK.format(capability=cap, tool=tool)
            errors.append(stack_doc.error(path, message))
        elif cap in catalog.capabilities and cap not in known[tool].capabilities:
            served = ", ".join(sorted(known[tool].capabilities))
            message = msg.ROLE_LACKS_CAPABILITY.format(
                capability=cap, tool=tool, capabilities=served
            )
            errors.append(stack_doc.error(path, message))
    for i, integration in enumerate(stack.integrations):
        for end, tool in (("from", integration.source), ("to", integration.target)):
            path = ("integrations", i, end)
            if tool not in known:
                errors.append(stack_doc.error(path, hints.unknown_ref("tool", tool, known)))
            elif tool not in in_stack:
                errors.append(stack_doc.error(path, msg.ENDPOINT_NOT_IN_STACK.format(tool=tool)))
    return errors


def version_problem(catalog: Catalog, tool: str, version: str, hints: msg.Hints) -> str | None:
    """Why a pinned release cannot be judged: no cycles known for the tool, or none it is in."""
    from evaluator.scoring.lifecycle import cycle_for

    lifecycle = catalog.lifecycle.get(tool)
    if lifecycle is None:
        return msg.NO_CYCLES.format(tool=tool, version=version)
    if cycle_for(lifecycle, version) is not None:
        return None
    cycles = [c.cycle for c in lifecycle.cycles]
    return msg.UNKNOWN_CYCLE.format(
        tool=tool,
        version=version,
        hint=hints.did_you_mean(version, cycles),
        known=", ".join(cycles[:12]) + (", ..." if len(cycles) > 12 else ""),
    )
