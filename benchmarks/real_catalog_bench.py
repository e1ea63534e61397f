"""Benchmark `stackfit recommend` (model v2) on the shipped catalog with generated requirements.

    python benchmarks/real_catalog_bench.py                 # 300 files + 2 fixed ones, 2 s each
    python benchmarks/real_catalog_bench.py --quick         # 12 files, 1 s each, exhaustive check (CI)
    python benchmarks/real_catalog_bench.py --only 20261311 # one generated file again, by its seed
    python benchmarks/real_catalog_bench.py --dump DIR      # also write the files as YAML

Issue #13's real-catalog benchmark. Requirements files are generated with a fixed seed over the
shipped taxonomy and catalog (file i uses `random.Random(SEED + i)`): 1-15 capabilities with
random weights, must-haves and minimum levels (a must-have's level is one a tool passing the
file's own deployment and avoid gates reaches), sensitivity and regulations, governance posture,
allowed deployments (anywhere, on-premises only, one cloud, cloud subsets, mixes), 0-2 existing
tools (in use, or under a contract ending around 2026-12-07, some with migration days), avoid
lists (licences such as SSPL-1.0 and BUSL-1.1, a vendor, a tool), sometimes a --max-tools cap and
sometimes a size class. The shipped example and issue #13's case (RAG with PostgreSQL in use) are
added. Each file gets `recommend(top=5, explain=False, time_limit=T)` once.

Reported: time to the first viable stack and to proof (the search's own clock, `Stats`), the
share proven, with a viable stack, and with none; the gap to the bound when not proven; the worst
files by seed. A search that stops unproven without a stack is allowed (counted); one that proves
that no viable stack exists is cross-checked with a few hand-built stacks scored by
evaluate_stack (exit 1 if one is viable inside the search space).

`--quick` also enumerates, for 3 generated files, every stack of the search space of a ~9-tool
sub-catalog (the candidates of the file's needs) scored with evaluate_stack, as
tests/recommend/test_exact.py does, and exits 1 unless the search's proven top 5 is the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from benchmarks.exhaustive import exhaustive as reference
from benchmarks.recommend_bench import machine
from evaluator.catalog import Catalog, load_catalog
from evaluator.loading.files import load_document
from evaluator.models import Commitment, Requirements
from evaluator.recommend.explain import recommend, stack_of
from evaluator.resources import builtin_stacks_dir
from evaluator.scoring import build_context, evaluate_stack
from evaluator.scoring.gates import tool_gate_violations
from evaluator.scoring.stackview import effective_level

TODAY = dt.date(2026, 12, 7)
SEED = 20261207
ROOT = Path(__file__).resolve().parent.parent
ISSUE_CASE = ROOT / "tests" / "recommend" / "cases" / "rag-with-postgres.yaml"
SUB_CATALOG_TOOLS = 9
EXHAUSTIVE_FILES = 3
FIRST_ANSWER_TARGET = 1.0
PROOF_TARGET = 2.0
NEED_GROUPS = ((1, 3), (4, 7), (8, 11), (12, 15), (16, 99))

DEPLOYMENTS: list[list[str] | None] = [
    None,
    None,
    None,
    ["on-premises"],
    ["self-hosted"],
    ["aws"],
    ["gcp"],
    ["azure"],
    ["aws", "self-hosted"],
    ["gcp", "self-hosted"],
    ["azure", "saas"],
    ["aws", "saas"],
    ["aws", "azure", "gcp"],
    ["on-premises", "saas"],
]
ALL_DEPLOYMENTS = ["aws", "azure", "gcp", "self-hosted", "saas", "on-premises"]
SENSITIVITIES = ["public", "internal", "internal", "confidential", "confidential", "regulated"]
SIZES = ["small", "medium", "large"]


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    seed: int | None
    requirements: Requirements
    max_tools: int | None = None


# --------------------------------------------------------------------------- generation


def _allowed_tools(catalog: Catalog, data: dict[str, Any]) -> list[str]:
    """Tools that pass the deployment and avoid gates of a draft requirements file."""
    draft = Requirements.model_validate({**data, "capabilities": {"warehouse": 1}})
    context = build_context(draft, catalog)
    return sorted(t.id for t in catalog.tools.values() if not tool_gate_violations(t, context))


def generate(seed: int, catalog: Catalog) -> Case:
    """One requirements file (and --max-tools cap) from its own seed."""
    rng = random.Random(seed)
    data: dict[str, Any] = {"kind": "requirements", "version": 1, "name": f"generated {seed}"}
    # Deployment and avoid lists first: must-haves and existing tools are chosen among the tools
    # these gates leave.
    allowed: list[str] | None
    if rng.random() < 0.15:
        allowed = rng.sample(ALL_DEPLOYMENTS, rng.randint(1, 4))
    else:
        allowed = rng.choice(DEPLOYMENTS)
    if allowed is not None:
        data["deployment"] = {"allowed": allowed}
    avoid: dict[str, list[str]] = {}
    if rng.random() < 0.35:
        avoid["licenses"] = ["SSPL-1.0", "BUSL-1.1"]
        if rng.random() < 0.25:
            avoid["licenses"].append("AGPL-3.0-only")
    tool_ids = sorted(catalog.tools)
    if rng.random() < 0.25:  # a vendor, drawn by tool so the large vendors come up more often
        avoid["vendors"] = [catalog.tools[rng.choice(tool_ids)].vendor]
    if rng.random() < 0.1:
        avoid["tools"] = [rng.choice(tool_ids)]
    if avoid:
        data["avoid"] = avoid
    usable = _allowed_tools(catalog, data)

    capabilities = sorted(catalog.capabilities)
    chosen = rng.sample(capabilities, rng.randint(1, 15))
    needs: dict[str, dict[str, Any]] = {}
    for cap in chosen:
        need: dict[str, Any] = {"weight": rng.randint(1, 5)}
        levels = sorted({lv for t in usable if (lv := effective_level(catalog.tools[t], cap)) > 0})
        if levels and rng.random() < 0.3:
            need["must"] = True
            if rng.random() < 0.5:
                need["min_level"] = rng.choice(levels)
        needs[cap] = need
    data["capabilities"] = needs

    sensitivity = rng.choice(SENSITIVITIES)
    data["sensitivity"] = sensitivity
    regulations = sorted(catalog.regulations)
    if sensitivity == "regulated" or (sensitivity == "confidential" and rng.random() < 0.3):
        data["regulations"] = sorted(rng.sample(regulations, rng.randint(1, 2)))
    data["governance"] = {"posture": rng.choice([0.0, 0.2, 0.3, 0.5, 0.5, 0.7, 0.8, 1.0])}

    existing: list[dict[str, Any]] = []
    serving = [t for t in usable if any(effective_level(catalog.tools[t], c) > 0 for c in chosen)]
    for _ in range(rng.choices([0, 1, 2], weights=[40, 35, 25])[0]):
        pool = serving if serving and rng.random() < 0.85 else usable
        if not pool:
            break
        tool = rng.choice(pool)
        if any(e["tool"] == tool for e in existing):
            continue
        entry: dict[str, Any] = {"tool": tool}
        if rng.random() < 0.4:
            entry["commitment"] = "contract"
            if rng.random() < 0.9:
                entry["until"] = (TODAY + dt.timedelta(days=rng.randint(-180, 900))).isoformat()
        else:
            entry["commitment"] = "in-use"
        if rng.random() < 0.5:
            entry["migration_days"] = rng.randint(5, 200)
        existing.append(entry)
    if existing:
        data["existing"] = existing
    if rng.random() < 0.3:
        data["scale"] = {"size": rng.choice(SIZES)}
    max_tools = None
    if rng.random() < 0.25:
        contracts = sum(
            1
            for e in existing
            if e["commitment"] == "contract"
            and (e.get("until") is None or dt.date.fromisoformat(e["until"]) >= TODAY)
        )
        max_tools = max(rng.randint(2, 8), contracts + 1)
    return Case(f"seed {seed}", seed, Requirements.model_validate(data), max_tools)


def fixed_cases() -> list[Case]:
    out = []
    for name, path in (
        ("shipped example", builtin_stacks_dir() / "requirements.yaml"),
        ("issue #13: RAG with PostgreSQL in use", ISSUE_CASE),
    ):
        model = load_document(path).model
        assert isinstance(model, Requirements)
        out.append(Case(name, None, model))
    return out


def dump(case: Case, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = case.requirements.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"kind": "requirements", "version": 1, **data}
    head = f"# {case.name}"
    if case.max_tools is not None:
        head += f"; run with --max-tools {case.max_tools}"
    label = case.name.split(":")[0] if case.seed is None else f"seed {case.seed}"
    stem = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    text = head + "\n" + yaml.safe_dump(data, sort_keys=False)
    (folder / f"{stem}.yaml").write_text(text)


# --------------------------------------------------------------------------- running


def forced_tools(req: Requirements) -> set[str]:
    """Tools under a contract still running on TODAY (the search keeps them)."""
    return {
        e.tool
        for e in req.existing
        if e.commitment is Commitment.CONTRACT and (e.until is None or e.until >= TODAY)
    }


def in_space(
    tools: Sequence[str], case: Case, catalog: Catalog
) -> tuple[bool, tuple[str, ...], float]:
    """Whether a stack is viable and inside the search space (every tool that need not stay
    owns a need, within the cap): (in space, failed gates, overall)."""
    context = build_context(case.requirements, catalog)
    e = evaluate_stack(stack_of(sorted(tools), "x"), context, catalog, today=TODAY)
    owning = {o for o in e.owners.values() if o is not None}
    extra = set(tools) - forced_tools(case.requirements)
    ok = e.viable and extra <= owning and (case.max_tools is None or len(tools) <= case.max_tools)
    return ok, tuple(sorted({v.gate for v in e.violations})), e.overall.value


def sanity_stacks(case: Case, catalog: Catalog) -> list[tuple[str, ...]]:
    """Hand-built stacks for a file the search proves has none: the tools that must stay plus
    the best tool (highest level, then id) passing the gates for each must-have, then for every
    need, then with the best governance tools added."""
    req = case.requirements
    context = build_context(req, catalog)
    usable = [t for t in catalog.tools.values() if not tool_gate_violations(t, context)]
    forced = forced_tools(req)

    def best(cap: str, level: int = 1) -> str | None:
        ranked = sorted(
            (t for t in usable if effective_level(t, cap) >= level),
            key=lambda t: (-effective_level(t, cap), t.id),
        )
        return ranked[0].id if ranked else None

    musts = {best(n.capability, n.min_level) for n in context.needs if n.must}
    every = musts | {best(n.capability) for n in context.needs}
    governed = every | {best(c, 2) for c in ("access-control", "audit", "lineage")}
    out = []
    for picked in (musts, every, governed):
        stack = tuple(sorted(forced | {t for t in picked if t is not None}))
        if stack and stack not in out:
            out.append(stack)
    return out


def run_case(case: Case, catalog: Catalog, limit: float) -> dict[str, Any]:
    req = case.requirements
    start = time.perf_counter()
    r = recommend(
        req,
        catalog,
        today=TODAY,
        top=5,
        explain=False,
        time_limit=limit,
        max_tools=case.max_tools,
    )
    wall = time.perf_counter() - start
    s = r.stats
    best = r.results[0].evaluation.overall.value if r.results else None
    gap = None
    if not s.proven and best is not None and s.bound is not None:
        gap = s.bound - best
    record: dict[str, Any] = {
        "name": case.name,
        "seed": case.seed,
        "limit": limit,
        "needs": len(req.capabilities),
        "musts": sum(1 for n in req.capabilities.values() if n.must),
        "in_use": sum(1 for e in req.existing if e.commitment is Commitment.IN_USE),
        "contract": sum(1 for e in req.existing if e.commitment is Commitment.CONTRACT),
        "max_tools": case.max_tools,
        "proven": s.proven,
        "found": bool(r.results),
        "first": s.first_found,
        "seconds": s.seconds,
        "wall": wall,
        "nodes": s.nodes,
        "leaves": s.leaves,
        "best": best,
        "bound": s.bound,
        "gap": gap,
        "infeasible": r.infeasible,
        "sanity": None,
    }
    if not r.results:
        record["sanity"] = cross_check(case, catalog, r.infeasible, proven=s.proven)
    return record


def cross_check(case: Case, catalog: Catalog, infeasible: str | None, *, proven: bool) -> str:
    """For a file without a stack: the hand-built stacks scored by evaluate_stack, and what
    rules the space out. When the search proved there is none, a viable hand-built stack inside
    the space is a contradiction (a bug)."""
    fails = []
    for stack in sanity_stacks(case, catalog):
        ok, gates, overall = in_space(stack, case, catalog)
        if ok:
            if proven:
                return f"CONTRADICTION: {', '.join(stack)} is viable"
            return f"a viable stack exists: {', '.join(stack)} ({overall:.2f})"
        fails.append("/".join(gates) or "outside the space")
    why = infeasible or ("proven by the search" if proven else "not proven")
    notes = [why, f"hand-built stacks fail: {'; '.join(fails) or '-'}", *blockers(case, catalog)]
    return "; ".join(notes)


def _stuck(
    base: set[str], subjects: set[str], usable: list[str], case: Case, catalog: Catalog
) -> set[tuple[str, str]]:
    """The gates that tools ``subjects`` of stack ``base`` fail whatever single usable tool
    joins it (empty when some tool lifts them all)."""
    context = build_context(case.requirements, catalog)
    stuck: set[tuple[str, str]] | None = None
    for extra in [None, *usable]:
        tools = sorted(base | ({extra} if extra else set()))
        e = evaluate_stack(stack_of(tools, "x"), context, catalog, today=TODAY)
        failing = {(v.subject, str(v.gate)) for v in e.violations if v.subject in subjects}
        stuck = failing if stuck is None else stuck & failing
        if not stuck:
            return set()
    return stuck or set()


def blockers(case: Case, catalog: Catalog, most: int = 5) -> list[str]:
    """Likely reasons for no viable stack: a tool under contract, or every candidate (at most
    ``most`` of them) of a must-have, failing a gate whatever single usable tool joins it (any
    stack of the space holds them, so a governance tool would have to lift it)."""
    req = case.requirements
    context = build_context(req, catalog)
    usable = [t.id for t in catalog.tools.values() if not tool_gate_violations(t, context)]
    forced = forced_tools(req)
    out = []
    if forced:
        stuck = _stuck(forced, forced, usable, case, catalog)
        if stuck:
            named = ", ".join(f"{t} ({g})" for t, g in sorted(stuck))
            out.append(f"under contract, failing with each of {len(usable)} usable tools: {named}")
    for n in context.needs:
        if not n.must:
            continue
        cands = [
            t
            for t in usable
            if effective_level(catalog.tools[t], n.capability) >= n.min_level and t not in forced
        ]
        if not cands or len(cands) > most:
            continue
        stuck_each = [_stuck(forced | {c}, {c}, usable, case, catalog) for c in cands]
        if all(stuck_each):
            named = ", ".join(
                f"{c} ({'/'.join(sorted({g for _, g in st}))})"
                for c, st in zip(cands, stuck_each, strict=True)
            )
            out.append(
                f"must-have {n.capability} at level {n.min_level}: each candidate fails with "
                f"each usable tool: {named}"
            )
    return out


# --------------------------------------------------------------------------- exhaustive check


def sub_catalog(case: Case, catalog: Catalog, size: int) -> Catalog:
    """The file's existing tools plus, round robin over its needs (heaviest first), each need's
    best candidates passing the gates (highest level, then id), up to ``size`` tools."""
    req = case.requirements
    context = build_context(req, catalog)
    usable = [t for t in catalog.tools.values() if not tool_gate_violations(t, context)]
    ranked = [
        [
            t.id
            for t in sorted(
                (t for t in usable if effective_level(t, n.capability) > 0),
                key=lambda t: (-effective_level(t, n.capability), t.id),
            )
        ]
        for n in sorted(context.needs, key=lambda n: (-n.weight, n.capability))
    ]
    keep = list(dict.fromkeys(e.tool for e in req.existing))
    for depth in range(max((len(r) for r in ranked), default=0)):
        for r in ranked:
            if len(keep) >= size:
                break
            if depth < len(r) and r[depth] not in keep:
                keep.append(r[depth])
    tools = {t: catalog.tools[t] for t in sorted(keep)}
    origin = {t: o for t, o in catalog.origin.items() if t in tools}
    return dataclasses.replace(catalog, tools=tools, origin=origin)


def exhaustive(case: Case, catalog: Catalog, top: int) -> list[tuple[tuple[str, ...], float]]:
    """Every stack of the search space scored by evaluate_stack (benchmarks/exhaustive.py, the
    definition the exactness tests use too)."""
    return reference(catalog, case.requirements, today=TODAY, top=top, max_tools=case.max_tools)


def exhaustive_checks(cases: list[Case], catalog: Catalog) -> bool:
    """The search's proven top 5 against enumeration on sub-catalogs of the first generated
    files, until EXHAUSTIVE_FILES of them have a viable stack."""
    ok, with_stack = True, 0
    for case in cases:
        if case.seed is None:
            continue
        small = sub_catalog(case, catalog, SUB_CATALOG_TOOLS)
        start = time.perf_counter()
        want = exhaustive(case, small, 5)
        t_all = time.perf_counter() - start
        got = recommend(
            case.requirements,
            small,
            today=TODAY,
            top=5,
            explain=False,
            max_tools=case.max_tools,
        )
        have = [(r.stack.tools, r.evaluation.overall.value) for r in got.results]
        agree = got.stats.proven and [t for t, _ in have] == [t for t, _ in want]
        agree = agree and [round(v, 9) for _, v in have] == [round(v, 9) for _, v in want]
        ok = ok and agree
        print(
            f"exhaustive check, {case.name}: {len(small.tools)} tools "
            f"({2 ** len(small.tools)} subsets, {t_all:.2f} s), {len(want)} stacks in the "
            f"reference top 5, search {got.stats.seconds:.3f} s proven {got.stats.proven}; "
            f"agree: {agree}"
        )
        if not agree:
            print(f"  want: {want}\n  got:  {have}")
        if want:
            with_stack += 1
        if with_stack >= EXHAUSTIVE_FILES:
            break
    if with_stack < EXHAUSTIVE_FILES:
        print(f"exhaustive check: only {with_stack} sub-catalogs had a viable stack")
        ok = False
    return ok


# --------------------------------------------------------------------------- report


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def spread(values: list[float]) -> tuple[str, str, str]:
    """Median, 95th percentile and maximum, formatted (the percentile inclusive of the ends)."""
    if not values:
        return "-", "-", "-"
    p95 = (
        values[0]
        if len(values) == 1
        else statistics.quantiles(values, n=20, method="inclusive")[18]
    )
    return f"{statistics.median(values):.3f}", f"{p95:.3f}", f"{max(values):.3f}"


def share(count: int, total: int) -> str:
    return f"{count} of {total} ({100 * count / total:.1f} %)" if total else "-"


def answer_time(r: dict[str, Any]) -> float | None:
    """Seconds to the first viable stack, or to the proof that none exists."""
    if r["first"] is not None:
        return float(r["first"])
    return float(r["seconds"]) if r["proven"] else None


def summary(records: list[dict[str, Any]], limit: float) -> str:
    total = len(records)
    proven = [r for r in records if r["proven"]]
    found = [r for r in records if r["found"]]
    none = [r for r in records if not r["found"]]
    none_unproven = [r for r in none if not r["proven"]]
    none_proven = [r for r in none if r["proven"]]
    firsts = [float(r["first"]) for r in found if r["first"] is not None]
    proofs = [float(r["seconds"]) for r in proven]
    walls = [float(r["wall"]) for r in records]
    answers = [a for r in records if (a := answer_time(r)) is not None]
    gaps = [float(r["gap"]) for r in records if r["gap"] is not None]
    answered = sum(1 for a in answers if a <= FIRST_ANSWER_TARGET)
    proven_in = sum(1 for p in proofs if p <= PROOF_TARGET)
    generated = sum(1 for r in records if r["seed"] is not None)
    lines = [
        f"{total} files ({generated} generated, plus {total - generated} fixed), time limit "
        f"{limit:g} s each, top 5, as of {TODAY}.",
        "",
        "| measure (search clock, s) | files | median | p95 | max |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for what, values in (
        ("time to first viable stack (files with one)", firsts),
        ("time to proof (proven files)", proofs),
        ("time to first viable stack or proof of none", answers),
        ("gap, bound - best overall (unproven files with a stack; points)", gaps),
        ("wall time per file, recommend() call", walls),
    ):
        med, p95, top = spread(values)
        lines.append(f"| {what} | {len(values)} | {med} | {p95} | {top} |")
    lines += [
        "",
        f"- proven: {share(len(proven), total)}",
        f"- a viable stack found: {share(len(found), total)}",
        f"- none found: {share(len(none), total)} (proven none: {len(none_proven)}; "
        f"stopped unproven without a stack: {len(none_unproven)})",
        f"- target 1, a viable stack or a proof of none within {FIRST_ANSWER_TARGET:g} s: "
        f"{share(answered, total)}: {'met' if answered == total else 'missed'}",
        f"- target 2, 99 % proven within {PROOF_TARGET:g} s: {share(proven_in, total)}: "
        f"{'met' if proven_in >= 0.99 * total else 'missed'}",
        f"- maximum proof time: {max(proofs):.3f} s" if proofs else "- maximum proof time: -",
    ]
    lines += ["", *breakdown(records)]

    def badness(r: dict[str, Any]) -> tuple[float, ...]:
        a = answer_time(r)
        return (
            0 if r["found"] or r["proven"] else 1,  # stopped without a stack: worst
            0 if r["proven"] else 1,
            float("inf") if a is None else a,
            float(r["gap"] or 0.0),
            float(r["seconds"]),
        )

    worst = sorted(records, key=badness, reverse=True)[:5]
    lines += [
        "",
        "Worst 5 files (no stack and unproven first, then unproven, then by time to an answer):",
        "",
        "| file | needs (must) | in use / contract | max tools | proven | first viable s | "
        "search s | nodes | stacks scored | best | gap |",
        "| --- | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in worst:
        lines.append(row(r))
    if none_unproven:
        lines += ["", "Stopped unproven without a stack (allowed, counted):", ""]
        lines += [
            f"- {r['name']}: {r['nodes']:,} nodes, bound {fmt(r['bound'])}; {r['sanity']}"
            for r in none_unproven
        ]
    if none_proven:
        lines += ["", "Proven to have no viable stack, with the cross-check:", ""]
        lines += [f"- {r['name']}: {r['sanity']}" for r in none_proven]
    return "\n".join(lines)


def breakdown(records: list[dict[str, Any]]) -> list[str]:
    """Proven and found shares by the number of needs and by the existing tools."""

    def existing(r: dict[str, Any]) -> str:
        if r["contract"]:
            return "a tool under contract"
        return "tools in use only" if r["in_use"] else "no existing tool"

    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for r in records:
        n = int(r["needs"])
        by_needs = (0, next(f"{a}-{b} needs" for a, b in NEED_GROUPS if a <= n <= b))
        by_existing = (1, existing(r))
        for key in (by_needs, by_existing):
            groups.setdefault(key, []).append(r)
    order = [f"{a}-{b} needs" for a, b in NEED_GROUPS]
    order += ["no existing tool", "tools in use only", "a tool under contract"]
    lines = [
        "| group | files | proven | viable stack found | median time to proof s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for (_, label), rs in sorted(groups.items(), key=lambda kv: order.index(kv[0][1])):
        proven = [float(r["seconds"]) for r in rs if r["proven"]]
        found = sum(1 for r in rs if r["found"])
        med = f"{statistics.median(proven):.3f}" if proven else "-"
        lines.append(
            f"| {label} | {len(rs)} | {100 * len(proven) / len(rs):.0f} % | "
            f"{100 * found / len(rs):.0f} % | {med} |"
        )
    return lines


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def row(r: dict[str, Any]) -> str:
    return (
        f"| {r['name']} | {r['needs']} ({r['musts']}) | {r['in_use']} / {r['contract']} | "
        f"{r['max_tools'] or '-'} | {'yes' if r['proven'] else 'no'} | {fmt(r['first'], 3)} | "
        f"{r['seconds']:.3f} | {r['nodes']:,} | {r['leaves']:,} | {fmt(r['best'])} | "
        f"{fmt(r['gap'])} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 files, 1 s, exhaustive check (CI)")
    parser.add_argument("--files", type=int, default=None, help="generated files (default 300)")
    parser.add_argument("--limit", type=float, default=None, help="seconds per search (default 2)")
    parser.add_argument("--seed", type=int, default=SEED, help="file i uses seed SEED + i")
    parser.add_argument("--only", type=int, action="append", help="run only this file's seed")
    parser.add_argument("--dump", type=Path, help="write the requirements files as YAML here")
    parser.add_argument("--json", type=Path, help="write every file's figures as JSON here")
    parser.add_argument("--verbose", action="store_true", help="a line per file as it runs")
    parser.add_argument("--summarize", type=Path, help="print the summary of a --json file")
    args = parser.parse_args()
    if args.summarize:
        saved = json.loads(args.summarize.read_text())
        print(summary(saved, args.limit or float(saved[0].get("limit", 2.0))))
        return
    files = args.files if args.files is not None else (12 if args.quick else 300)
    limit = args.limit if args.limit is not None else (1.0 if args.quick else 2.0)

    catalog = load_catalog()
    print(f"machine: {machine()}; load average before: {load()}")
    seeds = args.only or [args.seed + i for i in range(files)]
    generated = [generate(seed, catalog) for seed in seeds]
    cases = generated if args.only else generated + fixed_cases()
    if args.dump:
        for case in cases:
            dump(case, args.dump)

    ok = True
    if args.quick:
        ok = exhaustive_checks(generated, catalog)

    records = []
    start = time.perf_counter()
    for case in cases:
        r = run_case(case, catalog, limit)
        records.append(r)
        if args.verbose or args.only:
            print(row(r), flush=True)
        if r["sanity"] and r["sanity"].startswith("CONTRADICTION"):
            ok = False
    elapsed = time.perf_counter() - start
    print(f"ran {len(records)} files in {elapsed:.0f} s; load average after: {load()}")
    print()
    print(summary(records, limit))
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))
    if not ok:
        print("\nFAILED: see the exhaustive check or the cross-check above")
        sys.exit(1)


if __name__ == "__main__":
    main()
