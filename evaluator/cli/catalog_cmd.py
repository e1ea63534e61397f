"""``stackfit catalog ...``: find tools, lint the catalog, import a landscape.

Thin like the rest of the CLI: parse, call one function of ``evaluator.catalog_tools.commands``,
print. Imports of the heavy parts happen inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evaluator.cli.options import CatalogOpt, choice, optional_date
from evaluator.cli.output import EXIT_CHECK_FAILED, emit, handles_user_errors

app = typer.Typer(
    name="catalog",
    help="Find tools in the catalog, check its integrity, import landscape files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
import_app = typer.Typer(
    name="import",
    help="Import tools from other catalogs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app)

OUTPUTS = ("table", "json")

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | json")]
NoBuiltinOpt = Annotated[
    bool,
    typer.Option("--no-builtin", help="Use only the -c folders, without the built-in catalog."),
]


def _fmt(value: str) -> str:
    return choice(value, OUTPUTS)


@app.command("list")
@handles_user_errors
def list_(
    capability: Annotated[
        list[str] | None,
        typer.Option(
            "--capability",
            help="Has this capability (id, or id:LEVEL for a minimum level); repeat to require several.",
        ),
    ] = None,
    license_: Annotated[
        list[str] | None,
        typer.Option(
            "--license", help="Licence id, e.g. Apache-2.0 or proprietary (any of those given)."
        ),
    ] = None,
    deployment: Annotated[
        list[str] | None,
        typer.Option(
            "--deployment", help="aws | azure | gcp | self-hosted | saas (any of those given)."
        ),
    ] = None,
    format_id: Annotated[
        list[str] | None,
        typer.Option("--data-format", help="Reads/writes this open format, e.g. parquet."),
    ] = None,
    standard: Annotated[
        list[str] | None, typer.Option("--standard", help="Speaks this standard, e.g. openlineage.")
    ] = None,
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="Vendor name contains this text.")
    ] = None,
    catalog: CatalogOpt = None,
    no_builtin: NoBuiltinOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """List tools, filtered by capability, licence, deployment, format, standard or vendor."""
    from evaluator.catalog_tools.commands import list_command
    from evaluator.catalog_tools.query import Filters

    filters = Filters(
        capabilities=tuple(capability or ()),
        licenses=tuple(license_ or ()),
        deployments=tuple(deployment or ()),
        formats=tuple(format_id or ()),
        standards=tuple(standard or ()),
        vendors=tuple(vendor or ()),
    )
    emit(list_command(catalog or [], filters, _fmt(fmt), builtin=not no_builtin), None)


@app.command()
@handles_user_errors
def show(
    tool: Annotated[str, typer.Argument(help="The tool id.")],
    catalog: CatalogOpt = None,
    no_builtin: NoBuiltinOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Every fact of one tool, with the catalog, file and line each comes from."""
    from evaluator.catalog_tools.commands import show_command

    emit(show_command(catalog or [], tool, _fmt(fmt), builtin=not no_builtin), None)


@app.command()
@handles_user_errors
def search(
    text: Annotated[
        str, typer.Argument(help="Words to look for in ids, names, vendors and descriptions.")
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many results.")] = 20,
    catalog: CatalogOpt = None,
    no_builtin: NoBuiltinOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Search tools by text, best matches first (id and name before vendor and description)."""
    from evaluator.catalog_tools.commands import search_command

    emit(search_command(catalog or [], text, _fmt(fmt), limit, builtin=not no_builtin), None)


@app.command()
@handles_user_errors
def lint(
    dirs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Catalog folders to lint, on top of the built-in catalog. Default: the built-in catalog (and -c folders)."
        ),
    ] = None,
    catalog: CatalogOpt = None,
    no_builtin: Annotated[
        bool,
        typer.Option(
            "--no-builtin", help="Lint the folders on their own, without the built-in catalog."
        ),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Judge staleness as of this date (YYYY-MM-DD). Default: today."
        ),
    ] = None,
    rules: Annotated[bool, typer.Option("--rules", help="List the rules and exit.")] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Check the catalog beyond its schema; exit 1 on errors (or on warnings with --strict)."""
    from evaluator.catalog_tools import render
    from evaluator.catalog_tools.commands import lint_command

    if rules:
        emit(render.rules_table(), None)
        return
    outcome = lint_command(
        dirs or [],
        catalog_dirs=catalog or [],
        builtin=not no_builtin,
        today=optional_date(as_of, "--as-of"),
        strict=strict,
        fmt=_fmt(fmt),
    )
    emit(outcome.text, None)
    if outcome.failed:
        raise typer.Exit(EXIT_CHECK_FAILED)


@import_app.command("landscape")
@handles_user_errors
def import_landscape(
    file: Annotated[Path, typer.Argument(help="A landscape.yml (CNCF / LF AI & Data format).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Catalog folder to add the new entries to. Default: print them."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="Category-to-capability mapping file. Default: the shipped one."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="as_of date of the new entries (YYYY-MM-DD). Default: today."),
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Import the tools of a landscape file as uncurated catalog entries; never changes existing ones."""
    from evaluator.catalog_tools.commands import import_landscape_command

    outcome = import_landscape_command(
        file,
        out_dir=output,
        catalog_dirs=catalog or [],
        mapping=mapping,
        as_of=optional_date(as_of, "--as-of"),
        fmt=_fmt(fmt),
    )
    if outcome.catalog_yaml is not None:
        emit(outcome.catalog_yaml, None)
        typer.echo(outcome.report, err=True, nl=False)
    else:
        emit(outcome.report, None)


@import_app.command("endoflife")
@handles_user_errors
def import_endoflife(
    folder: Annotated[
        Path,
        typer.Argument(help="An endoflife.date checkout, or its products folder (*.md files)."),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Catalog file to write (replaced). Default: print it."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The data's date (YYYY-MM-DD). Default: today."),
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Write the release cycles of endoflife.date's products that match catalog tools as a
    catalog file's lifecycle section; the report says which product matched which tool."""
    from evaluator.catalog_tools.commands import import_endoflife_command

    outcome = import_endoflife_command(
        folder,
        output=output,
        catalog_dirs=catalog or [],
        as_of=optional_date(as_of, "--as-of"),
        fmt=_fmt(fmt),
    )
    if outcome.catalog_yaml is not None:
        emit(outcome.catalog_yaml, None)
        typer.echo(outcome.report, err=True, nl=False)
    else:
        emit(outcome.report, None)
