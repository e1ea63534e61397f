"""Render a decision record: YAML front matter, MADR 4.0 sections, and a collapsed evidence block.

Everything is a function of its arguments, so a record is byte-for-byte reproducible from the
same inputs, ``as_of`` and ``date``. The front matter is written by hand rather than by a YAML
library: every scalar is a JSON literal (valid YAML), so quoting never depends on the text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evaluator.decisions.record import FrontMatter
from evaluator.decisions.snapshot import SCORES, StackSnapshot
from evaluator.models import Commitment, Requirements, Stack
from evaluator.reporting import mermaid
from evaluator.reporting.common import viable_cell
from evaluator.reporting.flow import Flow
from evaluator.scoring.results import Comparison, verdict_of
from evaluator.scoring.units import differences
from evaluator.textsafe import one_line

EVIDENCE_FENCE = "```json stackfit-evidence"
SCORE_LABEL = {"fit": "fit", "glue": "glue", "lock_in": "lock-in", "cost": "cost"}
MAX_GAPS = 3


def num(value: float) -> str:
    text = f"{value + (1e-9 if value >= 0 else -1e-9):.1f}"
    return "0.0" if text == "-0.0" else text


def _lit(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def _flow(data: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in data.items()) + "}"


def front_matter(front: FrontMatter) -> str:
    m = front.stackfit
    lines = [
        "---",
        f"status: {front.status.value}",
        f"date: {front.date.isoformat()}",
        f"decision-makers: {_lit(front.decision_makers)}",
        f"consulted: {_lit(front.consulted)}",
        f"informed: {_lit(front.informed)}",
    ]
    if front.supersedes:
        lines.append(f"supersedes: {_lit(front.supersedes)}")
    if front.superseded_by:
        lines.append(f"superseded-by: {_lit(front.superseded_by)}")
    inputs = m.inputs
    lines += [
        "stackfit:",
        f"  format: {m.format}",
        f"  version: {_lit(m.version)}",
        f"  title: {_lit(m.title)}",
        f"  question: {_lit(m.question)}",
        f"  as_of: {m.as_of.isoformat()}",
        f"  chosen: {_lit(m.chosen)}",
        f"  top_ranked: {_lit(m.top_ranked)}",
        f"  because: {_lit(m.because)}",
        "  inputs:",
        f"    requirements: {_flow(inputs.requirements.model_dump())}",
        "    stacks:",
        *(f"      - {_flow(s.model_dump())}" for s in inputs.stacks),
        "    catalog:",
        f"      dirs: {_lit(inputs.catalog.dirs)}",
        f"      taxonomy: {_lit(inputs.catalog.taxonomy)}",
        "      tools:",
        *(f"        {_lit(k)}: {_lit(v)}" for k, v in inputs.catalog.tools.items()),
        "  scores:",
        *(f"    - {_flow(row.model_dump())}" for row in m.scores),
        "---",
    ]
    return "\n".join(lines) + "\n"


def evidence_block(snaps: Sequence[StackSnapshot]) -> list[str]:
    """One JSON object, one contribution per line so that git diffs of records stay readable."""
    out = ["{"]
    for i, s in enumerate(snaps):
        ev = s.evidence
        out.append(f" {_lit(s.name)}: {{")
        out.append(f'  "violations": {_lit(ev.violations)},')
        if ev.pending:
            out.append(f'  "pending": {_lit(ev.pending)},')
        out.append(f'  "notes": {_lit(ev.notes)},')
        out.append('  "terms": {')
        for j, score in enumerate(SCORES):
            terms = ev.terms.get(score, {})
            out.append(f"   {_lit(score)}: {{")
            items = [
                f"    {_lit(k)}: {_flow(t.model_dump(exclude_none=True))}" for k, t in terms.items()
            ]
            out.append(",\n".join(items))
            out.append("   }" + ("," if j < len(SCORES) - 1 else ""))
        out.append("  }")
        out.append(" }" + ("," if i < len(snaps) - 1 else ""))
    out.append("}")
    # A fence inside a reason must not end the block early (only strings can hold backticks).
    return [line.replace("```", "\\u0060``") for line in out]


# --------------------------------------------------------------------------- prose


def drivers(req: Requirements) -> list[str]:
    wf, wg, wl, wc = req.weights.normalised()
    out = [
        f"Weights: fit {wf:.2f}, glue {wg:.2f}, lock-in {wl:.2f}, cost {wc:.2f}",
        f"Data sensitivity: {req.sensitivity.value}"
        + (f"; regulations: {', '.join(req.regulations)}" if req.regulations else ""),
        f"Governance posture {req.governance.posture:g} (0 = audit-first, 1 = permission-first)",
    ]
    musts = [
        f"{cap} (level {need.min_level})" if need.min_level > 1 else cap
        for cap, need in sorted(req.capabilities.items())
        if need.must
    ]
    if musts:
        out.append(f"Must-haves: {', '.join(musts)}")
    wanted = sorted(
        ((cap, n.weight) for cap, n in req.capabilities.items() if not n.must),
        key=lambda item: (-item[1], item[0]),
    )
    if wanted:
        out.append("Also weighed: " + ", ".join(f"{c} ({w})" for c, w in wanted))
    if req.deployment.allowed is not None:
        out.append(f"Deployment allowed: {', '.join(d.value for d in req.deployment.allowed)}")
    for e in sorted(req.existing, key=lambda e: e.tool):
        if e.commitment is Commitment.CONTRACT:
            until = f" until {e.until.isoformat()}" if e.until else ""
            out.append(f"Existing investment: {e.tool} under contract{until}")
        else:
            out.append(f"Existing investment: {e.tool} in use")
    avoid = req.avoid
    avoided = [*avoid.tools, *avoid.vendors, *avoid.licenses]
    if avoided:
        out.append(f"Avoid: {', '.join(avoided)}")
    for unit in sorted(req.units, key=lambda u: u.id):
        changes = "; ".join(differences(req, unit)) or "the same as the organisation"
        out.append(one_line(f"Business unit {unit.id} ({unit.label}): {changes}"))
    return out


def unit_matrix(comparison: Comparison, chosen: str) -> list[str]:
    """Each option's verdict and overall score per business unit (none without units): a stack
    is viable for the organisation only when it is viable for every unit."""
    if not comparison.units:
        return []
    ids = [u.id for u in comparison.units]
    out = [
        "Verdicts by business unit (each unit's own overall score; viable for the organisation "
        "only when viable for every unit):",
        "",
        "| Option | " + " | ".join(ids) + " |",
        "| --- | " + " | ".join("---" for _ in ids) + " |",
    ]
    for r in comparison.stacks:
        e = r.evaluation
        name = _esc(e.name) + (" (chosen)" if e.name == chosen else "")
        cells = [
            f"{_viable(x.viable, tuple(v.message for v in x.pending))} {num(x.overall.value)}"
            for x in e.units
        ]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*out, ""]


def pros_and_cons(s: StackSnapshot) -> list[str]:
    """Good / Neutral / Bad lines from the evaluator's own contributions."""
    row, ev = s.row, s.evidence
    good: list[str] = []
    bad: list[str] = []
    if row.viable and ev.pending:
        good.append("it passes every viability gate, pending verification of unknown catalog facts")
    elif row.viable:
        good.append("it passes every viability gate")
    bad += [f"not viable: {v}" for v in ev.violations]
    bad += [f"to verify: {v}" for v in ev.pending]
    fit = ev.terms.get("fit", {})
    full = sorted(
        k.removeprefix("coverage.")
        for k, t in fit.items()
        if t.possible is not None and t.points >= t.possible - 0.005
    )
    if full:
        good.append(f"best in class (level 3/3) for {', '.join(full)}")
    for key, t in fit.items():
        if key.startswith("reuse.") and t.points > 0:
            good.append(t.reason)
        elif key.startswith("switching.") and t.points < 0:
            bad.append(t.reason)
    weak = sorted(
        (
            (t.points - t.possible, k, t)
            for k, t in fit.items()
            if t.possible is not None and t.possible - t.points >= 0.05
        ),
        key=lambda item: (item[0], item[1]),
    )
    bad += [f"weaker on {k.removeprefix('coverage.')}: {t.reason}" for _, k, t in weak[:MAX_GAPS]]
    glue = sorted(ev.terms.get("glue", {}).items(), key=lambda kv: (-kv[1].points, kv[0]))
    bad += [f"glue: {t.reason}" for _, t in glue[:2] if t.points >= 0.5]
    lock = sorted(ev.terms.get("lock_in", {}).items(), key=lambda kv: (-kv[1].points, kv[0]))
    bad += [f"lock-in: {t.reason}" for _, t in lock[:2] if t.points >= 5]
    cost = sorted(ev.terms.get("cost", {}).items(), key=lambda kv: (-kv[1].points, kv[0]))
    bad += [f"cost: {t.reason}" for _, t in cost[:2] if t.points >= 5]
    annual = f" ({row.annual} a year)" if row.annual else ""
    neutral = (
        f"fit {num(row.fit)}, glue {num(row.glue)} ({num(row.glue_days)} person-days a year), "
        f"lock-in {num(row.lock_in)}, cost {num(row.cost)}{annual}, overall {num(row.overall)}, "
        f"rank {row.rank}"
    )
    return (
        [f"* Good, because {g}" for g in good]
        + [f"* Neutral, because {neutral}"]
        + [f"* Bad, because {b}" for b in bad]
    )


