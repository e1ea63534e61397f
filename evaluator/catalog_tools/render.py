"""Tables and JSON for the catalog commands. JSON keys are stable: tools by id, findings with
severity, file, line, column, tool, rule and message."""

from __future__ import annotations

import json
from typing import Any

from tabulate import tabulate

from evaluator.catalog import Catalog
from evaluator.catalog_tools.endoflife import EndOfLifeReport
from evaluator.catalog_tools.lint import RULES, LintReport
from evaluator.catalog_tools.merge import ImportReport
from evaluator.catalog_tools.query import Hit, ToolDetails
from evaluator.models import Tool


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _caps(tool: Tool) -> str:
    return ", ".join(f"{c} {lvl}" for c, lvl in sorted(tool.capabilities.items()))


def _layer(catalog: Catalog, tool_id: str) -> str:
    return catalog.origin[tool_id].split(": ", 1)[0]


def tool_list(catalog: Catalog, tools: list[Tool], fmt: str) -> str:
    if fmt == "json":
        return _json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "vendor": t.vendor,
                    "license": t.license,
                    "deployment": [d.value for d in t.deployment],
                    "capabilities": t.capabilities,
                    "curation": t.curation.value,
                    "origin": catalog.origin[t.id],
                }
                for t in tools
            ]
        )
    rows = [
        [
            t.id,
            t.name,
            t.vendor,
            t.license,
            ", ".join(d.value for d in t.deployment),
            _caps(t),
            _layer(catalog, t.id),
        ]
        for t in tools
    ]
    headers = ["id", "name", "vendor", "license", "deployment", "capabilities", "catalog"]
    table = tabulate(
        rows, headers=headers, tablefmt="simple", maxcolwidths=[None, 30, 24, 20, 22, 40, 20]
    )
    return f"{table}\n\n{len(tools)} of {len(catalog.tools)} tools\n"


def tool_details(details: ToolDetails, fmt: str) -> str:
    entry = details.entry
    if fmt == "json":
        return _json(
            {
                "id": entry.tool.id,
                "layer": entry.layer,
                "file": entry.file,
                "origin": entry.origin(),
                "replaces": list(details.replaces),
                "facts": {f.field: {"value": f.value, "at": f.at} for f in details.facts},
                "integrated_by": [{"tool": t, "kind": k} for t, k in details.integrated_by],
            }
        )
    rows = [[f.field, f.text, f.at] for f in details.facts]
    lines = [
        f"{entry.tool.name} ({entry.tool.id})",
        f"catalog: {entry.origin()}",
        *(f"replaces: {r}" for r in details.replaces),
        "",
        tabulate(
            rows,
            headers=["fact", "value", "from"],
            tablefmt="simple",
            maxcolwidths=[None, 70, None],
        ),
    ]
    if details.integrated_by:
        named = ", ".join(f"{t} ({k})" for t, k in details.integrated_by)
        lines += ["", f"integrations declared by other tools: {named}"]
    return "\n".join(lines) + "\n"


def search_hits(catalog: Catalog, hits: list[Hit], query: str, fmt: str) -> str:
    if fmt == "json":
        return _json(
            [
                {"id": h.tool.id, "name": h.tool.name, "score": h.score, "matched": list(h.matched)}
                for h in hits
            ]
        )
    if not hits:
        return f"no tool matches {query!r}\n"
    rows = [
        [
            h.tool.id,
            h.tool.name,
            h.tool.vendor,
            ", ".join(h.matched),
            h.score,
            _layer(catalog, h.tool.id),
        ]
        for h in hits
    ]
    headers = ["id", "name", "vendor", "matched in", "score", "catalog"]
    return (
        tabulate(
            rows, headers=headers, tablefmt="simple", maxcolwidths=[None, 30, 24, None, None, 20]
        )
        + "\n"
    )


def lint_report(report: LintReport, fmt: str, *, strict: bool) -> str:
    if fmt == "json":
        return _json(
            {
                "tools": report.tools,
                "files": report.files,
                "errors": report.errors,
                "warnings": report.warnings,
                "failed": report.failed(strict=strict),
                "findings": [
                    {
                        "severity": f.severity.value,
                        "file": f.file,
                        "line": f.line,
                        "column": f.column,
                        "tool": f.tool,
                        "rule": f.rule,
                        "message": f.message,
                    }
                    for f in report.findings
                ],
                "unknowns": {tool: list(facts) for tool, facts in report.unknowns.items()},
                "unknowns_by_field": report.unknowns_by_field(),
            }
        )
    lines = [str(f) for f in report.findings]
    summary = (
        f"{report.tools} tool{'s' if report.tools != 1 else ''} in "
        f"{report.files} file{'s' if report.files != 1 else ''}: "
        f"{report.errors} error{'s' if report.errors != 1 else ''}, "
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
    )
    by_rule = report.by_rule()
    if by_rule:
        summary += " (" + ", ".join(f"{rule} {n}" for rule, n in by_rule.items()) + ")"
    if strict and report.warnings:
        summary += "; --strict: warnings fail"
    unknown = []
    if report.unknowns:
        facts = sum(len(f) for f in report.unknowns.values())
        by_field = ", ".join(f"{k} {n}" for k, n in report.unknowns_by_field().items())
        unknown = [
            f"Unknown facts to verify: {facts} in {len(report.unknowns)} "
            f"tool{'s' if len(report.unknowns) != 1 else ''} ({by_field})",
            *(f"  {tool}: {', '.join(f)}" for tool, f in report.unknowns.items()),
        ]
    return "\n".join([*lines, *([""] if lines else []), *unknown, summary]) + "\n"


