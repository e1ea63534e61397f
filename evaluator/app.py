"""What the commands do, as plain functions: gather the inputs, check them once, evaluate.

Nothing here prints or exits; errors travel as ``InputErrors`` for the CLI to report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evaluator.catalog import BUILTIN_LABEL, Catalog, CatalogLayer, build_catalog, load_layer
from evaluator.errors import InputError, InputErrors
from evaluator.loading import messages as msg
from evaluator.loading.files import Document, as_requirements, as_stack, discover, load_document
from evaluator.models import Requirements, Stack
from evaluator.resolve import check_requirements, check_stack
from evaluator.resources import builtin_catalog_dir, builtin_stacks_dir
from evaluator.scoring import compare
from evaluator.scoring.results import Comparison

if TYPE_CHECKING:
    from evaluator.robustness import LevelCheck

COMMAND_LINE_LAYER = "command line"


@dataclass(frozen=True)
class Inputs:
    catalog: Catalog
    requirements: Document
    stacks: tuple[Document, ...]


def default_paths(cwd: Path | None = None) -> list[Path]:
    """``./stacks`` when the current folder has one, else the example shipped with stackfit."""
    local = (cwd or Path.cwd()) / "stacks"
    return [Path("stacks")] if local.is_dir() else [builtin_stacks_dir()]


def load_catalog_layers(catalog_dirs: Sequence[Path], extra: Sequence[Document] = ()) -> Catalog:
    """Built-in catalog, then organisation folders in order, then catalog files named directly."""
    layers: list[CatalogLayer] = []
    errors: list[InputError] = []
    for folder, label in [
        (builtin_catalog_dir(), BUILTIN_LABEL),
        *((d, str(d)) for d in catalog_dirs),
    ]:
        layer, layer_errors = load_layer(folder, label)
        layers.append(layer)
        errors.extend(layer_errors)
    if extra:
        layers.append(CatalogLayer(COMMAND_LINE_LAYER, tuple(extra)))
    if errors:
        raise InputErrors(errors)
    return build_catalog(layers)


def load_inputs(
    paths: Sequence[Path],
    *,
    requirements: Path | None = None,
    catalog_dirs: Sequence[Path] = (),
    find_requirements_near: bool = False,
) -> Inputs:
    """Load and cross-check everything a comparison needs; every problem is reported at once."""
    if not paths:
        paths = default_paths()
    search = list(paths)
    if find_requirements_near and requirements is None:
        # A single stack file: look for its requirements beside it.
        search += sorted({p.parent for p in paths if p.is_file()})
    found = discover(search, requirements=requirements)
    errors = list(found.errors)
    stacks = found.stacks
    if find_requirements_near:
        wanted = {p.resolve() for p in paths}
        stacks = tuple(s for s in stacks if s.path.resolve() in wanted)
    if found.requirements is None and not found.all_requirements:
        where = ", ".join(str(p) for p in paths)
        errors.append(InputError(where, None, None, "", msg.NO_REQUIREMENTS))
    if not stacks:
        errors.append(InputError(", ".join(str(p) for p in paths), None, None, "", msg.NO_STACKS))
    if errors:
        raise InputErrors(errors)
    catalog = load_catalog_layers(catalog_dirs, found.catalogs)
    assert found.requirements is not None
    errors = check_requirements(found.requirements, catalog)
    for doc in stacks:
        errors += check_stack(doc, catalog)
    _check_unique_names(stacks, errors)
    if errors:
        raise InputErrors(errors)
    return Inputs(catalog=catalog, requirements=found.requirements, stacks=stacks)


def _check_unique_names(stacks: Sequence[Document], errors: list[InputError]) -> None:
    seen: dict[str, Document] = {}
    for doc in stacks:
        name = as_stack(doc).name
        if name in seen:
            message = msg.DUPLICATE_STACK_NAME.format(name=name, other=seen[name].display_name)
            errors.append(doc.error(("name",), message))
        else:
            seen[name] = doc


def version() -> str:
    """The installed stackfit version (``0+unknown`` when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("stackfit")
    except PackageNotFoundError:
        return "0+unknown"


def compare_inputs(inputs: Inputs, *, today: dt.date) -> Comparison:
    return compare(
        [(as_stack(d), d.display_name) for d in inputs.stacks],
        as_requirements(inputs.requirements),
        inputs.catalog,
        today=today,
    )


def level_check(inputs: Inputs, *, today: dt.date) -> LevelCheck:
    """Whether the winner of ``compare_inputs`` holds with any one catalog level one step off."""
    from evaluator.robustness import level_changes

    return level_changes(
        [(as_stack(d), d.display_name) for d in inputs.stacks],
        as_requirements(inputs.requirements),
        inputs.catalog,
        today=today,
    )


def validate_paths(paths: Sequence[Path], *, catalog_dirs: Sequence[Path] = ()) -> str:
    """Validate files of any kind, and their references to the catalog they would be used with."""
    from evaluator.loading.files import load_many, yaml_files

    files: list[Path] = []
    errors: list[InputError] = []
    for path in paths:
        if path.is_dir():
            files.extend(yaml_files(path, recursive=True))
        elif path.exists():
            files.append(path)
        else:
            errors.append(InputError(str(path), None, None, "", msg.NO_SUCH_PATH))
    documents, load_errors = load_many(files)
    errors.extend(load_errors)
    if errors:
        raise InputErrors(errors)
    catalogs = [d for d in documents if d.kind == "catalog"]
    catalog = load_catalog_layers(catalog_dirs, catalogs)
    for doc in documents:
        if doc.kind == "requirements":
            errors += check_requirements(doc, catalog)
        elif doc.kind == "stack":
            errors += check_stack(doc, catalog)
    if errors:
        raise InputErrors(errors)
    counts = {k: sum(d.kind == k for d in documents) for k in ("catalog", "requirements", "stack")}
    summary = ", ".join(f"{n} {k} file{'s' if n != 1 else ''}" for k, n in counts.items() if n)
    return f"valid: {summary or 'no files'}"


@dataclass(frozen=True)
class RecommendInputs:
    requirements: Requirements
    catalog: Catalog
    base: Stack | None
    warnings: tuple[str, ...]


def load_recommend_inputs(
    requirements: Path | None,
    catalog_dirs: Sequence[Path] = (),
    base: Path | None = None,
) -> RecommendInputs:
    """The requirements (default: as ``compare`` finds them), the catalog, and the partial stack
    to complete, all checked; every problem is reported at once."""
    found = discover(default_paths() if requirements is None else [], requirements=requirements)
    errors = list(found.errors)
    if found.requirements is None and not found.all_requirements:
        errors.append(InputError("requirements", None, None, "", msg.NO_REQUIREMENTS))
    stack_doc = None
    if base is not None:
        try:
            stack_doc = load_document(base)
        except InputErrors as exc:
            errors.extend(exc.errors)
        if stack_doc is not None and stack_doc.kind != "stack":
            message = msg.WRONG_KIND_HERE.format(expected="stack", got=stack_doc.kind)
            errors.append(stack_doc.error(("kind",), message))
            stack_doc = None
    if errors:
        raise InputErrors(errors)
    catalog = load_catalog_layers(catalog_dirs, found.catalogs)
    assert found.requirements is not None
    errors = check_requirements(found.requirements, catalog)
    warnings: list[str] = []
    if stack_doc is not None:
        errors += check_stack(stack_doc, catalog)
        if as_stack(stack_doc).roles:
            warnings.append(msg.RECOMMEND_ROLES_IGNORED.format(file=stack_doc.display_name))
    if errors:
        raise InputErrors(errors)
    return RecommendInputs(
        requirements=as_requirements(found.requirements),
        catalog=catalog,
        base=as_stack(stack_doc) if stack_doc is not None else None,
        warnings=tuple(warnings),
    )
