"""Issue #17: unknown is a value. A governance fact nobody could confirm is neither a pass nor a
failure: a stack whose only gate problems rest on such facts is viable pending verification,
every format names the facts to check, and no unknown scores better than a confirmed fact."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from evaluator.catalog import Catalog
from evaluator.cli import app
from evaluator.models import AccessGranularity, Governance, Requirements, Stack, Tool
from evaluator.scoring import build_context, evaluate_stack
from evaluator.scoring.results import StackEvaluation, verdict
from tests.scoring.strategies import scenarios
from tests.scoring.test_properties import SETTINGS, with_tool

TODAY = dt.date(2026, 12, 7)
runner = CliRunner()

ACME: dict[str, Any] = {
    "id": "acme-dw",
    "name": "Acme DW",
    "vendor": "Acme",
    "license": "proprietary",
    "homepage": "https://acme.example/",
    "deployment": ["saas", "aws"],
    "capabilities": {"warehouse": 3},
    "governance": {
        "lineage": True,
        "audit": True,
        "access_control": "fine",
        "sso": "unknown",
    },
    "openness": {"data_format": "proprietary", "api": "open", "bulk_export": True},
    "data_role": "stores",
    "unverified": {
        "governance.sso": "SAML on the enterprise plan: not in acme.example/docs/security (2026-12-07)",
        "deployment.azure": "a partner page mentions Azure; no Acme page confirms it",
    },
    "sources": ["https://acme.example/docs"],
    "as_of": "2026-12-07",
}


def files(tmp_path: Path, tool: dict[str, Any], **req: Any) -> tuple[Path, Path, Path]:
    catalog = tmp_path / "catalog"
    catalog.mkdir(parents=True)
    (catalog / "acme.yaml").write_text(
        yaml.safe_dump({"kind": "catalog", "version": 1, "tools": [tool]}), encoding="utf-8"
    )
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "acme.yaml").write_text(
        yaml.safe_dump({"kind": "stack", "version": 1, "name": "Acme alone", "tools": ["acme-dw"]}),
        encoding="utf-8",
    )
    requirements = tmp_path / "requirements.yaml"
    requirements.write_text(
        yaml.safe_dump(
            {
                "kind": "requirements",
                "version": 1,
                "name": "Regulated warehouse",
                "sensitivity": "regulated",
                "capabilities": {"warehouse": {"weight": 4, "must": True}},
                **req,
            }
        ),
        encoding="utf-8",
    )
    return catalog, stacks, requirements


def compare(tmp_path: Path, tool: dict[str, Any], fmt: str, **req: Any) -> tuple[int, str]:
    catalog, stacks, requirements = files(tmp_path, tool, **req)
    result = runner.invoke(
        app,
        [
            *("compare", str(stacks), "-r", str(requirements), "-c", str(catalog)),
            *("--as-of", "2026-12-07", "--format", fmt),
        ],
    )
    return result.exit_code, result.output


def test_a_regulated_stack_whose_only_gap_is_an_unknown_sso_is_viable_pending(
    tmp_path: Path,
) -> None:
    code, out = compare(tmp_path, ACME, "json")
    assert code == 0, out
    (row,) = json.loads(out)["stacks"]
    e = row["evaluation"]
    assert e["viable"] is True
    assert e["violations"] == []
    (pending,) = e["pending"]
    assert pending["gate"] == "sensitivity"
    assert pending["facts"] == ["acme-dw governance.sso"]
    assert "unverified: acme-dw governance.sso recorded as unknown" in pending["message"]
    assert e["unverified"] == ["acme-dw governance.sso"]


def test_the_table_and_markdown_say_pending_and_name_the_fact(tmp_path: Path) -> None:
    code, table = compare(tmp_path / "t", ACME, "table")
    assert code == 0, table
    row = next(line for line in table.splitlines() if "Acme alone" in line)
    assert " pending " in row
    assert "to verify: regulated data needs sso on acme-dw" in table
    code, markdown = compare(tmp_path / "m", ACME, "markdown")
    assert code == 0, markdown
    assert "| pending " in markdown
    assert "acme-dw governance.sso" in markdown


def test_false_fails_and_true_passes_where_unknown_is_pending(tmp_path: Path) -> None:
    absent = {**ACME, "governance": {**ACME["governance"], "sso": False}}
    absent["unverified"] = {k: v for k, v in ACME["unverified"].items() if k != "governance.sso"}
    _, out = compare(tmp_path / "f", absent, "json")
    e = json.loads(out)["stacks"][0]["evaluation"]
    assert e["viable"] is False
    assert e["pending"] == []
    present = {**absent, "governance": {**ACME["governance"], "sso": True}}
    _, out = compare(tmp_path / "t", present, "json")
    e = json.loads(out)["stacks"][0]["evaluation"]
    assert (e["viable"], e["pending"], e["violations"]) == (True, [], [])


def test_an_unverified_place_is_pending_and_a_verified_one_is_not(tmp_path: Path) -> None:
    code, out = compare(
        tmp_path / "a", ACME, "json", deployment={"allowed": ["azure"]}, sensitivity="internal"
    )
    assert code == 0, out
    e = json.loads(out)["stacks"][0]["evaluation"]
    assert e["viable"] is True
    (pending,) = e["pending"]
    assert pending["gate"] == "deployment"
    assert pending["facts"] == ["acme-dw deployment.azure"]
    _, out = compare(
        tmp_path / "g", ACME, "json", deployment={"allowed": ["gcp"]}, sensitivity="internal"
    )
    e = json.loads(out)["stacks"][0]["evaluation"]
    assert e["viable"] is False
    assert [v["facts"] for v in e["violations"]] == [[]]


def test_a_decision_record_names_the_facts_to_verify(tmp_path: Path) -> None:
    from evaluator.decisions.render import pros_and_cons
    from evaluator.decisions.snapshot import snapshot
    from evaluator.scoring.results import RankedStack

    e = evaluation_of(ACME)
    snap = snapshot(RankedStack(rank=1, pareto=True, evaluation=e), "stacks/acme.yaml")
    lines = "\n".join(pros_and_cons(snap))
    assert "pending verification" in lines
    assert "to verify: regulated data needs sso on acme-dw" in lines


def evaluation_of(tool: dict[str, Any]) -> StackEvaluation:
    from evaluator.catalog import load_catalog

    catalog = load_catalog()
    catalog = with_tool(catalog, Tool.model_validate(tool))
    req = Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "r",
            "sensitivity": "regulated",
            "capabilities": {"warehouse": {"weight": 4, "must": True}},
        }
    )
    stack = Stack.model_validate({"kind": "stack", "version": 1, "name": "s", "tools": ["acme-dw"]})
    return evaluate_stack(stack, build_context(req, catalog), catalog, today=TODAY)


def test_an_unknown_needs_a_note_of_what_was_looked_for() -> None:
    import pytest
    from pydantic import ValidationError

    bare = {**ACME, "unverified": {}}
    with pytest.raises(ValidationError, match="say what was looked for"):
        Tool.model_validate(bare)


# ----------------------------------------------------------------------------- properties

RANK = {"not viable": 0, "viable pending verification": 1, "viable": 2}
FLAGS = ("lineage", "audit", "sso", "approvals", "access_control")


def with_fact(tool: Tool, field: str, value: object) -> Tool:
    if field == "access_control" and value is True:
        value = AccessGranularity.FINE
    elif field == "access_control" and value is False:
        value = AccessGranularity.NONE
    governance = Governance.model_validate({**tool.governance.model_dump(), field: value})
    unverified = {k: v for k, v in tool.unverified.items() if k != f"governance.{field}"}
    if governance.unknown_fields():
        unverified |= {f"governance.{f}": "looked" for f in governance.unknown_fields()}
    return tool.model_copy(update={"governance": governance, "unverified": unverified})


def scored(catalog: Catalog, req: Requirements, stack: Stack) -> StackEvaluation:
    return evaluate_stack(stack, build_context(req, catalog), catalog, today=TODAY)


@SETTINGS
@given(scenarios(), st.data())
def test_unknown_sits_between_false_and_true(
    scenario: tuple[Catalog, Requirements, Stack], data: st.DataObject
) -> None:
    """For any governance fact of any tool: the verdict with the fact unknown is never worse
    than with it false and never better than with it true; and an unknown scores exactly as
    false (no credit for what nobody confirmed)."""
    catalog, req, stack = scenario
    tool = catalog.tools[data.draw(st.sampled_from(sorted(stack.tools)))]
    field = data.draw(st.sampled_from(FLAGS))
    e = {
        value: scored(with_tool(catalog, with_fact(tool, field, value)), req, stack)
        for value in (False, "unknown", True)
    }
    assert RANK[verdict(e[False])] <= RANK[verdict(e["unknown"])] <= RANK[verdict(e[True])]
    for score in ("fit", "glue", "lock_in", "cost", "overall"):
        assert getattr(e["unknown"], score).value == getattr(e[False], score).value
    assert all(v.facts for v in e["unknown"].pending)
