"""The hand-worked examples of docs/scoring.md, checked to the decimal printed there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evaluator.catalog import load_catalog
from evaluator.loading.files import as_requirements, as_stack, load_document
from evaluator.scoring import compare
from evaluator.scoring.results import Comparison

WORKED = Path(__file__).parent.parent / "inputs" / "worked"


def run(example: str) -> Comparison:
    catalog = load_catalog([WORKED / "catalog"], builtin=False)
    req = as_requirements(load_document(WORKED / f"{example}.yaml"))
    stacks = [
        (as_stack(load_document(WORKED / f"{s}.yaml")), s) for s in ("suite", "best-of-breed")
    ]
    return compare(stacks, req, catalog, today=dt.date(2026, 11, 26))


# name -> (rank, viable, fit, glue, person-days, lock-in, overall), as in docs/scoring.md
EXPECTED = {
    "example-1": {
        "Best of breed": (1, True, 69.70, 19.58, 42.0, 21.30, 74.63),
        "Suite": (2, True, 75.76, 0.0, 0.0, 85.00, 66.63),
    },
    "example-2": {
        "Suite": (1, True, 60.00, 0.0, 0.0, 85.00, 58.75),
        "Best of breed": (2, False, 70.00, 20.75, 33.0, 30.04, 72.30),
    },
}


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_worked_example_scores(example: str) -> None:
    result = run(example)
    got = {
        r.evaluation.name: (
            r.rank,
            r.evaluation.viable,
            round(r.evaluation.fit.value, 2),
            round(r.evaluation.glue.value, 2),
            round(r.evaluation.glue_person_days, 2),
            round(r.evaluation.lock_in.value, 2),
            round(r.evaluation.overall.value, 2),
        )
        for r in result.stacks
    }
    assert got == EXPECTED[example]
    assert all(r.pareto for r in result.stacks)


def test_worked_example_1_glue_terms() -> None:
    best = next(
        r.evaluation for r in run("example-1").stacks if r.evaluation.name == "Best of breed"
    )
    scale = 71.5 / 100
    raw = {c.key: round(c.points * scale, 6) for c in best.glue.contributions}
    assert raw == {
        "handoff.warehouse.training": 2.0,
        "concern.lineage.warehouse.training": 1.5,
        "concern.audit.warehouse.training": 1.5,
        "concern.versioning.warehouse.training": 1.0,
        "concern.approvals.warehouse.training": 1.0,
        "concern.automation.warehouse.training": 1.0,
        "team.warehouse.training": 2.0,
        "permissions.trainer": 4.0,
    }


def test_worked_example_2_violations_and_switching_cost() -> None:
    by_name = {r.evaluation.name: r.evaluation for r in run("example-2").stacks}
    messages = [v.message for v in by_name["Best of breed"].violations]
    assert messages == [
        "regulated data needs access-fine on lake, which holds data; neither it nor a governance tool reaching it provides it",
        "regulated data needs lineage on lake, which holds data; neither it nor a governance tool reaching it provides it",
    ]
    switching = [c for c in by_name["Suite"].fit.contributions if c.key.startswith("switching.")]
    assert [(c.key, c.points) for c in switching] == [("switching.trainer", -10.0)]
