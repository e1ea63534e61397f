"""The decide, check and diff workflows: the files-on-disk side around the pure core.

Nothing here prints or exits; user errors travel as ``InputErrors`` for the CLI to report, and
results come back as data for ``report`` to render.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from evaluator import app as core
from evaluator.decisions import gitio, radar
from evaluator.decisions.check import Current, DecisionCheck, Policy, active, assess
from evaluator.decisions.diffing import Diff, diff_snapshots
from evaluator.decisions.fingerprint import (
    model_fingerprint,
    taxonomy_fingerprint,
    tool_fingerprints,
    tools_involved,
)
from evaluator.decisions.parse import mark_superseded, parse_record
from evaluator.decisions.record import (
    BUILTIN_PREFIX,
    FORMAT_VERSION,
    RECORD_NAME,
    CatalogInputs,
    FrontMatter,
    InputFile,
    Machine,
    Record,
    RecordInputs,
    StackInput,
    Status,
    record_name,
    slugify,
)
from evaluator.decisions.render import render_record, unit_matrix
from evaluator.decisions.snapshot import StackSnapshot, snapshots
from evaluator.errors import InputError, InputErrors
from evaluator.fsutil import RefusedFile, read_regular
from evaluator.loading import messages as msg
from evaluator.loading.files import as_requirements, as_stack, yaml_files
from evaluator.reporting.flow import flow_of
from evaluator.resources import builtin_stacks_dir


def stackfit_version() -> str:
    return core.version()


# --------------------------------------------------------------------------- paths


def root_for(folder: Path) -> Path:
    """Inputs are named relative to the git repository holding the decisions folder (or, outside
    git, relative to the folder's parent)."""
    return gitio.repo_root(folder) or folder.resolve().parent


def repo_path(path: Path, root: Path) -> str:
    """A path as a record names it: relative to the repository root, POSIX separators."""
    resolved = path.resolve()
    shipped = builtin_stacks_dir().resolve()
    if resolved.is_relative_to(shipped):
        return BUILTIN_PREFIX + "stacks/" + resolved.relative_to(shipped).as_posix()
    if not resolved.is_relative_to(root):
        raise InputErrors(
            [InputError(str(path), None, None, "", msg.RECORD_OUTSIDE_REPO.format(root=root))]
        )
    return resolved.relative_to(root).as_posix() or "."


def local_path(name: str, root: Path) -> Path:
    """Where a recorded path is in this clone, as short as possible for messages."""
    if name.startswith(BUILTIN_PREFIX):
        where = builtin_stacks_dir() / name.removeprefix(BUILTIN_PREFIX + "stacks/")
    else:
        where = root / name
    try:
        return Path(os.path.relpath(where, Path.cwd()))
    except ValueError:  # pragma: no cover - another drive on Windows
        return where


def confined_path(name: str, root: Path) -> Path | None:
    """Where a path read from a record is, or None when it would leave the place it must stay
    in: the repository (or, for ``stackfit:`` names, the shipped stacks). A record arrives in
    pull requests, so it must not make ``check`` read ``/etc/passwd`` or ``../../secret.yaml``:
    absolute paths, '..', a NUL and symbolic links leading out are all refused."""
    if name.startswith(BUILTIN_PREFIX):
        base = builtin_stacks_dir().resolve()
        rel = name.removeprefix(BUILTIN_PREFIX + "stacks/")
        if rel == name:
            return None
    else:
        base, rel = root.resolve(), name
    parts = PurePosixPath(rel).parts
    if not rel or "\x00" in rel or "\\" in rel or PurePosixPath(rel).is_absolute() or ".." in parts:
        return None
    where = base.joinpath(*parts)
    try:
        resolved = where.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return None
    return where if resolved.is_relative_to(base) else None


def _confined_inputs(record: Record, root: Path) -> tuple[list[InputError], set[str]]:
    """Every path a record names, checked before anything is read: the errors (naming the
    record and the key, never the content of the file pointed at) and the stack paths that
    are simply no longer there."""
    m = record.machine
    errors: list[InputError] = []
    gone: set[str] = set()

    def refuse(key: str, template: str, name: str) -> None:
        message = template.format(path=msg.show(name, limit=80), root=root)
        errors.append(InputError(record.file, None, None, key, message))

    named = [("inputs.requirements.path", m.inputs.requirements.path)]
    named += [(f"inputs.stacks[{i}].path", s.path) for i, s in enumerate(m.inputs.stacks)]
    for key, name in named:
        where = confined_path(name, root)
        if where is None:
            refuse(key, msg.RECORD_PATH_OUTSIDE, name)
        elif not where.exists():
            gone.add(name)
        elif not where.is_file():
            refuse(key, msg.RECORD_PATH_NOT_FILE, name)
    for i, name in enumerate(m.inputs.catalog.dirs):
        key = f"inputs.catalog.dirs[{i}]"
        where = confined_path(name, root)
        if where is None or name.startswith(BUILTIN_PREFIX):
            refuse(key, msg.RECORD_PATH_OUTSIDE, name)
        elif not where.is_dir():
            refuse(key, msg.RECORD_PATH_NOT_FOLDER, name)
        else:
            base = root.resolve()
            for found in yaml_files(where, recursive=True):
                if not found.resolve().is_relative_to(base):
                    refuse(key, msg.RECORD_PATH_OUTSIDE, found.relative_to(where).as_posix())
    return errors, gone


# --------------------------------------------------------------------------- decide


@dataclass(frozen=True)
class DecideRequest:
    title: str
    choose: str
    paths: Sequence[Path]
    requirements: Path | None
    catalog_dirs: Sequence[Path]
    folder: Path
    as_of: dt.date
    date: dt.date
    status: Status = Status.ACCEPTED
    because: str | None = None
    decision_makers: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    supersedes: int | None = None


@dataclass(frozen=True)
class Written:
    path: Path
    superseded: Path | None
    record: Record


MAX_RECORD_BYTES = 5 * 1024 * 1024
"""A record with its evidence is tens of KiB; a 200 MB one is not read."""


def read_records(folder: Path) -> list[Record]:
    """Every record in ``folder`` (files named ``NNNN-slug.md``); all problems raised at once."""
    records: list[Record] = []
    errors: list[InputError] = []
    if not folder.is_dir():
        return records
    inside = folder.resolve()
    for path in sorted(folder.iterdir()):
        if not RECORD_NAME.match(path.name):
            continue
        try:
            if not path.resolve().is_relative_to(inside):
                raise RefusedFile("it is a symbolic link out of the decisions folder")
            text = read_regular(path, MAX_RECORD_BYTES).decode("utf-8")
            records.append(parse_record(text, path.name, str(path)))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except (OSError, RuntimeError, UnicodeDecodeError) as exc:
            errors.append(
                InputError(str(path), None, None, "", msg.CANNOT_READ.format(reason=_why(exc)))
            )
    if errors:
        raise InputErrors(errors)
    return records


def _why(exc: Exception) -> str:
    if isinstance(exc, RefusedFile) and exc.size is not None:
        return f"larger than {MAX_RECORD_BYTES:,} bytes"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _superseded(records: list[Record], request: DecideRequest, slug: str) -> Record | None:
    if request.supersedes is not None:
        numbered = [r for r in records if r.number == request.supersedes]
        if len(numbered) == 1:
            return numbered[0]
        if numbered:  # written by racing runs of an older stackfit: never pick one at random
            files = ", ".join(r.file for r in numbered)
            message = msg.RECORD_AMBIGUOUS_NUMBER.format(
                number=request.supersedes, count=len(numbered), files=files
            )
        else:
            message = msg.RECORD_NO_SUCH_NUMBER.format(
                number=request.supersedes, folder=request.folder
            )
        raise InputErrors([InputError("--supersedes", None, None, "", message)])
    same = [r for r in active(records) if r.machine.question == slug]
    return same[-1] if same else None


def build_record(request: DecideRequest) -> tuple[str, Record | None, str, Record]:
    """The new record's file name, the record it supersedes, its text and its parsed form."""
    inputs = core.load_inputs(
        request.paths or [],
        requirements=request.requirements,
        catalog_dirs=request.catalog_dirs,
    )
    comparison = core.compare_inputs(inputs, today=request.as_of)
    root = root_for(request.folder)
    errors: list[InputError] = []
    paths: dict[str, str] = {}
    for doc in (inputs.requirements, *inputs.stacks):
        try:
            paths[doc.display_name] = repo_path(doc.path, root)
        except InputErrors as exc:
            errors.extend(exc.errors)
    dirs: list[str] = []
    for d in request.catalog_dirs:
        try:
            dirs.append(repo_path(d, root))
        except InputErrors as exc:
            errors.extend(exc.errors)
    names = [r.evaluation.name for r in comparison.stacks]
    by_name = {r.evaluation.name: r for r in comparison.stacks}
    chosen = by_name.get(request.choose)
    if chosen is None:
        message = msg.RECORD_NO_SUCH_STACK.format(
            name=request.choose,
            hint=msg.did_you_mean(request.choose, names),
            names=", ".join(names),
        )
        errors.append(InputError("--choose", None, None, "", message))
    elif request.because is None and (chosen.rank != 1 or not chosen.evaluation.viable):
        what = "not viable" if not chosen.evaluation.viable else f"ranked {chosen.rank}, not first"
        message = msg.RECORD_NEEDS_BECAUSE.format(name=request.choose, what=what)
        errors.append(InputError("--choose", None, None, "", message))
    if errors:
        raise InputErrors(errors)
    assert chosen is not None
    requirements = as_requirements(inputs.requirements)
    stack_models = {as_stack(d).name: as_stack(d) for d in inputs.stacks}
    snaps = snapshots(comparison, paths)
    slug = slugify(request.title)
    records = read_records(request.folder)
    old = _superseded(records, request, slug)
    number = _next_number(request.folder)
    file = record_name(number, slug)
    front = FrontMatter(
        status=request.status,
        date=request.date,
        decision_makers=request.decision_makers,
        consulted=request.consulted,
        informed=request.informed,
        supersedes=old.file if old else None,
        stackfit=Machine(
            format=FORMAT_VERSION,
            version=stackfit_version(),
            title=request.title,
            question=slug,
            as_of=request.as_of,
            chosen=request.choose,
            top_ranked=comparison.stacks[0].evaluation.name,
            because=request.because,
            inputs=RecordInputs(
                requirements=InputFile(
                    path=paths[inputs.requirements.display_name],
                    sha256=model_fingerprint(requirements),
                ),
                stacks=tuple(
                    StackInput(
                        name=s.name,
                        path=s.path or "",
                        sha256=model_fingerprint(stack_models[s.name]),
                    )
                    for s in snaps
                ),
                catalog=CatalogInputs(
                    dirs=tuple(dirs),
                    taxonomy=taxonomy_fingerprint(inputs.catalog),
                    tools=tool_fingerprints(
                        inputs.catalog,
                        tools_involved(requirements, list(stack_models.values())),
                    ),
                ),
            ),
            scores=tuple(s.row for s in snaps),
        ),
    )
    flows = {r.evaluation.name: flow_of(r.evaluation) for r in comparison.stacks}
    text = render_record(
        front, snaps, requirements, stack_models, unit_matrix(comparison, request.choose), flows
    )
    record = parse_record(text, file)
    return file, old, text, record


def write_new(path: Path, text: str) -> None:
    """Write atomically, and never over an existing file (two runs racing for one number)."""
    from evaluator.fsutil import atomic_write_text

    try:
        atomic_write_text(path, text, exclusive=True)
    except FileExistsError:
        raise InputErrors([InputError(str(path), None, None, "", msg.RECORD_EXISTS)]) from None


def _next_number(folder: Path) -> int:
    """One more than the highest number any file in ``folder`` already uses (``0007-*``, even
    one that is not a valid record: the number is taken)."""
    numbers = [0]
    if folder.is_dir():
        numbers += [int(p.name[:4]) for p in folder.iterdir() if _NUMBERED.match(p.name)]
    return max(numbers) + 1


_NUMBERED = re.compile(r"^\d{4}-")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the decisions folder: parallel ``decide`` runs with different
    titles wrote different file names with the same number (0007 three times). The lock is on
    the folder itself, so it leaves no lock file behind and dies with a killed process."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: numbering is then not race-free
        yield
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def decide(request: DecideRequest) -> Written:
    """Write the new record, then mark the one it supersedes. The new record's ``supersedes``
    link alone already retires the old one for ``check``, so an interruption between the two
    writes leaves a consistent state. Both happen under a lock on the folder, so the number
    chosen and the record superseded are those of the folder as it is when writing."""
    from evaluator.fsutil import atomic_write_text

    created = not request.folder.exists()
    try:
        request.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot create the decisions folder: {exc.strerror or exc}"
        raise InputErrors([InputError(str(request.folder), None, None, "", message)]) from None
    try:
        with _locked(request.folder):
            file, old, text, record = build_record(request)
            path = request.folder / file
            write_new(path, text)
            old_path = None
            if old is not None:
                old_path = request.folder / old.file
                old_text = read_regular(old_path, MAX_RECORD_BYTES).decode("utf-8")
                atomic_write_text(old_path, mark_superseded(old_text, file, str(old_path)))
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                request.folder.rmdir()  # only if still empty: nothing was written
        raise
    return Written(path, old_path, record)


# --------------------------------------------------------------------------- check


def current_state(record: Record, root: Path, as_of: dt.date) -> Current:
    m = record.machine
    refused, gone = _confined_inputs(record, root)
    if refused:
        raise InputErrors(refused)
    req = local_path(m.inputs.requirements.path, root)
    chosen = record.chosen_path()
    missing = [name for name in (m.inputs.requirements.path, chosen or "") if name in gone]
    if chosen is None:
        missing.append("")
    if missing:
        raise InputErrors(
            [
                InputError(
                    record.file,
                    None,
                    None,
                    "",
                    msg.RECORD_INPUT_GONE.format(path=p, record=record.file),
                )
                for p in missing
            ]
        )
    present = {s.path: local_path(s.path, root) for s in m.inputs.stacks if s.path not in gone}
    dirs = [local_path(d, root) for d in m.inputs.catalog.dirs]
    inputs = core.load_inputs(list(present.values()), requirements=req, catalog_dirs=dirs)
    comparison = core.compare_inputs(inputs, today=as_of)
    by_display = {str(p): name for name, p in present.items()}
    snaps = snapshots(comparison, by_display)
    requirements = as_requirements(inputs.requirements)
    stacks = [as_stack(d) for d in inputs.stacks]
    return Current(
        requirements=requirements,
        requirements_sha=model_fingerprint(requirements),
        stack_shas={
            by_display[d.display_name]: model_fingerprint(as_stack(d)) for d in inputs.stacks
        },
        catalog=CatalogInputs(
            dirs=m.inputs.catalog.dirs,
            taxonomy=taxonomy_fingerprint(inputs.catalog),
            tools=tool_fingerprints(inputs.catalog, tools_involved(requirements, stacks)),
        ),
        snapshots={s.path or "": s for s in snaps},
        version=stackfit_version(),
        as_of=as_of,
    )


def check(folder: Path, policy: Policy, as_of: dt.date) -> list[DecisionCheck]:
    if not folder.is_dir():
        raise InputErrors([InputError(str(folder), None, None, "", msg.NO_DECISIONS_FOLDER)])
    records = read_records(folder)
    root = root_for(folder)
    results: list[DecisionCheck] = []
    errors: list[InputError] = []
    for record in active(records):
        try:
            results.append(assess(record, current_state(record, root, as_of), policy))
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
    return results


# --------------------------------------------------------------------------- diff


def _rename(exc: InputErrors, tmp: Path, base: str) -> InputErrors:
    prefix = str(tmp) + os.sep
    return InputErrors(
        InputError(
            f"{base}:{Path(e.file[len(prefix) :]).as_posix()}"
            if e.file.startswith(prefix)
            else e.file,
            e.line,
            e.column,
            e.path,
            e.message,
        )
        for e in exc.errors
    )


def _materialise(root: Path, commit: str, rel: str, tmp: Path, *, recursive: bool) -> Path | None:
    """Copy the files ``rel`` named at ``commit`` under ``tmp``; None if it did not exist."""
    files = gitio.list_files(root, commit, rel, recursive=recursive)
    if not files:
        return None
    for name in files:
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gitio.read_blob(root, commit, name).data)
    return tmp / rel


