"""``catalog lint``: integrity checks the schema cannot express, over the merged layers.

Each rule has an id, a severity and a one-line purpose (``RULES``, also listed in
docs/catalog.md). Schema problems (a missing ``sources`` or ``as_of``, a malformed licence, a
wrong type) are refused earlier, when the files are read, as ``InputErrors`` (exit 2); lint sees
only catalogs that parse, including ones whose references do not resolve.

Only the layers named for linting are reported on, so an organisation can lint its own folder
on top of the built-in catalog (the context it refers to) without the built-in's warnings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from evaluator.catalog import build_catalog
from evaluator.catalog_tools.layers import Layers, ToolEntry
from evaluator.catalog_tools.spdx import unknown_ids
from evaluator.errors import InputErrors
from evaluator.loading import messages as msg
from evaluator.loading.files import Document, as_catalog
from evaluator.loading.yamlsafe import KeyPath
from evaluator.models import GOVERNANCE_FLAGS, CapabilityKind, Curation, DataRole, Governance
from evaluator.scoring.stackview import effective_level

STALE_AFTER_DAYS = 365
MIN_TOOLS_PER_CAPABILITY = 3


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


RULES: dict[str, tuple[Severity, str]] = {
    "unknown-integration": (Severity.ERROR, "an integration names a tool no layer defines"),
    "self-integration": (Severity.ERROR, "a tool lists an integration with itself"),
    "duplicate-integration": (Severity.ERROR, "a tool lists the same integration twice"),
    "integration-conflict": (
        Severity.ERROR,
        "two tools declare their integration with each other with different kinds",
    ),
    "unknown-reference": (
        Severity.ERROR,
        "a tool names a capability, format or standard no layer defines",
    ),
    "reference": (Severity.ERROR, "any other reference that does not resolve (e.g. feeds)"),
    "duplicate-id": (
        Severity.ERROR,
        "an id defined twice in one layer, or two ids that differ only by case or punctuation",
    ),
    "duplicate-name": (
        Severity.ERROR,
        "two tools whose names differ only by case, punctuation or an 'Apache' prefix",
    ),
    "duplicate-repo": (Severity.WARNING, "two tools with the same repository"),
    "few-tools": (
        Severity.ERROR,
        f"a capability served by fewer than {MIN_TOOLS_PER_CAPABILITY} tools",
    ),
    "isolated-stage": (
        Severity.WARNING,
        "a lifecycle stage that feeds no stage and that no stage feeds (it takes part in no handoff)",
    ),
    "feeds-backwards": (
        Severity.WARNING,
        "a stage feeds a stage whose order is not later than its own (the lifecycle runs backwards)",
    ),
    "stale-as-of": (Severity.WARNING, f"as_of older than {STALE_AFTER_DAYS} days"),
    "future-as-of": (Severity.WARNING, "as_of after today"),
    "duplicate-source": (Severity.WARNING, "the same URL twice in sources"),
    "license-id": (
        Severity.WARNING,
        "a licence part that is not a known SPDX id, 'proprietary' or LicenseRef-*",
    ),
    "license-unknown": (Severity.WARNING, "a curated tool whose licence is still 'unknown'"),
    "repo-on-proprietary": (
        Severity.WARNING,
        "a proprietary tool with a repo and no open_core edition the repo could belong to",
    ),
    "open-source-without-repo": (Severity.WARNING, "an open licence but no repo"),
    "open-core-proprietary": (
        Severity.ERROR,
        "open_core on a proprietary tool without the open edition's licence, or with a "
        "proprietary one",
    ),
    "license-history-order": (
        Severity.ERROR,
        "license_history dates not increasing, or after as_of",
    ),
    "license-history-unchanged": (
        Severity.WARNING,
        "the last license_history entry has the current licence (no change recorded)",
    ),
    "imported": (Severity.WARNING, "an imported entry nobody has curated yet"),
    "v2-facts": (
        Severity.WARNING,
        "a curated tool without data_role, pricing or operations (model v2 needs all three)",
    ),
    "governance-unstated": (
        Severity.WARNING,
        "a curated tool that leaves a governance field unstated (read as absent: say true, false "
        "or unknown)",
    ),
    "pricing-source": (Severity.WARNING, "pricing without a source"),
    "self-hosted-days": (
        Severity.WARNING,
        "a self-hostable tool whose operations give no self_hosted_days",
    ),
    "maturity-dates": (
        Severity.ERROR,
        "maturity dates out of order (accepted, incubating, graduated, archived) or after its as_of",
    ),
    "maturity-stage": (
        Severity.WARNING,
        "a maturity stage without a foundation, or a stage whose date is missing",
    ),
    "lifecycle-dates": (
        Severity.ERROR,
        "a release cycle that ends before it was released, or whose support outlives its eol",
    ),
    "lifecycle-source": (
        Severity.WARNING,
        "release cycles of a tool whose as_of is older than the newest release they list",
    ),
    "carries-without-governance": (
        Severity.ERROR,
        "an integration carries a concern that neither of its two tools serves",
    ),
    "open-core-contradiction": (
        Severity.ERROR,
        "an open tool whose open_core.lacks names a governance feature the entry claims",
    ),
    "license-history-change-day": (
        Severity.WARNING,
        "license_history.until is the day its note gives for the change; until is the last day "
        "of the old licence",
    ),
}

_V2_FIELDS = (
    ("data_role", "asks storage controls where data rests", "asked them as if it kept data"),
    ("pricing", "prices every tool of a stack", "priced with a wide default band"),
    ("operations", "prices the people it takes to run a tool", "charged a default effort"),
)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    file: str
    line: int | None
    column: int | None
    tool: str
    """The tool id, or the capability id for catalog-wide rules, or empty."""
    rule: str
    message: str

    @property
    def where(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def __str__(self) -> str:
        subject = f"{self.tool}: " if self.tool else ""
        return f"{self.where}: {self.severity.value} [{self.rule}] {subject}{self.message}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line or 0, self.column or 0, self.rule, self.message)


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    tools: int
    files: int
    unknowns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per tool, the facts recorded as unknown or unverified: honest, not a finding, but what
    the next re-verification should look for."""

    def unknowns_by_field(self) -> dict[str, int]:
        """How many tools leave each fact unverified (deployment and capability places grouped)."""
        counts: Counter[str] = Counter()
        for facts in self.unknowns.values():
            for f in facts:
                part = f.partition(".")[0]
                counts[f if part == "governance" else f"{part}.*"] += 1
        return dict(sorted(counts.items()))

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def failed(self, *, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def by_rule(self) -> dict[str, int]:
        return dict(sorted(Counter(f.rule for f in self.findings).items()))


@dataclass
class _Collector:
    reported: Callable[[str], bool]
    """Whether findings in this file are reported (it belongs to a linted layer)."""
    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        rule: str,
        doc: Document,
        path: KeyPath,
        subject: str,
        message: str,
        *,
        at_key: bool = False,
    ) -> None:
        if not self.reported(doc.display_name):
            return
        position = doc.positions.locate(path, at_key=at_key)
        line, column = position if position else (None, None)
        severity = RULES[rule][0]
        self.findings.append(
            Finding(severity, doc.display_name, line, column, subject, rule, message)
        )

    def tool(self, rule: str, entry: ToolEntry, path: tuple[str | int, ...], message: str) -> None:
        self.add(rule, entry.doc, ("tools", entry.index, *path), entry.tool.id, message)


