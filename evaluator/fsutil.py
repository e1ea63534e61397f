"""Reading and writing files that may be hostile: only regular files are read, never more than
a bound, and a write never leaves half a file (or a temporary one) behind."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


class RefusedFile(OSError):
    """A path that is not read: not a regular file, or larger than allowed. ``strerror`` says
    why in words for an error message; ``size`` is set when the file was too large."""

    def __init__(self, reason: str, size: int | None = None, path: Path | None = None) -> None:
        super().__init__(reason)
        self.strerror = reason
        self.size = size
        self.filename = str(path) if path is not None else None


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
        raise RefusedFile(f"it is {kind_of(mode)}, not a regular file", path=path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"it is {kind_of(info.st_mode)}, not a regular file", path=path)
        if info.st_size > max_bytes:
            raise RefusedFile("too large", size=info.st_size, path=path)
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
        raise RefusedFile("too large", size=len(data), path=path)
    return data


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _anonymous(folder: Path, mode: int) -> int | None:
    """A file with no name in ``folder`` (Linux ``O_TMPFILE``): killed mid-write, it leaves
    nothing behind for ``git add`` to pick up. None where the system cannot make one."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), mode)
    except OSError:
        return None


def _name(fd: int, path: Path) -> None:
    """Link the nameless file open as ``fd`` at ``path`` (fails if ``path`` exists). Passing a
    folder descriptor makes ``os.link`` call ``linkat`` with AT_SYMLINK_FOLLOW, which resolves
    the /proc link to the file; plain ``link`` would try to link the /proc entry itself."""
    folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def atomic_write_text(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to ``path`` in one step: a reader sees the old file or the new one, never
    half of one, and an interrupted run leaves no temporary file behind.

    Only a regular file is ever replaced: a folder, a device, a FIFO or a socket at ``path`` is
    refused (``RefusedFile``), and so is a symbolic link, which is neither followed (it may point
    anywhere: a pull request can plant one) nor replaced by a file. An existing file keeps its
    permissions; a new one gets the usual ``0666 & ~umask``. With ``exclusive``, an existing file
    is never replaced: ``FileExistsError`` instead (two runs racing for one name)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder should be (FileExistsError is for the target)
        raise NotADirectoryError(errno.ENOTDIR, "a part of its folder is not a folder") from None
    try:
        st: os.stat_result | None = path.lstat()
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise RefusedFile("it is a symbolic link; name the file it points to", path=path)
        if not stat.S_ISREG(st.st_mode):
            raise RefusedFile(f"it is {kind_of(st.st_mode)}, not a regular file", path=path)
        if exclusive:
            raise FileExistsError(errno.EEXIST, "file exists", str(path))
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    data = text.encode("utf-8")
    fd = _anonymous(path.parent, mode)
    tmp: str | None = None
    if fd is None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
            os.fchmod(fd, mode)
        os.fsync(fd)
        if tmp is None:
            # Give the nameless file a name: the target itself when it must not exist yet,
            # else a temporary one renamed over the target at once.
            if exclusive:
                _name(fd, path)
                return
            tmp = str(path.parent / f".{path.name}.{os.getpid()}.{id(data):x}.tmp")
            _name(fd, Path(tmp))
        if exclusive:
            os.link(tmp, path)  # fails if path exists, unlike rename
        else:
            Path(tmp).replace(path)
    finally:
        os.close(fd)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
