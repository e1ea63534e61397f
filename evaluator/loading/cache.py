"""A cache of parsed YAML, keyed by the file's exact bytes, so the large built-in catalog is not
parsed again on every run (parsing it is most of what `stackfit compare` spends).

It stores only what ``parse_yaml`` returned for those same bytes, as JSON (never pickle: nothing
is executed on load), in the user's cache folder. Any problem reading or writing it is ignored:
stackfit then parses as if there were no cache, so a read-only or missing home still works.
``STACKFIT_CACHE_DIR`` moves it; ``STACKFIT_NO_CACHE=1`` turns it off.

The cache must never change a result, so an entry is treated as untrusted input too: the folder
is used only if it is ours and writable by no one else, an entry only if it is a regular file of
bounded size, names the digest it is for, matches its own checksum, and holds no more values or
nesting than a fresh parse would accept. Dates are stored by their key paths beside the data, so
no text in a file (such as a key ``"\\0date"``) can turn into a date on the way back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from evaluator.loading.yamlsafe import (
    MAX_DEPTH,
    MAX_NODES,
    KeyPath,
    ParsedYaml,
    Position,
    PositionMap,
)

FORMAT = 2
MIN_BYTES = 4 * 1024
"""Smaller files parse in well under a millisecond. From about this size up an entry is read
several times faster than the file is parsed (a 15 KB catalog file: 0.2 ms against 1.8 ms)."""
SIZE_FACTOR = 8
"""An entry may be at most this many times its source's size (plus ``SIZE_SLACK``): aliases can
make the expanded data far larger than the file, and such data is parsed again, not stored."""
SIZE_SLACK = 1024 * 1024


def cache_dir() -> Path | None:
    if os.environ.get("STACKFIT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("STACKFIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stackfit" / "yaml"


def _private(folder: Path) -> bool:
    """Ours and writable by no one else: an entry others could write could change results."""
    try:
        st = folder.stat()
    except OSError:
        return False
    ours = not hasattr(os, "geteuid") or st.st_uid == os.geteuid()
    return stat.S_ISDIR(st.st_mode) and ours and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _file(raw: bytes) -> tuple[Path, str] | None:
    folder = cache_dir()
    if folder is None or len(raw) < MIN_BYTES:
        return None
    digest = hashlib.sha256(raw).hexdigest()
    return folder / f"{digest}.v{FORMAT}.json", digest


def _limit(raw: bytes) -> int:
    return SIZE_FACTOR * len(raw) + SIZE_SLACK


# ----------------------------------------------------------------------------- dates


def _split_dates(value: Any, path: list[Any], dates: list[list[Any]]) -> Any:
    """``value`` with dates as ISO text, and the key path of each date in ``dates``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            path.append(key)
            out[key] = _split_dates(item, path, dates)
            path.pop()
        return out
    if isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            path.append(i)
            items.append(_split_dates(item, path, dates))
            path.pop()
        return items
    if isinstance(value, dt.datetime):
        dates.append([*path, "datetime"])
        return value.isoformat()
    if isinstance(value, dt.date):
        dates.append([*path, "date"])
        return value.isoformat()
    return value


def _put_dates(data: dict[str, Any], dates: Any) -> None:
    if not isinstance(dates, list):
        raise ValueError("dates")
    for row in dates:
        if not isinstance(row, list) or len(row) < 2 or row[-1] not in ("date", "datetime"):
            raise ValueError("date row")
        *path, kind = row
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        text = parent[path[-1]]
        if not isinstance(text, str):
            raise ValueError("date value")
        parse = dt.datetime.fromisoformat if kind == "datetime" else dt.date.fromisoformat
        parent[path[-1]] = parse(text)


def _size(value: Any, depth: int = 0) -> int:
    """Values and keys in ``value``, as the parser counts them; raises past the parser's limits."""
    if depth > MAX_DEPTH + 1:
        raise ValueError("too deep")
    if isinstance(value, dict):
        return 1 + sum(1 + _size(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_size(v, depth + 1) for v in value)
    return 1


# ----------------------------------------------------------------------------- files


def _read(path: Path, limit: int) -> bytes | None:
    """An entry's bytes, if it is a regular file (not a link, FIFO or device) within ``limit``."""
    from evaluator.fsutil import read_regular

    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        return read_regular(path, limit)
    except OSError:
        return None


def _checked(text: bytes, digest: str | None) -> Any:
    """The body of an entry written by ``_pack`` for ``digest`` (None: an entry that names no
    source file); raises if it is not one."""
    head, _, body = text.partition(b"\n")
    header = json.loads(head)
    if (
        not isinstance(header, dict)
        or header.get("source") != digest
        or header.get("body") != hashlib.sha256(body).hexdigest()
    ):
        raise ValueError("not this entry")
    return json.loads(body)


def _pack(obj: Any, digest: str | None, limit: int) -> str | None:
    """An entry: a header line naming the source digest (if any) and the body's checksum, then the
    body. None when the body would exceed ``limit`` (it is built piece by piece, so an alias
    repeating a large text 100,000 times is never written out whole)."""
    pieces: list[str] = []
    size = 0
    for piece in json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).iterencode(obj):
        size += len(piece)
        if size > limit:
            return None
        pieces.append(piece)
    body = "".join(pieces)
    header = {"source": digest, "body": hashlib.sha256(body.encode("utf-8")).hexdigest()}
    return json.dumps(header) + "\n" + body


