"""Suggestions for unknown ids: spelling, and the short names people use for tools."""

from __future__ import annotations

import pytest

from evaluator.loading.messages import did_you_mean

IDS = ["aws-s3", "dbt-cloud", "dbt-core", "dlt", "spark", "azure-ml", "vertex-ai", "sagemaker"]


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        ("sparc", "; did you mean 'spark'?"),
        ("s3", "; did you mean 'aws-s3'?"),
        ("dbt", "; did you mean 'dbt-cloud' or 'dbt-core'?"),
        ("S3", "; did you mean 'aws-s3'?"),
        ("kubernetes", ""),
    ],
)
def test_suggestions(word: str, hint: str) -> None:
    assert did_you_mean(word, IDS) == hint


def test_a_short_name_shared_by_many_ids_suggests_by_spelling_only() -> None:
    many = ["a-ml", "b-ml", "c-ml", "d-ml", "mlx"]
    assert did_you_mean("ml", many) == "; did you mean 'mlx'?"
