"""Finding tools: filter the merged catalog, show one tool with where each fact is written, and
search by text.

Nothing here prints; ``evaluator.catalog_tools.render`` turns the results into tables or JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from evaluator.catalog import Catalog
from evaluator.catalog_tools.layers import Layers, ToolEntry
from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg
from evaluator.models import Deployment, Tool

# --------------------------------------------------------------------------- list


@dataclass(frozen=True)
class Filters:
    """Every given filter must hold. Repeating an option narrows further (all capabilities,
    formats and standards named), except licences, deployments and vendors, where any of the
    named values will do (a tool has one licence and one vendor)."""

    capabilities: tuple[str, ...] = ()
    """Capability ids, optionally with a minimum level: ``training`` or ``training:2``."""
    licenses: tuple[str, ...] = ()
    deployments: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    standards: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    """Case-insensitive substrings of the vendor name."""


def _capability_filter(value: str) -> tuple[str, int]:
    cap, _, level = value.partition(":")
    return cap, int(level) if level.isdigit() else 1


def check_filters(catalog: Catalog, filters: Filters) -> None:
    """Raises ``InputErrors`` for filter values that name nothing, with a "did you mean"."""
    errors: list[InputError] = []

    def unknown(option: str, what: str, value: str, known: Iterable[str]) -> None:
        errors.append(InputError(option, None, None, "", msg.unknown_ref(what, value, known)))

    for value in filters.capabilities:
        cap, _, level = value.partition(":")
        if cap not in catalog.capabilities:
            unknown("--capability", "capability", cap, catalog.capabilities)
        elif level and level not in ("1", "2", "3"):
            message = msg.BAD_FILTER_LEVEL.format(value=value)
            errors.append(InputError("--capability", None, None, "", message))
    for value in filters.deployments:
        if value not in {d.value for d in Deployment}:
            unknown("--deployment", "deployment", value, (d.value for d in Deployment))
    for value in filters.formats:
        if value not in catalog.formats:
            unknown("--format", "format", value, catalog.formats)
    for value in filters.standards:
        if value not in catalog.standards:
            unknown("--standard", "standard", value, catalog.standards)
    if errors:
        raise InputErrors(errors)


def license_parts(license_expression: str) -> set[str]:
    """The licence ids of an SPDX expression, lower case (``MIT AND Elastic-2.0`` -> both)."""
    return {p.lower() for p in license_expression.split() if p not in ("AND", "OR", "WITH")}


def matches(tool: Tool, filters: Filters) -> bool:
    for value in filters.capabilities:
        cap, level = _capability_filter(value)
        if tool.capabilities.get(cap, 0) < level:
            return False
    if filters.licenses and not license_parts(tool.license) & {x.lower() for x in filters.licenses}:
        return False
    if filters.deployments and not {d.value for d in tool.deployment} & set(filters.deployments):
        return False
    if not set(filters.formats) <= set(tool.formats):
        return False
    if not set(filters.standards) <= set(tool.standards):
        return False
    vendor = tool.vendor.casefold()
    return not filters.vendors or any(v.casefold() in vendor for v in filters.vendors)


def list_tools(catalog: Catalog, filters: Filters = Filters()) -> list[Tool]:
    """Tools matching every filter, by id."""
    check_filters(catalog, filters)
    return [t for t in catalog.tools.values() if matches(t, filters)]


# --------------------------------------------------------------------------- show


@dataclass(frozen=True)
class Fact:
    """One fact of a tool as ``catalog show`` prints it."""

    field: str
    value: Any
    """JSON-ready value."""
    text: str
    """The value as one line of text."""
    at: str
    """``file:line`` where it is written, or ``(default)`` when the file leaves it out."""


@dataclass(frozen=True)
class ToolDetails:
    entry: ToolEntry
    facts: tuple[Fact, ...]
    replaces: tuple[str, ...]
    """Origins of the definitions in earlier layers that this one replaces."""
    integrated_by: tuple[tuple[str, str], ...]
    """(tool id, kind) of other tools that declare an integration with this one."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) if value else "-"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items()) if value else "-"
    return str(value)


