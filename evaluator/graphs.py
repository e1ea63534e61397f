"""The few graph algorithms the model needs, on plain dictionaries.

The taxonomy's stage graph has a few dozen nodes and a stack a dozen tools, so reachability,
the transitive reduction of a DAG and connected components are a few lines each. They were
networkx's until importing networkx (about 0.1 s, a fifth of a ``stackfit compare``) turned out
to cost more than everything ``compare`` computes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

N = TypeVar("N", bound=Hashable)

Graph = Mapping[N, Iterable[N]]
"""Successors per node (every node a key)."""


def descendants(graph: Graph[N], source: N, follow: Callable[[N], bool] | None = None) -> set[N]:
    """Nodes reachable from ``source`` (not itself unless on a cycle); with ``follow``, a node
    reached is entered further only if ``follow(node)``."""
    seen: set[N] = set()
    stack = [source]
    while stack:
        node = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                if follow is None or follow(nxt):
                    stack.append(nxt)
    return seen


def is_acyclic(graph: Graph[N]) -> bool:
    """Whether the directed graph has no cycle (Kahn's algorithm)."""
    indegree: dict[N, int] = dict.fromkeys(graph, 0)
    for node in graph:
        for nxt in graph[node]:
            indegree[nxt] = indegree.get(nxt, 0) + 1
    ready = [n for n, d in indegree.items() if d == 0]
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        for nxt in graph.get(node, ()):
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    return done == len(indegree)


def transitive_reduction(graph: Graph[N]) -> set[tuple[N, N]]:
    """The edges of a DAG that no longer path between their ends replaces."""
    reach = {node: descendants(graph, node) for node in graph}
    out: set[tuple[N, N]] = set()
    for node, targets in graph.items():
        children = set(targets)
        for target in children:
            if not any(target in reach[c] for c in children if c != target):
                out.add((node, target))
    return out


def components(nodes: Iterable[N], edges: Iterable[tuple[N, N]]) -> list[set[N]]:
    """Connected components of the undirected graph."""
    parent: dict[N, N] = {}

    def root(n: N) -> N:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for n in nodes:
        parent.setdefault(n, n)
    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[N, set[N]] = {}
    for n in parent:
        groups.setdefault(root(n), set()).add(n)
    return list(groups.values())
