"""What the ``stackfit catalog`` commands do, as plain functions the CLI calls.

Each returns the text to print (and, where the command can fail a check, whether it did);
nothing here prints or exits, and invalid input travels as ``InputErrors``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evaluator.catalog_tools import render
from evaluator.catalog_tools.landscape import load_mapping, read_landscape
from evaluator.catalog_tools.layers import catalog_sources, load_layers, open_catalog
from evaluator.catalog_tools.lint import lint
from evaluator.catalog_tools.merge import catalog_text, plan_import, write_entries
from evaluator.catalog_tools.query import Filters, details, list_tools, search
from evaluator.loading.files import yaml_files


def list_command(
    catalog_dirs: Sequence[Path], filters: Filters, fmt: str, *, builtin: bool = True
) -> str:
    catalog, _ = open_catalog(catalog_dirs, builtin=builtin)
    return render.tool_list(catalog, list_tools(catalog, filters), fmt)


def show_command(
    catalog_dirs: Sequence[Path], tool_id: str, fmt: str, *, builtin: bool = True
) -> str:
    catalog, layers = open_catalog(catalog_dirs, builtin=builtin)
    return render.tool_details(details(catalog, layers, tool_id), fmt)


def search_command(
    catalog_dirs: Sequence[Path], text: str, fmt: str, limit: int = 20, *, builtin: bool = True
) -> str:
    catalog, _ = open_catalog(catalog_dirs, builtin=builtin)
    return render.search_hits(catalog, search(catalog, text, limit=limit), text, fmt)


@dataclass(frozen=True)
class LintOutcome:
    text: str
    failed: bool


def lint_command(
    dirs: Sequence[Path],
    *,
    catalog_dirs: Sequence[Path] = (),
    builtin: bool = True,
    today: dt.date | None = None,
    strict: bool = False,
    fmt: str = "table",
) -> LintOutcome:
    """Lint ``dirs`` on top of the built-in catalog and ``-c`` folders (their context); without
    ``dirs``, lint the built-in catalog and the ``-c`` folders themselves."""
    layers = load_layers([*catalog_dirs, *dirs], builtin=builtin)
    sources = catalog_sources([*catalog_dirs, *dirs], builtin=builtin)
    linted = [label for _, label in sources[-len(dirs) :]] if dirs else None
    report = lint(layers, linted=linted, today=today)
    return LintOutcome(render.lint_report(report, fmt, strict=strict), report.failed(strict=strict))


@dataclass(frozen=True)
class ImportOutcome:
    report: str
    catalog_yaml: str | None
    """The new entries as a catalog file, when no output folder was given."""


def import_landscape_command(
    file: Path,
    *,
    out_dir: Path | None = None,
    catalog_dirs: Sequence[Path] = (),
    mapping: Path | None = None,
    as_of: dt.date | None = None,
    fmt: str = "table",
    timing: bool = True,
) -> ImportOutcome:
    """Read a landscape, skip what the catalog (built-in, ``-c``, and the output folder) already
    has, and write the rest to ``out_dir`` (or return it as YAML)."""
    as_of = as_of or dt.date.today()
    context = list(catalog_dirs)
    if out_dir is not None and out_dir.is_dir() and yaml_files(out_dir, recursive=True):
        context.append(out_dir)
    existing = load_layers(context)
    table = load_mapping(mapping, existing.capabilities)
    landscape = read_landscape(file)
    report, entries = plan_import(landscape, table, existing, as_of=as_of)
    if out_dir is None:
        yaml_text = catalog_text(entries, landscape.file, as_of) if entries else None
        return ImportOutcome(render.import_report(report, fmt, timing=timing), yaml_text)
    written = write_entries(entries, out_dir, landscape.file, as_of)
    report.written = str(written) if written else None
    return ImportOutcome(render.import_report(report, fmt, timing=timing), None)


def import_endoflife_command(
    folder: Path,
    *,
    output: Path | None = None,
    catalog_dirs: Sequence[Path] = (),
    as_of: dt.date | None = None,
    fmt: str = "table",
) -> ImportOutcome:
    """Match endoflife.date's products to the catalog's tools and write their release cycles as
    a catalog file's ``lifecycle`` section (to ``output``, or return it as YAML)."""
    from evaluator.catalog_tools.endoflife import lifecycle_text, plan_lifecycle, read_products
    from evaluator.fsutil import atomic_write_text

    as_of = as_of or dt.date.today()
    layers = load_layers(catalog_dirs)
    products = read_products(folder)
    report, entries = plan_lifecycle(
        products, layers, source=folder.name or str(folder), as_of=as_of
    )
    text = lifecycle_text(entries, "endoflife.date", as_of)
    if output is None:
        return ImportOutcome(render.endoflife_report(report, fmt), text)
    atomic_write_text(output, text)
    report.written = str(output)
    return ImportOutcome(render.endoflife_report(report, fmt), None)
