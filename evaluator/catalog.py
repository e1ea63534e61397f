"""The merged catalog: every capability, vocabulary entry, regulation and tool stackfit knows.

The catalog comes in layers: the built-in one first, then any organisation catalogs. Within a
layer a tool id must be unique (two files defining it is a mistake); a later layer replaces a
tool of an earlier one (an organisation knows its own deployment better), and ``origin`` records
where each tool came from so reports can say so. References between entries are checked once
here, on the merged result, so scoring can trust them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg
from evaluator.loading.files import Document, as_catalog, load_document, yaml_files
from evaluator.models import (
    Capability,
    CapabilityKind,
    RadarEntry,
    Regulation,
    Tool,
    ToolLifecycle,
    VocabEntry,
    VocabKind,
)
from evaluator.resources import builtin_catalog_dir

BUILTIN_LABEL = "built-in"


@dataclass(frozen=True)
class Catalog:
    """Everything known, by id. Built only by ``build_catalog``, which checks all references."""

    capabilities: dict[str, Capability]
    formats: dict[str, VocabEntry]
    standards: dict[str, VocabEntry]
    regulations: dict[str, Regulation]
    tools: dict[str, Tool]
    origin: dict[str, str]
    """Tool id -> "<layer label>: <file>", plus what it overrides if it replaced a tool."""
    radar: dict[str, RadarEntry] = field(default_factory=dict)
    """Tool id -> the organisation's ring (the last layer that gives one)."""
    lifecycle: dict[str, ToolLifecycle] = field(default_factory=dict)
    """Tool id -> its release cycles (the last layer that gives them)."""

    def tool(self, tool_id: str) -> Tool:
        return self.tools[tool_id]

    def stages_in_order(self) -> tuple[Capability, ...]:
        """Lifecycle stages, earliest first; ties (and stages without ``order``) by id."""
        stages = [c for c in self.capabilities.values() if c.kind is CapabilityKind.STAGE]
        return tuple(sorted(stages, key=lambda c: (c.order is None, c.order or 0, c.id)))


@dataclass(frozen=True)
class CatalogLayer:
    """The catalog files of one source: the built-in catalog or one organisation folder."""

    label: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class _Placed:
    """An entry with the file and list index it was defined at, for error positions."""

    value: Any
    doc: Document
    section: str
    index: int

    @property
    def path(self) -> tuple[str | int, ...]:
        return (self.section, self.index)

    def where(self) -> str:
        position = self.doc.positions.locate(self.path)
        return f"{self.doc.display_name}:{position[0]}" if position else self.doc.display_name


def load_catalog(extra_dirs: Sequence[Path] = (), *, builtin: bool = True) -> Catalog:
    """The built-in catalog (unless ``builtin`` is false) merged with organisation folders, in
    order; raises ``InputErrors`` with every problem in every file."""
    sources = [(builtin_catalog_dir(), BUILTIN_LABEL)] if builtin else []
    sources += [(folder, str(folder)) for folder in extra_dirs]
    layers, errors = [], []
    for folder, label in sources:
        layer, layer_errors = load_layer(folder, label)
        layers.append(layer)
        errors.extend(layer_errors)
    if errors:
        raise InputErrors(errors)
    return build_catalog(layers)


def load_layer(folder: Path, label: str) -> tuple[CatalogLayer, list[InputError]]:
    """Load every YAML file under ``folder`` (recursively: catalogs are split into subfolders).

    Built-in files are named relative to the catalog folder's parent (``catalog/tools/x.yaml``),
    so messages read the same in a checkout and in an installed wheel.
    """
    if not folder.is_dir():
        return CatalogLayer(label, ()), [InputError(str(folder), None, None, "", msg.NO_SUCH_PATH)]
    documents: list[Document] = []
    errors: list[InputError] = []
    for path in yaml_files(folder, recursive=True):
        relative = path.relative_to(folder)
        if label == BUILTIN_LABEL:
            name = (Path(folder.name) / relative).as_posix()
        else:
            name = str(folder / relative)
        try:
            doc = load_document(path, display_name=name)
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        if doc.kind != "catalog":
            message = msg.WRONG_KIND_HERE.format(expected="catalog", got=doc.kind)
            errors.append(doc.error(("kind",), message))
            continue
        documents.append(doc)
    if not documents and not errors:
        errors.append(InputError(str(folder), None, None, "", msg.EMPTY_FOLDER))
    return CatalogLayer(label, tuple(documents)), errors