def lint(
    layers: Layers, *, linted: Iterable[str] | None = None, today: dt.date | None = None
) -> LintReport:
    """Run every rule over ``layers``; report findings in the layers labelled ``linted`` (all
    when ``None``)."""
    today = today or dt.date.today()
    wanted = None if linted is None else set(linted)
    files = {
        doc.display_name
        for layer in layers.layers
        if wanted is None or layer.label in wanted
        for doc in layer.documents
    }
    out = _Collector(reported=lambda name: name in files)
    winners = list(layers.winners.values())
    _references(layers, out)
    _duplicates(layers, winners, out)
    _integrations(layers, winners, out)
    _coverage(layers, winners, out)
    _stage_flow(layers, out)
    _carrying(layers, winners, out)
    for entry in winners:
        _facts(entry, today, out)
        _maturity(entry, out)
        _contradictions(entry, out)
    _lifecycle(layers, out)
    findings = tuple(sorted(set(out.findings), key=Finding.sort_key))
    reported_tools = sum(1 for e in winners if e.file in files)
    unknowns = {
        e.tool.id: tuple(sorted(e.tool.unverified))
        for e in sorted(winners, key=lambda e: e.tool.id)
        if e.file in files and e.tool.unverified
    }
    return LintReport(findings, reported_tools, len(files), unknowns)


