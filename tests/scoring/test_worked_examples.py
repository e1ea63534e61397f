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


# name -> (rank, viable, fit, glue, person-days, lock-in, cost, overall), as in docs/scoring.md
EXPECTED = {
    "example-1": {
        "Best of breed": (1, True, 81.16, 17.78, 36.0, 22.64, 13.25, 81.73),
        "Suite": (2, True, 71.01, 0.0, 0.0, 85.00, 17.76, 67.85),
    },
    "example-2": {
        "Suite": (1, True, 63.91, 0.0, 0.0, 85.00, 21.63, 64.24),
        "Best of breed": (2, False, 83.70, 18.37, 27.0, 22.17, 12.71, 82.83),
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
            round(r.evaluation.cost.value, 2),
            round(r.evaluation.overall.value, 2),
        )
        for r in result.stacks
    }
    assert got == EXPECTED[example]
    assert all(r.pareto for r in result.stacks)


def test_worked_example_1_glue_and_cost_terms() -> None:
    best = next(
        r.evaluation for r in run("example-1").stacks if r.evaluation.name == "Best of breed"
    )
    scale = 67.5 / 100
    raw = {c.key: round(c.points * scale, 6) for c in best.glue.contributions}
    assert raw == {
        "handoff.warehouse.training": 2.0,
        "concern.lineage.warehouse.training": 1.5,
        "concern.audit.warehouse.training": 1.5,
        "concern.automation.warehouse.training": 1.0,
        "team.warehouse.training": 2.0,
        "permissions.trainer": 4.0,
    }
    assert (best.annual_cost.low, best.annual_cost.high) == (120_800.0, 184_800.0)
    assert round(best.cost.value, 4) == round(100 * 152_800 / 1_152_800, 4)


def test_worked_example_2_violations_and_the_dropped_contract() -> None:
    by_name = {r.evaluation.name: r.evaluation for r in run("example-2").stacks}
    messages = [v.message for v in by_name["Best of breed"].violations]
    assert messages == [
        "regulated data needs access-fine on lake, which holds data; neither it nor a governance tool documented to carry access control to it provides it",
        "regulated data needs lineage on lake, which holds data; neither it nor a governance tool documented to carry lineage to it provides it",
    ]
    contract = [c for c in by_name["Suite"].cost.contributions if c.key.startswith("contract.")]
    assert [c.key for c in contract] == ["contract.trainer"]
    assert "still paid for 3.1 of 3 years" in contract[0].reason
    assert (by_name["Suite"].annual_cost.low, by_name["Suite"].annual_cost.high) == (
        206_000.0,
        346_000.0,
    )
