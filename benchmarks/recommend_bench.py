"""Benchmark `stackfit recommend`'s search (model v2) on the shipped catalog and on synthetic ones.

    python benchmarks/recommend_bench.py            # real-catalog cases and synthetic 100, 300 tools
    python benchmarks/recommend_bench.py --quick    # the exhaustive check and the shipped example (CI)

The exhaustive check enumerates every stack of the search space of a small synthetic catalog,
scores each with evaluate_stack, and compares the top 5 with the search's (exit 1 if they
differ). The timed cases report the search's own time (after loading), the nodes, the stacks
scored, whether the answer is proven optimal within the time limit, the time to the first viable
stack, and the gap between the best found and the bound when not proven. Times are also given as
ratios to a baseline measured in the same run (a bare `python -c pass`), because machines are
noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.exhaustive import exhaustive
from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.catalog import Catalog, load_catalog
from evaluator.loading.files import load_document
from evaluator.models import Requirements
from evaluator.recommend.explain import recommend
from evaluator.resources import builtin_stacks_dir

TODAY = dt.date(2026, 12, 7)
ROOT = Path(__file__).resolve().parent.parent


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


def requirements_file(path: Path) -> Requirements:
    model = load_document(path).model
    assert isinstance(model, Requirements)
    return model


def exhaustive_check(n: int) -> dict[str, object]:
    """Every stack of a small synthetic catalog's search space, against the search."""
    catalog = synthetic_catalog(n)
    req = synthetic_requirements(catalog)
    data = req.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.update(sensitivity="internal", regulations=[])
    for need in data["capabilities"].values():
        need.update(must=False, min_level=1)
    req = type(req).model_validate(data)
    start = time.perf_counter()
    result = recommend(req, catalog, today=TODAY, top=5, explain=False)
    t_search = time.perf_counter() - start
    start = time.perf_counter()
    want = [t for t, _ in exhaustive(catalog, req, today=TODAY, top=5)]
    t_all = time.perf_counter() - start
    got = [r.stack.tools for r in result.results]
    return {
        "tools": n,
        "stacks": 2**n - 1,
        "exhaustive_s": t_all,
        "search_s": t_search,
        "proven": result.stats.proven,
        "agree": want == got,
    }


def time_case(
    name: str, catalog: Catalog, req: Requirements, repeats: int, limit: float
) -> dict[str, object]:
    runs = []
    for _ in range(repeats):
        r = recommend(req, catalog, today=TODAY, top=5, explain=False, time_limit=limit)
        runs.append(r)
    r = runs[-1]
    best = r.results[0].evaluation.overall.value if r.results else None
    gap = None if r.stats.proven or best is None or r.stats.bound is None else r.stats.bound - best
    return {
        "case": name,
        "search_s": statistics.median(x.stats.seconds for x in runs),
        "first_s": r.stats.first_found,
        "nodes": r.stats.nodes,
        "leaves": r.stats.leaves,
        "proven": r.stats.proven,
        "best": best,
        "gap": gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="exhaustive check and example (CI)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per search")
    args = parser.parse_args()
    base = baseline()
    print(f"machine: {machine()}")
    print(f"baseline (python -c pass): {base * 1000:.0f} ms")
    check = exhaustive_check(10)
    print(
        f"exhaustive check at {check['tools']} synthetic tools: {check['stacks']} stacks in "
        f"{check['exhaustive_s']:.2f} s, search {check['search_s']:.3f} s "
        f"(proven: {check['proven']}); agree: {check['agree']}"
    )
    real = load_catalog()
    cases: list[tuple[str, Catalog, Requirements]] = [
        ("shipped example", real, requirements_file(builtin_stacks_dir() / "requirements.yaml")),
    ]
    if not args.quick:
        cases.append(
            (
                "issue #13: RAG with PostgreSQL in use",
                real,
                requirements_file(
                    ROOT / "tests" / "recommend" / "cases" / "rag-with-postgres.yaml"
                ),
            )
        )
        for n in (100, 300):
            synthetic = synthetic_catalog(n)
            cases.append((f"synthetic {n} tools", synthetic, synthetic_requirements(synthetic)))
    print()
    print(
        "| case | search s | x baseline | first viable s | nodes | stacks scored | proven "
        "| best | gap to bound |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: |")
    repeats = 1 if args.quick else args.repeats
    limit = min(args.limit, 5.0) if args.quick else args.limit
    for name, catalog, req in cases:
        r = time_case(name, catalog, req, repeats, limit)
        first = "-" if r["first_s"] is None else f"{r['first_s']:.3f}"
        best = "-" if r["best"] is None else f"{r['best']:.2f}"
        gap = "-" if r["gap"] is None else f"{r['gap']:.2f}"
        print(
            f"| {name} | {r['search_s']:.3f} | {float(r['search_s']) / base:.0f} | {first} | "
            f"{r['nodes']:,} | {r['leaves']:,} | {'yes' if r['proven'] else 'no'} | {best} "
            f"| {gap} |",
            flush=True,
        )
    if not check["agree"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
