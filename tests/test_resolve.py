"""References from requirements and stacks into the catalog."""

from __future__ import annotations

from pathlib import Path

from evaluator.catalog import Catalog
from evaluator.loading.files import load_document
from evaluator.resolve import check_requirements, check_stack
from tests.conftest import INPUTS


def doc_from(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "f.yaml"
    path.write_text(text)
    return load_document(path, display_name="f.yaml")


def test_valid_examples_resolve(mini_catalog: Catalog) -> None:
    assert (
        check_requirements(load_document(INPUTS / "valid" / "requirements.yaml"), mini_catalog)
        == []
    )
    assert check_stack(load_document(INPUTS / "valid" / "stack.yaml"), mini_catalog) == []


def test_stack_references(tmp_path: Path, mini_catalog: Catalog) -> None:
    doc = doc_from(
        tmp_path,
        "kind: stack\nversion: 1\nname: s\ntools: [snowflake, mlflow]\n"
        "roles: {bi: snowflake, training: snowflak, warehouse: tableau}\n"
        "integrations:\n  - {from: mlflow, to: airflow, kind: custom}\n",
    )
    assert [str(e) for e in check_stack(doc, mini_catalog)] == [
        "f.yaml:5:34: roles.training: unknown tool 'snowflak'; did you mean 'snowflake'?",
        "f.yaml:5:55: roles.warehouse: role 'warehouse' names tool 'tableau', "
        "which is not in this stack's tools",
        "f.yaml:7:24: integrations[0].to: tool 'airflow' is not in this stack's tools",
    ]


def test_requirements_references(tmp_path: Path, mini_catalog: Catalog) -> None:
    doc = doc_from(
        tmp_path,
        "kind: requirements\nversion: 1\nname: r\ncapabilities: {warehose: 3, bi: 2}\n"
        "existing: [{tool: snowflake}, {tool: airflw}]\n",
    )
    assert [str(e) for e in check_requirements(doc, mini_catalog)] == [
        "f.yaml:4:16: capabilities.warehose: unknown capability 'warehose'; "
        "did you mean 'warehouse'?",
        "f.yaml:5:38: existing[1].tool: unknown tool 'airflw'; did you mean 'airflow'?",
    ]
