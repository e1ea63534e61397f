"""Check results and diffs as terminal text, Markdown (pull-request comments) and JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from evaluator.decisions.check import OUTCOME_TEXT, DecisionCheck
from evaluator.decisions.diffing import NUMERIC, Diff, StackDiff
from evaluator.decisions.render import num
from evaluator.reporting.jsonfmt import FORMAT_VERSION, dumps
from evaluator.textsafe import md_code, one_line
from evaluator.textsafe import md_text as md

FORMATS = ("table", "markdown", "json")


def _tag(blocking: bool) -> str:
    return "FAIL" if blocking else "warn"


# --------------------------------------------------------------------------- check


def _summary(results: Sequence[DecisionCheck]) -> str:
    failed = sum(r.failed for r in results)
    n = len(results)
    return f"{n} active decision{'s' if n != 1 else ''} checked, {failed} failed"


def check_text(results: Sequence[DecisionCheck], as_of: dt.date, folder: str) -> str:
    out = [f"Decisions in {one_line(folder)}, as of {as_of.isoformat()}: {_summary(results)}"]
    for r in results:
        verdict = OUTCOME_TEXT[r.outcome] + (" [FAILED]" if r.failed else "")
        out += [
            "",
            one_line(f"{r.file}  {r.title}"),
            one_line(f"  chosen: {r.chosen} ({r.status})"),
            f"  {verdict}",
        ]
        out += [one_line(f"  {_tag(f.blocking)}: {f.message}") for f in r.findings]
        if r.changed_inputs:
            out.append("  inputs changed:")
            out += [one_line(f"    - {c}") for c in r.changed_inputs]
        if r.reasons:
            out.append("  reasons that moved:")
            out += [one_line(f"    - {line}") for line in r.reasons]
    return "\n".join(out) + "\n"


def check_markdown(results: Sequence[DecisionCheck], as_of: dt.date, folder: str) -> str:
    out = [
        f"## stackfit check: {_summary(results)}",
        "",
        f"Decisions in {md_code(folder)}, as of {as_of.isoformat()}.",
        "",
    ]
    out += ["| Decision | Chosen | Status | Outcome |", "| --- | --- | --- | --- |"]
    for r in results:
        verdict = OUTCOME_TEXT[r.outcome] + (" (**failed**)" if r.failed else "")
        out.append(f"| {md(r.file)} | {md(r.chosen)} | {r.status} | {verdict} |")
    for r in results:
        if not (r.findings or r.changed_inputs or r.reasons):
            continue
        out += ["", f"### {md(r.file)}: {md(r.title)}", ""]
        out += [f"- **{_tag(f.blocking)}**: {md(f.message)}" for f in r.findings]
        out += [f"- input: {md(c)}" for c in r.changed_inputs]
        if r.reasons:
            out += ["", "Reasons that moved:", ""] + [f"- {md(line)}" for line in r.reasons]
    return "\n".join(out) + "\n"


def check_json(results: Sequence[DecisionCheck], as_of: dt.date, folder: str) -> str:
    return dumps(
        {
            "format_version": FORMAT_VERSION,
            "kind": "check",
            "as_of": as_of.isoformat(),
            "folder": folder,
            "failed": any(r.failed for r in results),
            "decisions": [
                {
                    "file": r.file,
                    "title": r.title,
                    "status": r.status,
                    "chosen": r.chosen,
                    "outcome": r.outcome.value,
                    "failed": r.failed,
                    "changed_inputs": list(r.changed_inputs),
                    "findings": [
                        {"kind": str(f.kind), "blocking": f.blocking, "message": f.message}
                        for f in r.findings
                    ],
                    "reasons": list(r.reasons),
                    "current": [s.row.model_dump() for s in r.current],
                }
                for r in results
            ],
        }
    )


def render_check(results: Sequence[DecisionCheck], as_of: dt.date, folder: str, fmt: str) -> str:
    render = {"table": check_text, "markdown": check_markdown, "json": check_json}[fmt]
    return render(results, as_of, folder)


# --------------------------------------------------------------------------- diff


def _cell(s: StackDiff, field: str, *, bold: bool = False) -> str:
    """A cell of the diff table; only numbers and booleans, nothing from a file's text."""
    past, current = s.value(s.past, field), s.value(s.current, field)

    def show(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, bool):
            return "yes" if v else ("**no**" if bold else "NO")
        if field in NUMERIC:
            return num(v)
        return str(v)

    if past == current:
        return show(current)
    text = f"{show(past)} → {show(current)}"
    if field in NUMERIC and past is not None and current is not None:
        delta = current - past
        text += f" ({'+' if delta >= 0 else ''}{num(delta)})"
    return text


_HEAD = ("Stack", "Rank", "Viable", "Fit", "Glue", "Lock-in", "Overall")
_COLS = ("rank", "viable", "fit", "glue", "lock_in", "cost", "overall")


def diff_markdown(d: Diff) -> str:
    title = "changes" if d.changed else "no change"
    out = [f"## stackfit diff: {title} since {md_code(d.base)}", ""]
    req = md(d.requirements_current)
    if d.requirements_past is not None and d.requirements_past != d.requirements_current:
        req = f"{md(d.requirements_past)} → {req}"
    out += [
        f"Requirements: {req}. As of {d.as_of}. Fit: higher is better; glue and lock-in: "
        "lower is better.",
        "",
        "| " + " | ".join(_HEAD) + " |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for s in d.stacks:
        name = md(s.name) + ("" if s.state in ("changed", "unchanged") else f" ({s.state})")
        out.append("| " + " | ".join([name, *(_cell(s, c, bold=True) for c in _COLS)]) + " |")
    for s in d.stacks:
        if s.reasons:
            out += ["", f"### {md(s.name)}", ""] + [f"- {md(line)}" for line in s.reasons]
    return "\n".join(out) + "\n"


def diff_text(d: Diff) -> str:
    out = [one_line(f"stackfit diff against {d.base}, as of {d.as_of}")]
    if d.requirements_past is not None and d.requirements_past != d.requirements_current:
        out.append(one_line(f"requirements: {d.requirements_past} -> {d.requirements_current}"))
    else:
        out.append(one_line(f"requirements: {d.requirements_current}"))
    for s in d.stacks:
        out += ["", one_line(f"{s.name} ({s.state})")]
        for field in ("rank", "viable", "fit", "glue", "glue_days", "lock_in", "cost", "overall"):
            out.append(f"  {field.replace('_', '-'):<10} {_cell(s, field).replace('→', '->')}")
        out += [one_line(f"  - {line}") for line in s.reasons]
    if not d.changed:
        out += ["", "no change"]
    return "\n".join(out) + "\n"


def diff_json(d: Diff) -> str:
    return dumps(
        {
            "format_version": FORMAT_VERSION,
            "kind": "diff",
            "base": d.base,
            "as_of": d.as_of,
            "changed": d.changed,
            "requirements": {"past": d.requirements_past, "current": d.requirements_current},
            "stacks": [
                {"name": s.name, "state": s.state, "fields": s.fields(), "reasons": list(s.reasons)}
                for s in d.stacks
            ],
        }
    )


def render_diff(d: Diff, fmt: str) -> str:
    return {"table": diff_text, "markdown": diff_markdown, "json": diff_json}[fmt](d)
