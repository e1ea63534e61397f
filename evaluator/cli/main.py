"""Command definitions. Each command parses its options, calls one function of ``evaluator.app``
and prints what it returns. Heavy imports happen inside commands so ``--help`` stays fast."""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from evaluator.cli import catalog_cmd, recommend_cmd
from evaluator.cli import decisions_cmd as decisions
from evaluator.cli.options import (
    REPORT_FORMATS,
    AsOfOpt,
    CatalogOpt,
    FormatOpt,
    OutputOpt,
    PathsArg,
    RequirementsOpt,
    choice,
    date_or_today,
    usage_error,
)
from evaluator.cli.output import EXIT_CHECK_FAILED, emit, handles_user_errors

app = typer.Typer(
    name="stackfit",
    help="Score data/AI technology stacks on fit, glue cost and lock-in risk, and keep the decision honest in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
decisions.register(app)
recommend_cmd.register(app)


def _format(value: str):  # type: ignore[no-untyped-def]
    from evaluator.reporting import Format

    return Format(choice(value, REPORT_FORMATS))


RobustnessOpt = Annotated[
    bool,
    typer.Option(
        "--robustness",
        help="Add how robust the ranking is to the weights: the change of each weight that swaps the top two, and the share of uniformly drawn weightings under which each stack ranks first (fragile winner flagged); and whether the winner holds when any one catalog capability level is one step off.",
    ),
]
SamplesOpt = Annotated[
    int | None,
    typer.Option(
        "--samples",
        min=1,
        help="With --robustness: how many weightings to draw (default 10000).",
        show_default=False,
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed",
        help="With --robustness: the seed of the weightings; the same seed gives the same result on every machine (default 20261126).",
        show_default=False,
    ),
]
FragileOpt = Annotated[
    float | None,
    typer.Option(
        "--fragile-below",
        min=0.0,
        max=1.0,
        help="With --robustness: flag the winner as fragile when it ranks first under less than this share of weightings (default 0.5).",
        show_default=False,
    ),
]


@app.command()
@handles_user_errors
def compare(
    paths: PathsArg = None,
    requirements: RequirementsOpt = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    robustness: RobustnessOpt = False,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    fragile_below: FragileOpt = None,
) -> None:
    """Compare candidate stacks side by side: viability, fit, glue, lock-in, overall, rank, Pareto front, and the main reasons."""
    from evaluator import app as core
    from evaluator.reporting import render_comparison

    chosen = _format(fmt)
    if not robustness and (samples, seed, fragile_below) != (None, None, None):
        raise usage_error("--samples, --seed and --fragile-below need --robustness")
    inputs = core.load_inputs(paths or [], requirements=requirements, catalog_dirs=catalog or [])
    today = date_or_today(as_of)
    comparison = core.compare_inputs(inputs, today=today)
    robust = None
    if robustness:
        from evaluator import robustness as rb

        robust = rb.analyse(
            comparison,
            samples=rb.DEFAULT_SAMPLES if samples is None else samples,
            seed=rb.DEFAULT_SEED if seed is None else seed,
            fragile_below=rb.DEFAULT_FRAGILE_BELOW if fragile_below is None else fragile_below,
            levels=core.level_check(inputs, today=today),
        )
    emit(render_comparison(comparison, chosen, robust), output)


ReportSamplesOpt = Annotated[
    int | None,
    typer.Option(
        "--samples",
        min=1,
        help="How many weightings the rank acceptability draws (default 10000).",
        show_default=False,
    ),
]
ReportSeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed",
        help="The seed of the weightings; the same seed gives the same page (default 20261126).",
        show_default=False,
    ),
]
ReportFragileOpt = Annotated[
    float | None,
    typer.Option(
        "--fragile-below",
        min=0.0,
        max=1.0,
        help="Flag the winner as fragile when it ranks first under less than this share of weightings (default 0.5).",
        show_default=False,
    ),
]


@app.command()
@handles_user_errors
def report(
    paths: PathsArg = None,
    requirements: RequirementsOpt = None,
    catalog: CatalogOpt = None,
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    samples: ReportSamplesOpt = None,
    seed: ReportSeedOpt = None,
    fragile_below: ReportFragileOpt = None,
    levels: Annotated[
        bool,
        typer.Option(
            "--levels/--no-levels",
            help="Include whether the winner holds with any one catalog level one step off (re-evaluates the stacks once per change).",
        ),
    ] = False,
) -> None:
    """One self-contained HTML page for a review board: ranking, trade-off charts, each stack's tools and handoffs, who serves what, robustness, every reason and the sources (write it with -o report.html)."""
    from evaluator import app as core
    from evaluator import robustness as rb
    from evaluator.reporting import html

    inputs = core.load_inputs(paths or [], requirements=requirements, catalog_dirs=catalog or [])
    today = date_or_today(as_of)
    comparison = core.compare_inputs(inputs, today=today)
    robust = rb.analyse(
        comparison,
        samples=rb.DEFAULT_SAMPLES if samples is None else samples,
        seed=rb.DEFAULT_SEED if seed is None else seed,
        fragile_below=rb.DEFAULT_FRAGILE_BELOW if fragile_below is None else fragile_below,
        levels=core.level_check(inputs, today=today) if levels else None,
    )
    emit(html.render(comparison, inputs.catalog, robust, version=core.version()), output)


@app.command()
@handles_user_errors
def evaluate(
    stack: Annotated[Path, typer.Argument(help="The stack file to explain.")],
    requirements: RequirementsOpt = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """One stack in depth: every contribution, every handoff and how it is bridged, every gate."""
    from evaluator import app as core
    from evaluator.reporting import render_evaluation

    chosen = _format(fmt)
    inputs = core.load_inputs(
        [stack], requirements=requirements, catalog_dirs=catalog or [], find_requirements_near=True
    )
    comparison = core.compare_inputs(inputs, today=date_or_today(as_of))
    emit(render_evaluation(comparison.stacks[0].evaluation, chosen), output)


@app.command()
@handles_user_errors
def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="Catalog, requirements or stack files or folders.")
    ],
    catalog: CatalogOpt = None,
) -> None:
    """Validate any catalog, requirements or stack files (each by its `kind`), including references to catalog ids."""
    from evaluator import app as core

    report = core.validate_paths(paths, catalog_dirs=catalog or [])
    typer.echo(report)


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="catalog | requirements | stack")],
) -> None:
    """Print the JSON Schema of a file kind, for editors (yaml-language-server)."""
    from evaluator.schema import KINDS, json_schema

    choice(kind, KINDS, "kind")
    typer.echo(json_schema(kind), nl=False)


app.add_typer(catalog_cmd.app)


def main() -> None:
    # pydantic looks for plugins in the entry points of every installed distribution when the
    # first model is built (3 ms with 120 packages installed, about 1 % of a `compare`, more
    # with more packages); the command line tool uses none. A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    finally:
        # Keep the graph answers this run computed, so the next run need not import networkx
        # (only when the run scored something: importing the scoring package for --help would
        # cost more than the help itself).
        graphs = sys.modules.get("evaluator.scoring.graphs")
        if graphs is not None:
            graphs.flush()


__all__ = ["EXIT_CHECK_FAILED", "app", "main"]
