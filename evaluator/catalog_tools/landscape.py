"""Reading a CNCF / LF AI & Data ``landscape.yml`` and the table that maps its categories to
stackfit capabilities.

The format, as the real files write it (``/work/shared/data`` has copies)::

    landscape:
      - category:
        name: Data
        subcategories:
          - subcategory:
            name: Stream Processing
            items:
              - item:
                name: Flink
                homepage_url: https://flink.apache.org/
                repo_url: https://github.com/apache/flink

Its quirks, each handled here: ``- item:`` with no value followed by the item's keys at the same
level (so every item mapping also holds ``item: null``, which is ignored); the same project
listed twice under different names ("Flink" and "Apache Flink") or in several subcategories, and
``second_path`` naming extra ones (all merged into one item); items without ``repo_url``
(proprietary services, organisations); ``license`` as free text on a few items; empty values
(``crunchbase:`` with nothing after it).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from evaluator.catalog_tools.lint import name_key, repo_key
from evaluator.catalog_tools.spdx import canonical
from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg
from evaluator.loading.schema import schema_errors
from evaluator.loading.yamlsafe import KeyPath, PositionMap, read_yaml
from evaluator.models import ID_PATTERN, Id, Model

MAX_LANDSCAPE_BYTES = 20 * 1024 * 1024
"""The CNCF file is about 1 MiB; leave room for growth but stay bounded."""
MAX_LANDSCAPE_NODES = 2_000_000
DEFAULT_MAPPING = Path(__file__).resolve().parent.parent / "data" / "landscape-mapping.yaml"

# --------------------------------------------------------------------------- the mapping table


class LandscapeMapping(Model):
    """``evaluator/data/landscape-mapping.yaml``; its comments document each key."""

    kind: Literal["landscape-mapping"]
    version: Literal[1]
    ignore: tuple[str, ...] = Field(
        default=(), description="Categories whose items are organisations, not tools."
    )
    subcategories: dict[str, tuple[Id, ...]] = Field(
        default_factory=dict,
        description='"Category / Subcategory" or "Category" -> capability ids ([] = none).',
    )
    items: dict[str, tuple[Id, ...]] = Field(
        default_factory=dict, description="Item name -> capability ids, overriding the above."
    )

    def for_path(self, path: str) -> tuple[str, ...] | None:
        """Capabilities for "Category / Subcategory"; ``None`` when the mapping says nothing."""
        if path in self.subcategories:
            return self.subcategories[path]
        category = path.split(" / ", 1)[0]
        return self.subcategories.get(category)

    def for_item(self, name: str) -> tuple[str, ...] | None:
        wanted = name_key(name)
        for key, caps in self.items.items():
            if name_key(key) == wanted:
                return caps
        return None

    def ignored(self, path: str) -> bool:
        return path.split(" / ", 1)[0] in self.ignore


def load_mapping(path: Path | None, capabilities: Iterable[str]) -> LandscapeMapping:
    """Read and check a mapping file (the shipped one by default) against the capability ids."""
    path = path or DEFAULT_MAPPING
    name = str(path)
    parsed = read_yaml(path, name)
    try:
        mapping = LandscapeMapping.model_validate(parsed.data)
    except ValidationError as exc:
        raise InputErrors(schema_errors(exc, LandscapeMapping, name, parsed.positions)) from None
    known = set(capabilities)
    errors = [
        parsed.positions.error(
            name, (section, key, index), msg.unknown_ref("capability", cap, known)
        )
        for section in ("subcategories", "items")
        for key, caps in getattr(mapping, section).items()
        for index, cap in enumerate(caps)
        if cap not in known
    ]
    if errors:
        raise InputErrors(errors)
    return mapping


# --------------------------------------------------------------------------- the landscape file


@dataclass
class LandscapeItem:
    """One tool of a landscape, after merging the places it is listed."""

    name: str
    homepage: str | None
    repo: str | None
    description: str
    license_text: str | None
    vendor: str | None
    line: int
    paths: list[str] = field(default_factory=list)
    """Every "Category / Subcategory" it is listed in (including ``second_path``)."""
    other_names: list[str] = field(default_factory=list)
    shared_repo: bool = False
    """``allow_duplicate_repo``: other items legitimately share this repository."""
    stage: str | None = None
    """The foundation stage (``project:``): sandbox, incubating, graduated or archived."""
    stage_dates: dict[str, dt.date] = field(default_factory=dict)
    """``extra.accepted``, ``incubating``, ``graduated``, ``archived`` as the file gives them."""


@dataclass(frozen=True)
class Landscape:
    file: str
    items: tuple[LandscapeItem, ...]
    listed: int
    """Item entries in the file, counting repeats."""
    merged: tuple[tuple[str, str], ...]
    """(name seen again, the item it was merged into), for the report."""
    foundation: str | None = None
    """The foundation whose landscape it is, told by its member category (CNCF, LF AI & Data)."""


FOUNDATIONS = {
    "CNCF": "https://landscape.cncf.io/",
    "LF AI & Data": "https://landscape.lfaidata.foundation/",
}
"""Foundations whose landscapes give project stages, and their public landscape (the source a
stage is recorded with)."""
_STAGE_WORDS = {
    "sandbox": "sandbox",
    "incubating": "incubating",
    "incubation": "incubating",
    "graduated": "graduated",
    "archived": "archived",
}
STAGE_DATE_KEYS = ("accepted", "incubating", "graduated", "archived")


def _foundation(categories: list[Any]) -> str | None:
    names = [_text(c.get("name")) or "" for c in categories if isinstance(c, dict)]
    if any("CNCF" in n for n in names):
        return "CNCF"
    if any("LF AI" in n for n in names):
        return "LF AI & Data"
    return None


def _stage(raw: dict[str, Any]) -> tuple[str | None, dict[str, dt.date]]:
    """The item's stage (``project:``, or ``extra.project`` where an item keeps it there) and
    the stage dates under ``extra``; spellings such as "incubation" are normalised."""
    extra = raw.get("extra") if isinstance(raw.get("extra"), dict) else {}
    assert isinstance(extra, dict)
    word = _text(raw.get("project")) or _text(extra.get("project"))
    stage = _STAGE_WORDS.get(word.lower()) if word else None
    dates: dict[str, dt.date] = {}
    for key in STAGE_DATE_KEYS:
        value = extra.get(key)
        if isinstance(value, dt.date):
            dates[key] = value
        elif isinstance(value, str):
            try:
                dates[key] = dt.date.fromisoformat(value.strip())
            except ValueError:
                continue
    return stage, dates


_URL = re.compile(r"^https?://\S+$")


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _url(value: Any) -> str | None:
    text = _text(value)
    return text if text and _URL.match(text) and len(text) <= 500 else None


def _vendor(item: dict[str, Any]) -> str | None:
    org = item.get("organization")
    if isinstance(org, dict) and _text(org.get("name")):
        return _text(org.get("name"))
    crunchbase = _text(item.get("crunchbase"))
    if crunchbase and "/organization/" in crunchbase:
        slug = crunchbase.rstrip("/").rsplit("/", 1)[-1]
        return f"{slug.replace('-', ' ').title()} (from Crunchbase)" if slug else None
    return None


def read_landscape(path: Path, display_name: str | None = None) -> Landscape:
    """Every tool of a landscape file, merged by repository and by name variant."""
    name = display_name or str(path)
    parsed = read_yaml(path, name, max_bytes=MAX_LANDSCAPE_BYTES, max_nodes=MAX_LANDSCAPE_NODES)
    root = parsed.data.get("landscape")
    if not isinstance(root, list):
        error = parsed.positions.error(name, ("landscape",), msg.LANDSCAPE_NOT_A_LANDSCAPE)
        raise InputErrors([error])
    items: list[LandscapeItem] = []
    by_repo: dict[str, LandscapeItem] = {}
    by_name: dict[str, LandscapeItem] = {}
    merged: list[tuple[str, str]] = []
    listed = 0
    errors: list[InputError] = []
    for c_index, category in enumerate(root):
        if not isinstance(category, dict):
            errors.append(_shape_error(parsed.positions, name, ("landscape", c_index), "category"))
            continue
        c_name = _text(category.get("name")) or "?"
        for s_index, sub in enumerate(category.get("subcategories") or []):
            base: KeyPath = ("landscape", c_index, "subcategories", s_index)
            if not isinstance(sub, dict):
                errors.append(_shape_error(parsed.positions, name, base, "subcategory"))
                continue
            path_name = f"{c_name} / {_text(sub.get('name')) or '?'}"
            for i_index, raw in enumerate(sub.get("items") or []):
                where: KeyPath = (*base, "items", i_index)
                if not isinstance(raw, dict) or not _text(raw.get("name")):
                    errors.append(_shape_error(parsed.positions, name, where, "item"))
                    continue
                listed += 1
                item = _item(raw, path_name, parsed.positions.locate(where))
                repo = repo_key(item.repo) if item.repo else None
                same = (by_repo.get(repo) if repo and not item.shared_repo else None) or (
                    by_name.get(name_key(item.name))
                )
                if same is None:
                    items.append(item)
                    same = item
                else:
                    _merge(same, item)
                    if item.name != same.name:
                        merged.append((item.name, same.name))
                if repo and not item.shared_repo:
                    by_repo.setdefault(repo, same)
                by_name.setdefault(name_key(item.name), same)
    if errors:
        raise InputErrors(errors)
    return Landscape(name, tuple(items), listed, tuple(merged), _foundation(root))


def _shape_error(positions: PositionMap, file: str, path: KeyPath, what: str) -> InputError:
    return positions.error(file, path, msg.LANDSCAPE_BAD_ENTRY.format(what=what))


def _item(raw: dict[str, Any], path_name: str, position: tuple[int, int] | None) -> LandscapeItem:
    extra_paths = raw.get("second_path") or []
    paths = [path_name] + [p for p in (_text(x) for x in extra_paths) if p]
    stage, dates = _stage(raw)
    return LandscapeItem(
        name=_text(raw.get("name")) or "",
        homepage=_url(raw.get("homepage_url")),
        repo=_url(raw.get("repo_url")),
        description=_text(raw.get("description")) or "",
        license_text=_text(raw.get("license")),
        vendor=_vendor(raw),
        line=position[0] if position else 0,
        paths=[" / ".join(part.strip() for part in p.split("/", 1)) for p in paths],
        shared_repo=raw.get("allow_duplicate_repo") is True,
        stage=stage,
        stage_dates=dates,
    )


def _merge(into: LandscapeItem, other: LandscapeItem) -> None:
    for path in other.paths:
        if path not in into.paths:
            into.paths.append(path)
    if other.name != into.name and other.name not in into.other_names:
        into.other_names.append(other.name)
    into.homepage = into.homepage or other.homepage
    into.repo = into.repo or other.repo
    into.description = into.description or other.description
    into.license_text = into.license_text or other.license_text
    into.vendor = into.vendor or other.vendor
    into.stage = into.stage or other.stage
    into.stage_dates = into.stage_dates or other.stage_dates


# --------------------------------------------------------------------------- small conversions

_LICENSE_WORDS = {
    "apache 2.0": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "mit": "MIT",
    "mit license": "MIT",
    "gpl 3.0": "GPL-3.0",
    "gpl v3": "GPL-3.0",
    "bsd 3-clause": "BSD-3-Clause",
    "bsd-3": "BSD-3-Clause",
    "mpl 2.0": "MPL-2.0",
    "epl 2.0": "EPL-2.0",
}


def spdx_from_text(text: str | None) -> str | None:
    """An SPDX id for the free-text licences landscapes write ("Apache 2.0"), if unambiguous."""
    if not text:
        return None
    cleaned = " ".join(text.split()).strip().lower()
    return _LICENSE_WORDS.get(cleaned) or canonical(cleaned.replace(" ", "-"))


def slug(name: str) -> str:
    """A catalog id from a name: ASCII, lower case, words joined by '-'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80].strip("-")
    return out if re.match(ID_PATTERN, out) else ""
