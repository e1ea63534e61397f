"""Robustness of a ranking: weight changes that swap the top two, and rank acceptability."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evaluator import app as core
from evaluator import robustness as rb
from evaluator.reporting import Format, render_comparison
from evaluator.resources import builtin_stacks_dir
from evaluator.scoring.evaluate import overall_score, rank
from evaluator.scoring.results import Comparison, Score, StackEvaluation, Violation
from tests.golden import assert_golden
from tests.scoring.test_worked_examples import run

GOLDEN = Path(__file__).parent / "reporting" / "golden"

# ----------------------------------------------------------------------------- helpers


def evaluation(
    name: str,
    fit: float,
    glue: float,
    lock_in: float,
    weights: tuple[float, float, float],
    *,
    viable: bool = True,
) -> StackEvaluation:
    violations = () if viable else (Violation(gate="avoid", subject="x", message="avoided"),)
    return StackEvaluation(
        name=name,
        source=None,
        tools=(),
        owners={},
        viable=viable,
        violations=violations,
        fit=Score.of([]).model_copy(update={"value": fit}),
        glue=Score.of([]).model_copy(update={"value": glue}),
        glue_person_days=0.0,
        lock_in=Score.of([]).model_copy(update={"value": lock_in}),
        overall=overall_score(fit, glue, lock_in, weights),
        handoffs=(),
        notes=(),
    )


def comparison(
    scores: list[tuple[float, float, float, bool]], weights: tuple[float, float, float]
) -> Comparison:
    total = sum(weights)
    w = (weights[0] / total, weights[1] / total, weights[2] / total)
    evaluations = [
        evaluation(f"s{i:02d}", f, g, lk, w, viable=v) for i, (f, g, lk, v) in enumerate(scores)
    ]
    return Comparison(
        requirements="test",
        as_of="2026-11-26",
        weights={"fit": w[0], "glue": w[1], "lock_in": w[2]},
        assumptions=(),
        stacks=tuple(rank(evaluations)),
    )


def reranked(c: Comparison, weights: tuple[float, float, float]) -> list[str]:
    """Stack names in rank order when the comparison's scores are weighed with ``weights``."""
    evaluations = [
        evaluation(
            r.evaluation.name,
            r.evaluation.fit.value,
            r.evaluation.glue.value,
            r.evaluation.lock_in.value,
            weights,
            viable=r.evaluation.viable,
        )
        for r in c.stacks
    ]
    return [r.evaluation.name for r in rank(evaluations)]


def shipped() -> Comparison:
    inputs = core.load_inputs([builtin_stacks_dir()])
    return core.compare_inputs(inputs, today=dt.date(2026, 11, 26))


# Scores on a 0.5 grid and weights on a 0.05 grid: every lead that is not zero is far larger than
# the 1e-9 rounding rank() applies, so a swap is a swap and not a tie broken by name.
score = st.integers(0, 200).map(lambda n: n / 2)
stack_scores = st.tuples(score, score, score, st.booleans())
weight_grid = st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)).filter(
    lambda w: sum(w) > 0
)


# ----------------------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_json() -> None:
    c = shipped()
    first = render_comparison(c, Format.JSON, rb.analyse(c, seed=7, samples=10_000))
    second = render_comparison(c, Format.JSON, rb.analyse(c, seed=7, samples=10_000))
    assert first == second
    other = render_comparison(c, Format.JSON, rb.analyse(c, seed=8, samples=10_000))
    assert json.loads(other)["robustness"]["seed"] == 8


def test_weightings_are_pinned_for_a_seed() -> None:
    # The Mersenne Twister sequence for a seed is the same on every platform and Python version,
    # and the sorting method uses only subtraction, so these digits never move.
    first = rb.draw_weightings(2, rb.DEFAULT_SEED)
    assert [tuple(round(x, 12) for x in w) for w in first] == PINNED_WEIGHTINGS
    assert all(abs(sum(w) - 1) < 1e-12 and min(w) >= 0 for w in rb.draw_weightings(500, 1))


PINNED_WEIGHTINGS = [
    (0.031682153224, 0.44299831108, 0.525319535696),
    (0.081024749993, 0.590161339327, 0.328813910681),
]


