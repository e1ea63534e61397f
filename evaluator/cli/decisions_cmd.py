"""The decide, check and diff commands. Thin: parse options, call ``evaluator.decisions.service``,
print what it returns. Heavy imports happen inside the commands so ``--help`` stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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

STATUSES = ("proposed", "accepted")
FAIL_ON = ("not-viable", "rank", "score-drop", "eol")

PeopleOpt = Annotated[list[str] | None, typer.Option(help="Repeatable, or comma-separated.")]


def _people(values: list[str] | None) -> tuple[str, ...]:
    return tuple(p.strip() for v in values or [] for p in v.split(",") if p.strip())


def decide(
    title: Annotated[str, typer.Option("--title", help="The question decided, as a title.")],
    choose: Annotated[str, typer.Option("--choose", help="The name of the chosen stack.")],
    paths: PathsArg = None,
    requirements: RequirementsOpt = None,
    catalog: CatalogOpt = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The decisions folder.")] = Path(
        "decisions"
    ),
    status: Annotated[str, typer.Option("--status", help="proposed | accepted")] = "accepted",
    because: Annotated[
        str | None,
        typer.Option(
            "--because",
            help="Why; required when the chosen stack is not ranked first or not viable.",
        ),
    ] = None,
    decision_makers: PeopleOpt = None,
    consulted: PeopleOpt = None,
    informed: PeopleOpt = None,
    supersedes: Annotated[
        int | None, typer.Option("--supersedes", help="Number of the record this one replaces.")
    ] = None,
    as_of: AsOfOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="The record's date (YYYY-MM-DD). Default: today.")
    ] = None,
) -> None:
    """Record a stack decision as decisions/NNNN-slug.md (MADR), with the evidence it rests on."""
    from evaluator.decisions.record import Status
    from evaluator.decisions.service import DecideRequest, decide

    written = decide(
        DecideRequest(
            title=title,
            choose=choose,
            paths=paths or [],
            requirements=requirements,
            catalog_dirs=catalog or [],
            folder=output,
            as_of=date_or_today(as_of, "--as-of"),
            date=date_or_today(date, "--date"),
            status=Status(choice(status, STATUSES, "--status")),
            because=because,
            decision_makers=_people(decision_makers),
            consulted=_people(consulted),
            informed=_people(informed),
            supersedes=supersedes,
        )
    )
    typer.echo(f"wrote {written.path}")
    if written.superseded is not None:
        typer.echo(f"marked {written.superseded} as superseded")


def check(
    folder: Annotated[Path, typer.Argument(help="The decisions folder.", show_default=True)] = Path(
        "decisions"
    ),
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Comma-separated findings that fail the check: not-viable, rank, score-drop, "
            "eol (a pinned release of the chosen stack past or near its end of support).",
        ),
    ] = "not-viable",
    threshold: Annotated[
        float, typer.Option("--threshold", help="Points a score may move before it is reported.")
    ] = 5.0,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Re-evaluate every active decision against today's inputs; exit 1 if one no longer holds."""
    from evaluator.decisions.check import Policy, Rule
    from evaluator.decisions.report import render_check
    from evaluator.decisions.service import check as run_check

    rules = {Rule(choice(r.strip(), FAIL_ON, "--fail-on")) for r in fail_on.split(",") if r}
    if threshold < 0:
        raise usage_error(f"--threshold must be 0 or more (got {threshold:g})")
    chosen = choice(fmt, REPORT_FORMATS, "--format")
    day = date_or_today(as_of, "--as-of")
    policy = Policy(fail_on=frozenset(rules | {Rule.NOT_VIABLE}), threshold=threshold)
    results = run_check(folder, policy, day)
    emit(render_check(results, day, folder.as_posix(), chosen), output)
    if any(r.failed for r in results):
        raise typer.Exit(EXIT_CHECK_FAILED)


def diff(
    base: Annotated[str, typer.Option("--base", help="The git revision to compare against.")],
    paths: PathsArg = None,
    requirements: RequirementsOpt = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Scores at git revision BASE against the working tree: past, current, difference, reasons."""
    from evaluator.decisions.report import render_diff
    from evaluator.decisions.service import diff as run_diff

    chosen = choice(fmt, REPORT_FORMATS, "--format")
    result = run_diff(
        base,
        paths or [],
        requirements=requirements,
        catalog_dirs=catalog or [],
        as_of=date_or_today(as_of, "--as-of"),
    )
    emit(render_diff(result, chosen), output)


RADAR_FORMATS = ("byor-csv", "byor-json", "backstage")


def radar(
    folder: Annotated[Path, typer.Argument(help="The decisions folder.", show_default=True)] = Path(
        "decisions"
    ),
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="byor-csv | byor-json | backstage")
    ] = "byor-csv",
    catalog: CatalogOpt = None,
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """A tech radar from the decision records (adopt, trial, assess, hold; new and moved from their git history) for Thoughtworks Build Your Own Radar or Backstage."""
    from evaluator import app as core
    from evaluator.decisions.radar import radar as build
    from evaluator.decisions.radarfmt import RadarFormat, render
    from evaluator.decisions.service import radar_moments

    chosen = RadarFormat(choice(fmt, RADAR_FORMATS, "--format"))
    moments = radar_moments(folder, date_or_today(as_of, "--as-of"))
    entries = build(moments, core.load_catalog_layers(catalog or []))
    emit(render(entries, chosen), output)


def register(app: typer.Typer) -> None:
    for command in (decide, check, diff, radar):
        app.command(name=command.__name__)(handles_user_errors(command))
