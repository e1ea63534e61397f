"""Render recommendations as a table, Markdown or JSON, and as stack files ``compare`` reads."""

from __future__ import annotations

import json
from typing import Any

import yaml

from evaluator.recommend.explain import Recommendation, Recommended
from evaluator.reporting.common import annual
from evaluator.scoring.results import StackEvaluation, UnitEvaluation
from evaluator.textsafe import md_text, one_line


def _scores(e: StackEvaluation | UnitEvaluation) -> dict[str, float | str]:
    return {
        "fit": round(e.fit.value, 4),
        "glue": round(e.glue.value, 4),
        "glue_person_days": round(e.glue_person_days, 2),
        "lock_in": round(e.lock_in.value, 4),
        "cost": round(e.cost.value, 4),
        "annual_cost_low": round(e.annual_cost.low, 2),
        "annual_cost_high": round(e.annual_cost.high, 2),
        "currency": e.annual_cost.currency,
        "overall": round(e.overall.value, 4),
    }


def _units_line(e: StackEvaluation) -> list[str]:
    """With business units: each unit's own overall score (the stack is viable for all)."""
    if not e.units:
        return []
    each = ", ".join(f"{u.unit} {u.overall.value:.2f}" for u in e.units)
    return [f"viable for every business unit; each unit's own overall: {each}"]


def _gap(r: Recommended) -> float | None:
    """How far the best stack found may be from the best there is (not proven only)."""
    if r.stats.proven or r.stats.bound is None:
        return None
    best = r.results[0].evaluation.overall.value if r.results else None
    return None if best is None else max(0.0, r.stats.bound - best)


def _status(r: Recommended) -> str:
    s = r.stats
    if s.proven:
        proof = "proven optimal"
    else:
        gap = _gap(r)
        bound = f"no stack scores above {s.bound:.2f}" if s.bound is not None else ""
        proof = "NOT proven (search stopped early)" + (
            f"; {bound}, at most {gap:.2f} above the best found"
            if gap is not None
            else (f"; {bound}" if bound else "")
        )
    return f"searched {s.nodes:,} nodes and scored {s.leaves:,} stacks; {proof}"


def _none_found(r: Recommended) -> str:
    """Why there is no result: proven (with the reason) or not proven (say so, never claim
    that no stack exists)."""
    if r.infeasible:
        return f"No viable stack: {r.infeasible}"
    if r.stats.proven:
        return "No viable stack: every stack in the search space fails a gate (proven)"
    return (
        "No viable stack found before the search stopped; this does NOT show that none exists "
        "(raise --time-limit, or start from a partial stack with --from)"
    )