def _past(
    root: Path,
    commit: str,
    base: str,
    paths: Sequence[Path],
    requirements: Path | None,
    catalog_dirs: Sequence[Path],
    as_of: dt.date,
) -> tuple[tuple[StackSnapshot, ...], str | None]:
    with tempfile.TemporaryDirectory(prefix="stackfit-diff-") as name:
        tmp = Path(name).resolve()
        found = [
            p
            for p in (
                _materialise(root, commit, repo_path(p, root), tmp, recursive=False) for p in paths
            )
            if p is not None
        ]
        req = (
            _materialise(root, commit, repo_path(requirements, root), tmp, recursive=False)
            if requirements
            else None
        )
        dirs = [
            p
            for p in (
                _materialise(root, commit, repo_path(d, root), tmp, recursive=True)
                for d in catalog_dirs
            )
            if p is not None
        ]
        if not found:
            return (), None
        try:
            inputs = core.load_inputs(found, requirements=req, catalog_dirs=dirs)
        except InputErrors as exc:
            empty = {msg.NO_STACKS, msg.NO_REQUIREMENTS}
            if all(e.message in empty for e in exc.errors):
                return (), None
            raise _rename(exc, tmp, base) from None
        comparison = core.compare_inputs(inputs, today=as_of)
        paths_of = {
            d.display_name: d.path.resolve().relative_to(tmp).as_posix()
            for d in (inputs.requirements, *inputs.stacks)
        }
        return snapshots(comparison, paths_of), comparison.requirements


