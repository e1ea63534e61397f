"""Maturity, release lifecycles and radar rings in the scores, on the shipped catalog (its
lifecycle.yaml is endoflife.date's data as of 2026-08-22)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from evaluator.app import load_catalog_layers
from evaluator.catalog import Catalog, load_catalog
from evaluator.errors import InputErrors
from evaluator.loading.files import load_document
from evaluator.models import Maturity, Requirements, Stack, Stage
from evaluator.recommend.explain import recommend
from evaluator.resolve import check_stack
from evaluator.scoring import build_context, evaluate_stack
from evaluator.scoring.lifecycle import cycle_for, maturity_factors
from evaluator.scoring.results import StackEvaluation

TODAY = dt.date(2026, 12, 7)
NEEDS = {"training": {"weight": 5, "must": True}, "orchestration": 3}


@cache
def catalog() -> Catalog:
    return load_catalog()


def req(**fields: Any) -> Requirements:
    return Requirements.model_validate(
        {"kind": "requirements", "version": 1, "name": "r", "capabilities": NEEDS, **fields}
    )


def stack(*tools: str) -> Stack:
    return Stack.model_validate({"kind": "stack", "version": 1, "name": "s", "tools": list(tools)})


def evaluate(
    r: Requirements, s: Stack, today: dt.date = TODAY, cat: Catalog | None = None
) -> StackEvaluation:
    cat = cat or catalog()
    return evaluate_stack(s, build_context(r, cat), cat, today=today)


def lock_term(e: StackEvaluation, tool: str) -> tuple[float, str]:
    term = next(c for c in e.lock_in.contributions if c.key == f"tool.{tool}")
    return term.points, term.reason


def test_a_pinned_release_past_its_end_of_support_is_a_lock_in_risk() -> None:
    r = req()
    free, pinned = (
        evaluate(r, stack("spark", "airflow")),
        evaluate(r, stack("spark@3.4", "airflow")),
    )
    points, reason = lock_term(pinned, "spark")
    assert "spark 3.4 past end of support since 2024-10-21 0.20" in reason
    assert "closedness and risk" in reason
    assert points > lock_term(free, "spark")[0]
    assert [(k.tool, k.kind, k.date) for k in pinned.risks] == [
        ("spark", "end-of-support", "2024-10-21")
    ]
    assert pinned.risks[0].source == "https://endoflife.date/apache-spark"
    assert free.risks == ()


def test_the_release_in_use_counts_for_a_stack_that_keeps_the_tool() -> None:
    r = req(existing=[{"tool": "spark@3.4"}])
    assert r.existing[0].version == "3.4"
    e = evaluate(r, stack("spark", "airflow"))
    assert [k.kind for k in e.risks] == ["end-of-support"]
    assert evaluate(r, stack("ray", "airflow")).risks == ()


def test_near_end_of_support_grows_linearly_within_the_horizon() -> None:
    # Spark 4.0's end of support is 2026-11-23 (estimated); 90 days before is half the horizon.
    s = stack("spark@4.0.1", "airflow")
    day = dt.date(2026, 11, 23) - dt.timedelta(days=90)
    e = evaluate(req(), s, day)
    _points, reason = lock_term(e, "spark")
    assert (
        "spark 4.0 reaches end of support on 2026-11-23 (estimated), in 90 days (horizon 180) 0.10"
        in reason
    )
    assert e.risks[0].kind == "near-end-of-support"
    assert evaluate(req(lifecycle={"horizon_days": 60}), s, day).risks == ()
    far = evaluate(req(), s, dt.date(2026, 1, 1))
    assert far.risks == ()
    assert "risk" not in lock_term(far, "spark")[1]
    # A later as-of date never lowers the risk (up to the end of support and beyond).
    values = [
        lock_term(evaluate(req(), s, day + dt.timedelta(days=d)), "spark")[0]
        for d in range(0, 200, 20)
    ]
    assert values == sorted(values)


def test_versions_belong_to_a_known_cycle() -> None:
    lifecycle = catalog().lifecycle["spark"]
    assert cycle_for(lifecycle, "3.5.2").cycle == "3.5"  # type: ignore[union-attr]
    assert cycle_for(lifecycle, "3.55") is None
    doc_errors = _stack_errors(["spark@3.6", "airflow@2.10.4", "trino@476"])
    assert doc_errors == [
        "tools[0]: spark has no release cycle '3.6' (known: 4.2, 4.1, 4.0, 3.5, 3.4, 3.3, 3.2, "
        "3.1, 3.0, 2.4, 2.3, 2.2, ...); did you mean '3.5'?",
        "tools[2]: trino@476: the catalog has no release cycles for trino, so a pinned version "
        "cannot be judged; add them in a catalog's lifecycle section, or drop the version",
    ]


def _stack_errors(tools: list[str], tmp: Path | None = None) -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.yaml"
        path.write_text(f"kind: stack\nversion: 1\nname: s\ntools: [{', '.join(tools)}]\n")
        errors = check_stack(load_document(path), catalog())
    return [f"{e.path}: {e.message}" for e in errors]


def test_archived_and_sandbox_projects() -> None:
    base = catalog().tools["feast"]
    archived = base.model_copy(
        update={
            "maturity": Maturity(
                foundation="CNCF",
                stage=Stage.ARCHIVED,
                archived=dt.date(2025, 5, 22),
                source="https://landscape.cncf.io/",
                as_of=dt.date(2026, 8, 7),
            )
        }
    )
    assert maturity_factors(archived) == [("archived project (CNCF, 2025-05-22)", 0.2)]
    sandbox = catalog().tools["unity-catalog-oss"]
    assert maturity_factors(sandbox) == [("LF AI & Data sandbox project", 0.05)]
    e = evaluate(req(capabilities={"data-catalog": 3}), stack("unity-catalog-oss"))
    assert [(k.kind, k.tool) for k in e.risks] == [("sandbox", "unity-catalog-oss")]
    assert "LF AI & Data sandbox project 0.05" in lock_term(e, "unity-catalog-oss")[1]


def _radar(tmp_path: Path, ring: str) -> Catalog:
    folder = tmp_path / "org"
    folder.mkdir(parents=True)
    (folder / "radar.yaml").write_text(
        "kind: catalog\nversion: 1\nradar:\n"
        f"  - {{tool: airflow, ring: {ring}, since: 2026-01-15, note: moving to Dagster}}\n"
    )
    return load_catalog_layers([folder])


def test_hold_is_a_gate_unless_the_tool_is_in_use(tmp_path: Path) -> None:
    cat = _radar(tmp_path, "hold")
    s = stack("spark", "airflow")
    new = evaluate(req(), s, cat=cat)
    assert not new.viable
    assert [(v.gate, v.subject) for v in new.violations] == [("radar", "airflow")]
    kept = evaluate(req(existing=[{"tool": "airflow"}]), s, cat=cat)
    assert kept.viable
    assert [(k.kind, k.date) for k in kept.risks] == [("hold", "2026-01-15")]
    assert "moving to Dagster" in kept.risks[0].message
    result = recommend(req(), cat, today=TODAY, top=1, node_limit=500)
    assert result.results
    assert all("airflow" not in r.evaluation.tools for r in result.results)
    assert evaluate(req(), s, cat=_radar(tmp_path / "b", "trial")).viable


def test_radar_names_a_known_tool(tmp_path: Path) -> None:
    folder = tmp_path / "org"
    folder.mkdir(parents=True)
    (folder / "radar.yaml").write_text(
        "kind: catalog\nversion: 1\nradar:\n  - {tool: airflo, ring: hold}\n"
    )
    with pytest.raises(InputErrors) as caught:
        load_catalog_layers([folder])
    assert "unknown tool 'airflo'; did you mean 'airflow'?" in str(caught.value.errors[0])