def test_pinned_share_on_the_shipped_example() -> None:
    # Moves only when the shipped catalog, the example stacks or the scoring model change.
    r = rb.analyse(shipped())
    firsts = {a.name: a.first for a in r.acceptability}
    assert firsts == {
        "Databricks end to end": 8142,
        "Snowflake with Dataiku": 1858,
        "AWS native services": 0,
        "Open lakehouse": 0,
    }
    assert r.winner is not None
    assert r.winner.name == "Databricks end to end"
    assert not r.fragile
    assert r.samples == 10_000
    assert r.seed == 20261126


# ----------------------------------------------------------------------------- acceptability


@settings(max_examples=200, deadline=None)
@given(st.lists(stack_scores, min_size=1, max_size=8), weight_grid)
def test_shares_sum_to_one_over_the_competing_stacks(
    scores: list[tuple[float, float, float, bool]], weights: tuple[int, int, int]
) -> None:
    c = comparison(scores, (float(weights[0]), float(weights[1]), float(weights[2])))
    result = rb.rank_acceptability(c, samples=300, seed=1)
    assert sum(a.first for a in result) == 300
    any_viable = any(v for *_, v in scores)
    for a, r in zip(result, c.stacks, strict=True):
        assert a.competes == (r.evaluation.viable or not any_viable)
        if not a.competes:
            assert a.first == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(stack_scores, min_size=1, max_size=8), weight_grid, st.integers(0, 2**32))
def test_a_stack_better_on_all_three_scores_wins_every_weighting(
    scores: list[tuple[float, float, float, bool]], weights: tuple[int, int, int], seed: int
) -> None:
    best = (
        max(s[0] for s in scores) + 1,
        min(s[1] for s in scores) - 1,
        min(s[2] for s in scores) - 1,
        True,
    )
    c = comparison([*scores, best], (float(weights[0]), float(weights[1]), float(weights[2])))
    winner = c.stacks[0].evaluation.name
    assert winner == f"s{len(scores):02d}"
    r = rb.analyse(c, samples=200, seed=seed)
    assert r.winner is not None
    assert r.winner.first == 200
    assert not r.fragile


def test_acceptability_matches_reranking_under_each_weighting() -> None:
    scores = [(70, 10, 40, True), (80, 30, 50, True), (60, 5, 10, True), (90, 0, 0, False)]
    c = comparison(scores, (0.5, 0.25, 0.25))
    expected: dict[str, int] = {}
    for w in rb.draw_weightings(400, 3):
        top = reranked(c, w)[0]
        expected[top] = expected.get(top, 0) + 1
    got = {a.name: a.first for a in rb.rank_acceptability(c, samples=400, seed=3) if a.first}
    assert got == expected


def test_fragile_winner_is_flagged() -> None:
    # s00 wins at the stated weights (fit-heavy) but s01 wins most weightings.
    c = comparison([(100, 60, 60, True), (60, 0, 0, True)], (0.9, 0.05, 0.05))
    r = rb.analyse(c, samples=2000, seed=5)
    assert r.winner is not None
    assert r.winner.name == "s00"
    assert r.fragile
    assert r.most_often_first is not None
    assert r.most_often_first.name == "s01"
    assert not rb.analyse(c, samples=2000, seed=5, fragile_below=0.0).fragile


def test_samples_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        rb.rank_acceptability(comparison([(1, 1, 1, True)], (1, 1, 1)), samples=0)


# ----------------------------------------------------------------------------- weight changes


def moved(c: Comparison, k: int, t: float) -> tuple[float, float, float]:
    w = (c.weights["fit"], c.weights["glue"], c.weights["lock_in"])
    return rb.moved_weights(w, k, t)