def _matrix(snaps: Iterable[StackSnapshot], chosen: str) -> list[str]:
    out = [
        "| Rank | Option | Viable | Fit | Glue | Glue days/yr | Lock-in | Cost | Cost/yr | Overall | Pareto |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in snaps:
        r = s.row
        name = _esc(r.stack) + (" (chosen)" if r.stack == chosen else "")
        out.append(
            f"| {r.rank} | {name} | {_viable(r.viable, s.evidence.pending)} | {num(r.fit)} | "
            f"{num(r.glue)} | {num(r.glue_days)} | {num(r.lock_in)} | {num(r.cost)} | "
            f"{r.annual or '-'} | {num(r.overall)} | "
            f"{'yes' if r.pareto else ''} |"
        )
    return out


def _viable(viable: bool, pending: tuple[str, ...]) -> str:
    return viable_cell(verdict_of(viable, bool(pending)), no="**no**")


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


def outcome(front: FrontMatter, snaps: Sequence[StackSnapshot]) -> list[str]:
    m = front.stackfit
    by_name = {s.name: s for s in snaps}
    chosen = by_name[m.chosen].row
    top = by_name[m.top_ranked].row
    lines = [f'Chosen option: "{m.chosen}", because ']
    if m.because is None:
        runner_up = next((s.row for s in snaps if s.name != m.chosen), None)
        why = f"it is viable and ranks first of {len(snaps)} with overall {num(chosen.overall)}"
        if runner_up is not None:
            why += f" (next: {runner_up.stack}, {num(runner_up.overall)})"
        lines[0] += why + "."
    else:
        lines[0] += m.because.rstrip(".") + "."
        lines += ["", "**This is not the evaluator's recommendation**, and is recorded as such:"]
        if chosen.stack != top.stack:
            lines.append(
                f"* stackfit ranks it {chosen.rank} of {len(snaps)} "
                f"(overall {num(chosen.overall)}; first is {top.stack} with {num(top.overall)})"
            )
        if not chosen.viable:
            lines.append("* it is not viable:")
            lines += [f"  * {v}" for v in by_name[m.chosen].evidence.violations]
    pending = by_name[m.chosen].evidence.pending
    if chosen.viable and pending:
        lines += ["", "It is viable **pending verification** of catalog facts recorded as unknown:"]
        lines += [f"* {v}" for v in pending]
    return lines


def render_record(
    front: FrontMatter,
    snaps: Sequence[StackSnapshot],
    requirements: Requirements,
    stacks: Mapping[str, Stack],
    units: Sequence[str] = (),
    flows: Mapping[str, Flow] | None = None,
) -> str:
    """The whole record; ``snaps`` in rank order, ``stacks`` the stack models by name,
    ``units`` the verdicts by business unit (``unit_matrix``), ``flows`` each stack's tools and
    handoffs by name (drawn as a Mermaid flowchart under its option)."""
    m = front.stackfit
    chosen = next(s for s in snaps if s.name == m.chosen)
    pros = pros_and_cons(chosen)
    out = [front_matter(front).rstrip("\n"), "", f"# {m.title}", ""]
    out += ["## Context and Problem Statement", ""]
    context = f"Which stack should serve **{requirements.name}**?"
    if requirements.description:
        context += " " + " ".join(requirements.description.split())
    out += [
        context,
        "",
        f"stackfit {m.version} evaluated {len(snaps)} candidate stacks against "
        f"`{m.inputs.requirements.path}` as of {m.as_of.isoformat()}.",
        "",
    ]
    out += ["## Decision Drivers", "", *(f"* {d}" for d in drivers(requirements)), ""]
    out += ["## Considered Options", ""]
    for s in snaps:
        model = stacks.get(s.name)
        desc = f": {' '.join(model.description.split())}" if model and model.description else ""
        out.append(f"* {s.name} (`{s.path}`){desc}")
    out += ["", "## Decision Outcome", "", *outcome(front, snaps), ""]
    out += ["### Consequences", ""]
    out += [p for p in pros if not p.startswith("* Neutral")] or ["* Neutral, because nothing"]
    out += ["", "### Confirmation", ""]
    out += [
        "`stackfit check` re-evaluates this record against the current inputs (it is meant to run "
        "in CI). It fails when the chosen option stops being viable and warns when inputs change, "
        "when the option no longer ranks first or a score moves, or when a contract ends.",
        "",
    ]
    out += ["## Pros and Cons of the Options", ""]
    for s in snaps:
        out += [f"### {s.name}", "", *pros_and_cons(s), ""]
        flow = (flows or {}).get(s.name)
        if flow is not None:
            out += [*mermaid.fenced(flow), ""]
    out += [
        "## More Information",
        "",
        "Score matrix (fit: higher is better; glue and lock-in: lower is better):",
        "",
    ]
    out += [*_matrix(snaps, m.chosen), ""]
    out += units
    out += [
        "<details><summary>Evidence: every contribution behind the scores (machine-readable)</summary>",
        "",
        EVIDENCE_FENCE,
        *evidence_block(snaps),
        "```",
        "",
        "</details>",
    ]
    return "\n".join(out) + "\n"