def rules_table() -> str:
    rows = [[rule, sev.value, text] for rule, (sev, text) in RULES.items()]
    return tabulate(rows, headers=["rule", "severity", "finds"], tablefmt="simple") + "\n"


def import_report(report: ImportReport, fmt: str, *, timing: bool = True) -> str:
    if fmt == "json":
        data: dict[str, Any] = {
            "source": report.source,
            "listed": report.listed,
            "tools_in_file": report.tools_in_file,
            "ignored": report.ignored,
            "merged_in_file": [{"name": a, "into": b} for a, b in report.merged],
            "added": report.added,
            "skipped": [
                {"name": s.name, "tool": s.tool, "matched_by": s.reason} for s in report.skipped
            ],
            "unmapped": [{"name": u.name, "paths": list(u.paths)} for u in report.unmapped],
            "invalid": [{"name": n, "why": w} for n, w in report.invalid],
            "written": report.written,
            "with_stage": report.staged,
            "with_stage_added": report.staged_added,
            "with_stage_in_catalog": report.staged_known,
            "stage_updates": [
                {
                    "name": u.name,
                    "tool": u.tool,
                    "matched_by": u.matched_by,
                    "stage": u.maturity["stage"],
                    "current": u.current,
                    "maturity": {
                        k: v.isoformat() if hasattr(v, "isoformat") else v
                        for k, v in u.maturity.items()
                    },
                }
                for u in report.stage_updates
            ],
        }
        if timing:
            data["seconds"] = round(report.seconds, 3)
        return _json(data)
    took = f" in {report.seconds:.2f} s" if timing else ""
    lines = [
        f"{report.source}: {report.listed} items listed, {report.tools_in_file} after merging "
        f"repeats ({len(report.merged)} under another name){took}",
        "",
        tabulate(
            [
                ["added", len(report.added)],
                ["skipped (already in the catalog)", len(report.skipped)],
                ["unmapped (no capability for their categories)", len(report.unmapped)],
                ["ignored (organisations, not tools)", report.ignored],
                ["invalid (no usable id or web address)", len(report.invalid)],
            ],
            tablefmt="plain",
        ),
    ]
    if report.skipped:
        shown = ", ".join(f"{s.name} = {s.tool} ({s.reason})" for s in report.skipped)
        lines += ["", f"skipped: {shown}"]
    if report.staged:
        rest = report.staged - report.staged_added - report.staged_known
        lines += [
            "",
            f"{report.staged} items with a foundation stage: {report.staged_added} added with "
            f"it, {report.staged_known} already in the catalog, {rest} not imported (unmapped "
            "or invalid)",
        ]
    if report.stage_updates:
        shown = ", ".join(
            f"{u.tool} {u.current or 'none'} -> {u.maturity['stage']} ({u.name}, by {u.matched_by})"
            for u in report.stage_updates
        )
        lines += [f"stages the catalog records differently (copy them into its entries): {shown}"]
    paths = report.unmapped_paths()
    if paths:
        top = ", ".join(f"{p} ({n})" for p, n in list(paths.items())[:10])
        more = f", and {len(paths) - 10} more" if len(paths) > 10 else ""
        lines += ["", f"unmapped by category (edit the mapping to import them): {top}{more}"]
    for name, why in report.invalid:
        lines.append(f"invalid: {name}: {why}")
    if report.written:
        lines += ["", f"wrote {len(report.added)} entries to {report.written}"]
    return "\n".join(lines) + "\n"


def endoflife_report(report: EndOfLifeReport, fmt: str) -> str:
    if fmt == "json":
        return _json(
            {
                "source": report.source,
                "products": report.products,
                "matched": [
                    {"product": p, "tool": t, "matched_by": how} for p, t, how in report.matched
                ],
                "without_cycles": report.empty,
                "written": report.written,
            }
        )
    lines = [
        f"{report.source}: {report.products} products, {len(report.matched)} match a catalog tool",
        "",
        tabulate(
            [[p, t, how] for p, t, how in report.matched],
            headers=["product", "tool", "matched by"],
        ),
    ]
    if report.empty:
        lines += ["", f"matched but without a usable release cycle: {', '.join(report.empty)}"]
    if report.written:
        written = len(report.matched) - len(report.empty)
        lines += ["", f"wrote the release cycles of {written} tools to {report.written}"]
    return "\n".join(lines) + "\n"
