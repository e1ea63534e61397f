"""Golden files for every report format, on the worked examples of docs/scoring.md (a fixed,
self-contained catalog, so these files change only when the report or the model changes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.reporting import RENDERERS, Format, render_comparison, render_evaluation
from tests.golden import assert_golden
from tests.scoring.test_worked_examples import run

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {Format.TABLE: "txt", Format.MARKDOWN: "md", Format.JSON: "json"}


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Format)
    assert set(SUFFIX) == set(Format)


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("example", ["example-1", "example-2"])
def test_comparison_golden(example: str, fmt: Format) -> None:
    assert_golden(GOLDEN / f"compare-{example}.{SUFFIX[fmt]}", render_comparison(run(example), fmt))


@pytest.mark.parametrize("fmt", list(Format))
def test_evaluation_golden(fmt: Format) -> None:
    best = next(r for r in run("example-2").stacks if r.evaluation.name == "Best of breed")
    assert_golden(
        GOLDEN / f"evaluate-example-2.{SUFFIX[fmt]}", render_evaluation(best.evaluation, fmt)
    )


def test_json_carries_name_scores_viability_violations_and_reasons() -> None:
    data = json.loads(render_comparison(run("example-2"), Format.JSON))
    assert data["format_version"] == 2
    first = data["stacks"][1]
    assert first["rank"] == 2
    ev = first["evaluation"]
    assert ev["name"] == "Best of breed"
    assert ev["viable"] is False
    assert {
        "fit",
        "glue",
        "lock_in",
        "cost",
        "annual_cost",
        "idle",
        "overall",
        "violations",
    } <= set(ev)
    assert ev["fit"]["value"] == 83.7  # docs/scoring.md, worked example 2
    assert [c["key"] for c in ev["fit"]["contributions"]][:2] == [
        "coverage.audit",
        "coverage.ingestion",
    ]


def test_markdown_escapes_pipes_in_names() -> None:
    result = run("example-1")
    renamed = result.model_copy(update={"requirements": "a | b"})
    assert "a \\| b" in render_comparison(renamed, Format.MARKDOWN)
