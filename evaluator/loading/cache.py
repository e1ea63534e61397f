"""A cache of parsed YAML, keyed by the file's exact bytes, so the large built-in catalog is not
parsed again on every run (parsing it is most of what `stackfit compare` spends).

It stores only what ``parse_yaml`` returned for those same bytes, as JSON (never pickle: nothing
is executed on load), in the user's cache folder. Any problem reading or writing it is ignored:
stackfit then parses as if there were no cache, so a read-only or missing home still works.
``STACKFIT_CACHE_DIR`` moves it; ``STACKFIT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from evaluator.loading.yamlsafe import KeyPath, ParsedYaml, Position, PositionMap

FORMAT = 1
MIN_BYTES = 32 * 1024
"""Smaller files parse in a few milliseconds; caching them would only add files."""
_DATE = "\x00date"
_DATETIME = "\x00datetime"


def cache_dir() -> Path | None:
    if os.environ.get("STACKFIT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("STACKFIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stackfit" / "yaml"


def _file(raw: bytes) -> Path | None:
    folder = cache_dir()
    if folder is None or len(raw) < MIN_BYTES:
        return None
    digest = hashlib.sha256(raw).hexdigest()
    return folder / f"{digest}.v{FORMAT}.json"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if _DATE in obj:
            return dt.date.fromisoformat(obj[_DATE])
        if _DATETIME in obj:
            return dt.datetime.fromisoformat(obj[_DATETIME])
    return obj


class _LazyPositions(Mapping[KeyPath, Position]):
    """Positions are needed only to report an error: they are read from their own file, and
    turned into a lookup table, on first use."""

    def __init__(self, path: Path, part: str) -> None:
        self._path = path
        self._part = part
        self._table: dict[KeyPath, Position] | None = None

    def _get(self) -> dict[KeyPath, Position]:
        if self._table is None:
            try:
                rows = json.loads(self._path.read_text(encoding="utf-8"))[self._part]
                self._table = {tuple(row[:-2]): (row[-2], row[-1]) for row in rows}
            except (OSError, ValueError, KeyError, TypeError, IndexError):
                self._table = {}  # errors are still reported, without a line and column
        return self._table

    def __getitem__(self, key: KeyPath) -> Position:
        return self._get()[key]

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def load(raw: bytes) -> ParsedYaml | None:
    """The parse of exactly these bytes, if a previous run stored it."""
    path = _file(raw)
    if path is None:
        return None
    positions = path.with_suffix(".positions")
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
        if not isinstance(data, dict) or not positions.is_file():
            return None
    except (OSError, ValueError, TypeError):
        return None
    return ParsedYaml(
        data,
        PositionMap(_LazyPositions(positions, "keys"), _LazyPositions(positions, "values")),
    )


def store(raw: bytes, parsed: ParsedYaml) -> None:
    path = _file(raw)
    if path is None:
        return
    from evaluator.fsutil import atomic_write_text

    def rows(mapping: Mapping[KeyPath, Position]) -> list[list[Any]]:
        return [[*key, line, column] for key, (line, column) in mapping.items()]

    positions = {"keys": rows(parsed.positions.keys), "values": rows(parsed.positions.values)}
    try:
        # Positions first: a data file without its positions is never used.
        atomic_write_text(
            path.with_suffix(".positions"), json.dumps(positions, separators=(",", ":"))
        )
        atomic_write_text(path, json.dumps(parsed.data, default=_encode, separators=(",", ":")))
    except (OSError, TypeError, ValueError):
        return
