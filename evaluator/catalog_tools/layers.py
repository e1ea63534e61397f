"""Catalog folders loaded with every tool's file, list index and layer kept.

``evaluator.catalog`` merges layers into a ``Catalog`` and keeps only a one-line origin per tool;
the catalog commands need more: the line of each fact (``catalog show``), every definition
including the ones a later layer replaced (``catalog lint``), and catalogs that are not yet
consistent (lint reports unknown references as findings instead of refusing the catalog).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from evaluator.catalog import BUILTIN_LABEL, Catalog, CatalogLayer, build_catalog, load_layer
from evaluator.errors import InputError, InputErrors
from evaluator.loading.files import Document, as_catalog
from evaluator.loading.yamlsafe import KeyPath
from evaluator.models import Capability, Tool
from evaluator.resources import builtin_catalog_dir


@dataclass(frozen=True)
class ToolEntry:
    """One definition of a tool: the model, the file it is in and its index in ``tools``."""

    tool: Tool
    doc: Document
    index: int
    layer: str

    @property
    def file(self) -> str:
        return self.doc.display_name

    def position(self, *path: str | int) -> tuple[int, int] | None:
        """1-based (line, column) of ``tools[index].<path>``, or of the entry itself."""
        return self.doc.positions.locate(("tools", self.index, *path))

    def where(self, *path: str | int) -> str:
        """``file:line`` of a fact of this entry (the entry itself without ``path``)."""
        found = self.position(*path)
        return f"{self.file}:{found[0]}" if found else self.file

    def origin(self) -> str:
        return f"{self.layer}: {self.where()}"


@dataclass(frozen=True)
class CapabilityEntry:
    capability: Capability
    doc: Document
    path: KeyPath


@dataclass(frozen=True)
class Layers:
    """Catalog layers in merge order (built-in first); later layers replace earlier tools."""

    layers: tuple[CatalogLayer, ...]

    @cached_property
    def entries(self) -> tuple[ToolEntry, ...]:
        """Every tool definition, in layer then file then list order."""
        return tuple(
            ToolEntry(tool, doc, index, layer.label)
            for layer in self.layers
            for doc in layer.documents
            for index, tool in enumerate(as_catalog(doc).tools)
        )

    @cached_property
    def winners(self) -> dict[str, ToolEntry]:
        """Tool id -> the definition in force (the last layer's; within a layer the first)."""
        found: dict[str, ToolEntry] = {}
        for entry in self.entries:
            current = found.get(entry.tool.id)
            if current is None or current.layer != entry.layer:
                found[entry.tool.id] = entry
        return dict(sorted(found.items()))

    def replaced(self, tool_id: str) -> tuple[ToolEntry, ...]:
        """Definitions of ``tool_id`` in earlier layers that the one in force replaces."""
        winner = self.winners.get(tool_id)
        return tuple(
            e
            for e in self.entries
            if e.tool.id == tool_id and winner is not None and e.layer != winner.layer
        )

    @cached_property
    def capabilities(self) -> dict[str, CapabilityEntry]:
        """Capability id -> its first definition."""
        found: dict[str, CapabilityEntry] = {}
        for layer in self.layers:
            for doc in layer.documents:
                for index, cap in enumerate(as_catalog(doc).capabilities):
                    found.setdefault(cap.id, CapabilityEntry(cap, doc, ("capabilities", index)))
        return found

    def vocabulary(self, section: str) -> set[str]:
        """Ids defined in ``formats``, ``standards`` or ``regulations`` of any layer."""
        return {
            entry.id
            for layer in self.layers
            for doc in layer.documents
            for entry in getattr(as_catalog(doc), section)
        }


def catalog_sources(
    catalog_dirs: Sequence[Path], *, builtin: bool = True
) -> list[tuple[Path, str]]:
    sources = [(builtin_catalog_dir(), BUILTIN_LABEL)] if builtin else []
    return sources + [(Path(d), str(d)) for d in catalog_dirs]


def load_layers(catalog_dirs: Sequence[Path] = (), *, builtin: bool = True) -> Layers:
    """Read and schema-check every file of every layer; raises ``InputErrors`` with all problems.

    Cross-references are not checked here (``open_catalog`` does, lint reports them itself).
    """
    layers: list[CatalogLayer] = []
    errors: list[InputError] = []
    for folder, label in catalog_sources(catalog_dirs, builtin=builtin):
        layer, layer_errors = load_layer(folder, label)
        layers.append(layer)
        errors.extend(layer_errors)
    if errors:
        raise InputErrors(errors)
    return Layers(tuple(layers))


def open_catalog(
    catalog_dirs: Sequence[Path] = (), *, builtin: bool = True
) -> tuple[Catalog, Layers]:
    """The merged, fully checked catalog together with where each tool is defined."""
    layers = load_layers(catalog_dirs, builtin=builtin)
    return build_catalog(layers.layers), layers
