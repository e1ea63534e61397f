"""``stackfit recommend``: search the catalog for the best stacks that pass every gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evaluator.cli.output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, emit, handles_user_errors

if TYPE_CHECKING:
    from evaluator.recommend.search import Stats

FORMATS = ("table", "markdown", "json")


def recommend(
    requirements: Annotated[
        Path | None,
        typer.Option(
            "-r",
            "--requirements",
            help="The requirements file. Default: the one in ./stacks, else the shipped example's.",
        ),
    ] = None,
    catalog: Annotated[
        list[Path] | None,
        typer.Option(
            "-c",
            "--catalog",
            help="An organisation catalog folder that extends or overrides the built-in one (repeatable).",
        ),
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--from", help="A partial stack to complete: its tools stay, tools are added."
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, max=100, help="How many stacks to return.")
    ] = 5,
    max_tools: Annotated[
        int | None, typer.Option("--max-tools", min=1, help="At most this many tools per stack.")
    ] = None,
    allow_drop: Annotated[
        bool,
        typer.Option(
            "--allow-drop",
            help="Tools under contract may leave the stack (their switching cost counts).",
        ),
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Write each result as a stack file in this folder (compare accepts them).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | markdown | json")] = "table",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate as of this date (YYYY-MM-DD). Default: today."),
    ] = None,
) -> None:
    """Recommend the best stacks from the catalog: top K by overall score, passing every gate, keeping tools under contract, completing a partial stack; with what each tool is for and the runner-up per role."""
    import datetime as dt

    from evaluator.recommend import report
    from evaluator.recommend.explain import recommend as run

    if fmt not in FORMATS:
        typer.echo(f"--format must be one of: {', '.join(FORMATS)} (got {fmt!r})", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        typer.echo(f"--as-of must be a date like 2026-11-26 (got {as_of!r})", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    req, cat, stack = _load(requirements, catalog or [], base)
    result = run(
        req,
        cat,
        today=today,
        top=top,
        base=stack,
        max_tools=max_tools,
        allow_drop=allow_drop,
        progress=_progress if sys.stderr.isatty() else None,
    )
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    render = {"table": report.to_table, "markdown": report.to_markdown, "json": report.to_json}
    emit(render[fmt](result), None)
    if save is not None:
        from evaluator.fsutil import atomic_write_text

        for x in result.results:
            path = save / f"recommended-{x.rank}.yaml"
            atomic_write_text(path, report.stack_yaml(x, result.requirements))
            typer.echo(f"wrote {path}", err=True)
    if not result.results:
        raise typer.Exit(EXIT_CHECK_FAILED)


def _progress(stats: Stats, best: float | None) -> None:
    shown = f"{best:.2f}" if best is not None else "-"
    sys.stderr.write(
        f"\rsearching: {stats.nodes:,} nodes, {stats.leaves:,} stacks scored, best {shown}"
    )
    sys.stderr.flush()


def _load(requirements: Path | None, catalog_dirs: list[Path], base: Path | None):  # type: ignore[no-untyped-def]
    from evaluator.app import default_paths, load_catalog_layers
    from evaluator.errors import InputError, InputErrors
    from evaluator.loading import messages as msg
    from evaluator.loading.files import as_requirements, as_stack, discover, load_document
    from evaluator.resolve import check_requirements, check_stack

    found = discover(default_paths() if requirements is None else [], requirements=requirements)
    errors = list(found.errors)
    if found.requirements is None:
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
    cat = load_catalog_layers(catalog_dirs, found.catalogs)
    assert found.requirements is not None
    errors = check_requirements(found.requirements, cat)
    if stack_doc is not None:
        errors += check_stack(stack_doc, cat)
        if as_stack(stack_doc).roles:
            typer.echo(msg.RECOMMEND_ROLES_IGNORED.format(file=stack_doc.display_name), err=True)
    if errors:
        raise InputErrors(errors)
    stack = as_stack(stack_doc) if stack_doc is not None else None
    return as_requirements(found.requirements), cat, stack


def register(app: typer.Typer) -> None:
    app.command(name="recommend")(handles_user_errors(recommend))