def build_catalog(layers: Iterable[CatalogLayer]) -> Catalog:
    """Merge layers and check every cross-reference; raises ``InputErrors`` listing them all."""
    errors: list[InputError] = []
    vocab: dict[str, dict[str, _Placed]] = {
        s: {} for s in ("capabilities", "formats", "standards", "regulations")
    }
    tools: dict[str, _Placed] = {}
    origin: dict[str, str] = {}
    per_tool: dict[str, dict[str, _Placed]] = {"radar": {}, "lifecycle": {}}
    for layer in layers:
        in_layer: dict[str, _Placed] = {}
        sections_in_layer: dict[str, dict[str, _Placed]] = {"radar": {}, "lifecycle": {}}
        for doc in layer.documents:
            model = as_catalog(doc)
            for section, seen in sections_in_layer.items():
                for index, entry in enumerate(getattr(model, section)):
                    placed = _Placed(entry, doc, section, index)
                    if entry.tool in seen:
                        message = msg.DUPLICATE_TOOL_SECTION.format(
                            section=section, id=entry.tool, other=seen[entry.tool].where()
                        )
                        errors.append(doc.error((*placed.path, "tool"), message))
                        continue
                    seen[entry.tool] = placed
                    per_tool[section][entry.tool] = placed
            for section, known in vocab.items():
                for index, entry in enumerate(getattr(model, section)):
                    _add_vocab(known, _Placed(entry, doc, section, index), errors)
            for index, tool in enumerate(model.tools):
                placed = _Placed(tool, doc, "tools", index)
                if tool.id in in_layer:
                    message = msg.DUPLICATE_TOOL.format(id=tool.id, other=in_layer[tool.id].where())
                    errors.append(doc.error((*placed.path, "id"), message))
                    continue
                in_layer[tool.id] = placed
                here = f"{layer.label}: {doc.display_name}"
                if tool.id in tools:
                    here += f" (overrides {origin[tool.id]})"
                tools[tool.id] = placed
                origin[tool.id] = here
    catalog = Catalog(
        capabilities={k: p.value for k, p in sorted(vocab["capabilities"].items())},
        formats={k: p.value for k, p in sorted(vocab["formats"].items())},
        standards={k: p.value for k, p in sorted(vocab["standards"].items())},
        regulations={k: p.value for k, p in sorted(vocab["regulations"].items())},
        tools={k: p.value for k, p in sorted(tools.items())},
        origin=dict(sorted(origin.items())),
        radar={k: p.value for k, p in sorted(per_tool["radar"].items())},
        lifecycle={k: p.value for k, p in sorted(per_tool["lifecycle"].items())},
    )
    for placements in per_tool.values():
        for placed in placements.values():
            if placed.value.tool not in catalog.tools:
                message = msg.unknown_ref("tool", placed.value.tool, catalog.tools)
                errors.append(placed.doc.error((*placed.path, "tool"), message))
    errors.extend(_check_feeds(catalog, vocab["capabilities"].values()))
    for placed in tools.values():
        errors.extend(_check_tool(catalog, placed))
    if errors:
        raise InputErrors(errors)
    return catalog


def _add_vocab(known: dict[str, _Placed], placed: _Placed, errors: list[InputError]) -> None:
    """The same id may be defined in several files (authors copy what they need) if equal."""
    entry_id = placed.value.id
    first = known.get(entry_id)
    if first is None:
        known[entry_id] = placed
    elif first.value != placed.value:
        what = {"capabilities": "capability", "regulations": "regulation"}.get(
            placed.section, placed.section[:-1]
        )
        message = msg.CONFLICTING_ENTRY.format(what=what, id=entry_id, other=first.where())
        errors.append(placed.doc.error(placed.path, message))


def _check_feeds(catalog: Catalog, capabilities: Iterable[_Placed]) -> list[InputError]:
    stages = [c.id for c in catalog.stages_in_order()]
    errors = []
    for placed in capabilities:
        for index, target in enumerate(placed.value.feeds):
            path = (*placed.path, "feeds", index)
            known = catalog.capabilities.get(target)
            if known is None:
                errors.append(placed.doc.error(path, msg.unknown_ref("stage", target, stages)))
            elif known.kind is not CapabilityKind.STAGE:
                message = msg.NOT_A_STAGE.format(ref=target, kind=known.kind.value)
                errors.append(placed.doc.error(path, message))
    return errors


def _check_tool(catalog: Catalog, placed: _Placed) -> list[InputError]:
    tool: Tool = placed.value
    doc, base = placed.doc, placed.path
    errors = [
        doc.error(
            (*base, "capabilities", cap),
            msg.unknown_ref("capability", cap, catalog.capabilities),
            at_key=True,
        )
        for cap in tool.capabilities
        if cap not in catalog.capabilities
    ]
    for section, known in (("formats", catalog.formats), ("standards", catalog.standards)):
        for index, ref in enumerate(getattr(tool, section)):
            if ref not in known:
                message = msg.unknown_ref(section[:-1], ref, known)
                errors.append(doc.error((*base, section, index), message))
    runtimes = {k: v for k, v in catalog.standards.items() if v.kind is VocabKind.RUNTIME}
    for index, ref in enumerate(tool.runs_in):
        if ref not in runtimes:
            message = msg.unknown_ref("runtime", ref, runtimes)
            errors.append(doc.error((*base, "runs_in", index), message))
        elif ref in tool.standards:
            message = msg.RUNS_IN_OWN_RUNTIME.format(id=tool.id, runtime=ref)
            errors.append(doc.error((*base, "runs_in", index), message))
    for index, integration in enumerate(tool.integrations):
        path = (*base, "integrations", index, "tool")
        if integration.tool == tool.id:
            errors.append(doc.error(path, msg.SELF_INTEGRATION.format(id=tool.id)))
        elif integration.tool not in catalog.tools:
            message = msg.unknown_ref("tool", integration.tool, catalog.tools)
            errors.append(doc.error(path, message))
    return errors
