"""The graph answers remembered between runs (``evaluator.scoring.graphs``): a remembered answer
equals a computed one, a file that is not exactly what stackfit wrote is never believed, and a
second `compare` on the same files answers without importing networkx."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.scoring import graphs

NAMES = st.sampled_from([f"t{i}" for i in range(8)])


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("STACKFIT_CACHE_DIR", str(folder))
    graphs.forget()
    yield folder
    graphs.forget()


def test_an_answer_survives_the_file_round_trip(cache: Path) -> None:
    feeds = [("ingestion", "warehouse"), ("warehouse", "training"), ("warehouse", "bi")]
    fresh = graphs.stage_handoffs(feeds, ["ingestion", "training", "bi"])
    assert fresh == (("ingestion", "bi"), ("ingestion", "training"))
    parts = graphs.groups(["a", "b", "c"], [("b", "a")])
    graphs.flush()
    assert (cache / "graphs.v1.json").is_file()
    graphs.forget()
    assert graphs.stage_handoffs(feeds, ["bi", "training", "ingestion"]) == fresh
    assert graphs.groups(["c", "b", "a"], [("a", "b")]) == parts == (("a", "b"), ("c",))
    assert not graphs._new  # both came from the file


def _plant(cache: Path, answers: dict[str, object], *, checksum: str | None = None) -> None:
    body = json.dumps(answers, separators=(",", ":"))
    digest = checksum or hashlib.sha256(body.encode()).hexdigest()
    cache.mkdir(mode=0o700, exist_ok=True)
    (cache / "graphs.v1.json").write_text(json.dumps({"body": digest}) + "\n" + body)


def test_a_tampered_or_misshapen_answer_is_computed_again(cache: Path) -> None:
    key = graphs._key("groups", [["a", "b", "c"], [["a", "b"]]])
    _plant(cache, {key: [["a", "b", "c"]]}, checksum="0" * 64)  # body does not match header
    assert graphs.groups(["a", "b", "c"], [("a", "b")]) == (("a", "b"), ("c",))
    graphs.forget()
    _plant(cache, {key: [["a", "b"]]})  # not a partition of the question's tools
    assert graphs.groups(["a", "b", "c"], [("a", "b")]) == (("a", "b"), ("c",))
    graphs.forget()
    _plant(cache, {key: [["a", "b"], ["c", "x"]]})
    assert graphs.groups(["a", "b", "c"], [("a", "b")]) == (("a", "b"), ("c",))
    graphs.forget()
    handoffs = graphs._key("stage-handoffs", [[["a", "b"]], ["a", "b"]])
    _plant(cache, {handoffs: [["a", "zz"]]})  # a stage the question does not name
    assert graphs.stage_handoffs([("a", "b")], ["a", "b"]) == (("a", "b"),)


def test_a_folder_others_can_write_is_not_used(cache: Path) -> None:
    key = graphs._key("groups", [["a", "b"], []])
    _plant(cache, {key: [["a", "b"]]})  # well formed, and wrong: a and b are not linked
    cache.chmod(0o777)
    assert graphs.groups(["a", "b"], []) == (("a",), ("b",))


def test_no_cache_means_no_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKFIT_NO_CACHE", "1")
    graphs.groups(["a"], [])
    graphs.flush()
    assert not cache.exists()


@settings(max_examples=60, deadline=None)
@given(
    nodes=st.lists(NAMES, min_size=1, max_size=8, unique=True),
    edges=st.lists(st.tuples(NAMES, NAMES), max_size=12),
)
def test_groups_are_the_connected_components(
    nodes: list[str], edges: list[tuple[str, str]]
) -> None:
    edges = [(a, b) for a, b in edges if a in nodes and b in nodes]
    graphs.forget()
    got = graphs.groups(nodes, edges)
    again = graphs.groups(list(reversed(nodes)), [(b, a) for a, b in reversed(edges)])
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    assert got == again == tuple(sorted(tuple(sorted(c)) for c in nx.connected_components(g)))


def test_a_second_compare_does_not_import_networkx(tmp_path: Path) -> None:
    """What the file is for: the answers a `compare` needs are all remembered after one run."""
    probe = (
        "import sys\n"
        "sys.argv = ['stackfit', 'compare', '--as-of', '2026-11-26']\n"
        "from evaluator.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('networkx' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "STACKFIT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("STACKFIT_NO_CACHE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["True", "False"]
    assert runs[0].stdout == runs[1].stdout
    assert "Databricks end to end" in runs[0].stdout


def test_the_file_keeps_the_newest_answers(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphs, "MAX_ANSWERS", 3)
    for i in range(5):
        graphs.groups([f"n{i}"], [])
    graphs.flush()
    graphs.forget()
    for i in range(5):
        graphs.groups([f"n{i}"], [])
    assert sorted(graphs._new) == sorted(graphs._key("groups", [[f"n{i}"], []]) for i in (0, 1))


def test_help_loads_no_model_code(tmp_path: Path) -> None:
    """Flushing the answers must not pull the scoring package into `stackfit --help`."""
    probe = (
        "import sys\n"
        "sys.argv = ['stackfit', '--help']\n"
        "from evaluator.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('evaluator.scoring', 'pydantic',"
        " 'networkx'))), file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.stderr.strip().splitlines()[-1] == "[]"
    assert "compare" in run.stdout