def _v2_facts(entry: ToolEntry, out: _Collector) -> None:
    """The facts model v2 reads: where data rests, what a tool costs to buy and to run, and
    which integrations carry a governance concern."""
    tool = entry.tool
    for name, use, fallback in _V2_FIELDS:
        value = getattr(tool, name)
        if value is None or (name == "data_role" and value is DataRole.UNKNOWN):
            message = msg.LINT_V2_MISSING.format(field=name, use=use, fallback=fallback)
            out.tool("v2-facts", entry, (name,), message)
    stated = tool.governance.model_fields_set
    unstated = [f for f in GOVERNANCE_FLAGS if f not in stated]
    if unstated:
        message = msg.LINT_GOVERNANCE_UNSTATED.format(fields=", ".join(unstated))
        out.tool("governance-unstated", entry, ("governance",), message)
    if tool.pricing is not None and tool.pricing.source is None:
        out.tool("pricing-source", entry, ("pricing",), msg.LINT_PRICING_SOURCE)
    if (
        tool.operations is not None
        and tool.self_hostable
        and tool.operations.self_hosted_days is None
    ):
        out.tool("self-hosted-days", entry, ("operations",), msg.LINT_SELF_HOSTED_DAYS)


def _carrying(layers: Layers, winners: list[ToolEntry], out: _Collector) -> None:
    tools = {e.tool.id: e.tool for e in winners}
    for entry in winners:
        for index, integration in enumerate(entry.tool.integrations):
            other = tools.get(integration.tool)
            if other is None:
                continue  # reported as unknown-integration
            for concern in integration.carries:
                if (
                    effective_level(entry.tool, concern) == 0
                    and effective_level(other, concern) == 0
                ):
                    message = msg.LINT_CARRIES_NO_GOVERNANCE.format(other=other.id, concern=concern)
                    out.tool("carries-without-governance", entry, ("integrations", index), message)


# --------------------------------------------------------------------------- references


def _references(layers: Layers, out: _Collector) -> None:
    known_tools = {e.tool.id for e in layers.entries}
    capabilities = set(layers.capabilities)
    vocab = {s: layers.vocabulary(s) for s in ("formats", "standards")}
    for entry in layers.entries:
        tool = entry.tool
        for cap in tool.capabilities:
            if cap not in capabilities:
                message = msg.unknown_ref("capability", cap, capabilities)
                out.add(
                    "unknown-reference",
                    entry.doc,
                    ("tools", entry.index, "capabilities", cap),
                    tool.id,
                    message,
                    at_key=True,
                )
        for section, known in vocab.items():
            for index, ref in enumerate(getattr(tool, section)):
                if ref not in known:
                    message = msg.unknown_ref(section[:-1], ref, known)
                    out.tool("unknown-reference", entry, (section, index), message)
        seen: set[str] = set()
        for index, integration in enumerate(tool.integrations):
            target = integration.tool
            if target == tool.id:
                out.tool(
                    "self-integration",
                    entry,
                    ("integrations", index, "tool"),
                    msg.SELF_INTEGRATION.format(id=tool.id),
                )
            elif target not in known_tools:
                message = msg.unknown_ref("tool", target, known_tools)
                out.tool("unknown-integration", entry, ("integrations", index, "tool"), message)
            if target in seen:
                message = msg.LINT_DUPLICATE_INTEGRATION.format(target=target)
                out.tool("duplicate-integration", entry, ("integrations", index), message)
            seen.add(target)
    # Whatever else the strict merge refuses (feeds, vocabulary defined twice differently).
    try:
        build_catalog(layers.layers)
    except InputErrors as exc:
        by_name = {d.display_name: d for layer in layers.layers for d in layer.documents}
        for error in exc.errors:
            doc = by_name.get(error.file)
            if doc is None or error.path.startswith("tools["):
                continue  # tool references are reported above, with their own rules
            if out.reported(error.file):
                line, column = error.line, error.column
                out.findings.append(
                    Finding(
                        Severity.ERROR, error.file, line, column, "", "reference", error.message
                    )
                )


# --------------------------------------------------------------------------- duplicates


def name_key(name: str) -> str:
    """Names equal under this key are the same product: case, punctuation, spaces and a leading
    'Apache' do not count ("Apache Flink" = "flink", "PREFECT" = "Prefect"); '+' and '#' do
    ("C++" is not "C")."""
    key = re.sub(r"[^a-z0-9+#]", "", name.casefold())
    return key.removeprefix("apache") or key


def id_key(tool_id: str) -> str:
    return re.sub(r"[^a-z0-9]", "", tool_id.casefold())


