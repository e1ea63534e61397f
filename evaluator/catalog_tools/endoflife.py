"""Reading endoflife.date's product files and turning their release cycles into a catalog's
``lifecycle`` section (``stackfit catalog import endoflife DIR``).

The format, as github.com/endoflife-date/endoflife.date writes it (``products/*.md``): YAML
front matter between ``---`` lines, with ``title``, ``permalink``, ``identifiers`` (purl, cpe,
repology), ``releasePolicyLink`` and ``releases``, each with ``releaseCycle``, ``releaseDate``,
``eol`` and optional ``support``, ``extendedSupport``, ``lts``, ``latest``. Its quirks, each
handled here: ``eol`` and ``support`` may be ``true``/``false`` instead of a date; some products
name the columns ``eoas`` (end of active support) and ``eoes`` (end of extended support);
``lts`` may be a date (LTS since); a comment after a date (``# estimated``) says the date is
an estimate, which only the raw line shows.

A product matches a catalog tool by a ``pkg:github`` purl equal to the tool's repository, then
by name (case, punctuation and an "Apache" prefix ignored), then by the aliases below. The
whole section is generated: a later import replaces it, so curated cycles for products
endoflife.date lacks belong in another file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evaluator.catalog_tools.layers import Layers
from evaluator.catalog_tools.lint import name_key, repo_key
from evaluator.errors import InputError, InputErrors
from evaluator.loading.yamlsafe import MAX_BYTES, PositionMap, decode, parse_yaml
from evaluator.models import CatalogFile

SITE = "https://endoflife.date/"
ALIASES = {
    "amazon-glue": "aws-glue",
    "amazon-msk": "aws-msk",
    "amazon-opensearch": "aws-opensearch",
}
"""endoflife.date product -> catalog tool, where neither repository nor name tells (AWS names
its services "Amazon X" on endoflife.date and "AWS X" in the catalog)."""
MAX_PRODUCTS = 5_000
_PURL_GITHUB = re.compile(r"^pkg:github/([^/@?#]+/[^/@?#]+)")
_ESTIMATED = re.compile(r"#.*\bestimated\b", re.IGNORECASE)
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Product:
    id: str
    """The file stem, which is also endoflife.date's permalink."""
    title: str
    repos: tuple[str, ...]
    """Repository keys from ``pkg:github`` purls."""
    policy: str | None
    cycles: tuple[dict[str, Any], ...]
    """Release cycles as catalog YAML data (``ReleaseCycle`` fields)."""


@dataclass
class EndOfLifeReport:
    source: str
    products: int = 0
    matched: list[tuple[str, str, str]] = field(default_factory=list)
    """(product, tool, how: purl, name or alias), by product."""
    empty: list[str] = field(default_factory=list)
    """Matched products without a usable release cycle."""
    written: str | None = None


def read_products(folder: Path) -> list[Product]:
    """Every product file of an endoflife.date checkout's ``products`` folder (or of a folder
    holding one), in name order; all problems are raised together."""
    products_dir = folder / "products" if (folder / "products").is_dir() else folder
    if not products_dir.is_dir():
        raise InputErrors([InputError(str(folder), None, None, "", "not a folder")])
    files = sorted(products_dir.glob("*.md"))[:MAX_PRODUCTS]
    out: list[Product] = []
    errors: list[InputError] = []
    for path in files:
        try:
            out.append(_product(path))
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
    if not out:
        raise InputErrors([InputError(str(folder), None, None, "", "no product files (*.md)")])
    return out


