"""Turning landscape items into catalog entries and adding them to a catalog folder.

The rules (docs/catalog.md, "Importing a landscape"):

- an item already in the catalog (the built-in one, ``-c`` folders and the output folder) is
  skipped, matched by id, by name variant (case, punctuation, an "Apache" prefix), by
  repository URL or by homepage URL; existing entries are never modified, so curated facts cannot be overwritten;
- an item none of whose categories maps to a capability is reported as unmapped, not imported;
- everything else becomes an entry with ``curation: imported`` and honest defaults for what a
  landscape does not say: licence ``unknown`` unless the file gives one, openness ``unknown``
  (scored as proprietary), no bulk export claimed, capability levels 1, no governance features,
  deployment ``self-hosted`` when there is a public repository and ``saas`` otherwise (stated in
  ``notes``), sources = homepage and repo;
- new entries go to ``imported-<landscape file stem>.yaml`` in the output folder, appended after
  the ones a previous import wrote there, or to a new numbered file when that file was reshaped
  by hand. The written file is re-read and validated before it replaces anything.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evaluator.catalog_tools.landscape import (
    FOUNDATIONS,
    STAGE_DATE_KEYS,
    Landscape,
    LandscapeItem,
    LandscapeMapping,
    slug,
    spdx_from_text,
)
from evaluator.catalog_tools.layers import Layers
from evaluator.catalog_tools.lint import id_key, name_key, repo_key
from evaluator.errors import InputErrors
from evaluator.loading.files import load_document
from evaluator.loading.yamlsafe import parse_yaml
from evaluator.models import Tool

DESCRIPTION_LIMIT = 400


@dataclass(frozen=True)
class Skipped:
    name: str
    tool: str
    """The catalog tool it matched."""
    reason: str
    """``id``, ``name``, ``repo`` or ``homepage``: what matched."""


@dataclass(frozen=True)
class StageUpdate:
    """A landscape stage for a tool the catalog already has, where the catalog's differs."""

    name: str
    tool: str
    matched_by: str
    maturity: dict[str, Any]
    """The ``maturity`` the landscape gives, as catalog YAML data."""
    current: str | None
    """The stage the catalog records now (``None``: no maturity recorded)."""


@dataclass(frozen=True)
class Unmapped:
    name: str
    paths: tuple[str, ...]