def repo_key(url: str) -> str:
    """Repository URLs equal under this key point at the same repository."""
    key = url.strip().casefold().removesuffix("/").removesuffix(".git")
    key = re.sub(r"^https?://(www\.)?", "", key)
    return key.removesuffix("/")


def _duplicates(layers: Layers, winners: list[ToolEntry], out: _Collector) -> None:
    for layer in layers.layers:
        first: dict[str, ToolEntry] = {}
        for entry in (e for e in layers.entries if e.layer == layer.label):
            if entry.tool.id in first:
                message = msg.DUPLICATE_TOOL.format(
                    id=entry.tool.id, other=first[entry.tool.id].where()
                )
                out.tool("duplicate-id", entry, ("id",), message)
            else:
                first[entry.tool.id] = entry
    keyed: list[tuple[str, Callable[[ToolEntry], str | None], str]] = [
        ("duplicate-id", lambda e: id_key(e.tool.id), "id"),
        ("duplicate-name", lambda e: name_key(e.tool.name), "name"),
        ("duplicate-repo", lambda e: repo_key(e.tool.repo) if e.tool.repo else None, "repo"),
    ]
    for rule, key_of, fact in keyed:
        seen: dict[str, ToolEntry] = {}
        for entry in winners:
            key = key_of(entry)
            if not key:
                continue
            other = seen.get(key)
            if other is None:
                seen[key] = entry
                continue
            message = msg.LINT_DUPLICATE.format(
                what=fact,
                value=getattr(entry.tool, fact),
                other=other.tool.id,
                other_value=getattr(other.tool, fact),
                where=other.where(),
            )
            out.tool(rule, entry, (fact,), message)


# --------------------------------------------------------------------------- integrations


def _integrations(layers: Layers, winners: list[ToolEntry], out: _Collector) -> None:
    by_id = {e.tool.id: e for e in winners}
    declared = {
        (e.tool.id, i.tool): (index, i.kind)
        for e in winners
        for index, i in enumerate(e.tool.integrations)
    }
    for (source, target), (index, kind) in sorted(declared.items()):
        back = declared.get((target, source))
        if back is None or back[1] == kind or source > target:
            continue
        here, there = by_id[source], by_id[target]
        message = msg.LINT_INTEGRATION_CONFLICT.format(
            kind=kind.value,
            target=target,
            other_kind=back[1].value,
            where=there.where("integrations", back[0]),
        )
        out.tool("integration-conflict", here, ("integrations", index, "kind"), message)
        reverse = msg.LINT_INTEGRATION_CONFLICT.format(
            kind=back[1].value,
            target=source,
            other_kind=kind.value,
            where=here.where("integrations", index),
        )
        out.tool("integration-conflict", there, ("integrations", back[0], "kind"), reverse)


# --------------------------------------------------------------------------- coverage


def _coverage(layers: Layers, winners: list[ToolEntry], out: _Collector) -> None:
    counts = Counter(cap for e in winners for cap in e.tool.capabilities)
    for cap_id, placed in sorted(layers.capabilities.items()):
        count = counts.get(cap_id, 0)
        if count < MIN_TOOLS_PER_CAPABILITY:
            tools = sorted(e.tool.id for e in winners if cap_id in e.tool.capabilities)
            message = msg.LINT_FEW_TOOLS.format(
                count=count, minimum=MIN_TOOLS_PER_CAPABILITY, tools=", ".join(tools) or "none"
            )
            out.add("few-tools", placed.doc, (*placed.path, "id"), cap_id, message)


def _stage_flow(layers: Layers, out: _Collector) -> None:
    """A new stage must be wired into the flow, forwards: handoffs are derived from ``feeds``,
    so a stage nothing feeds and that feeds nothing never meets another tool, and an edge to an
    earlier stage makes the lifecycle cyclic (the handoff reduction is then skipped)."""
    stages = {
        cap_id: placed
        for cap_id, placed in layers.capabilities.items()
        if placed.capability.kind is CapabilityKind.STAGE
    }
    fed = {target for placed in stages.values() for target in placed.capability.feeds}
    for cap_id, placed in sorted(stages.items()):
        cap = placed.capability
        if not cap.feeds and cap_id not in fed:
            out.add("isolated-stage", placed.doc, (*placed.path, "id"), cap_id, msg.LINT_ISOLATED)
        for index, target in enumerate(cap.feeds):
            other = stages.get(target)
            if other is None or cap.order is None or other.capability.order is None:
                continue
            if other.capability.order <= cap.order:
                message = msg.LINT_FEEDS_BACKWARDS.format(
                    target=target, order=cap.order, target_order=other.capability.order
                )
                out.add(
                    "feeds-backwards", placed.doc, (*placed.path, "feeds", index), cap_id, message
                )


