"""Read files as they were at a git revision, without touching the working tree or the index.

Every call is ``git`` with an argument list (never a shell). A user's revision string is only
ever passed to ``git rev-parse --verify --end-of-options REV^{commit}``; what follows uses the
full commit id that returns, so no user text reaches another git command as an option.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg

MAX_BLOB = 5 * 1024 * 1024


class GitError(Exception):
    pass


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(str(exc)) from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}")
    return done.stdout


def repo_root(start: Path) -> Path | None:
    """The top of the git working tree holding ``start``, or None outside a repository."""
    folder = start if start.is_dir() else start.parent
    while not folder.exists():
        folder = folder.parent
    try:
        out = _git(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode("utf-8").strip()).resolve()


def require_root(start: Path) -> Path:
    try:
        out = _git(start, "rev-parse", "--show-toplevel")
    except GitError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "unknown"
        raise InputErrors(
            [InputError(str(start), None, None, "", msg.GIT_NOT_A_REPO.format(reason=reason))]
        ) from None
    return Path(out.decode("utf-8").strip()).resolve()


def resolve_commit(root: Path, rev: str) -> str:
    """The full commit id ``rev`` names; anything that is not a commit is an input error."""
    bad = InputErrors([InputError("--base", None, None, "", msg.GIT_BAD_REVISION.format(rev=rev))])
    if not rev or "\x00" in rev or len(rev) > 256:
        raise bad
    try:
        out = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
    except GitError:
        raise bad from None
    sha = out.decode("ascii", "replace").strip()
    if not sha or not all(c in "0123456789abcdef" for c in sha):
        raise bad
    return sha


@dataclass(frozen=True)
class Blob:
    path: str  # repository path, POSIX
    data: bytes


def _entries(root: Path, *args: str) -> list[tuple[str, str]]:
    """(type, path) of each ``git ls-tree -z`` entry."""
    out = _git(root, "ls-tree", "-z", *args)
    entries = []
    for item in out.decode("utf-8", "replace").split("\x00"):
        if item:
            meta, _, name = item.partition("\t")
            entries.append((meta.split()[1], name))
    return entries


def list_files(root: Path, commit: str, path: str, *, recursive: bool) -> list[str]:
    """YAML blob paths at ``commit``: ``path`` itself if it was a file, else the files in it
    (in its subfolders too when ``recursive``). A path absent at ``commit`` gives nothing."""
    spec = path.strip("/")
    try:
        if spec in ("", "."):
            entries = _entries(root, *(["-r"] if recursive else []), commit)
        else:
            itself = _entries(root, commit, "--", spec)
            if not itself:
                return []
            if itself[0][0] == "blob":
                return [itself[0][1]]
            entries = _entries(root, *(["-r"] if recursive else []), commit, "--", f"{spec}/")
    except GitError as exc:
        message = msg.GIT_FAILED.format(command="ls-tree", reason=exc)
        raise InputErrors([InputError(spec or ".", None, None, "", message)]) from None
    return sorted(
        name
        for kind, name in entries
        if kind == "blob" and PurePosixPath(name).suffix in (".yaml", ".yml")
    )


def read_blob(root: Path, commit: str, path: str) -> Blob:
    """A file's bytes at ``commit`` (``git show <commit>:<path>``). Its size is asked first:
    a blob of gigabytes in a hostile revision is refused without being read into memory."""
    try:
        size = int(_git(root, "cat-file", "-s", f"{commit}:{path}").strip() or b"0")
        if size > MAX_BLOB:
            message = msg.TOO_LARGE.format(size=size / msg.MIB, limit=MAX_BLOB / msg.MIB)
            raise InputErrors([InputError(path, None, None, "", message)])
        data = _git(root, "show", f"{commit}:{path}")
    except (GitError, ValueError) as exc:
        raise InputErrors(
            [InputError(path, None, None, "", msg.GIT_FAILED.format(command="show", reason=exc))]
        ) from None
    return Blob(path, data[: MAX_BLOB + 1])


@dataclass(frozen=True)
class Revision:
    commit: str
    date: str
    """The committer date, ISO 8601 with its offset."""


def history(root: Path, path: str) -> list[Revision]:
    """The commits that changed ``path`` (a repository path), oldest first."""
    spec = path.strip("/") or "."
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return []  # a repository with no commit yet has no history
    try:
        out = _git(root, "log", "--format=%H %cI", "--", spec)
    except GitError as exc:
        message = msg.GIT_FAILED.format(command="log", reason=exc)
        raise InputErrors([InputError(spec, None, None, "", message)]) from None
    revisions = []
    for line in out.decode("utf-8", "replace").splitlines():
        sha, _, date = line.partition(" ")
        if sha and date:
            revisions.append(Revision(sha, date))
    return revisions[::-1]


def folder_blobs(root: Path, commit: str, path: str) -> list[str]:
    """Repository paths of the files directly in folder ``path`` at ``commit`` (none if absent)."""
    spec = path.strip("/")
    try:
        entries = (
            _entries(root, commit, "--", f"{spec}/")
            if spec not in ("", ".")
            else _entries(root, commit)
        )
    except GitError as exc:
        message = msg.GIT_FAILED.format(command="ls-tree", reason=exc)
        raise InputErrors([InputError(spec or ".", None, None, "", message)]) from None
    return sorted(name for kind, name in entries if kind == "blob")
