"""Turn search results into recommendations: re-scored with ``evaluate_stack``, with what each
tool is there for and the best alternative for each role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import Requirements, Stack
from evaluator.recommend.kernel import owners_of, score
from evaluator.recommend.problem import NO_TOOL, Problem, compile_problem
from evaluator.recommend.search import Found, SearchResult, Stats, search
from evaluator.scoring import build_context, evaluate_stack
from evaluator.scoring.results import StackEvaluation

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


@dataclass(frozen=True)
class Alternative:
    capability: str
    tool: str
    overall: float
    """Overall score of the stack with this tool taking the role (the recommended tool leaves
    when it served nothing else)."""


@dataclass(frozen=True)
class Role:
    tool: str
    serves: tuple[str, ...]  # needed capabilities it owns
    why: str  # "serves ...", "under contract", "in the partial stack"


@dataclass(frozen=True)
class Recommendation:
    rank: int
    stack: Stack
    evaluation: StackEvaluation
    pareto: bool
    roles: tuple[Role, ...]
    runner_up: tuple[Alternative, ...]


@dataclass(frozen=True)
class Recommended:
    requirements: str
    as_of: str
    results: tuple[Recommendation, ...]
    pareto: tuple[StackEvaluation, ...]
    stats: Stats
    infeasible: str | None
    search_space: str


def stack_of(
    tools: Sequence[str], name: str, description: str | None = None, base: Stack | None = None
) -> Stack:
    integrations = []
    if base is not None:
        integrations = [
            {
                "from": i.source,
                "to": i.target,
                "kind": i.kind.value,
                **({"note": i.note} if i.note else {}),
            }
            for i in base.integrations
            if i.source in tools and i.target in tools
        ]
    return Stack.model_validate(
        {
            "kind": "stack",
            "version": 1,
            "name": name,
            "description": description,
            "tools": sorted(tools),
            "integrations": integrations,
        }
    )


def recommend(
    requirements: Requirements,
    catalog: Catalog,
    *,
    today: dt.date,
    top: int = 5,
    base: Stack | None = None,
    max_tools: int | None = None,
    allow_drop: bool = False,
    progress: Callable[[Stats, float | None], None] | None = None,
    explain: bool = True,
    time_limit: float | None = None,
) -> Recommended:
    context = build_context(requirements, catalog)
    p = compile_problem(catalog, context, today, base)
    forced = [p.index[t] for t in base.tools] if base is not None else []
    result = search(
        p,
        top=top,
        forced=forced,
        allow_drop=allow_drop,
        max_tools=max_tools,
        progress=progress,
        time_limit=time_limit,
    )
    return explain_result(p, result, requirements, catalog, today, top, base, explain=explain)


def explain_result(
    p: Problem,
    result: SearchResult,
    requirements: Requirements,
    catalog: Catalog,
    today: dt.date,
    top: int,
    base: Stack | None,
    *,
    explain: bool = True,
) -> Recommended:
    context = p.context
    scored: list[tuple[Found, Stack, StackEvaluation]] = []
    for f in result.found:
        ids = p.tool_ids(f.tools)
        stack = stack_of(ids, "", base=base)
        scored.append((f, stack, evaluate_stack(stack, context, catalog, today=today)))
    # The exact order: evaluate_stack's scores, then tool ids; ties beyond K are dropped here.
    scored.sort(key=lambda x: (-round(x[2].overall.value, 9), x[1].tools))
    scored = scored[:top]
    pareto_ids = {p.tool_ids(f.tools) for f in result.pareto}
    results = []
    for rank, (f, stack, _) in enumerate(scored, start=1):
        name = f"Recommended {rank}"
        named = stack_of(stack.tools, name, _describe(p, f, result.forced), base)
        evaluation = evaluate_stack(named, context, catalog, today=today, source=None)
        results.append(
            Recommendation(
                rank=rank,
                stack=named,
                evaluation=evaluation,
                pareto=tuple(stack.tools) in pareto_ids,
                roles=_roles(p, f, result.forced, base),
                runner_up=_runner_ups(p, f, result) if explain else (),
            )
        )
    pareto = []
    for i, f in enumerate(result.pareto):
        stack = stack_of(p.tool_ids(f.tools), f"Pareto {i + 1}", base=base)
        pareto.append(evaluate_stack(stack, context, catalog, today=today))
    return Recommended(
        requirements=requirements.name,
        as_of=today.isoformat(),
        results=tuple(results),
        pareto=tuple(pareto),
        stats=result.stats,
        infeasible=result.infeasible,
        search_space=SEARCH_SPACE,
    )


SEARCH_SPACE = (
    "stacks of the tools that must stay (the partial stack and tools under an active contract, "
    "unless drops are allowed) plus tools that pass the deployment and avoid gates and each own "
    "at least one needed capability; roles follow the scoring model's default owner rule"
)


def _describe(p: Problem, f: Found, forced: tuple[int, ...]) -> str:
    added = [p.ids[t] for t in f.tools if t not in forced]
    kept = [p.ids[t] for t in f.tools if t in forced]
    parts = []
    if kept:
        parts.append(f"keeps {', '.join(kept)}")
    if added:
        parts.append(f"adds {', '.join(added)}")
    return "; ".join(parts) + " (stackfit recommend)"


def _roles(p: Problem, f: Found, forced: tuple[int, ...], base: Stack | None) -> tuple[Role, ...]:
    contracts = {e.tool for e in p.existing if e.contract}
    base_tools = set(base.tools) if base is not None else set()
    out = []
    for t in f.tools:
        serves = tuple(p.needs[c].capability for c, o in enumerate(f.owners) if o == t)
        tid = p.ids[t]
        if serves:
            why = f"serves {', '.join(serves)}"
        elif tid in base_tools:
            why = "in the partial stack (--from); owns no needed capability"
        elif t in contracts and t in forced:
            why = "under contract; owns no needed capability"
        else:
            why = "owns no needed capability"
        out.append(Role(tool=tid, serves=serves, why=why))
    return tuple(out)


def _runner_ups(p: Problem, f: Found, result: SearchResult) -> tuple[Alternative, ...]:
    """For each needed capability the stack covers: the candidate that, taking the role in place
    of the chosen tool (which leaves the stack if it served nothing else and may leave), gives
    the best viable stack, scored exactly."""
    out = []
    stack = set(f.tools)
    for c, owner in enumerate(f.owners):
        if owner == NO_TOOL:
            continue
        serves_more = sum(1 for o in f.owners if o == owner) > 1
        best: tuple[float, str] | None = None
        for t in result.candidates[c] if result.candidates else ():
            if t == owner:
                continue
            tools = set(stack)
            if not serves_more and owner not in result.forced:
                tools.discard(owner)
            tools.add(t)
            owners = owners_of(p, tools)
            if owners[c] != t:
                continue
            s = score(p, tools, owners)
            if not s.viable:
                continue
            key = (s.overall, p.ids[t])
            if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] < best[1]):
                best = key
        if best is not None:
            out.append(Alternative(p.needs[c].capability, best[1], best[0]))
    return tuple(out)
