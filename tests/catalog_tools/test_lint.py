"""Each lint rule with a catalog that breaks it and one that does not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evaluator.catalog_tools.layers import load_layers
from evaluator.catalog_tools.lint import RULES, LintReport, Severity, lint
from tests.catalog_tools.helpers import TODAY, small_data, tool, write_catalog

Mutation = Callable[[dict[str, Any]], None]


def run(tmp_path: Path, mutate: Mutation | None = None) -> LintReport:
    data = small_data()
    if mutate:
        mutate(data)
    folder = write_catalog(tmp_path / "cat", data)
    return lint(load_layers([folder], builtin=False), today=TODAY)


def rules_of(report: LintReport) -> set[str]:
    return {f.rule for f in report.findings}


def test_the_small_fixture_is_clean(tmp_path: Path) -> None:
    report = run(tmp_path)
    assert report.findings == ()
    assert not report.failed(strict=True)


def _add_tool(data: dict[str, Any], **changes: Any) -> None:
    new = dict(tool(data, "cronjob"))
    new.update(changes)
    data["tools"].append(new)


def _history(*untils: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        tool(data, "kafka")["license_history"] = [
            {"license": "MIT", "until": dt.date.fromisoformat(u)} for u in untils
        ]

    return mutate


AS_OF = dt.date(2026, 11, 1)


def _maturity(accepted: str, incubating: str) -> dict[str, Any]:
    return {
        "foundation": "CNCF",
        "stage": "incubating",
        "accepted": dt.date.fromisoformat(accepted),
        "incubating": dt.date.fromisoformat(incubating),
        "source": "https://landscape.cncf.io/",
        "as_of": AS_OF,
    }


def _lifecycle(released: str, eol: str) -> dict[str, Any]:
    cycle = {"cycle": "3.7", "released": dt.date.fromisoformat(released)}
    cycle["eol"] = dt.date.fromisoformat(eol)
    return {"tool": "kafka", "source": "https://x.example/l", "as_of": AS_OF, "cycles": [cycle]}


BREAKING: dict[str, tuple[Mutation, Mutation]] = {
    # rule: (a mutation that breaks it, a close mutation that does not)
    "unknown-integration": (
        lambda d: tool(d, "kafka")["integrations"].append({"tool": "flink"}),
        lambda d: tool(d, "kafka")["integrations"].append({"tool": "lake-sql"}),
    ),
    "self-integration": (
        lambda d: tool(d, "kafka")["integrations"].append({"tool": "kafka"}),
        lambda d: tool(d, "kafka")["integrations"].append({"tool": "cronjob"}),
    ),
    "duplicate-integration": (
        lambda d: tool(d, "kafka")["integrations"].append({"tool": "quarry", "kind": "standard"}),
        lambda d: tool(d, "kafka")["integrations"].append({"tool": "lake-sql"}),
    ),
    "integration-conflict": (
        lambda d: tool(d, "quarry")["integrations"][0].update(kind="standard"),
        lambda d: tool(d, "quarry").update(integrations=[]),  # one-sided is fine
    ),
    "unknown-reference": (
        lambda d: tool(d, "quarry").update(formats=["parquett"]),
        lambda d: tool(d, "quarry").update(formats=["parquet"]),
    ),
    "duplicate-id": (
        lambda d: _add_tool(d, id="cron_job", name="Other scheduler", repo="https://x.example/a"),
        lambda d: _add_tool(d, id="cron-job-2", name="Other scheduler", repo="https://x.example/a"),
    ),
    "duplicate-name": (
        lambda d: _add_tool(d, id="kafka-2", name="KAFKA", repo="https://x.example/b"),
        lambda d: _add_tool(d, id="kafka-2", name="Kafka Connect", repo="https://x.example/b"),
    ),
    "duplicate-repo": (
        lambda d: _add_tool(
            d, id="kafka-2", name="Other", repo="https://github.com/apache/kafka.git"
        ),
        lambda d: _add_tool(
            d, id="kafka-2", name="Other", repo="https://github.com/apache/kafka-site"
        ),
    ),
    "few-tools": (
        lambda d: tool(d, "lake-sql")["capabilities"].pop("streaming"),
        lambda d: (
            tool(d, "lake-sql")["capabilities"].pop("streaming"),
            tool(d, "cronjob")["capabilities"].update(streaming=1),
        ),
    ),
    "isolated-stage": (
        lambda d: d["capabilities"][0].update(feeds=[]),
        lambda d: (
            d["capabilities"][0].update(feeds=[])
            or d["capabilities"][1].update(feeds=["streaming"], order=5)
        ),
    ),
    "feeds-backwards": (
        lambda d: d["capabilities"][0].update(order=30),
        lambda d: d["capabilities"][0].update(order=15),
    ),
    "stale-as-of": (
        lambda d: tool(d, "kafka").update(as_of=dt.date(2025, 11, 1)),
        lambda d: tool(d, "kafka").update(as_of=dt.date(2025, 12, 1)),
    ),
    "future-as-of": (
        lambda d: tool(d, "kafka").update(as_of=dt.date(2026, 12, 1)),
        lambda d: tool(d, "kafka").update(as_of=TODAY),
    ),
    "duplicate-source": (
        lambda d: tool(d, "kafka")["sources"].append("https://kafka.apache.org/documentation/"),
        lambda d: tool(d, "kafka")["sources"].append("https://kafka.apache.org/cve-list"),
    ),
    "license-id": (
        lambda d: tool(d, "kafka").update(license="Apache-2"),
        lambda d: tool(d, "kafka").update(license="Apache-2.0 OR MIT"),
    ),
    "license-unknown": (
        lambda d: tool(d, "kafka").update(license="unknown"),
        lambda d: tool(d, "kafka").update(license="unknown", curation="imported"),
    ),
    "repo-on-proprietary": (
        lambda d: tool(d, "quarry").update(repo="https://github.com/quarry/sdk"),
        lambda d: tool(d, "quarry").update(
            repo="https://github.com/quarry/core",
            open_core={"edition": "Quarry Core", "lacks": ["SSO"], "license": "Apache-2.0"},
        ),
    ),
    "open-source-without-repo": (
        lambda d: tool(d, "kafka").pop("repo"),
        lambda d: tool(d, "kafka").update(license="proprietary", repo=None),
    ),
    "open-core-proprietary": (
        lambda d: tool(d, "quarry").update(open_core={"edition": "Quarry Core", "lacks": ["SSO"]}),
        lambda d: tool(d, "quarry").update(
            open_core={"edition": "Quarry Core", "lacks": ["SSO"], "license": "MIT"}
        ),
    ),
    "license-history-order": (
        _history("2024-01-01", "2023-01-01"),
        _history("2023-01-01", "2024-01-01"),
    ),
    "license-history-unchanged": (
        lambda d: tool(d, "kafka").update(
            license_history=[{"license": "Apache-2.0", "until": dt.date(2020, 1, 1)}]
        ),
        lambda d: tool(d, "kafka").update(
            license_history=[{"license": "MIT", "until": dt.date(2020, 1, 1)}]
        ),
    ),
    "imported": (
        lambda d: tool(d, "kafka").update(curation="imported"),
        lambda d: tool(d, "kafka").update(curation="curated"),
    ),
    "v2-facts": (
        lambda d: tool(d, "kafka").pop("pricing"),
        lambda d: tool(d, "kafka").update(pricing={**tool(d, "kafka")["pricing"], "note": "x"}),
    ),
    "pricing-source": (
        lambda d: tool(d, "kafka")["pricing"].pop("source"),
        lambda d: tool(d, "kafka")["pricing"].update(source="https://kafka.apache.org/x"),
    ),
    "self-hosted-days": (
        lambda d: tool(d, "kafka")["operations"].pop("self_hosted_days"),
        lambda d: tool(d, "quarry")["operations"].update(managed_days=12),
    ),
    "carries-without-governance": (
        lambda d: tool(d, "kafka")["integrations"].append(
            {"tool": "lake-sql", "carries": ["audit"], "source": "https://x.example/a"}
        ),
        lambda d: tool(d, "kafka")["integrations"].append(
            {"tool": "lake-sql", "note": "no governance carried"}
        ),
    ),
    "maturity-dates": (
        lambda d: tool(d, "kafka").update(maturity=_maturity("2021-01-01", "2020-01-01")),
        lambda d: tool(d, "kafka").update(maturity=_maturity("2020-01-01", "2021-01-01")),
    ),
    "maturity-stage": (
        lambda d: tool(d, "kafka").update(
            maturity={"stage": "sandbox", "source": "https://x.example/m", "as_of": AS_OF}
        ),
        lambda d: tool(d, "kafka").update(
            maturity={
                "foundation": "F",
                "stage": "sandbox",
                "source": "https://x.example/m",
                "as_of": AS_OF,
            }
        ),
    ),
    "lifecycle-dates": (
        lambda d: d.update(lifecycle=[_lifecycle("2024-01-01", "2023-06-01")]),
        lambda d: d.update(lifecycle=[_lifecycle("2024-01-01", "2025-06-01")]),
    ),
    "lifecycle-source": (
        lambda d: d.update(lifecycle=[_lifecycle("2026-12-01", "2027-06-01")]),
        lambda d: d.update(lifecycle=[_lifecycle("2026-01-01", "2027-06-01")]),
    ),
    "open-core-contradiction": (
        lambda d: tool(d, "kafka").update(
            governance={"access_control": "fine"},
            open_core={"edition": "Kafka", "lacks": ["row-level access control"]},
        ),
        lambda d: tool(d, "kafka").update(
            governance={"access_control": "role"},
            open_core={"edition": "Kafka", "lacks": ["row-level access control"]},
        ),
    ),
    "governance-unstated": (
        lambda d: tool(d, "kafka").update(governance={"audit": True}),
        lambda d: tool(d, "kafka").update(
            governance={
                "lineage": False,
                "audit": True,
                "access_control": "none",
                "sso": False,
                "approvals": False,
                "triggers": "unknown",
            },
            unverified={"governance.triggers": "webhooks in the docs: not found"},
        ),
    ),
    "license-history-change-day": (
        lambda d: tool(d, "kafka").update(
            license_history=[
                {"license": "MIT", "until": dt.date(2024, 1, 22), "note": "moved on 22 Jan 2024"}
            ]
        ),
        lambda d: tool(d, "kafka").update(
            license_history=[
                {"license": "MIT", "until": dt.date(2024, 1, 21), "note": "moved on 22 Jan 2024"}
            ]
        ),
    ),
}


def test_unknown_facts_are_reported_per_tool_not_as_findings(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        tool(d, "kafka").update(
            governance={**tool(d, "kafka")["governance"], "sso": "unknown"},
            unverified={
                "governance.sso": "SAML in the docs: not found",
                "deployment.azure": "a marketplace listing: not found",
            },
        )

    report = run(tmp_path, mutate)
    assert report.findings == ()
    assert report.unknowns == {"kafka": ("deployment.azure", "governance.sso")}
    assert report.unknowns_by_field() == {"deployment.*": 1, "governance.sso": 1}


def test_every_rule_has_a_case() -> None:
    assert set(BREAKING) == set(RULES) - {"reference"}


@pytest.mark.parametrize("rule", sorted(BREAKING))
def test_rule_fires_on_a_breaking_catalog(tmp_path: Path, rule: str) -> None:
    breaking, _ = BREAKING[rule]
    report = run(tmp_path, lambda d: breaking(d))
    found = [f for f in report.findings if f.rule == rule]
    assert found, report.findings
    first = found[0]
    assert first.severity is RULES[rule][0]
    assert first.file.endswith("catalog.yaml")
    assert first.line is not None
    assert report.failed() is (first.severity is Severity.ERROR or report.errors > 0)


@pytest.mark.parametrize("rule", sorted(BREAKING))
def test_rule_is_quiet_on_a_close_passing_catalog(tmp_path: Path, rule: str) -> None:
    _, passing = BREAKING[rule]
    assert rule not in rules_of(run(tmp_path, lambda d: passing(d)))


def test_reference_rule_reports_feeds_to_unknown_stages(tmp_path: Path) -> None:
    report = run(tmp_path, lambda d: d["capabilities"][0].update(feeds=["warehouse", "nowhere"]))
    assert [f.rule for f in report.findings] == ["reference"]
    assert "unknown stage 'nowhere'" in report.findings[0].message


def test_warnings_fail_only_when_strict(tmp_path: Path) -> None:
    report = run(tmp_path, BREAKING["stale-as-of"][0])
    assert report.errors == 0
    assert report.warnings == 1
    assert not report.failed()
    assert report.failed(strict=True)


def test_conflict_is_reported_on_both_sides_with_the_other_position(tmp_path: Path) -> None:
    report = run(tmp_path, BREAKING["integration-conflict"][0])
    conflicts = [f for f in report.findings if f.rule == "integration-conflict"]
    assert {f.tool for f in conflicts} == {"kafka", "quarry"}
    assert all("catalog.yaml:" in f.message for f in conflicts)


def test_only_the_linted_layers_are_reported(tmp_path: Path) -> None:
    base = write_catalog(tmp_path / "base", small_data())
    org_data = {"kind": "catalog", "version": 1, "tools": [dict(tool(small_data(), "cronjob"))]}
    org_data["tools"][0].update(id="acme-cron", name="ACME cron", repo=None, license="proprietary")
    org_data["tools"][0]["as_of"] = dt.date(2020, 1, 1)
    org = write_catalog(tmp_path / "org", org_data)
    layers = load_layers([base, org], builtin=False)
    report = lint(layers, linted=[str(org)], today=TODAY)
    assert {f.file.split("/")[-2] for f in report.findings} == {"org"}
    assert rules_of(report) == {"stale-as-of"}
    assert report.tools == 1
