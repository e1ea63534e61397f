"""The search's limits and progress: a stopped search says it is not proven, and a search
given a progress callback reports, at most five times a second."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.recommend.problem import Problem, compile_problem
from evaluator.recommend.search import Stats, search
from evaluator.scoring import build_context

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def problem() -> Problem:
    catalog = synthetic_catalog(300)
    req = synthetic_requirements(catalog)
    return compile_problem(catalog, build_context(req, catalog), TODAY)


def test_full_search_is_proven(problem: Problem) -> None:
    result = search(problem, top=5)
    assert result.stats.proven
    assert result.stats.nodes > 200  # enough nodes for the limits below to bite
    assert len(result.found) >= 5


def test_node_limit_stops_unproven(problem: Problem) -> None:
    result = search(problem, top=5, node_limit=100)
    assert not result.stats.proven
    assert result.stats.nodes <= 101


def test_time_limit_is_read_within_64_nodes(problem: Problem) -> None:
    result = search(problem, top=5, time_limit=0.0)
    assert not result.stats.proven
    assert result.stats.nodes <= 64 + 1  # the work bound; no wall-clock assertion (it flakes)


def test_progress_is_reported_and_throttled(problem: Problem) -> None:
    calls: list[tuple[int, float | None]] = []

    def progress(stats: Stats, best: float | None) -> None:
        calls.append((stats.nodes, best))

    result = search(problem, top=5, progress=progress)
    assert calls, "a search of more than 64 nodes reports at least once"
    assert calls[0][0] == 64
    nodes = [n for n, _ in calls]
    assert nodes == sorted(nodes)
    # at most one report per 0.2 s, plus the first
    assert len(calls) <= 1 + result.stats.seconds / 0.2 + 1
