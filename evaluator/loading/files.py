"""Load user files: read safely, pick the model by ``kind``, validate, and locate every error.

A file is untrusted input; whatever is in it, the caller gets either a validated model or a list
of ``InputError``s, never a traceback. The kind is read before validation so that errors are
reported against the right schema, and a misspelt kind gets a suggestion instead of a wall of
unrelated schema errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg
from evaluator.loading.schema import schema_errors
from evaluator.loading.yamlsafe import KeyPath, PositionMap, read_yaml
from evaluator.models import MODEL_BY_KIND, CatalogFile, Model, Requirements, Stack

YAML_SUFFIXES = (".yaml", ".yml")
KINDS = tuple(MODEL_BY_KIND)


@dataclass(frozen=True)
class Document:
    """A validated file, with the positions needed to report later (cross-file) errors in it."""

    path: Path
    display_name: str
    kind: str
    model: Model
    positions: PositionMap = field(repr=False)

    def error(self, path: KeyPath, message: str, *, at_key: bool = False) -> InputError:
        """An error at ``path`` in this file; ``at_key`` points at the key rather than its value."""
        return self.positions.error(self.display_name, path, message, at_key=at_key)


def load_document(path: Path, *, display_name: str | None = None) -> Document:
    """Read, parse and validate one file; raises ``InputErrors`` with every problem found."""
    name = display_name if display_name is not None else str(path)
    parsed = read_yaml(path, name)
    data, positions = parsed.data, parsed.positions
    if "kind" not in data:
        kinds = msg.one_of(KINDS)
        raise InputErrors([positions.error(name, ("kind",), msg.MISSING_KIND.format(kinds=kinds))])
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in MODEL_BY_KIND:
        raise InputErrors([positions.error(name, ("kind",), msg.unknown_kind(kind, KINDS))])
    errors = []
    version = data.get("version")
    if "version" not in data:
        errors.append(positions.error(name, ("version",), msg.MISSING_VERSION))
    elif type(version) is not int or version != 1:
        message = msg.UNSUPPORTED_VERSION.format(got=msg.show(version))
        errors.append(positions.error(name, ("version",), message))
    model_type = MODEL_BY_KIND[kind]
    try:
        model = model_type.model_validate(data)
    except ValidationError as exc:
        # 'version' itself was checked above, with a better message; every other key (even
        # 'version_2' or 'versions') keeps its error, so a failed validation never passes.
        found = schema_errors(exc, model_type, name, positions)
        version_reported = bool(errors)
        errors.extend(e for e in found if not (version_reported and e.path == "version"))
        raise InputErrors(errors) from None
    if errors:
        raise InputErrors(errors)
    return Document(path, name, kind, model, positions)


def display_name(path: Path) -> str:
    """How reports and errors name a file: as the user gave it, except files shipped inside
    stackfit, which are named from their folder (``stacks/x.yaml``) so that output is the same
    on every machine and install."""
    from evaluator.resources import builtin_stacks_dir

    shipped = builtin_stacks_dir()
    if path.is_absolute() and path.is_relative_to(shipped):
        return (Path(shipped.name) / path.relative_to(shipped)).as_posix()
    return str(path)


def load_many(paths: Iterable[Path]) -> tuple[list[Document], list[InputError]]:
    """Load every file, collecting the errors of all of them rather than stopping at the first."""
    documents: list[Document] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            documents.append(load_document(path, display_name=display_name(path)))
        except InputErrors as exc:
            errors.extend(exc.errors)
    return documents, errors


def yaml_files(folder: Path, *, recursive: bool) -> list[Path]:
    """The YAML files of a folder in a stable order (sorted by path)."""
    pattern = folder.rglob if recursive else folder.glob
    found = {p for suffix in YAML_SUFFIXES for p in pattern(f"*{suffix}") if p.is_file()}
    return sorted(found)


@dataclass(frozen=True)
class Discovered:
    """The documents found in the paths a user named, sorted by kind."""

    catalogs: tuple[Document, ...]
    requirements: Document | None
    stacks: tuple[Document, ...]
    errors: tuple[InputError, ...]
    all_requirements: tuple[Document, ...] = ()
    """Every requirements file found, including ones not chosen."""


MAX_FILES = 2_000
"""Files one command reads at most (a stack, requirements or catalog file each)."""


def discover(
    paths: Sequence[Path], *, requirements: Path | None = None, recursive: bool = False
) -> Discovered:
    """Load the named files and the YAML files of the named folders, and sort them by kind.

    There must be one requirements file to evaluate against. ``requirements`` names it
    explicitly; otherwise a requirements file named directly in ``paths`` wins over ones found in
    folders, and more than one candidate left is an error. Folders are read without recursion
    unless ``recursive`` is set (catalog folders are; see ``evaluator.catalog``).
    """
    errors: list[InputError] = []
    explicit: set[Path] = set()
    ordered: list[Path] = []
    for path in [*paths, *([requirements] if requirements else [])]:
        if path.is_dir():
            found = yaml_files(path, recursive=recursive)
            if not found:
                errors.append(InputError(str(path), None, None, "", msg.EMPTY_FOLDER))
            ordered.extend(found)
        elif path.exists():
            ordered.append(path)
            explicit.add(path.resolve())
        else:
            errors.append(InputError(str(path), None, None, "", msg.NO_SUCH_PATH))
    unique = list({p.resolve(): p for p in reversed(ordered)}.values())[::-1]
    if len(unique) > MAX_FILES:
        # Refused before reading any: a comparison of thousands of stacks is no review document,
        # and each costs a few milliseconds and a few dozen kilobytes to score.
        message = msg.TOO_MANY_FILES.format(count=len(unique), limit=MAX_FILES)
        where = ", ".join(str(p) for p in paths)
        return Discovered((), None, (), (*errors, InputError(where, None, None, "", message)))
    documents, load_errors = load_many(unique)
    errors.extend(load_errors)
    by_kind: dict[str, list[Document]] = {kind: [] for kind in KINDS}
    for doc in documents:
        by_kind[doc.kind].append(doc)
    candidates = by_kind["requirements"]
    chosen = _choose_requirements(candidates, requirements, explicit, errors)
    return Discovered(
        catalogs=tuple(by_kind["catalog"]),
        requirements=chosen,
        stacks=tuple(by_kind["stack"]),
        errors=tuple(errors),
        all_requirements=tuple(candidates),
    )


def _choose_requirements(
    candidates: list[Document],
    requirements: Path | None,
    explicit: set[Path],
    errors: list[InputError],
) -> Document | None:
    if requirements is not None:
        wanted = requirements.resolve()
        picked = [d for d in candidates if d.path.resolve() == wanted]
    else:
        named = [d for d in candidates if d.path.resolve() in explicit]
        picked = named or candidates
    if len(picked) > 1:
        files = ", ".join(d.display_name for d in picked)
        message = msg.MANY_REQUIREMENTS.format(count=len(picked), files=files)
        errors.append(InputError(picked[-1].display_name, None, None, "", message))
        return None
    return picked[0] if picked else None


def as_catalog(doc: Document) -> CatalogFile:
    assert isinstance(doc.model, CatalogFile)
    return doc.model


def as_requirements(doc: Document) -> Requirements:
    assert isinstance(doc.model, Requirements)
    return doc.model


def as_stack(doc: Document) -> Stack:
    assert isinstance(doc.model, Stack)
    return doc.model