def _item_text(section: str, item: dict[str, Any]) -> str:
    if section == "integrations":
        head = f"{item['tool']} ({item['kind']})"
    else:
        head = f"{item['license']} until {item['until']}"
    tail = "; ".join(str(item[k]) for k in ("note", "source") if k in item)
    return f"{head}: {tail}" if tail else head


def details(catalog: Catalog, layers: Layers, tool_id: str) -> ToolDetails:
    """Every fact of one tool with the file and line it comes from."""
    entry = layers.winners.get(tool_id)
    if entry is None or tool_id not in catalog.tools:
        message = msg.unknown_ref("tool", tool_id, catalog.tools)
        raise InputErrors([InputError("catalog show", None, None, "", message)])
    tool = entry.tool
    dumped = tool.model_dump(mode="json")
    written = tool.model_fields_set
    facts: list[Fact] = []

    def add(field: str, value: Any, path: tuple[str | int, ...], present: bool) -> None:
        at = entry.where(*path) if present else "(default)"
        facts.append(Fact(field, value, _text(value), at))

    for name in type(tool).model_fields:
        value, present = dumped[name], name in written
        if name in ("governance", "openness", "open_core") and isinstance(value, dict):
            sub = getattr(tool, name)
            for key, item in value.items():
                add(f"{name}.{key}", item, (name, key), present and key in sub.model_fields_set)
        elif name in ("integrations", "license_history") and value:
            for index, item in enumerate(value):
                shown = {k: v for k, v in item.items() if v is not None}
                at = entry.where(name, index)
                facts.append(Fact(f"{name}[{index}]", shown, _item_text(name, shown), at))
        elif name == "capabilities":
            for cap, level in value.items():
                add(f"capabilities.{cap}", level, (name, cap), present)
        else:
            add(name, value, (name,), present)
    by = sorted(
        (other.id, integration.kind.value)
        for other in catalog.tools.values()
        for integration in other.integrations
        if integration.tool == tool_id
    )
    replaced = tuple(e.origin() for e in layers.replaced(tool_id))
    return ToolDetails(entry, tuple(facts), replaced, tuple(by))


# --------------------------------------------------------------------------- search

SEARCH_WEIGHTS = {
    "id-exact": 100,
    "name-exact": 90,
    "capability-exact": 25,  # times the tool's level: "feature store" finds the best ones first
    "id": 40,
    "name": 40,
    "capability": 30,
    "vendor": 20,
    "description": 5,
}
"""Points per query word by where it matched; the best place counts once per word."""


@dataclass(frozen=True)
class Hit:
    tool: Tool
    score: int
    matched: tuple[str, ...]
    """Where the words matched: id, name, capability, vendor, description."""


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w.+-]+", text.casefold()) if w]


def search(catalog: Catalog, text: str, *, limit: int = 20) -> list[Hit]:
    """Tools ranked by how well ``text`` matches: the whole text as the id or name first, then
    each word in id, name, capability, vendor, description. Every word must match somewhere."""
    query = text.strip().casefold()
    words = _words(query)
    hits: list[Hit] = []
    for tool in catalog.tools.values():
        fields = {
            "id": tool.id.casefold(),
            "name": tool.name.casefold(),
            "capability": " ".join(
                f"{c} {catalog.capabilities[c].name}" if c in catalog.capabilities else c
                for c in tool.capabilities
            ).casefold(),
            "vendor": tool.vendor.casefold(),
            "description": tool.description.casefold(),
        }
        score = 0
        matched: set[str] = set()
        if query in (fields["id"], fields["name"]):
            score += SEARCH_WEIGHTS["id-exact" if query == fields["id"] else "name-exact"]
            matched.add("id" if query == fields["id"] else "name")
        for cap, level in tool.capabilities.items():
            known = catalog.capabilities.get(cap)
            if query in (cap, known.name.casefold() if known else cap):
                score += SEARCH_WEIGHTS["capability-exact"] * level
                matched.add("capability")
        found_all = True
        for word in words:
            places = [f for f, value in fields.items() if word in value]
            if not places:
                found_all = False
                break
            score += max(SEARCH_WEIGHTS[p] for p in places)
            matched.update(places)
        if found_all and score:
            order = ("id", "name", "capability", "vendor", "description")
            hits.append(Hit(tool, score, tuple(p for p in order if p in matched)))
    hits.sort(key=lambda h: (-h.score, h.tool.id))
    return hits[:limit]
