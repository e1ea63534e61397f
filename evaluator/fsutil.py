"""Reading and writing files that may be hostile: only regular files are read, never more than
a bound, and a write never leaves half a file (or a temporary one) behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class RefusedFile(OSError):
    """A path that is not read: not a regular file, or larger than allowed. ``strerror`` says
    why in words for an error message; ``size`` is set when the file was too large."""

    def __init__(self, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.strerror = reason
        self.size = size


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; otherwise
    ``RefusedFile`` before anything is read. A FIFO would block forever and ``/dev/zero`` never
    ends, so the kind and size are checked on the path, and again on the opened descriptor
    (opened non-blocking), in case the path was swapped in between."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise RefusedFile(f"it is {kind_of(mode)}, not a regular file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"it is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise RefusedFile("too large", size=info.st_size)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:  # it grew after the check
        raise RefusedFile("too large", size=len(data))
    return data


def atomic_write_text(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then move it into
    place in one step. With ``exclusive``, never replace an existing file: raises
    ``FileExistsError`` instead (two runs racing for one name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # fails if path exists, unlike rename
        else:
            Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)
