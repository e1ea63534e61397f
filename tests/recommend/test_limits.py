"""The search's limits and progress: a stopped search says it is not proven, keeps what it
found, states a bound no stack exceeds, and never claims that no viable stack exists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evaluator.catalog import Catalog, load_catalog
from evaluator.loading.files import load_document
from evaluator.models import Requirements, Tool
from evaluator.recommend import report
from evaluator.recommend.bnb import Search, Stats
from evaluator.recommend.explain import recommend, stack_of
from evaluator.recommend.space import build_space
from evaluator.scoring import build_context, evaluate_stack
from tests.scoring.strategies import make_catalog

TODAY = dt.date(2026, 12, 7)
CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def requirements(name: str) -> Requirements:
    model = load_document(CASES / name).model
    assert isinstance(model, Requirements)
    return model


def test_node_limit_stops_unproven_with_a_bound(catalog: Catalog) -> None:
    req = requirements("rag-with-postgres.yaml")
    result = recommend(req, catalog, today=TODAY, top=3, node_limit=200, explain=False)
    assert not result.stats.proven
    assert result.stats.nodes <= 201
    assert result.stats.bound is not None
    if result.results:
        assert result.stats.bound >= result.results[0].evaluation.overall.value - 1e-9


def test_a_stopped_search_never_says_no_stack_exists(catalog: Catalog) -> None:
    """Stopped before any leaf: a viable stack exists (the Postgres stack of issue #13), and
    the report must not deny it."""
    req = requirements("rag-with-postgres.yaml")
    known = evaluate_stack(
        stack_of(["metabase", "openai-api", "pgvector", "postgresql"], "known"),
        build_context(req, catalog),
        catalog,
        today=TODAY,
    )
    assert known.viable
    result = recommend(req, catalog, today=TODAY, top=1, node_limit=1, explain=False)
    assert not result.stats.proven
    for text in (report.to_table(result), report.to_markdown(result)):
        assert "every stack in the search space fails a gate" not in text
        assert "NOT proven" in text
    # The seeds scored before the tree search already give a viable stack at least as good.
    assert result.results
    assert result.results[0].evaluation.overall.value >= known.overall.value - 1e-9


def test_a_search_with_no_stack_found_says_it_proved_nothing() -> None:
    """The report of a stopped search that found nothing never denies that a stack exists."""
    from evaluator.recommend.bnb import Stats
    from evaluator.recommend.explain import SEARCH_SPACE, Recommended

    stopped = Recommended(
        requirements="r",
        as_of="2026-12-07",
        results=(),
        pareto=(),
        stats=Stats(nodes=1, proven=False, bound=80.0),
        infeasible=None,
        search_space=SEARCH_SPACE,
    )
    for text in (report.to_table(stopped), report.to_markdown(stopped)):
        assert "does NOT show that none exists" in text
        assert "every stack in the search space fails a gate" not in text


def test_progress_is_reported(catalog: Catalog) -> None:
    req = requirements("rag-with-postgres.yaml")
    calls: list[tuple[int, float | None]] = []

    def progress(stats: Stats, best: float | None) -> None:
        calls.append((stats.nodes, best))

    context = build_context(req, catalog)
    Search(build_space(catalog, context, TODAY), top=1, node_limit=300, progress=progress).run()
    assert calls, "a search of more than 64 nodes reports at least once"
    assert calls[0][0] == 64
    nodes = [n for n, _ in calls]
    assert nodes == sorted(nodes)


def _tool(tool_id: str, caps: dict[str, int], **governance: object) -> Tool:
    return Tool.model_validate(
        {
            "id": tool_id,
            "name": tool_id,
            "vendor": tool_id,
            "license": "Apache-2.0",
            "homepage": f"https://{tool_id}.example/",
            "deployment": ["self-hosted"],
            "capabilities": caps,
            "governance": {"lineage": True, "audit": True, "access_control": "role", "sso": True}
            | governance,
            "openness": {"data_format": "open", "api": "open", "bulk_export": True},
            "data_role": "stores",
            "sources": [f"https://{tool_id}.example/docs"],
            "as_of": "2026-11-01",
            "curation": "curated",
        }
    )


def test_no_viable_stack_proven_before_the_search_with_the_gate() -> None:
    """Issue #13's files without a stack had this shape: every tool reaching a must-have holds
    data and fails a storage control nothing in the catalog can carry to it. The search proves
    that at once and says which tools and controls rule the need out. Cross-check: no single
    tool added to either of them removes its data-control violations (a control's governance
    tool is one tool)."""
    catalog = make_catalog(
        [
            _tool("fs-a", {"feature-store": 3}, sso=False),
            _tool("fs-b", {"feature-store": 3}, audit=False),
            _tool("fs-c", {"feature-store": 2}),
            _tool("wh", {"warehouse": 3, "feature-store": 1}),
        ]
    )
    req = Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "no stack",
            "sensitivity": "confidential",
            "capabilities": {
                "feature-store": {"weight": 3, "must": True, "min_level": 3},
                "warehouse": 2,
            },
        }
    )
    result = recommend(req, catalog, today=TODAY, top=5, node_limit=10, explain=False)
    assert result.stats.proven
    assert result.stats.nodes == 0
    assert not result.results
    assert result.infeasible is not None
    assert "feature-store at level 3" in result.infeasible
    assert "fs-a (sso)" in result.infeasible
    assert "fs-b (audit)" in result.infeasible
    context = build_context(req, catalog)
    for held in ("fs-a", "fs-b"):
        for other in sorted(catalog.tools):
            e = evaluate_stack(stack_of(sorted({held, other}), "x"), context, catalog, today=TODAY)
            assert any(
                v.subject == held and v.gate in ("sensitivity", "regulation") for v in e.violations
            ), other


def test_a_tight_tool_limit_gets_an_incumbent_before_the_tree_search(catalog: Catalog) -> None:
    """Fifteen needs in at most seven tools: the greedy set-cover seed is viable, so even a
    search stopped after its first node has a stack to show (before it, 2 s found none)."""
    req = requirements("tight-max-tools.yaml")
    result = recommend(req, catalog, today=TODAY, top=3, max_tools=7, node_limit=1, explain=False)
    assert not result.stats.proven
    assert result.results
    best = result.results[0]
    assert best.evaluation.viable
    assert len(best.evaluation.tools) <= 7