def to_json(r: Recommended) -> str:
    data: dict[str, Any] = {
        "requirements": r.requirements,
        "as_of": r.as_of,
        "search_space": r.search_space,
        "search": {
            "nodes": r.stats.nodes,
            "stacks_scored": r.stats.leaves,
            "proven_optimal": r.stats.proven,
            "bound": None if r.stats.bound is None else round(r.stats.bound, 4),
            "gap": None if _gap(r) is None else round(_gap(r) or 0.0, 4),
        },
        "infeasible": r.infeasible,
        "results": [
            {
                "rank": x.rank,
                "name": x.stack.name,
                "tools": list(x.stack.tools),
                "pareto": x.pareto,
                "viable": x.evaluation.viable,
                **_scores(x.evaluation),
                "roles": [
                    {"tool": role.tool, "serves": list(role.serves), "why": role.why}
                    for role in x.roles
                ],
                "runner_up": [
                    {"capability": a.capability, "tool": a.tool, "overall": round(a.overall, 4)}
                    for a in x.runner_up
                ],
                **(
                    {
                        "units": [
                            {"unit": u.unit, "viable": u.viable, **_scores(u)}
                            for u in x.evaluation.units
                        ]
                    }
                    if x.evaluation.units
                    else {}
                ),
            }
            for x in r.results
        ],
        "pareto_front": [{"tools": list(e.tools), **_scores(e)} for e in r.pareto],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _header(r: Recommended, name: str | None = None) -> list[str]:
    return [
        f"Requirements: {one_line(r.requirements) if name is None else name}",
        f"As of {r.as_of}; {_status(r)}",
        f"Search space: {r.search_space}.",
    ]


def _runner(x: Recommendation, cap: str) -> str:
    for a in x.runner_up:
        if a.capability == cap:
            delta = a.overall - x.evaluation.overall.value
            return f"{a.tool} ({delta:+.2f})"
    return "-"


def to_table(r: Recommended) -> str:
    from tabulate import tabulate

    lines = _header(r)
    if r.infeasible or not r.results:
        lines += ["", _none_found(r)]
        return "\n".join(lines) + "\n"
    rows = [
        [
            x.rank,
            f"{x.evaluation.fit.value:.1f}",
            f"{x.evaluation.glue.value:.1f}",
            f"{x.evaluation.lock_in.value:.1f}",
            f"{x.evaluation.cost.value:.1f}",
            annual(x.evaluation),
            f"{x.evaluation.overall.value:.2f}",
            "yes" if x.pareto else "",
            ", ".join(x.stack.tools),
        ]
        for x in r.results
    ]
    lines += [
        "",
        tabulate(
            rows,
            headers=[
                "rank",
                "fit",
                "glue",
                "lock-in",
                "cost",
                "cost/yr",
                "overall",
                "pareto",
                "tools",
            ],
            disable_numparse=True,
            colalign=(
                "right",
                "right",
                "right",
                "right",
                "right",
                "right",
                "right",
                "left",
                "left",
            ),
        ),
    ]
    for x in r.results:
        lines += ["", f"{x.rank}. {x.stack.description}", *_units_line(x.evaluation)]
        role_rows = [
            [role.tool, role.why, ", ".join(f"{c}: {_runner(x, c)}" for c in role.serves) or "-"]
            for role in x.roles
        ]
        lines.append(
            tabulate(
                role_rows, headers=["tool", "there for", "runner-up per role (overall change)"]
            )
        )
    lines += [
        "",
        f"Pareto front over fit, glue, lock-in and cost among the stacks scored: {len(r.pareto)} stacks",
    ]
    return "\n".join(lines) + "\n"


def to_markdown(r: Recommended) -> str:
    name = md_text(r.requirements)
    lines = [f"# Recommended stacks: {name}", "", *(f"{h}  " for h in _header(r, name)), ""]
    if r.infeasible or not r.results:
        lines.append(_none_found(r))
        return "\n".join(lines) + "\n"
    lines += [
        "| rank | fit | glue | lock-in | cost | cost/yr | overall | Pareto | tools |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | --- |",
    ]
    for x in r.results:
        e = x.evaluation
        lines.append(
            f"| {x.rank} | {e.fit.value:.1f} | {e.glue.value:.1f} | {e.lock_in.value:.1f} | "
            f"{e.cost.value:.1f} | {annual(e)} | "
            f"{e.overall.value:.2f} | {'yes' if x.pareto else ''} | {', '.join(x.stack.tools)} |"
        )
    for x in r.results:
        lines += [
            "",
            f"## {x.rank}. {x.stack.description}",
            "",
            *(f"{line}." for line in _units_line(x.evaluation)),
            *([""] if x.evaluation.units else []),
            "| tool | there for | runner-up per role |",
            "| --- | --- | --- |",
        ]
        for role in x.roles:
            runners = ", ".join(f"{c}: {_runner(x, c)}" for c in role.serves) or "-"
            lines.append(f"| {role.tool} | {role.why} | {runners} |")
    lines += ["", f"Pareto front among the stacks scored: {len(r.pareto)} stacks."]
    return "\n".join(lines) + "\n"


def stack_yaml(x: Recommendation, requirements: str) -> str:
    data: dict[str, Any] = {
        "kind": "stack",
        "version": 1,
        "name": x.stack.name,
        "description": x.stack.description,
        "tools": list(x.stack.tools),
    }
    if x.stack.integrations:
        data["integrations"] = [
            {
                "from": i.source,
                "to": i.target,
                "kind": i.kind.value,
                **({"note": i.note} if i.note else {}),
            }
            for i in x.stack.integrations
        ]
    head = (
        f"# Written by `stackfit recommend` for: {requirements}\n"
        f"# overall {x.evaluation.overall.value:.2f} (rank {x.rank}); re-check with `stackfit compare`.\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