# --------------------------------------------------------------------------- per-tool facts


def _facts(entry: ToolEntry, today: dt.date, out: _Collector) -> None:
    tool = entry.tool
    age = (today - tool.as_of).days
    if age > STALE_AFTER_DAYS:
        message = msg.LINT_STALE.format(as_of=tool.as_of.isoformat(), days=age)
        out.tool("stale-as-of", entry, ("as_of",), message)
    elif age < 0:
        message = msg.LINT_FUTURE.format(as_of=tool.as_of.isoformat(), today=today.isoformat())
        out.tool("future-as-of", entry, ("as_of",), message)
    counts = Counter(tool.sources)
    for index, url in enumerate(tool.sources):
        if counts[url] > 1 and tool.sources.index(url) != index:
            out.tool(
                "duplicate-source",
                entry,
                ("sources", index),
                msg.LINT_DUPLICATE_SOURCE.format(url=url),
            )
    imported = tool.curation is Curation.IMPORTED
    if imported:
        out.tool("imported", entry, ("curation",), msg.LINT_IMPORTED)
    else:
        _v2_facts(entry, out)
    for part in unknown_ids(tool.license):
        out.tool("license-id", entry, ("license",), msg.LINT_LICENSE_ID.format(part=part))
    if not tool.license_known and not imported:
        out.tool("license-unknown", entry, ("license",), msg.LINT_LICENSE_UNKNOWN)
    open_core = tool.open_core
    if open_core and open_core.license:
        for part in unknown_ids(open_core.license):
            message = msg.LINT_LICENSE_ID.format(part=part)
            out.tool("license-id", entry, ("open_core", "license"), message)
        if open_core.license.lower() == "proprietary":
            message = msg.LINT_OPEN_CORE_NOT_OPEN
            out.tool("open-core-proprietary", entry, ("open_core", "license"), message)
    if tool.proprietary:
        if open_core and not open_core.license:
            message = msg.LINT_OPEN_CORE_PROPRIETARY
            out.tool("open-core-proprietary", entry, ("open_core",), message)
        if tool.repo and not open_core:
            out.tool("repo-on-proprietary", entry, ("repo",), msg.LINT_REPO_ON_PROPRIETARY)
    elif tool.license_known and not tool.repo:
        out.tool(
            "open-source-without-repo",
            entry,
            ("license",),
            msg.LINT_NO_REPO.format(license=tool.license),
        )
    previous: dt.date | None = None
    for index, change in enumerate(tool.license_history):
        if previous is not None and change.until <= previous:
            message = msg.LINT_HISTORY_ORDER.format(until=change.until, previous=previous)
            out.tool("license-history-order", entry, ("license_history", index, "until"), message)
        if change.until > tool.as_of:
            message = msg.LINT_HISTORY_AFTER.format(until=change.until, as_of=tool.as_of)
            out.tool("license-history-order", entry, ("license_history", index, "until"), message)
        previous = change.until
    if tool.license_history and tool.license_history[-1].license == tool.license:
        index = len(tool.license_history) - 1
        message = msg.LINT_HISTORY_UNCHANGED.format(license=tool.license)
        out.tool("license-history-unchanged", entry, ("license_history", index, "license"), message)


# --------------------------------------------------------------------------- maturity, lifecycle

_STAGE_DATE = {"incubating": "incubating", "graduated": "graduated", "archived": "archived"}


def _maturity(entry: ToolEntry, out: _Collector) -> None:
    m = entry.tool.maturity
    if m is None:
        return
    dated = [(k, getattr(m, k)) for k in ("accepted", "incubating", "graduated", "archived")]
    dated = [(k, d) for k, d in dated if d is not None]
    for (k1, d1), (k2, d2) in pairwise(dated):
        if d2 < d1:
            message = f"{k2} {d2.isoformat()} is before {k1} {d1.isoformat()}"
            out.tool("maturity-dates", entry, ("maturity", k2), message)
    for key, day in [*dated, ("general_availability", m.general_availability)]:
        if day is not None and day > m.as_of:
            message = f"{key} {day.isoformat()} is after the maturity's as_of {m.as_of.isoformat()}"
            out.tool("maturity-dates", entry, ("maturity", key), message)
    if m.stage is not None and not m.foundation:
        message = f"stage {m.stage.value} without a foundation: say whose stage it is"
        out.tool("maturity-stage", entry, ("maturity", "stage"), message)
    if m.stage is not None and m.stage.value in _STAGE_DATE and m.foundation:
        key = _STAGE_DATE[m.stage.value]
        if getattr(m, key) is None and m.foundation == "CNCF":
            message = f"stage {m.stage.value} without its date ({key}); the CNCF landscape gives it"
            out.tool("maturity-stage", entry, ("maturity", key), message)