@dataclass
class ImportReport:
    source: str
    listed: int = 0
    tools_in_file: int = 0
    ignored: int = 0
    """Items of categories the mapping ignores (organisations, not tools)."""
    merged: tuple[tuple[str, str], ...] = ()
    added: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)
    """(name, why) of items that cannot become an entry (no usable web address or id)."""
    written: str | None = None
    seconds: float = 0.0
    staged: int = 0
    """Items of the file with a foundation stage (outside ignored categories)."""
    staged_added: int = 0
    """Of those, added with their stage."""
    staged_known: int = 0
    """Of those, already in the catalog (see ``stage_updates`` for the ones recorded otherwise)."""
    stage_updates: list[StageUpdate] = field(default_factory=list)
    """Stages for tools already in the catalog that record none or another one (entries are
    never modified: a curator copies these)."""

    def unmapped_paths(self) -> dict[str, int]:
        """Unmapped items by category path, most first: what to add to the mapping."""
        counts: dict[str, int] = {}
        for item in self.unmapped:
            for path in item.paths:
                counts[path] = counts.get(path, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class _Index:
    ids: dict[str, str]
    id_keys: dict[str, str]
    names: dict[str, str]
    repos: dict[str, str]
    homepages: dict[str, str]
    repo_of: dict[str, str]

    @classmethod
    def of(cls, layers: Layers) -> _Index:
        index = cls({}, {}, {}, {}, {}, {})
        for entry in layers.entries:
            index.add(entry.tool.id, entry.tool.name, entry.tool.repo, entry.tool.homepage)
        return index

    def add(self, tool_id: str, name: str, repo: str | None, homepage: str | None) -> None:
        self.ids.setdefault(tool_id, tool_id)
        self.id_keys.setdefault(id_key(tool_id), tool_id)
        self.names.setdefault(name_key(name), tool_id)
        if repo:
            self.repos.setdefault(repo_key(repo), tool_id)
            self.repo_of.setdefault(tool_id, repo_key(repo))
        if homepage:
            self.homepages.setdefault(repo_key(homepage), tool_id)

    def match(self, item: LandscapeItem, candidate_id: str) -> Skipped | None:
        if item.repo and repo_key(item.repo) in self.repos:
            return Skipped(item.name, self.repos[repo_key(item.repo)], "repo")
        if item.homepage and repo_key(item.homepage) in self.homepages:
            same = self.homepages[repo_key(item.homepage)]
            # Two different repositories are two tools, whatever their homepages say (the LF AI
            # file gives CouchDB the Iceberg homepage).
            if not (item.repo and same in self.repo_of):
                return Skipped(item.name, same, "homepage")
        for name in (item.name, *item.other_names):
            if name_key(name) in self.names:
                return Skipped(item.name, self.names[name_key(name)], "name")
        if candidate_id and id_key(candidate_id) in self.id_keys:
            return Skipped(item.name, self.id_keys[id_key(candidate_id)], "id")
        return None


def plan_import(
    landscape: Landscape,
    mapping: LandscapeMapping,
    existing: Layers,
    *,
    as_of: dt.date,
) -> tuple[ImportReport, list[dict[str, Any]]]:
    """Decide, item by item, what to add; returns the report and the new entries (as YAML data,
    each already validated as a ``Tool``)."""
    started = time.perf_counter()
    report = ImportReport(
        source=landscape.file,
        listed=landscape.listed,
        tools_in_file=len(landscape.items),
        merged=landscape.merged,
    )
    index = _Index.of(existing)
    current = {e.tool.id: e.tool for e in existing.entries}
    entries: list[dict[str, Any]] = []
    for item in landscape.items:
        if all(mapping.ignored(p) for p in item.paths):
            report.ignored += 1
            continue
        report.staged += item.stage is not None
        tool_id = slug(item.name) or (
            slug(item.repo.rstrip("/").rsplit("/", 1)[-1]) if item.repo else ""
        )
        found = index.match(item, tool_id)
        if found is not None:
            report.skipped.append(found)
            report.staged_known += item.stage is not None
            stage = maturity_of(item, landscape, as_of)
            tool = current.get(found.tool)
            if stage is not None and tool is not None and _differs(tool, stage):
                now = tool.maturity.stage.value if tool.maturity and tool.maturity.stage else None
                report.stage_updates.append(
                    StageUpdate(item.name, found.tool, found.reason, stage, now)
                )
            continue
        capabilities = _capabilities(item, mapping)
        if not capabilities:
            report.unmapped.append(Unmapped(item.name, tuple(item.paths)))
            continue
        homepage = item.homepage or item.repo
        if not tool_id or not homepage:
            why = "no name usable as an id" if not tool_id else "no homepage or repo URL"
            report.invalid.append((item.name, why))
            continue
        entry = _entry(item, tool_id, homepage, capabilities, as_of, landscape.file)
        stage = maturity_of(item, landscape, as_of)
        if stage is not None:
            entry = _with_maturity(entry, stage)
            report.staged_added += 1
        Tool.model_validate(entry)  # a bug here is ours, not the user's: let it raise
        entries.append(entry)
        report.added.append(tool_id)
        index.add(tool_id, item.name, item.repo, homepage)
    report.seconds = time.perf_counter() - started
    return report, entries


def maturity_of(item: LandscapeItem, landscape: Landscape, as_of: dt.date) -> dict[str, Any] | None:
    """An item's foundation stage and dates as a catalog ``maturity`` (YAML data), or ``None``
    when the landscape gives no stage."""
    if item.stage is None:
        return None
    out: dict[str, Any] = {}
    if landscape.foundation:
        out["foundation"] = landscape.foundation
    out["stage"] = item.stage
    # Fresh date objects: the YAML writer would otherwise alias dates shared between entries.
    out.update(
        {
            key: dt.date.fromordinal(item.stage_dates[key].toordinal())
            for key in STAGE_DATE_KEYS
            if key in item.stage_dates
        }
    )
    out["source"] = FOUNDATIONS.get(landscape.foundation or "") or item.homepage or item.repo
    out["as_of"] = dt.date.fromordinal(as_of.toordinal())
    if not landscape.foundation:
        out["note"] = f"Stage from {Path(landscape.file).name}; its foundation is not named there."
    return out


def _differs(tool: Tool, stage: dict[str, Any]) -> bool:
    m = tool.maturity
    if m is None:
        return True
    return (m.stage.value if m.stage else None) != stage["stage"] or any(
        getattr(m, key) != stage.get(key) for key in STAGE_DATE_KEYS
    )


def _with_maturity(entry: dict[str, Any], maturity: dict[str, Any]) -> dict[str, Any]:
    """The entry with ``maturity`` placed before ``notes`` (the order curated files use)."""
    out = {k: v for k, v in entry.items() if k != "notes"}
    out["maturity"] = maturity
    if "notes" in entry:
        out["notes"] = entry["notes"]
    return out


def _capabilities(item: LandscapeItem, mapping: LandscapeMapping) -> dict[str, int]:
    override = mapping.for_item(item.name)
    if override is None:
        for other in item.other_names:
            override = mapping.for_item(other)
            if override is not None:
                break
    if override is not None:
        return dict.fromkeys(override, 1)
    caps: dict[str, int] = {}
    for path in item.paths:
        for cap in mapping.for_path(path) or ():
            caps[cap] = 1
    return caps


def _entry(
    item: LandscapeItem,
    tool_id: str,
    homepage: str,
    capabilities: dict[str, int],
    as_of: dt.date,
    source: str,
) -> dict[str, Any]:
    license_id = spdx_from_text(item.license_text)
    notes = [f"Imported from {Path(source).name} ({'; '.join(item.paths)})."]
    if item.other_names:
        notes.append(f"Also listed as: {', '.join(item.other_names)}.")
    if item.license_text and not license_id:
        notes.append(f"The landscape gives the licence as {item.license_text!r}.")
    elif not license_id:
        notes.append("Licence not given by the landscape.")
    notes.append(
        "Deployment inferred (self-hosted because the source is public)"
        if item.repo
        else "Deployment assumed vendor-hosted (no public repository)"
    )
    notes[-1] += "; openness, governance and levels not checked yet."
    if item.vendor is None:
        notes.append("Vendor unknown.")
    description = item.description
    if len(description) > DESCRIPTION_LIMIT:
        description = description[: DESCRIPTION_LIMIT - 3].rstrip() + "..."
    entry: dict[str, Any] = {
        "id": tool_id,
        "name": item.name,
        "vendor": item.vendor or "unknown",
        "description": description,
        "license": license_id or "unknown",
        "homepage": homepage,
    }
    if item.repo:
        entry["repo"] = item.repo
    entry.update(
        {
            "deployment": ["self-hosted"] if item.repo else ["saas"],
            "capabilities": capabilities,
            "openness": {"data_format": "unknown", "api": "unknown", "bulk_export": False},
            "sources": list(dict.fromkeys(u for u in (item.homepage, item.repo) if u)),
            "as_of": as_of,
            "curation": "imported",
            "notes": " ".join(notes),
        }
    )
    if not entry["description"]:
        del entry["description"]
    return entry


# --------------------------------------------------------------------------- writing


def dump_entries(entries: list[dict[str, Any]]) -> str:
    """Entries as a YAML block sequence, one blank line between them."""
    chunks = [
        yaml.safe_dump(
            [entry], sort_keys=False, default_flow_style=None, width=100, allow_unicode=True
        )
        for entry in entries
    ]
    return "\n".join(chunks)


def catalog_text(entries: list[dict[str, Any]], source: str, as_of: dt.date) -> str:
    header = (
        f"# Imported by `stackfit catalog import landscape` from {Path(source).name} on "
        f"{as_of.isoformat()}.\n"
        "# Entries marked `curation: imported` are not checked yet: `stackfit catalog lint` warns\n"
        "# about each one. Edit freely; a later import only appends new tools, never changes these.\n"
        "kind: catalog\nversion: 1\n"
        f"name: Imported from {Path(source).name}\n"
        "tools:\n"
    )
    return header + dump_entries(entries)


def target_file(out_dir: Path, source: str) -> Path:
    return out_dir / f"imported-{Path(source).stem}.yaml"


def write_entries(
    entries: list[dict[str, Any]], out_dir: Path, source: str, as_of: dt.date
) -> Path | None:
    """Add ``entries`` to the folder's import file (or a new one); ``None`` when none to add."""
    from evaluator.fsutil import atomic_write_text

    if not entries:
        return None
    target = target_file(out_dir, source)
    text = catalog_text(entries, source, as_of)
    if target.exists() or target.is_symlink():
        from evaluator.fsutil import read_regular
        from evaluator.loading.yamlsafe import MAX_BYTES

        # Only a regular file is read (a FIFO here hung the import); anything else is refused.
        current = read_regular(target, MAX_BYTES).decode("utf-8")
        appended = current.rstrip("\n") + "\n\n" + dump_entries(entries)
        if _still_valid(appended, target):
            text = appended
        else:
            number = 2
            while target.with_name(f"{target.stem}-{number}.yaml").exists():
                number += 1
            target = target.with_name(f"{target.stem}-{number}.yaml")
    atomic_write_text(target, text)
    load_document(target)  # re-read what was written: any problem is a bug, so let it raise
    return target


def _still_valid(text: str, target: Path) -> bool:
    """Whether appending at the end keeps the file a valid catalog whose last key is ``tools``."""
    try:
        parsed = parse_yaml(text, str(target))
    except InputErrors:
        return False
    data = parsed.data
    if not data or list(data)[-1] != "tools" or not isinstance(data["tools"], list):
        return False
    from evaluator.models import CatalogFile

    try:
        CatalogFile.model_validate(data)
    except ValueError:
        return False
    return True
