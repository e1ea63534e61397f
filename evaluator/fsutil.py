"""Writing files so that an interrupted run never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
