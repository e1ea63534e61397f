"""The graph questions the model asks networkx, and the answers remembered between runs.

Two questions: which required stages hand data to which (a transitive reduction of the
taxonomy's flow, ``context.required_handoffs``), and which of a stack's working tools are wired
together without custom code (connected components, ``glue.integration_islands``). networkx
answers both. Importing it is a fifth of a ``stackfit compare``, and the answers depend only on
the question, so the command line keeps them: a run asks each question of an in-process table
first, then of a small file in stackfit's cache folder (read once, on the first question), and
only then imports networkx. ``flush`` writes new answers back; only the command line calls it,
so a library caller (a test, the recommend search scoring thousands of leaves) never writes.

A remembered answer must never change a result, so it is treated as untrusted like the parse
cache's entries (``loading.cache``): the file is used only in a folder that is ours and
writable by no one else, only whole (a header names its body's checksum), and each answer only
if it has the shape its question allows (a partition of the question's tools; pairs of the
question's stages). ``STACKFIT_NO_CACHE=1`` turns the file off; answers are then computed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FORMAT = 1
MAX_ANSWERS = 500
"""Answers kept in the file, the newest first (about 100 KB, read in about a millisecond). A
recommend run asks thousands of questions; the answers a repeated compare needs come back
after one run that asks them again."""
MAX_FILE_BYTES = 4 * 1024 * 1024

Pairs = tuple[tuple[str, str], ...]
Groups = tuple[tuple[str, ...], ...]

_answers: dict[str, Any] | None = None
"""Every answer known in this process, by question key; None until the file is read."""
_new: dict[str, Any] = {}
"""Answers computed in this process and not yet written."""


def _key(kind: str, question: Any) -> str:
    text = json.dumps([FORMAT, kind, question], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _path() -> Path | None:
    from evaluator.loading.cache import cache_dir

    folder = cache_dir()
    return None if folder is None else folder / f"graphs.v{FORMAT}.json"


def _read_file() -> dict[str, Any]:
    from evaluator.loading.cache import read_entry

    path = _path()
    if path is None:
        return {}
    body = read_entry(path, MAX_FILE_BYTES)
    return body if isinstance(body, dict) else {}


def _ask(kind: str, question: Any, compute: Callable[[], Any], fits: Callable[[Any], bool]) -> Any:
    global _answers
    key = _key(kind, question)
    if _answers is None:
        _answers = _read_file()
    answer = _answers.get(key)
    if answer is not None and fits(answer):
        return answer
    answer = compute()
    _answers[key] = answer
    _new[key] = answer
    return answer


def flush() -> None:
    """Write this process's new answers to the cache file (newest first, at most
    ``MAX_ANSWERS``); any problem is ignored, as with the parse cache."""
    from evaluator.loading.cache import write_entry

    path = _path()
    if not _new or path is None:
        return
    kept = dict(reversed(_new.items()))
    kept.update((k, v) for k, v in _read_file().items() if k not in kept)
    write_entry(path, dict(list(kept.items())[:MAX_ANSWERS]), MAX_FILE_BYTES)
    _new.clear()


def forget() -> None:
    """Drop what this process remembers (tests use it to start as a fresh run would)."""
    global _answers
    _answers = None
    _new.clear()


# ----------------------------------------------------------------------------- the questions


def stage_handoffs(feeds: Iterable[tuple[str, str]], stages: Iterable[str]) -> Pairs:
    """The handoffs between required ``stages`` over the taxonomy's ``feeds`` edges (source,
    target): data flows from one required stage to another directly, or through stages not
    required and not already by way of another required stage. A direct flow is always a
    handoff, also beside a longer path through other required stages (the warehouse feeds BI
    directly even when it also feeds training, whose scores reach BI too); only flows through
    unneeded stages are reduced (networkx's transitive reduction), so ingestion -> warehouse ->
    training is two handoffs, not three."""
    edges = sorted(set(feeds))
    wanted = sorted(set(stages))
    known = set(wanted)

    def fits(answer: Any) -> bool:
        return isinstance(answer, list) and all(
            isinstance(p, list) and len(p) == 2 and p[0] in known and p[1] in known for p in answer
        )

    def compute() -> list[list[str]]:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_edges_from(edges)
        required = known & set(graph.nodes)
        flow = nx.DiGraph()
        flow.add_nodes_from(required)
        for source in required:
            # Flow may pass through unneeded stages but stops at every required one.
            view = nx.subgraph_view(
                graph, filter_edge=lambda u, _v, s=source: u == s or u not in known
            )
            flow.add_edges_from(
                (source, target) for target in nx.descendants(view, source) & required
            )
        direct = {(a, b) for a, b in edges if a in known and b in known}
        if nx.is_directed_acyclic_graph(flow):
            flow = nx.transitive_reduction(flow)
        return [list(p) for p in sorted(set(flow.edges) | direct)]

    answer = _ask("stage-handoffs", [[list(e) for e in edges], wanted], compute, fits)
    return tuple((a, b) for a, b in answer)


def groups(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> Groups:
    """The connected components of the undirected graph on ``nodes`` and ``edges`` (networkx),
    each sorted, in sorted order."""
    members = sorted(set(nodes))
    links = sorted({(a, b) if a <= b else (b, a) for a, b in edges if a != b})

    def fits(answer: Any) -> bool:
        if not isinstance(answer, list) or not all(isinstance(g, list) and g for g in answer):
            return False
        flat = [t for g in answer for t in g]
        return sorted(flat) == members and answer == sorted(sorted(g) for g in answer)

    def compute() -> list[list[str]]:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(members)
        graph.add_edges_from(links)
        return sorted(sorted(c) for c in nx.connected_components(graph))

    answer = _ask("groups", [members, [list(e) for e in links]], compute, fits)
    return tuple(tuple(g) for g in answer)