def _product(path: Path) -> Product:
    from evaluator.fsutil import read_regular

    name = str(path)
    text = decode(read_regular(path, MAX_BYTES), name)
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise InputErrors([InputError(name, 1, 1, "", "no YAML front matter (--- at the top)")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
    front = "\n".join(lines[1:end]) + "\n"
    parsed = parse_yaml(front, name)
    data = parsed.data
    repos = []
    for ident in data.get("identifiers") or []:
        purl = ident.get("purl") if isinstance(ident, dict) else None
        found = _PURL_GITHUB.match(purl) if isinstance(purl, str) else None
        if found:
            repos.append(repo_key(f"https://github.com/{found.group(1)}"))
    policy = data.get("releasePolicyLink")
    cycles = [
        c
        for index, release in enumerate(data.get("releases") or [])
        if isinstance(release, dict)
        and (c := _cycle(release, parsed.positions, index, lines)) is not None
    ]
    return Product(
        id=path.stem,
        title=str(data.get("title") or path.stem),
        repos=tuple(repos),
        policy=policy if isinstance(policy, str) and _URL.match(policy) else None,
        cycles=tuple(cycles),
    )


def _date_or_bool(value: Any) -> dt.date | bool | None:
    if isinstance(value, bool | dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _cycle(
    release: dict[str, Any], positions: PositionMap, index: int, lines: list[str]
) -> dict[str, Any] | None:
    cycle = release.get("releaseCycle")
    if not isinstance(cycle, str | int | float) or isinstance(cycle, bool):
        return None
    cycle = str(cycle).strip()
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$", cycle) or len(cycle) > 40:
        return None
    out: dict[str, Any] = {"cycle": cycle}
    released = _date_or_bool(release.get("releaseDate"))
    if isinstance(released, dt.date):
        out["released"] = released
    eol_key = "eol" if "eol" in release else "eoes" if "eoes" in release else None
    support_key = "support" if "support" in release else "eoas" if "eoas" in release else None
    if support_key:
        support = _date_or_bool(release.get(support_key))
        if support is not None:
            out["support"] = support
    eol = _date_or_bool(release.get(eol_key)) if eol_key else None
    out["eol"] = False if eol is None else eol
    if eol_key == "eol" and "eoes" in release:
        extended = _date_or_bool(release.get("eoes"))
        if extended is not None:
            out["extended_support"] = extended
    elif "extendedSupport" in release:
        extended = _date_or_bool(release.get("extendedSupport"))
        if extended is not None:
            out["extended_support"] = extended
    if release.get("lts"):
        out["lts"] = True
    latest = release.get("latest")
    if isinstance(latest, str | int | float) and not isinstance(latest, bool):
        out["latest"] = str(latest)
    if eol_key and isinstance(eol, dt.date):
        where = positions.locate(("releases", index, eol_key))
        # The front matter starts on the file's second line.
        raw = lines[where[0]] if where and where[0] < len(lines) else ""
        if _ESTIMATED.search(raw):
            out["estimated"] = True
    return out


def match_products(products: list[Product], layers: Layers) -> list[tuple[Product, str, str]]:
    """(product, tool id, how) for every product that matches a catalog tool; each tool takes
    the first product that matches it (products in name order)."""
    tools = [e.tool for e in layers.winners.values()]
    by_repo = {repo_key(t.repo): t.id for t in tools if t.repo}
    by_name = {name_key(t.name): t.id for t in tools}
    known = {t.id for t in tools}
    out: list[tuple[Product, str, str]] = []
    taken: set[str] = set()
    for product in products:
        found: tuple[str, str] | None = None
        for repo in product.repos:
            if repo in by_repo:
                found = (by_repo[repo], "purl")
                break
        if found is None and name_key(product.title) in by_name:
            found = (by_name[name_key(product.title)], "name")
        if found is None and ALIASES.get(product.id) in known:
            found = (ALIASES[product.id], "alias")
        if found is not None and found[0] not in taken:
            taken.add(found[0])
            out.append((product, *found))
    return out


def plan_lifecycle(
    products: list[Product], layers: Layers, *, source: str, as_of: dt.date
) -> tuple[EndOfLifeReport, list[dict[str, Any]]]:
    report = EndOfLifeReport(source=source, products=len(products))
    entries: list[dict[str, Any]] = []
    for product, tool, how in sorted(match_products(products, layers), key=lambda m: m[1]):
        report.matched.append((product.id, tool, how))
        if not product.cycles:
            report.empty.append(product.id)
            continue
        entry: dict[str, Any] = {
            "tool": tool,
            "product": product.id,
            "source": f"{SITE}{product.id}",
        }
        if product.policy:
            entry["policy"] = product.policy
        entry["as_of"] = dt.date.fromordinal(as_of.toordinal())
        entry["cycles"] = list(product.cycles)
        entries.append(entry)
    report.matched.sort()
    return report, entries


def lifecycle_text(entries: list[dict[str, Any]], source: str, as_of: dt.date) -> str:
    header = (
        f"# Generated by `stackfit catalog import endoflife` from {source}, data as of "
        f"{as_of.isoformat()}.\n"
        "# Release cycles and end-of-support dates from endoflife.date (MIT licence,\n"
        "# https://github.com/endoflife-date/endoflife.date). Do not edit: a later import replaces\n"
        "# this file; keep curated cycles (vendor support policies) in another catalog file.\n"
        "kind: catalog\nversion: 1\n"
        "name: Release lifecycles from endoflife.date\n"
    )
    body = yaml.safe_dump(
        {"lifecycle": entries}, sort_keys=False, default_flow_style=None, width=100
    )
    text = header + body
    CatalogFile.model_validate(parse_yaml(text, "lifecycle").data)  # a bug if this fails
    return text
