"""``stackfit recommend``: search the catalog for the best stacks that pass every gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evaluator.cli.options import (
    REPORT_FORMATS,
    AsOfOpt,
    CatalogOpt,
    FormatOpt,
    RequirementsOpt,
    choice,
    date_or_today,
)
from evaluator.cli.output import EXISTS, EXIT_CHECK_FAILED, emit, handles_user_errors, write_file
from evaluator.errors import InputError, InputErrors
from evaluator.textsafe import log_line

if TYPE_CHECKING:
    from evaluator.recommend.bnb import Stats

DEFAULT_TIME_LIMIT = 10.0
"""Seconds a user waits by default before getting the best stacks found so far."""


def recommend(
    requirements: RequirementsOpt = None,
    catalog: CatalogOpt = None,
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
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="With --save: replace recommended-N.yaml files already there."
        ),
    ] = False,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.0,
            max=86_400.0,
            help=(
                "Stop the search after this many seconds and report the best stacks found, "
                "marked not proven optimal with how far they may be from the best (what is "
                "found then depends on the machine's speed)."
            ),
        ),
    ] = DEFAULT_TIME_LIMIT,
    node_limit: Annotated[
        int | None,
        typer.Option(
            "--node-limit",
            min=1,
            max=100_000_000,
            help=(
                "Stop the search after this many nodes: like --time-limit, but the same "
                "answer on every machine (for reproducible reports and CI)."
            ),
        ),
    ] = None,
    fmt: FormatOpt = "table",
    as_of: AsOfOpt = None,
) -> None:
    """Recommend the best stacks from the catalog: top K by overall score, passing every gate, keeping tools under contract, completing a partial stack; with what each tool is for and the runner-up per role."""
    from evaluator.app import load_recommend_inputs
    from evaluator.recommend import report
    from evaluator.recommend.explain import recommend as run

    chosen = choice(fmt, REPORT_FORMATS)
    today = date_or_today(as_of)
    inputs = load_recommend_inputs(requirements, catalog or [], base)
    for warning in inputs.warnings:
        typer.echo(log_line(warning), err=True)
    req, cat, stack = inputs.requirements, inputs.catalog, inputs.base
    result = run(
        req,
        cat,
        today=today,
        top=top,
        base=stack,
        max_tools=max_tools,
        allow_drop=allow_drop,
        progress=_progress if sys.stderr.isatty() else None,
        time_limit=time_limit,
        node_limit=node_limit,
    )
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    # Timing goes to stderr: the report itself is the same on every run and machine.
    typer.echo(f"search took {result.stats.seconds:.2f} s", err=True)
    render = {"table": report.to_table, "markdown": report.to_markdown, "json": report.to_json}
    emit(render[chosen](result), None)
    if save is not None:
        files = {save / f"recommended-{x.rank}.yaml": x for x in result.results}
        if not force:
            # All or nothing: an edited recommended-2.yaml is not lost to a re-run, and no
            # half of a new set is written beside the old one.
            taken = [p for p in files if p.exists() or p.is_symlink()]
            if taken:
                raise InputErrors(InputError(str(p), None, None, "", EXISTS) for p in taken)
        for path, x in files.items():
            write_file(path, report.stack_yaml(x, result.requirements), exclusive=not force)
            typer.echo(f"wrote {path}", err=True)
    if not result.results:
        raise typer.Exit(EXIT_CHECK_FAILED)


def _progress(stats: Stats, best: float | None) -> None:
    shown = f"{best:.2f}" if best is not None else "-"
    bound = f"{stats.bound:.2f}" if stats.bound is not None else "-"
    sys.stderr.write(
        f"\rsearching: {stats.nodes:,} nodes, {stats.leaves:,} stacks scored, "
        f"best {shown}, bound {bound}"
    )
    sys.stderr.flush()


def register(app: typer.Typer) -> None:
    app.command(name="recommend")(handles_user_errors(recommend))
