"""Options and argument parsing every command shares, so they read and fail the same way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from evaluator.cli.output import EXIT_BAD_INPUT

REPORT_FORMATS = ("table", "markdown", "json")

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Stack, requirements or catalog files, or folders of them (told apart by `kind`). "
        "Default: ./stacks, else the shipped example.",
        show_default=False,
    ),
]
RequirementsOpt = Annotated[
    Path | None,
    typer.Option(
        "-r", "--requirements", help="The requirements file (when the paths hold none, or several)."
    ),
]
CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "-c",
        "--catalog",
        help="An organisation catalog folder that extends or overrides the built-in one (repeatable).",
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | markdown | json")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Write the report to this file instead of stdout."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this date (YYYY-MM-DD): contract end dates are judged against it. "
        "Default: today.",
    ),
]


def usage_error(message: str) -> typer.Exit:
    """Report a bad option value and give the exit to raise (2, like every usage error)."""
    typer.echo(message, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def choice(value: str, allowed: tuple[str, ...], option: str = "--format") -> str:
    if value not in allowed:
        raise usage_error(f"{option} must be one of: {', '.join(allowed)} (got {value!r})")
    return value


def optional_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise usage_error(f"{option} must be a date like 2026-11-26 (got {value!r})") from None


def date_or_today(value: str | None, option: str = "--as-of") -> dt.date:
    return optional_date(value, option) or dt.date.today()