@settings(max_examples=300, deadline=None)
@given(st.lists(stack_scores, min_size=2, max_size=5), weight_grid)
def test_weight_change_swaps_the_two_and_a_smaller_one_does_not(
    scores: list[tuple[float, float, float, bool]], weights: tuple[int, int, int]
) -> None:
    c = comparison(scores, (float(weights[0]), float(weights[1]), float(weights[2])))
    swap = rb.weight_changes(c)
    assert swap is not None
    first, second = swap.first, swap.second

    def order(w: tuple[float, float, float]) -> bool:
        """True when the first still ranks above the second."""
        names = reranked(c, w)
        return names.index(first) < names.index(second)

    for k, change in enumerate(swap.changes):
        if change.threshold is None:
            # No value of this weight puts the second ahead on the overall score (at most a tie
            # that the names break): check a grid, both ends included.
            ua, ub = (rb.utilities(r.evaluation) for r in c.stacks[:2])
            for t in [i / 20 for i in range(21)]:
                w = moved(c, k, t)
                lead = sum(wi * (a - b) for wi, a, b in zip(w, ua, ub, strict=True))
                assert swap.blocked or lead >= -1e-9, (k, t)
            continue
        assert change.change is not None
        direction = 1.0 if change.change > 0 else -1.0 if change.change < 0 else 0.0
        if direction == 0.0:
            continue  # already tied: the name decides, any move the right way swaps
        eps = 1e-4
        beyond = change.threshold + direction * eps
        assume(0.0 <= beyond <= 1.0)
        assert not order(moved(c, k, beyond)), (k, change)
        # A smaller change keeps the order: just short of the tie, and half way to it.
        assert order(moved(c, k, change.threshold - direction * eps)), (k, change)
        assert order(moved(c, k, change.current + change.change / 2)), (k, change)


def test_weight_change_on_the_worked_example() -> None:
    c = run("example-1")
    swap = rb.weight_changes(c)
    assert swap is not None
    assert (swap.first, swap.second) == ("Best of breed", "Suite")
    fit, glue, lock = swap.changes
    assert fit.weight == "fit"
    assert fit.threshold is not None
    assert fit.threshold > fit.current  # the suite has the better fit
    assert glue.threshold is not None
    assert glue.threshold > glue.current  # the suite has the better (lower) glue
    assert lock.threshold is not None
    assert lock.threshold < lock.current  # best of breed is far less locked in
    for k, ch in enumerate(swap.changes):
        assert ch.threshold is not None
        step = 1e-3 if ch.threshold > ch.current else -1e-3
        assert reranked(c, moved(c, k, ch.threshold + step))[0] == "Suite"
        assert reranked(c, moved(c, k, ch.threshold - step))[0] == "Best of breed"


def test_no_weighting_lifts_a_stack_that_is_not_viable() -> None:
    swap = rb.weight_changes(run("example-2"))
    assert swap is not None
    assert swap.blocked is not None
    assert "not viable" in swap.blocked
    assert all(ch.threshold is None for ch in swap.changes)


def test_a_weight_at_one_shares_the_rest_equally() -> None:
    assert rb.moved_weights((1.0, 0.0, 0.0), 0, 0.5) == (0.5, 0.25, 0.25)
    assert rb.moved_weights((0.5, 0.25, 0.25), 1, 0.5) == (
        pytest.approx(1 / 3),
        0.5,
        pytest.approx(1 / 6),
    )


def test_a_single_stack_has_nothing_to_swap() -> None:
    c = comparison([(50, 50, 50, True)], (1, 1, 1))
    r = rb.analyse(c, samples=10)
    assert r.swap is None
    assert r.winner is not None
    assert r.winner.share == 1.0


# ----------------------------------------------------------------------------- reports


def section(markdown: str) -> str:
    return markdown[markdown.index("### Robustness of the ranking") :]


@pytest.mark.parametrize("example", ["example-1", "example-2"])
def test_robustness_section_markdown_golden(example: str) -> None:
    c = run(example)
    text = render_comparison(c, Format.MARKDOWN, rb.analyse(c))
    assert_golden(GOLDEN / f"robustness-{example}.md", section(text))


def test_reports_without_robustness_are_unchanged() -> None:
    c = run("example-1")
    for fmt in Format:
        assert render_comparison(c, fmt) == render_comparison(c, fmt, None)
    table = render_comparison(c, Format.TABLE, rb.analyse(c))
    assert table.startswith(render_comparison(c, Format.TABLE).rstrip("\n"))
    assert "Rank acceptability" in table
    plain = json.loads(render_comparison(c, Format.JSON))
    data = json.loads(render_comparison(c, Format.JSON, rb.analyse(c)))
    assert data.pop("robustness")["samples"] == rb.DEFAULT_SAMPLES
    assert data == plain
