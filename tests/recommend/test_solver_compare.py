"""The CP-SAT formulation of benchmarks/solver_compare.py agrees with the search.

Two independent answers to "the best viable stack of recommend's search space": the branch and
bound of evaluator/recommend/search.py and a CP-SAT model built from the same compiled tables.
They must return the same stack, or stacks with the same exact score (ties), and the model's
objective must be the exact score of any stack it is given. Skipped without ortools
(`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

pytest.importorskip("ortools")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import solver_compare as sc
from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.catalog import Catalog
from evaluator.models import Requirements
from evaluator.recommend.kernel import owners_of, score
from evaluator.recommend.problem import Problem, compile_problem
from evaluator.recommend.search import search
from evaluator.scoring import build_context
from tests.scoring.strategies import catalogs, requirements

TODAY = dt.date(2026, 11, 26)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def agree(p: Problem, **options: object) -> None:
    """The solver's optimum and search(top=1) are the same stack or tie exactly."""
    outcome, form = sc.solve(p, limit=60, workers=1, **options)
    result = search(p, top=1, **options)  # type: ignore[arg-type]
    if not result.found:
        assert outcome.status == "INFEASIBLE", outcome
        return
    assert outcome.status == "OPTIMAL", outcome
    assert outcome.tools is not None
    assert outcome.objective is not None
    ours = result.found[0]
    exact = score(p, frozenset(outcome.tools))
    assert exact.viable
    assert abs(outcome.objective - exact.overall) <= form.eps
    if outcome.tools != ours.tools:
        assert abs(exact.overall - ours.scored.overall) <= sc.AGREE, (
            p.tool_ids(outcome.tools),
            p.tool_ids(ours.tools),
        )


def on_grid(req: Requirements) -> Requirements:
    """The model scales need weights and glue points to integers: posture on a 0.1 grid."""
    data = req.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["governance"]["posture"] = round(data["governance"]["posture"], 1)
    return Requirements.model_validate(data)


def relaxed_synthetic(n: int) -> Problem:
    """benchmarks/recommend_bench.py's exhaustive-check instance: a small synthetic catalog,
    the benchmark's needs, internal data, no must-haves (so that viable stacks exist)."""
    catalog = synthetic_catalog(n)
    data = synthetic_requirements(catalog).model_dump(mode="json", by_alias=True, exclude_none=True)
    data.update(sensitivity="internal", regulations=[])
    for need in data["capabilities"].values():
        need.update(must=False, min_level=1)
    req = Requirements.model_validate(data)
    return compile_problem(catalog, build_context(req, catalog), TODAY)


def test_agrees_on_small_synthetic_instances() -> None:
    agree(relaxed_synthetic(12))
    catalog = synthetic_catalog(40)
    req = synthetic_requirements(catalog)
    agree(compile_problem(catalog, build_context(req, catalog), TODAY))


def test_objective_is_the_exact_score_of_any_stack() -> None:
    """With the stack fixed, the model's objective is the kernel's overall score (to its eps)
    and the model accepts the stack exactly when the kernel finds it viable."""
    p = relaxed_synthetic(12)
    rnd = random.Random(7)
    pool = sorted({t for c in range(len(p.needs)) for t in p.level[c] if not p.bad[t]})
    for _ in range(25):
        tools = set(rnd.sample(pool, rnd.randint(1, min(6, len(pool)))))
        tools &= set(owners_of(p, tools))  # every tool owns a need: the search space
        s = score(p, tools)
        ungated = sc.fixed_objective(p, tools, gates=False)
        assert ungated is not None
        assert abs(ungated - s.overall) <= 1e-6
        assert (sc.fixed_objective(p, tools) is not None) == s.viable


@SETTINGS
@given(st.data())
def test_agrees_on_random_catalogs(data: st.DataObject) -> None:
    catalog: Catalog = data.draw(catalogs(min_tools=2, max_tools=7))
    req = on_grid(data.draw(requirements(catalog)))
    p = compile_problem(catalog, build_context(req, catalog), TODAY)
    base = data.draw(st.lists(st.sampled_from(range(p.n)), max_size=2, unique=True))
    agree(
        p,
        forced=base,
        allow_drop=data.draw(st.booleans()),
        max_tools=data.draw(st.none() | st.integers(1, 4)),
    )
