"""Each viability gate, failed alone: the kernel must judge a stack as evaluate_stack does.

Random stacks tend to fail several gates at once, which hides a gate the kernel would misjudge
(dropping the kernel's SSO check passed every random test; this file catches it). Each case
here starts from a viable two-tool stack and changes one thing, and checks that evaluate_stack
reports exactly the one violation the case is about, so a case cannot quietly test nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from evaluator.models import Requirements, Tool
from evaluator.recommend.explain import stack_of
from evaluator.recommend.kernel import score
from evaluator.recommend.problem import compile_problem
from evaluator.scoring import build_context, evaluate_stack
from tests.scoring.strategies import make_catalog

TODAY = dt.date(2026, 11, 26)


def tool(tool_id: str, caps: dict[str, int], **changes: Any) -> dict[str, Any]:
    """A tool meeting every control on its own, with ``changes`` to its governance (or, for
    the keys not in governance, to the tool)."""
    governance: dict[str, Any] = {
        "lineage": True,
        "audit": True,
        "access_control": "fine",
        "sso": True,
        "approvals": True,
        "versioning": ["data", "models"],
        "triggers": True,
    }
    out: dict[str, Any] = {
        "id": tool_id,
        "name": tool_id.upper(),
        "vendor": tool_id,
        "license": "Apache-2.0",
        "homepage": f"https://{tool_id}.example/",
        "deployment": ["self-hosted"],
        "capabilities": caps,
        "governance": governance,
        "openness": {"data_format": "open", "api": "open", "bulk_export": True},
        "formats": ["parquet"],
        "standards": [],
        "integrations": [],
        "sources": [f"https://{tool_id}.example/docs"],
        "as_of": "2026-11-01",
    }
    for key, value in changes.items():
        (governance if key in governance else out)[key] = value
    return out


WAREHOUSE = {"warehouse": 3}
TRAINING = {"training": 3}

# case -> (the two tools of the stack and catalog, the one violation evaluate_stack must report)
CASES: dict[str, tuple[list[dict[str, Any]], str | None]] = {
    "viable": ([tool("wh", WAREHOUSE), tool("tr", TRAINING)], None),
    "no SSO on a holder": ([tool("wh", WAREHOUSE, sso=False), tool("tr", TRAINING)], "sso"),
    "no audit on a holder": ([tool("wh", WAREHOUSE, audit=False), tool("tr", TRAINING)], "audit"),
    "no lineage on a holder": (
        [tool("wh", WAREHOUSE, lineage=False), tool("tr", TRAINING)],
        "lineage",
    ),
    "coarse access on a holder": (
        [tool("wh", WAREHOUSE, access_control="role"), tool("tr", TRAINING)],
        "access-fine",
    ),
    "no approvals in the stack": (
        [tool("wh", WAREHOUSE, approvals=False), tool("tr", TRAINING, approvals=False)],
        "approvals",
    ),
    "no versioning in the stack": (
        [tool("wh", WAREHOUSE, versioning=[]), tool("tr", TRAINING, versioning=[])],
        "versioning",
    ),
    "a must-have below its level": (
        [tool("wh", {"warehouse": 2}), tool("tr", TRAINING)],
        "must-have",
    ),
    "a tool outside the allowed deployments": (
        [tool("wh", WAREHOUSE, deployment=["saas"]), tool("tr", TRAINING)],
        "deployment",
    ),
    "an avoided licence": (
        [tool("wh", WAREHOUSE, license="BUSL-1.1"), tool("tr", TRAINING)],
        "avoid",
    ),
}


def requirements() -> Requirements:
    return Requirements.model_validate(
        {
            "kind": "requirements",
            "version": 1,
            "name": "gates",
            "sensitivity": "regulated",  # audit, fine access, lineage and SSO per holder
            "regulations": ["sox"],  # approvals and versioning, stack-wide
            "governance": {"posture": 0.5},
            "deployment": {"allowed": ["self-hosted"]},
            "capabilities": {
                "warehouse": {"weight": 4, "must": True, "min_level": 3},
                "training": 3,
            },
            "avoid": {"licenses": ["BUSL-1.1"]},
        }
    )


def kinds(e: Any) -> list[str]:
    """What each violation is about: the gate, or the control a holder or the stack lacks."""
    out = []
    for v in e.violations:
        if v.gate in ("must-have", "deployment", "avoid"):
            out.append(v.gate)
        else:
            out.append(v.message.split(" needs ", 1)[1].split()[0].rstrip(":"))
    return out


def judge_whole_catalog(tools: list[dict[str, Any]], req: Requirements) -> tuple[Any, bool]:
    """The stack of every tool given (they make the catalog): evaluate_stack's evaluation of it,
    and whether the kernel finds it viable."""
    catalog = make_catalog([Tool.model_validate(t) for t in tools])
    context = build_context(req, catalog)
    ids = sorted(catalog.tools)
    e = evaluate_stack(stack_of(ids, "x"), context, catalog, today=TODAY)
    p = compile_problem(catalog, context, TODAY)
    return e, score(p, frozenset(p.index[t] for t in ids)).viable


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_gate_failed_alone(case: str) -> None:
    tools, violation = CASES[case]
    e, kernel_viable = judge_whole_catalog(tools, requirements())
    assert kinds(e) == ([] if violation is None else [violation])
    assert kernel_viable is e.viable


@pytest.mark.parametrize("reaches", [True, False])
@pytest.mark.parametrize("control", ["audit", "lineage", "access_control"])
def test_a_hub_stands_in_for_a_holder_only_where_it_reaches_it(control: str, reaches: bool) -> None:
    """A governance tool (audit log, lineage, access control at level 3) that reaches the holder
    provides the control the holder lacks; one that does not reach it does not."""
    lacking: Any = "none" if control == "access_control" else False
    hub_cap = {"audit": "audit", "lineage": "lineage", "access_control": "access-control"}[control]
    hub = tool("hub", {hub_cap: 3}, integrations=["wh"] if reaches else [])
    hub["formats"] = ["iceberg"]  # no format shared with wh: only the integration connects them
    tools = [tool("wh", WAREHOUSE, **{control: lacking}), tool("tr", TRAINING), hub]
    data = requirements().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["capabilities"][hub_cap] = 2
    e, kernel_viable = judge_whole_catalog(tools, Requirements.model_validate(data))
    assert e.viable is reaches
    assert kernel_viable is reaches