def _private_folder(folder: Path) -> bool:
    """Make ``folder`` (owner-only) if missing; whether it is ours and writable by no one else."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    return _private(folder)


def read_entry(path: Path, limit: int) -> Any:
    """The JSON body of a file written by ``write_entry`` with the same ``limit``, or None: the
    folder must be private, the file regular and within its size, and its body must match the
    header's checksum (any problem reads as no entry)."""
    if not _private(path.parent):
        return None
    text = _read(path, limit)
    if text is None:
        return None
    try:
        return _checked(text, None)
    except (ValueError, RecursionError):
        return None


def write_entry(path: Path, obj: Any, limit: int) -> None:
    """Write ``obj`` as an entry that names no source file, in one step, in a private folder
    (made if missing); any problem, or a body over ``limit``, is ignored: the entry is then
    simply not there."""
    from evaluator.fsutil import atomic_write_text

    try:
        entry = _pack(obj, None, limit)
        if entry is not None and _private_folder(path.parent):
            atomic_write_text(path, entry)
    except (OSError, TypeError, ValueError, RecursionError):
        return


class _LazyPositions(Mapping[KeyPath, Position]):
    """Positions are needed only to report an error: they are read from their own file, and
    turned into a lookup table, on first use."""

    def __init__(self, path: Path, digest: str, limit: int, part: str) -> None:
        self._path = path
        self._digest = digest
        self._limit = limit
        self._part = part
        self._table: dict[KeyPath, Position] | None = None

    def _get(self) -> dict[KeyPath, Position]:
        if self._table is None:
            self._table = {}  # errors are still reported, without a line and column
            text = _read(self._path, self._limit)
            try:
                rows = _checked(text, self._digest)[self._part] if text is not None else []
                table = {}
                for row in rows:
                    line, column = row[-2], row[-1]
                    if not (isinstance(line, int) and isinstance(column, int)):
                        raise ValueError("position")
                    table[tuple(row[:-2])] = (line, column)
                self._table = table
            except (ValueError, KeyError, TypeError, IndexError, RecursionError):
                pass
        return self._table

    def __getitem__(self, key: KeyPath) -> Position:
        return self._get()[key]

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def load(raw: bytes, *, max_nodes: int = MAX_NODES) -> ParsedYaml | None:
    """The parse of exactly these bytes, if a previous run stored it and the entry passes
    every check; otherwise None, and the caller parses."""
    found = _file(raw)
    if found is None or not _private(found[0].parent):
        return None
    path, digest = found
    positions = path.with_suffix(".positions")
    text = _read(path, _limit(raw))
    if text is None or not positions.is_file():
        return None
    try:
        entry = _checked(text, digest)
        data, nodes = entry["data"], entry["nodes"]
        if not isinstance(data, dict) or not isinstance(nodes, int):
            return None
        if max(nodes, _size(data)) > max_nodes:
            return None  # as a fresh parse would refuse it, so must the cache
        _put_dates(data, entry["dates"])
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None
    limit = 4 * _limit(raw)
    return ParsedYaml(
        data,
        PositionMap(
            _LazyPositions(positions, digest, limit, "keys"),
            _LazyPositions(positions, digest, limit, "values"),
        ),
        nodes,
    )


def store(raw: bytes, parsed: ParsedYaml) -> None:
    found = _file(raw)
    if found is None:
        return
    path, digest = found
    from evaluator.fsutil import atomic_write_text

    def rows(mapping: Mapping[KeyPath, Position]) -> list[list[Any]]:
        return [[*key, line, column] for key, (line, column) in mapping.items()]

    try:
        dates: list[list[Any]] = []
        data = _split_dates(parsed.data, [], dates)
        entry = _pack({"data": data, "dates": dates, "nodes": parsed.nodes}, digest, _limit(raw))
        positions = {"keys": rows(parsed.positions.keys), "values": rows(parsed.positions.values)}
        where = _pack(positions, digest, 4 * _limit(raw))
        if entry is None or where is None:
            return
        if not _private_folder(path.parent):
            return
        # Positions first: a data file without its positions is never used.
        atomic_write_text(path.with_suffix(".positions"), where)
        atomic_write_text(path, entry)
    except (OSError, TypeError, ValueError, RecursionError):
        return
