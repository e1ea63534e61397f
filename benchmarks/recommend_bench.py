"""Benchmark `stackfit recommend`'s search on synthetic catalogs (benchmarks/synthetic.py).

    python benchmarks/recommend_bench.py            # 100, 300, 1,000 and 3,000 tools
    python benchmarks/recommend_bench.py --quick    # smallest size, and the exhaustive check (CI)

For each size: the median times of compiling the catalog into the search's tables and of the
top-5 search itself (branch and bound), and of both together (all after loading),
the kernel's throughput (median of 7 passes over the 2,000-odd stacks near the winners), and,
where feasible, exhaustive enumeration of the same search space scored by evaluate_stack, with
whether the answers agree. Times are also given as ratios to a baseline measured in the same
run (a bare `python -c pass`), because machines are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.recommend.kernel import owners_of, scorer
from evaluator.recommend.problem import compile_problem
from evaluator.recommend.search import search

from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.recommend.explain import stack_of
from evaluator.scoring import build_context, evaluate_stack

TODAY = dt.date(2026, 11, 26)
KERNEL_PASSES = 7


def baseline(repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def time_search(n: int, repeats: int, limit: float) -> dict[str, object]:
    catalog = synthetic_catalog(n)
    req = synthetic_requirements(catalog)
    context = build_context(req, catalog)
    times, compiles, searches, result = [], [], [], None
    for _ in range(repeats):
        start = time.perf_counter()
        p = compile_problem(catalog, context, TODAY)
        compiled = time.perf_counter()
        result = search(p, top=5, time_limit=limit)
        done = time.perf_counter()
        times.append(done - start)
        compiles.append(compiled - start)
        searches.append(done - compiled)
        if not result.stats.proven:
            break
    assert result is not None
    # Kernel throughput on stacks like the search's leaves: the top stacks with one tool swapped.
    rnd = random.Random(n)
    pool = [i for i in range(p.n) if not p.bad[i]]
    stacks = []
    for f in result.found or []:
        for _ in range(400):
            tools = set(f.tools)
            tools.discard(rnd.choice(sorted(tools)))
            tools.add(rnd.choice(pool))
            stacks.append((frozenset(tools), owners_of(p, tools)))
    # As the search scores them: its problem's scorer (generated once per problem, during the
    # search above), called with a frozenset of tools and the owners list. The median of
    # KERNEL_PASSES passes; the first also fills the lazily built tables for these stacks.
    score = scorer(p)
    rates = []
    for _ in range(KERNEL_PASSES if stacks else 0):
        start = time.perf_counter()
        for tools, owners in stacks:
            score(tools, owners)
        rates.append(len(stacks) / (time.perf_counter() - start))
    per_second = statistics.median(rates) if rates else 0.0
    return {
        "tools": n,
        "median_s": statistics.median(times),
        "compile_s": statistics.median(compiles),
        "search_s": statistics.median(searches),
        "runs": len(times),
        "nodes": result.stats.nodes,
        "leaves": result.stats.leaves,
        "proven": result.stats.proven,
        "leaves_per_s": result.stats.leaves / result.stats.seconds if result.stats.seconds else 0,
        "kernel_per_s": per_second,
        "top": [round(f.scored.overall, 4) for f in result.found[:5]],
    }


def exhaustive_check(n: int) -> dict[str, object]:
    """Enumerate every stack of the search space on a small catalog with evaluate_stack."""
    catalog = synthetic_catalog(n)
    # With a dozen tools the benchmark's regulated requirements have no viable stack at all (no
    # tool for a must-have), which would make the comparison vacuous: the small check keeps
    # the same needs, handoffs and weights but internal data, no regulations, no must-haves.
    req = synthetic_requirements(catalog)
    data = req.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.update(sensitivity="internal", regulations=[])
    for need in data["capabilities"].values():
        need.update(must=False, min_level=1)
    req = type(req).model_validate(data)
    context = build_context(req, catalog)
    p = compile_problem(catalog, context, TODAY)
    start = time.perf_counter()
    result = search(p, top=5)
    t_search = time.perf_counter() - start
    forced = {p.ids[t] for t in result.forced}
    others = sorted(set(catalog.tools) - forced)
    start = time.perf_counter()
    scored = []
    for k in range(len(others) + 1):
        for extra in itertools.combinations(others, k):
            tools = sorted(forced | set(extra))
            if not tools:
                continue
            e = evaluate_stack(stack_of(tools, "x"), context, catalog, today=TODAY)
            owning = {o for o in e.owners.values() if o is not None}
            if e.viable and set(extra) <= owning:
                scored.append((tuple(tools), e.overall.value))
    t_all = time.perf_counter() - start
    scored.sort(key=lambda x: (-round(x[1], 9), x[0]))
    want = [t for t, _ in scored[:5]]
    got = sorted(
        ((p.tool_ids(f.tools), f.scored.overall) for f in result.found),
        key=lambda x: (-round(x[1], 9), x[0]),
    )
    return {
        "tools": n,
        "found": len(want),
        "stacks": 2 ** len(others),
        "exhaustive_s": t_all,
        "search_s": t_search,
        "agree": want == [t for t, _ in got[:5]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest size only (CI)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 300, 1000, 3000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per search")
    args = parser.parse_args()
    sizes = [100] if args.quick else args.sizes
    base = baseline()
    print(f"machine: {machine()}")
    print(f"baseline (python -c pass): {base * 1000:.0f} ms")
    check = exhaustive_check(12)
    print(
        f"exhaustive check at {check['tools']} tools: {check['stacks']} stacks in "
        f"{check['exhaustive_s']:.2f} s ({check['found']} of the top 5 viable), "
        f"search {check['search_s'] * 1000:.1f} ms "
        f"(x{check['exhaustive_s'] / check['search_s']:.0f} faster); agree: {check['agree']}"
    )
    print()
    print(
        "| tools | compile s | search s | search x baseline | both s | nodes | stacks scored "
        "| proven | kernel evals/s | top-5 overall |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | --- |")
    for n in sizes:
        r = time_search(n, 1 if args.quick else args.repeats, args.limit)
        print(
            f"| {n:,} | {r['compile_s']:.3f} | {r['search_s']:.3f} | {r['search_s'] / base:.0f} | "
            f"{r['median_s']:.3f} | {r['nodes']:,} | "
            f"{r['leaves']:,} | {'yes' if r['proven'] else 'no'} | {r['kernel_per_s']:,.0f} | "
            f"{', '.join(f'{v:.3f}' for v in r['top'])} |",
            flush=True,
        )
    if not check["agree"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