def _lifecycle(layers: Layers, out: _Collector) -> None:
    for layer in layers.layers:
        for doc in layer.documents:
            for index, item in enumerate(as_catalog(doc).lifecycle):
                base = ("lifecycle", index)
                newest = None
                for c_index, cycle in enumerate(item.cycles):
                    path = (*base, "cycles", c_index)
                    released = cycle.released
                    if released is not None and (newest is None or released > newest):
                        newest = released
                    ends = [
                        (name, day)
                        for name, day in (
                            ("support", cycle.support),
                            ("eol", cycle.eol),
                            ("extended_support", cycle.extended_support),
                        )
                        if isinstance(day, dt.date) and not isinstance(day, bool)
                    ]
                    for name, day in ends:
                        if released is not None and day < released:
                            message = (
                                f"{cycle.cycle}: {name} {day} is before its release {released}"
                            )
                            out.add("lifecycle-dates", doc, (*path, name), item.tool, message)
                    support, eol = cycle.support, cycle.eol
                    if isinstance(support, dt.date) and isinstance(eol, dt.date) and support > eol:
                        message = f"{cycle.cycle}: active support {support} ends after eol {eol}"
                        out.add("lifecycle-dates", doc, (*path, "support"), item.tool, message)
                if newest is not None and newest > item.as_of:
                    message = f"as_of {item.as_of} is before the newest release listed ({newest})"
                    out.add("lifecycle-source", doc, (*base, "as_of"), item.tool, message)


# --------------------------------------------------------------------------- contradictions

_LACKED: tuple[tuple[tuple[str, ...], str, Callable[[Governance], bool]], ...] = (
    # Words in an open_core.lacks item, the governance field they name, and whether the entry
    # claims what is lacked. "RBAC" lacked next to `access_control: role` is no contradiction
    # by itself: the open editions in question keep per-object ACLs (role granularity here) and
    # lack custom roles; fine-grained control without roles or row/column rules is. Single
    # sign-on is left out too: an open edition often signs in through OIDC while lacking SAML.
    (
        ("rbac", "role-based", "row-level", "column-level", "fine-grained access"),
        "access_control",
        lambda g: g.access_control == "fine",
    ),
    (("audit log",), "audit", lambda g: g.audit is True),
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DATE_FORMS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3})[a-z]* (?P<year>\d{4})\b",  # 22 Jan 2024
        r"\b(?P<month>[A-Za-z]{3})[a-z]* (?P<day>\d{1,2}), (?P<year>\d{4})\b",  # Jan 22, 2024
        r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b",  # 2024-01-22
    )
)


def _dates_in(text: str) -> set[dt.date]:
    found: set[dt.date] = set()
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            name = m["month"].lower()[:3]
            month = int(name) if name.isdigit() else _MONTHS.get(name)
            if month is not None:
                with contextlib.suppress(ValueError):
                    found.add(dt.date(int(m["year"]), month, int(m["day"])))
    return found


def _contradictions(entry: ToolEntry, out: _Collector) -> None:
    """Facts of one entry that cannot all be true."""
    tool = entry.tool
    g = tool.governance
    core = tool.open_core
    if core is not None and not tool.proprietary and core.license in (None, tool.license):
        # The entry describes the open edition itself, so what that edition lacks, it lacks.
        for index, lacked in enumerate(core.lacks):
            text = lacked.lower()
            for words, name, claimed in _LACKED:
                if claimed(g) and any(w in text for w in words):
                    message = msg.LINT_OPEN_CORE_CONTRADICTION.format(lacked=lacked, field=name)
                    path = ("open_core", "lacks", index)
                    out.tool("open-core-contradiction", entry, path, message)
                    break
    for index, change in enumerate(tool.license_history):
        if change.note and change.until in _dates_in(change.note):
            message = msg.LINT_HISTORY_CHANGE_DAY.format(until=change.until.isoformat())
            out.tool(
                "license-history-change-day", entry, ("license_history", index, "until"), message
            )
