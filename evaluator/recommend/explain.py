"""Turn search results into recommendations: re-scored with ``evaluate_stack``, with what each
tool is there for and the best alternative for each role."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import Requirements, Stack
from evaluator.recommend.bnb import Found, Search, SearchResult, Stats
from evaluator.recommend.bound import Relaxation
from evaluator.recommend.space import Space, build_space
from evaluator.scoring import build_context
from evaluator.scoring.evaluate import dominates
from evaluator.scoring.results import StackEvaluation
from evaluator.scoring.stackview import stack_owners
from evaluator.scoring.units import evaluate_with_units

if TYPE_CHECKING:
    from evaluator.catalog import Catalog

RUNNER_UP_CANDIDATES = 12
"""Per role, how many of the best-ranked other candidates are scored as the runner-up."""

BOUND_SLACK = 1e-9
"""How far below the best runner-up so far a candidate's bound must be for it to go unscored
(a bound equal to it, up to rounding, could still tie and win on its id)."""


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
            "pins": {
                t: v for t, v in (base.pins.items() if base is not None else ()) if t in tools
            },
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
    node_limit: int | None = None,
) -> Recommended:
    context = build_context(requirements, catalog)
    space = build_space(
        catalog, context, today, base=base, max_tools=max_tools, allow_drop=allow_drop
    )
    result = Search(
        space, top=top, node_limit=node_limit, time_limit=time_limit, progress=progress
    ).run()
    return explain_result(space, result, requirements, top, explain=explain)


def explain_result(
    space: Space,
    result: SearchResult,
    requirements: Requirements,
    top: int,
    *,
    explain: bool = True,
) -> Recommended:
    context, catalog, today, base = space.context, space.catalog, space.today, space.base
    owned = frozenset(e.tool for e in requirements.existing)
    scored: dict[tuple[str, ...], StackEvaluation] = {}  # runner-up stacks recur across ranks
    relaxation = Relaxation(space) if explain else None
    results = []
    for rank, f in enumerate(result.found[:top], start=1):
        named = stack_of(f.tools, f"Recommended {rank}", _describe(f, space.forced, owned), base)
        evaluation = evaluate_with_units(named, context, space.units, catalog, today=today)
        results.append(
            Recommendation(
                rank=rank,
                stack=named,
                evaluation=evaluation,
                pareto=not any(dominates(o.evaluation, f.evaluation) for o in result.scored),
                roles=_roles(space, f),
                runner_up=(
                    _runner_ups(space, f, scored, relaxation) if relaxation is not None else ()
                ),
            )
        )
    front = [
        f
        for f in result.scored
        if not any(dominates(o.evaluation, f.evaluation) for o in result.scored)
    ]
    front.sort(key=lambda f: (-round(f.evaluation.overall.value, 9), f.tools))
    pareto = [
        evaluate_with_units(
            stack_of(f.tools, f"Pareto {i + 1}", base=base),
            context,
            space.units,
            catalog,
            today=today,
        )
        for i, f in enumerate(front)
    ]
    return Recommended(
        requirements=requirements.name,
        as_of=today.isoformat(),
        results=tuple(results),
        pareto=tuple(pareto),
        stats=result.stats,
        infeasible=result.infeasible,
        search_space=SEARCH_SPACE_UNITS if space.units else SEARCH_SPACE,
    )


SEARCH_SPACE = (
    "stacks of the tools that must stay (the partial stack and tools under an active contract, "
    "unless drops are allowed) plus tools that pass the deployment and avoid gates and each own "
    "at least one needed capability; roles follow the scoring model's default owner rule"
)
SEARCH_SPACE_UNITS = SEARCH_SPACE.replace(
    "deployment and avoid gates", "deployment and avoid gates of every business unit"
)


def _describe(f: Found, forced: tuple[str, ...], owned: frozenset[str]) -> str:
    """What the stack does with what the organisation has: tools it must keep, tools it already
    owns and chooses to use again, and tools it adds."""
    kept = [t for t in f.tools if t in forced]
    reused = [t for t in f.tools if t not in forced and t in owned]
    added = [t for t in f.tools if t not in forced and t not in owned]
    parts = []
    if kept:
        parts.append(f"keeps {', '.join(kept)}")
    if reused:
        parts.append(f"reuses {', '.join(reused)}")
    if added:
        parts.append(f"adds {', '.join(added)}")
    return "; ".join(parts) + " (stackfit recommend)"


def _roles(space: Space, f: Found) -> tuple[Role, ...]:
    contracts = {
        e.tool for e in space.context.requirements.existing if e.commitment.value == "contract"
    }
    base_tools = set(space.base.tools) if space.base is not None else set()
    owners = f.evaluation.owners
    out = []
    for tid in f.tools:
        serves = tuple(c for c, o in owners.items() if o == tid)
        if serves:
            why = f"serves {', '.join(serves)}"
        elif tid in base_tools:
            why = "in the partial stack (--from); owns no needed capability"
        elif tid in contracts:
            why = "under contract; owns no needed capability"
        else:
            why = "owns no needed capability"
        out.append(Role(tool=tid, serves=serves, why=why))
    return tuple(out)


def _runner_ups(
    space: Space,
    f: Found,
    scored: dict[tuple[str, ...], StackEvaluation],
    relaxation: Relaxation | None = None,
) -> tuple[Alternative, ...]:
    """For each needed capability the stack covers: among the best-ranked other candidates, the
    one that, taking the role in place of the chosen tool (which leaves the stack if it served
    nothing else and may leave), gives the best viable stack, scored by evaluate_stack (a
    candidate the owner rule would not give the role is not scored; ``scored`` keeps what was,
    by tools).

    With ``relaxation`` (the search's bound over the same space), the candidates are scored in
    the order of their bound with every need decided, and those whose bound is below the best
    runner-up found are not scored: they could not beat it, so the answer is the same."""
    out = []
    owners = f.evaluation.owners
    context, catalog = space.context, space.catalog
    for need in sorted(space.needs, key=lambda n: n.capability):
        owner = owners.get(need.capability)
        if owner is None:
            continue
        serves_more = sum(1 for o in owners.values() if o == owner) > 1
        tried = 0
        # (bound, tool, tools, stack): the candidates the owner rule gives the role, best bound first.
        queue: list[tuple[float, str, tuple[str, ...], Stack | None]] = []
        for t in need.candidates:
            if t == owner or t in f.tools:
                continue
            tried += 1
            if tried > RUNNER_UP_CANDIDATES:
                break
            tools = set(f.tools)
            if not serves_more and owner not in space.forced:
                tools.discard(owner)
            tools.add(t)
            ids = tuple(sorted(tools))
            e = scored.get(ids)
            if e is not None:
                queue.append((e.overall.value, t, ids, None))
                continue
            stack = stack_of(ids, "-", base=space.base)
            got = stack_owners(stack, catalog, context)
            if got.get(need.capability) != t:
                continue
            bound = relaxation.stack_bound(ids, got) if relaxation is not None else math.inf
            queue.append((bound, t, ids, stack))
        queue.sort(key=lambda q: (-q[0], q[1]))
        best: tuple[float, str] | None = None
        for bound, t, ids, stack_or_none in queue:
            if best is not None and bound < best[0] - BOUND_SLACK:
                break  # (the queue is in falling order of bound: none left can beat it)
            e = scored.get(ids)
            if e is None:
                assert stack_or_none is not None  # (only scored stacks come without one)
                e = evaluate_with_units(
                    stack_or_none,
                    context,
                    space.units,
                    catalog,
                    today=space.today,
                    detail=False,
                )
                scored[ids] = e
            if e.owners.get(need.capability) != t or not e.viable:
                continue
            key = (e.overall.value, t)
            if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] < best[1]):
                best = key
        if best is not None:
            out.append(Alternative(need.capability, best[1], best[0]))
    return tuple(out)