def diff(
    base: str,
    paths: Sequence[Path],
    *,
    requirements: Path | None,
    catalog_dirs: Sequence[Path],
    as_of: dt.date,
) -> Diff:
    """Evaluate the inputs as they were at ``base`` and as they are in the working tree."""
    root = gitio.require_root(Path.cwd())
    commit = gitio.resolve_commit(root, base)
    paths = list(paths) or core.default_paths()
    inputs = core.load_inputs(paths, requirements=requirements, catalog_dirs=catalog_dirs)
    comparison = core.compare_inputs(inputs, today=as_of)
    current = snapshots(
        comparison, {d.display_name: repo_path(d.path, root) for d in inputs.stacks}
    )
    past, past_requirements = _past(root, commit, base, paths, requirements, catalog_dirs, as_of)
    return diff_snapshots(
        past,
        current,
        base=base,
        as_of=as_of.isoformat(),
        requirements_past=past_requirements,
        requirements_current=comparison.requirements,
    )


# --------------------------------------------------------------------------- radar


def _records_at(root: Path, commit: str, folder: str) -> list[Record]:
    records = []
    errors: list[InputError] = []
    for path in gitio.folder_blobs(root, commit, folder):
        name = PurePosixPath(path).name
        if not RECORD_NAME.match(name):
            continue
        try:
            blob = gitio.read_blob(root, commit, path)
            records.append(parse_record(blob.data.decode("utf-8"), name, f"{commit[:12]}:{path}"))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except UnicodeDecodeError as exc:
            errors.append(InputError(path, None, None, "", msg.CANNOT_READ.format(reason=exc)))
    if errors:
        raise InputErrors(errors)
    return records


def radar_moments(folder: Path, as_of: dt.date) -> list[radar.Moment]:
    """The radar at every commit that changed the decisions folder, then in the working tree
    (dated ``as_of``) when that differs; moments that place every tool as the one before are
    left out, so "new" and "moved" compare with the previous change of the radar."""
    if not folder.is_dir():
        raise InputErrors([InputError(str(folder), None, None, "", msg.NO_DECISIONS_FOLDER)])
    moments: list[radar.Moment] = []

    def add(date: str, records: list[Record]) -> None:
        placed = radar.placements(records)
        if not moments or moments[-1].placements != placed:
            moments.append(radar.Moment(date, placed))

    root = gitio.repo_root(folder)
    if root is not None:
        rel = repo_path(folder, root)
        for revision in gitio.history(root, rel):
            add(revision.date, _records_at(root, revision.commit, rel))
    add(as_of.isoformat(), read_records(folder))
    return moments
