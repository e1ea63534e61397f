"""The reference answer for `stackfit recommend`: every stack of its search space scored by
evaluate_stack (viable for every business unit, when there are units) and sorted, feasible only on small catalogs. The exactness tests
(tests/recommend/test_exact.py) and the benchmarks' cross-checks share this one definition."""

from __future__ import annotations

import datetime as dt
import itertools

from evaluator.catalog import Catalog
from evaluator.models import Requirements
from evaluator.recommend.explain import stack_of
from evaluator.scoring import build_context
from evaluator.scoring.units import evaluate_with_units, unit_contexts


def exhaustive(
    catalog: Catalog,
    req: Requirements,
    *,
    today: dt.date,
    top: int,
    base: tuple[str, ...] = (),
    allow_drop: bool = False,
    max_tools: int | None = None,
) -> list[tuple[tuple[str, ...], float]]:
    """The tools that must stay (``base``, and tools under a running contract unless drops are
    allowed) plus any subset of the others each owning a need, viable, within the cap; best
    first, ties by tool ids."""
    context = build_context(req, catalog)
    units = unit_contexts(req, catalog)
    contracts = set()
    if not allow_drop:
        contracts = {
            e.tool
            for e in req.existing
            if e.commitment.value == "contract" and (e.until is None or e.until >= today)
        }
    forced = set(base) | contracts
    others = sorted(set(catalog.tools) - forced)
    out = []
    for n in range(len(others) + 1):
        for extra in itertools.combinations(others, n):
            tools = sorted(forced | set(extra))
            if not tools or (max_tools is not None and len(tools) > max_tools):
                continue
            e = evaluate_with_units(
                stack_of(tools, "x"), context, units, catalog, today=today, detail=False
            )
            owning = {o for o in e.owners.values() if o is not None}
            if not e.viable or not set(extra) <= owning:
                continue
            out.append((tuple(tools), e.overall.value))
    out.sort(key=lambda x: (-round(x[1], 9), x[0]))
    return out[:top]
