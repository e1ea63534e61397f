"""The kernel's lazily filled tables (hub rows, handoff memo) are shared by every stack scored on
one compiled problem: scoring many stacks in turn, in the way the search passes them (a
frozenset of tools and the owners list), must still equal evaluate_stack for each one."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.catalog import Catalog
from evaluator.models import Requirements, Stack
from evaluator.recommend.explain import stack_of
from evaluator.recommend.kernel import _lit, owners_of, score, scorer, source
from evaluator.recommend.problem import compile_problem
from evaluator.scoring import build_context, evaluate_stack
from tests.scoring.strategies import catalogs, requirements

TODAY = dt.date(2026, 11, 26)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(p_stack: tuple[bool, float, float, float, float], e: object) -> None:
    viable, fit, glue, lock_in, overall = p_stack
    assert viable == e.viable  # type: ignore[attr-defined]
    assert abs(fit - e.fit.value) <= 1e-9  # type: ignore[attr-defined]
    assert abs(glue - e.glue.value) <= 1e-9  # type: ignore[attr-defined]
    assert abs(lock_in - e.lock_in.value) <= 1e-9  # type: ignore[attr-defined]
    assert abs(overall - e.overall.value) <= 1e-9  # type: ignore[attr-defined]


def check_many(
    catalog: Catalog, req: Requirements, stacks: list[list[str]], base: Stack | None = None
) -> None:
    context = build_context(req, catalog)
    p = compile_problem(catalog, context, TODAY, base)
    for ids in stacks + stacks[::-1]:  # a second pass reads what the first one cached
        tools = frozenset(p.index[t] for t in ids)
        owners = owners_of(p, tools)
        got = score(p, tools, owners)
        assert score(p, sorted(tools)) == got
        e = evaluate_stack(stack_of(sorted(ids), "x", base=base), context, catalog, today=TODAY)
        assert_same(got, e)


@SETTINGS
@given(st.data())
def test_many_stacks_on_one_problem(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=2, max_tools=9))
    req = data.draw(requirements(catalog))
    ids = sorted(catalog.tools)
    stacks = data.draw(
        st.lists(st.lists(st.sampled_from(ids), min_size=1, unique=True), min_size=1, max_size=8)
    )
    check_many(catalog, req, stacks)


@SETTINGS
@given(st.data())
def test_many_stacks_with_declared_integrations(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(min_tools=3, max_tools=8))
    req = data.draw(requirements(catalog))
    ids = sorted(catalog.tools)
    pair = data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
    kind = data.draw(st.sampled_from(["native", "standard", "custom"]))
    base = Stack.model_validate(
        {
            "kind": "stack",
            "version": 1,
            "name": "base",
            "tools": pair,
            "integrations": [{"from": pair[0], "to": pair[1], "kind": kind}],
        }
    )
    stacks = data.draw(
        st.lists(st.lists(st.sampled_from(ids), min_size=1, unique=True), min_size=1, max_size=6)
    )
    check_many(catalog, req, [sorted(set(s) | set(pair)) for s in stacks], base)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_stack_of_a_small_catalog(data: st.DataObject) -> None:
    """Every subset of a small catalog: stacks one tool apart, which fail a single gate more
    often than random stacks do (test_kernel_gates.py fails each gate alone for certain)."""
    catalog = data.draw(catalogs(min_tools=2, max_tools=6))
    req = data.draw(requirements(catalog))
    # at least one regulation, so that the stack-wide controls (approvals, versioning) are
    # demanded in most examples
    regulations = st.lists(st.sampled_from(sorted(catalog.regulations)), min_size=1, max_size=2)
    req = req.model_copy(update={"regulations": data.draw(regulations, label="regulations")})
    ids = sorted(catalog.tools)
    subsets = [[t for i, t in enumerate(ids) if mask >> i & 1] for mask in range(1, 1 << len(ids))]
    check_many(catalog, req, subsets)


def test_many_stacks_on_a_synthetic_catalog() -> None:
    """A larger catalog with the real integration graph and bridging formats: hubs that reach
    most but not all stage tools, native partners, several vendors per stack."""
    catalog = synthetic_catalog(150)
    req = synthetic_requirements(catalog)
    rnd = random.Random(7)
    ids = sorted(catalog.tools)
    stacks = [rnd.sample(ids, rnd.randint(3, 12)) for _ in range(60)]
    check_many(catalog, req, stacks)


def test_the_generated_scorer_holds_numbers_and_its_own_names_only() -> None:
    """The scorer is Python source generated per problem: nothing from a user's file may become
    part of it. It holds no string literal at all, so no id, name or label can be in it."""
    catalog = synthetic_catalog(150)
    p = compile_problem(catalog, build_context(synthetic_requirements(catalog), catalog), TODAY)
    text = source(p)
    assert "'" not in text
    assert '"' not in text
    assert scorer(p) is scorer(p)  # generated once per problem


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6))
def test_numbers_in_the_generated_source_read_back_exactly(x: float) -> None:
    got = eval(_lit(x))  # only what _lit wrote: a number, maybe in parentheses
    assert got == x
    assert type(got) is type(x)
    assert str(got) == str(x)  # -0.0 stays -0.0


def test_a_table_that_is_not_a_finite_number_is_refused() -> None:
    for bad in (float("inf"), float("-inf"), float("nan")):
        with pytest.raises(ValueError, match="scoring table"):
            _lit(bad)
