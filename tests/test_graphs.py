"""The plain graph helpers against definitions computed the slow way (reachability by
repeated squaring of the adjacency relation)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from evaluator.graphs import components, descendants, is_acyclic, transitive_reduction

graphs = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=20),
    )
)


def closure(n: int, edges: set[tuple[int, int]]) -> set[tuple[int, int]]:
    reach = set(edges)
    while True:
        more = reach | {(a, d) for a, b in reach for c, d in reach if b == c}
        if more == reach:
            return reach
        reach = more


def as_graph(n: int, edges: set[tuple[int, int]]) -> dict[int, list[int]]:
    return {k: sorted(b for a, b in edges if a == k) for k in range(n)}


@given(graphs)
def test_reachability_and_cycles(g: tuple[int, set[tuple[int, int]]]) -> None:
    n, edges = g
    reach = closure(n, edges)
    graph = as_graph(n, edges)
    for k in range(n):
        assert descendants(graph, k) == {b for a, b in reach if a == k}
    assert is_acyclic(graph) == (not any(a == b for a, b in reach))


@given(graphs)
def test_transitive_reduction_of_a_dag(g: tuple[int, set[tuple[int, int]]]) -> None:
    n, edges = g
    dag = {(a, b) for a, b in edges if a < b}
    reduced = transitive_reduction(as_graph(n, dag))
    assert reduced <= dag
    assert closure(n, reduced) == closure(n, dag)
    for e in reduced:  # minimal: no edge can go
        assert closure(n, reduced - {e}) != closure(n, dag)


@given(graphs)
def test_components(g: tuple[int, set[tuple[int, int]]]) -> None:
    n, edges = g
    both = edges | {(b, a) for a, b in edges} | {(k, k) for k in range(n)}
    reach = closure(n, both)
    groups = components(range(n), edges)
    assert sorted(x for c in groups for x in c) == list(range(n))
    for c in groups:
        for a in c:
            assert c == {b for x, b in reach if x == a}
