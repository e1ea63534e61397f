"""Compare `stackfit recommend`'s branch and bound with a general-purpose solver (CP-SAT).

    python benchmarks/solver_compare.py                     # shipped example, 30, 40, 100, 300 tools
    python benchmarks/solver_compare.py --sizes 30 --limit 60 --workers 1
    python benchmarks/solver_compare.py --top 5      # also the 5 best, by no-good cuts

The same instances as benchmarks/recommend_bench.py (synthetic catalogs from
benchmarks/synthetic.py with their requirements, and the shipped example `stacks/requirements.yaml`
with the built-in catalog) are formulated as one CP-SAT model each, **independently of
evaluator/recommend/search.py**: the model is built from the compiled tables of
evaluator/recommend/problem.py (`Problem`: tools, needs, owner ranks, connection ranks, concern
flags, gates), which are the instance data both sides read. The solver's optimum is re-scored
exactly with `kernel.score` and `evaluate_stack`, and compared with `search(p, top=1)`.

The formulation (see also docs/benchmarks.md, "General-purpose solver comparison"):

- x[t]: tool t is in the stack; tools failing a per-tool gate (`p.bad`) and tools serving no
  need are left out, tools under an active contract are fixed to 1 (as `recommend` keeps them).
- Owner rule: o[c,t] for every candidate t of need c, unc[c] for "nobody": exactly one of them;
  o[c,t] => x[t]; o[c,t] => not x[u] for every u ranked better on c (`p.rank`); unc[c] =>
  not x[t] for every candidate. For 0/1 x this makes o the owner exactly.
- Search space: a tool that is not forced owns at least one need (x[t] <= sum_c o[c,t]); at least
  one tool; at most max_tools.
- Viability: must-haves owned at min_level; approvals and versioning by some stack tool; per
  data-holding need, its owner has SSO, and audit / lineage / access control either itself or
  through the hub (the owner of that concern need at level >= HUB_MIN_LEVEL) reaching it without
  custom code: o[c,t] <= sum of o[hub need, g] over hub candidates g that reach t.
- Fit: linear in o plus the existing-tool terms (floored at 0 with a max when it could go below).
- Glue, in integer units of `u` points (0.1 on these instances; checked exact): per handoff, pair
  variables y[a,b] over (candidates of its source or nobody) x (candidates of its target or
  nobody) with sum_b y[a,b] = o[s,a] and sum_a y[a,b] = o[d,b], so exactly the owners' pair is 1;
  a pair of two different tools costs its connection points, the team points and the concern
  points of the bits it does not carry by itself that no hub can carry (`pair_carries`). For each
  hub concern bit k (its capability needed) a 0/1 charged[h,k] >= NC - r[s,k] and >= NC - r[d,k],
  where NC is the sum of y over pairs that do not carry k by themselves and r[c,k] <= 1 - o[c,t] +
  (hub of k reaches t) for every candidate t (the hub of k reaches the owner of c). Attachments:
  st[t] >= o[c,t] for stage needs (t is a stage tool); att[c,t] >= A[c,t] - M (1 - st[t]) with
  A[c,t] = sum over hub candidates g != t of the attachment points of (g, t) times o[c,g].
  Permission systems: own[t] >= o[c,t]; per vendor uv[v] >= own[t] - cov[t] for its tools with
  their own access control, cov[t] = the access-control hub is t, of t's vendor, or reaches t;
  perm >= sum_v uv[v] - 1 + (an access-control hub exists), perm >= 0. Every glue term is a cost,
  so lower bounds are exact at the optimum.
- Lock-in: weights scaled by fw (10) and closedness by fc (20) to integers; W = covered weight,
  W_v per vendor, S = sum W_v^2 (products), C = sum weight x closedness of owners; lock_in =
  50 C (W^2 + S) / (fc W^3), computed as Lq = floor(A C (W^2 + S) / (fc W^3)) with
  A = 50 KL wl, i.e. wl x lock-in in units of 1/KL (CP-SAT multiplication and division).
- Objective: maximise round(K wf coef) x o + existing - round(K wg norm u) x G - (K / KL) x Lq,
  K = 1e10, KL = 1e7 (smaller if the products would overflow int64). The rounding of each
  coefficient and the floor of Lq bound the gap between objective / K + constant and the exact
  overall score by `eps` (printed; about 1e-6); the winner is re-scored exactly anyway.

Times: both sides start from a freshly compiled `Problem` (compile time not counted on either
side). Solver time = building the CP-SAT model + solving it (wall); ours = `search(p, top=1)`,
both under --limit. Medians of --repeats runs; a bare `python -c pass` measured in the same run
as a baseline. With --top K, the K best also come from K solves of the same model, each adding a
no-good cut on x that excludes the stacks found before, against `search(p, top=K)`.

Agreement: the same stack, or (exact ties) exact overall scores within 1e-6; the search breaks
ties by sorted tool ids, the solver returns any optimum, so on a tie the script also checks that
the search's stack comes first by ids.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model

from benchmarks.recommend_bench import baseline, machine
from benchmarks.synthetic import synthetic_catalog, synthetic_requirements
from evaluator.recommend.explain import stack_of
from evaluator.recommend.kernel import score
from evaluator.recommend.problem import (
    CONCERN_BIT,
    CONN_POINTS,
    CUSTOM,
    HUB_CAPABILITY,
    Problem,
    compile_problem,
)
from evaluator.recommend.search import search
from evaluator.scoring import build_context, evaluate_stack, params

TODAY = dt.date(2026, 11, 26)
K = 10**10
"""Objective scale: one objective unit is 1e-10 overall points."""
KL_MAX = 10**7
"""Lock-in scale (units of 1/KL of wl x lock-in); lowered if the products could overflow."""
AGREE = 1e-6
"""Two answers agree when they are the same stack or their exact overall scores are this close."""


def _scale_to_int(values: Iterable[float], what: str) -> int:
    """The smallest factor that makes every value an integer (to 1e-9)."""
    vals = list(values)
    for f in (1, 2, 4, 5, 10, 20, 25, 40, 50, 100, 1000):
        if all(abs(v * f - round(v * f)) < 1e-9 for v in vals):
            return f
    raise ValueError(f"no small integer scale for the {what}: {sorted(set(vals))}")


def _unit(values: Iterable[float]) -> float:
    """The largest glue unit (points) of which every value is a whole multiple."""
    vals = list(values)
    for u in (1.0, 0.5, 0.25, 0.1, 0.05, 0.01):
        if all(abs(v / u - round(v / u)) < 1e-9 for v in vals):
            return u
    raise ValueError(f"no glue unit divides {sorted(set(vals))}")


@dataclass
class Formulation:
    model: cp_model.CpModel
    x: dict[int, cp_model.IntVar]
    const: float
    """Points to add to objective / K (the constant parts of the score)."""
    eps: float
    """|objective / K + const - exact overall| <= eps for every stack of the space."""
    forced: tuple[int, ...]
    notes: list[str] = field(default_factory=list)
    infeasible: str | None = None
    size: dict[str, int] = field(default_factory=dict)
    parts: dict[str, Any] = field(default_factory=dict)
    """The objective's parts as expressions, with their scale to points (for checks)."""


def build(
    p: Problem,
    *,
    forced: Sequence[int] = (),
    allow_drop: bool = False,
    max_tools: int | None = None,
    gates: bool = True,
    fixed: Iterable[int] | None = None,
) -> Formulation:
    """The CP-SAT model of "the best viable stack of recommend's search space" for ``p``, with
    the options of ``search`` (``forced``: the --from tools; contract tools stay unless
    ``allow_drop``).

    ``gates=False`` leaves out the viability constraints and ``fixed`` fixes the stack: both only
    for checking the model against the kernel on given stacks (tests)."""
    m = cp_model.CpModel()
    nn = len(p.needs)
    contracts = {e.tool for e in p.existing if e.contract} if not allow_drop else set()
    forced = tuple(sorted(set(forced) | contracts))
    notes: list[str] = []

    def reach(g: int, t: int) -> bool:
        """The concern tool g reaches t without custom code (itself, integration or standard)."""
        return g == t or p.conn(g, t) < CUSTOM

    # ---- tools and owners
    cand = [
        sorted((t for t in p.level[c] if not p.bad[t]), key=lambda t: p.rank[c][t])
        for c in range(nn)
    ]
    tools = sorted(set(forced) | {t for c in range(nn) for t in cand[c]})
    x = {t: m.new_bool_var(f"x{t}") for t in tools}
    if any(p.bad[t] for t in forced):
        m.add_bool_or([])
        return Formulation(m, x, 0.0, 0.0, forced, notes, "a forced tool fails a gate")
    for t in forced:
        m.add(x[t] == 1)
    if fixed is not None:
        chosen = set(fixed)
        if not chosen <= set(x):
            m.add_bool_or([])  # a tool the space does not allow
        for t, v in x.items():
            m.add(v == (t in chosen))
    o = [{t: m.new_bool_var(f"o{c}_{t}") for t in cand[c]} for c in range(nn)]
    unc = [m.new_bool_var(f"unc{c}") for c in range(nn)]
    for c in range(nn):
        m.add_exactly_one([*o[c].values(), unc[c]])
        for r, t in enumerate(cand[c]):
            m.add_implication(o[c][t], x[t])
            m.add_implication(unc[c], x[t].Not())
            for u in cand[c][:r]:
                m.add_implication(o[c][t], x[u].Not())
    owns: dict[int, list[cp_model.IntVar]] = {t: [] for t in tools}
    for c in range(nn):
        for t, v in o[c].items():
            owns[t].append(v)
    for t in tools:
        if t not in forced:
            m.add(sum(owns[t]) >= x[t])
    m.add(sum(x.values()) >= 1)
    if max_tools is not None:
        m.add(sum(x.values()) <= max_tools)

    # ---- hubs: per hub capability that is needed, its candidates at HUB_MIN_LEVEL or above
    hub_min = params.HUB_MIN_LEVEL
    hub_cands: dict[str, list[int]] = {}
    for cap, c in p.hub_need.items():
        hub_cands[cap] = [g for g in cand[c] if p.level[c][g] >= hub_min]

    def hub_reaching(cap: str, t: int, ok: Any = None) -> list[cp_model.IntVar]:
        """The owner variables of cap's hub candidates that reach t (0/1 sum: one owner)."""
        c = p.hub_need.get(cap)
        if c is None:
            return []
        return [o[c][g] for g in hub_cands[cap] if reach(g, t) and (ok is None or ok(g))]

    # ---- viability
    for c, nd in enumerate(p.needs):
        if nd.must and gates:
            m.add(unc[c] == 0)
            for t in cand[c]:
                if p.level[c][t] < nd.min_level:
                    m.add(o[c][t] == 0)
    if p.need_approvals and gates:
        m.add_bool_or([x[t] for t in tools if p.approvals[t]])
    if p.need_versioning and gates:
        m.add_bool_or([x[t] for t in tools if p.versioning[t]])
    for c in p.holder_needs if gates else ():
        for t in cand[c]:
            if p.need_sso and not p.sso[t]:
                m.add(o[c][t] == 0)
            if p.need_audit and not p.audit[t]:
                m.add(o[c][t] <= sum(hub_reaching("audit", t)))
            if p.need_lineage and not p.lineage[t]:
                m.add(o[c][t] <= sum(hub_reaching("lineage", t)))
            if p.need_access and p.access[t] < p.need_access:
                good = hub_reaching("access-control", t, lambda g: p.access[g] >= p.need_access)
                m.add(o[c][t] <= sum(good))

    # ---- fit (objective units)
    fit_terms = []
    fit_err = 0.0
    for c, nd in enumerate(p.needs):
        for t in cand[c]:
            coef = K * p.wf * nd.coverage * p.level[c][t] / 3
            fit_terms.append(round(coef) * o[c][t])
        fit_err += 0.5
    fit_const = 0.0
    fit_min = 0.0
    for e in p.existing:
        if e.tool in x:
            fit_terms.append(round(K * p.wf * (e.share - e.dropped)) * x[e.tool])
            fit_err += 0.5
            fit_min += e.share if e.tool in forced else min(e.share, e.dropped)
        else:
            fit_min += e.dropped
        fit_const += K * p.wf * e.dropped
    fit_expr = sum(fit_terms) + round(fit_const)
    fit_err += 0.5
    if fit_min < 0:  # fit is floored at 0 by the model
        fit_var = m.new_int_var(0, 10**13, "fit")
        m.add_max_equality(fit_var, [0, fit_expr])
        fit_obj: Any = fit_var
        notes.append("fit floor modelled with a max")
    else:
        fit_obj = fit_expr

    # ---- glue, in integer units of u points
    concern_pts = p.concern_points
    hub_bits = {
        CONCERN_BIT[concern]: cap for concern, cap in HUB_CAPABILITY.items() if cap in p.hub_need
    }
    unit = _unit(
        [*CONN_POINTS, *concern_pts, *(h.team_points for h in p.handoffs)]
        + [p.permission_points]
        + [p.attachment * cp for cp in CONN_POINTS]
    )

    def units(points: float) -> int:
        return round(points / unit)

    bits = list(enumerate(concern_pts))
    glue_terms: list[Any] = []
    reach_need: dict[tuple[int, int], cp_model.IntVar] = {}

    def reaches_owner(c: int, bit: int) -> cp_model.IntVar:
        """1 only if the hub of ``bit`` reaches the owner of need c."""
        key = (c, bit)
        if key not in reach_need:
            r = m.new_bool_var(f"r{c}_{bit}")
            for t in cand[c]:
                m.add(r + o[c][t] - sum(hub_reaching(hub_bits[bit], t)) <= 1)
            reach_need[key] = r
        return reach_need[key]

    n_pairs = 0
    for h, hand in enumerate(p.handoffs):
        s, d = hand.source, hand.target
        side_a = [*((a, o[s][a]) for a in cand[s]), (None, unc[s])]
        side_b = [*((b, o[d][b]) for b in cand[d]), (None, unc[d])]
        y: dict[tuple[int | None, int | None], cp_model.IntVar] = {
            (a, b): m.new_bool_var(f"y{h}_{a}_{b}") for a, _ in side_a for b, _ in side_b
        }
        n_pairs += len(y)
        for a, va in side_a:
            m.add(sum(y[a, b] for b, _ in side_b) == va)
        for b, vb in side_b:
            m.add(sum(y[a, b] for a, _ in side_a) == vb)
        not_carried: dict[int, list[cp_model.IntVar]] = {bit: [] for bit in hub_bits}
        for (a, b), v in y.items():
            if a is None or b is None or a == b:
                continue
            base, carried = p.pair(a, b)
            cost = base + hand.team_points
            for i, pts in bits:
                bit = 1 << i
                if carried & bit:
                    continue
                if bit in hub_bits:
                    not_carried[bit].append(v)
                else:
                    cost += pts
            glue_terms.append(units(cost) * v)
        for bit, vs in not_carried.items():
            if not vs:
                continue
            charged = m.new_bool_var(f"ch{h}_{bit}")
            m.add(charged >= sum(vs) - reaches_owner(s, bit))
            m.add(charged >= sum(vs) - reaches_owner(d, bit))
            glue_terms.append(units(concern_pts[bit.bit_length() - 1]) * charged)

    # attachments: every concern need's owner at HUB_MIN_LEVEL or above, to each stage tool
    stage_tools = sorted({t for c in p.stage_needs for t in cand[c]})
    st = {t: m.new_bool_var(f"st{t}") for t in stage_tools}
    for c in p.stage_needs:
        for t in cand[c]:
            m.add(st[t] >= o[c][t])
    n_att = 0
    for c in p.concern_needs:
        hubs = [g for g in cand[c] if p.level[c][g] >= hub_min]
        for t in stage_tools:
            terms = [(units(p.attachment * CONN_POINTS[p.conn(g, t)]), g) for g in hubs if g != t]
            terms = [(k, g) for k, g in terms if k]
            if not terms:
                continue
            big = max(k for k, _ in terms)
            att = m.new_int_var(0, big, f"att{c}_{t}")
            m.add(att >= sum(k * o[c][g] for k, g in terms) - big * (1 - st[t]))
            glue_terms.append(att)
            n_att += 1

    # permission systems
    ac_need = p.hub_need.get("access-control")
    own: dict[int, cp_model.IntVar] = {}
    by_vendor: dict[int, list[int]] = {}
    for t in tools:
        if p.access[t] and owns[t]:
            own[t] = m.new_bool_var(f"own{t}")
            for v in owns[t]:
                m.add(own[t] >= v)
            by_vendor.setdefault(p.vendor[t], []).append(t)
    uv = []
    for vendor, members in by_vendor.items():
        u = m.new_bool_var(f"uv{vendor}")
        for t in members:
            cov = []
            if ac_need is not None:
                cov = [
                    o[ac_need][g]
                    for g in hub_cands["access-control"]
                    if g == t or p.vendor[g] == p.vendor[t] or reach(g, t)
                ]
            m.add(u >= own[t] - sum(cov))
        uv.append(u)
    hub_present = (
        sum(o[ac_need][g] for g in hub_cands["access-control"]) if ac_need is not None else 0
    )
    perm = m.new_int_var(0, len(uv), "perm")
    m.add(perm >= sum(uv) - 1 + hub_present)
    glue_terms.append(units(p.permission_points) * perm)
    glue = sum(glue_terms)
    g_coef = K * p.wg * p.norm * unit
    g_max = math.ceil(100.0 / p.norm / unit) + 1 if p.norm else 0
    glue_err = abs(round(g_coef) - g_coef) * g_max

    # ---- lock-in
    fw = _scale_to_int((nd.weight for nd in p.needs), "need weights")
    fc = _scale_to_int((p.closed[t] for t in tools), "closedness")
    wi = [round(nd.weight * fw) for nd in p.needs]
    ci = {t: round(p.closed[t] * fc) for t in tools}
    w_max = sum(wi)
    w = m.new_int_var(0, w_max, "W")
    m.add(w == sum(wi[c] * (1 - unc[c]) for c in range(nn)))
    vendor_terms: dict[int, list[Any]] = {}
    for c in range(nn):
        for t in cand[c]:
            vendor_terms.setdefault(p.vendor[t], []).append(wi[c] * o[c][t])
    squares = []
    for vendor, terms in vendor_terms.items():
        wv = m.new_int_var(0, w_max, f"Wv{vendor}")
        m.add(wv == sum(terms))
        sq = m.new_int_var(0, w_max * w_max, f"Wv2_{vendor}")
        m.add_multiplication_equality(sq, [wv, wv])
        squares.append(sq)
    c_max = w_max * fc
    closed_w = m.new_int_var(0, c_max, "C")
    m.add(closed_w == sum(wi[c] * ci[t] * o[c][t] for c in range(nn) for t in cand[c]))
    w2 = m.new_int_var(0, w_max**2, "W2")
    m.add_multiplication_equality(w2, [w, w])
    w3 = m.new_int_var(0, w_max**3, "W3")
    m.add_multiplication_equality(w3, [w2, w])
    q = m.new_int_var(0, 2 * w_max**2, "Q")
    m.add(q == w2 + sum(squares))
    cq_max = c_max * 2 * w_max**2
    cq = m.new_int_var(0, cq_max, "CQ")
    m.add_multiplication_equality(cq, [closed_w, q])
    kl = KL_MAX
    while kl > 1 and (50 * kl * p.wl + 1) * cq_max >= 2**61:
        kl //= 10
    a = round(50 * kl * p.wl)
    zero = m.new_bool_var("W_is_0")
    m.add(w == 0).only_enforce_if(zero)
    m.add(w >= 1).only_enforce_if(zero.Not())
    lq_max = int(a * 2 / 1) + 1  # C Q / (fc W^3) <= 2
    lq = m.new_int_var(0, lq_max, "Lq")
    den = m.new_int_var(1, fc * w_max**3 + 1, "den")  # a divisor's domain may not hold 0
    m.add(den == fc * w3 + zero)
    m.add_division_equality(lq, a * cq, den)
    lock_err = (K // kl) * (1 + abs(a - 50 * kl * p.wl) * 2)
    if K % kl:
        raise ValueError("K must be a multiple of KL")

    m.maximize(fit_obj - round(g_coef) * glue - (K // kl) * lq)
    eps = (fit_err + glue_err + lock_err) / K
    notes.append(f"weights x{fw}, closedness x{fc}, glue unit {unit} points, KL={kl}")
    size = {
        "tools": len(tools),
        "owner vars": sum(len(cs) for cs in cand),
        "pair vars": n_pairs,
        "attachment vars": n_att,
        "vendors": len(vendor_terms),
    }
    parts = {
        "fit": (fit_obj, 1 / (K * p.wf) if p.wf else 0.0),
        "glue": (glue, unit * p.norm),
        "lock_in": (lq, 1 / (kl * p.wl) if p.wl else 0.0),
        "perm": (perm, p.permission_points),
    }
    return Formulation(m, x, 100.0 * (p.wg + p.wl), eps, forced, notes, None, size, parts)


@dataclass
class Outcome:
    status: str
    tools: tuple[int, ...] | None
    objective: float | None  # overall points as the model scores them
    bound: float | None  # proven upper bound on the model's objective, in points
    build_s: float
    solve_s: float


def solve(
    p: Problem, *, limit: float, workers: int, seed: int = 0, **options: Any
) -> tuple[Outcome, Formulation]:
    """Build and solve; ``options`` go to ``build`` (forced, allow_drop, max_tools)."""
    start = time.perf_counter()
    form = build(p, **options)
    built = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(form.model)
    done = time.perf_counter()
    name = solver.status_name(status)
    tools = None
    obj = bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        tools = tuple(sorted(t for t, v in form.x.items() if solver.boolean_value(v)))
        obj = solver.objective_value / K + form.const
        bound = solver.best_objective_bound / K + form.const
    return Outcome(name, tools, obj, bound, built - start, done - built), form


def fixed_objective(p: Problem, tools: Iterable[int], *, gates: bool = True) -> float | None:
    """The model's objective (overall points) with the stack fixed; None if the model rejects it."""
    form = build(p, gates=gates, fixed=tools)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(form.model)
    if status != cp_model.OPTIMAL:
        return None
    return solver.objective_value / K + form.const


def solve_top(
    p: Problem, k: int, *, limit: float, workers: int
) -> tuple[list[tuple[int, ...]], float, list[str]]:
    """The k best stacks by k solves, each excluding the stacks found before (no-good cuts on x).
    Returns the stacks, the total wall time (one build, k solves) and each solve's status."""
    start = time.perf_counter()
    form = build(p)
    found: list[tuple[int, ...]] = []
    statuses = []
    for _ in range(k):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.0, limit - (time.perf_counter() - start))
        solver.parameters.num_workers = workers
        status = solver.solve(form.model)
        statuses.append(solver.status_name(status))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        tools = tuple(sorted(t for t, v in form.x.items() if solver.boolean_value(v)))
        found.append(tools)
        chosen = set(tools)
        form.model.add(
            sum(1 - v for t, v in form.x.items() if t in chosen)
            + sum(v for t, v in form.x.items() if t not in chosen)
            >= 1
        )
    return found, time.perf_counter() - start, statuses


def exact(p: Problem, tools: Sequence[int]) -> tuple[float, bool, float]:
    """Overall and viability by the kernel, and the overall by evaluate_stack."""
    s = score(p, frozenset(tools))
    e = evaluate_stack(stack_of(p.tool_ids(tools), "x"), p.context, p.catalog, today=p.today)
    return s.overall, s.viable, e.overall.value


# ---------------------------------------------------------------------------- instances


def instances(sizes: Sequence[int], shipped: bool) -> list[tuple[str, Any]]:
    """(label, fresh-Problem factory) per instance, as benchmarks/recommend_bench.py builds them."""
    out: list[tuple[str, Any]] = []
    if shipped:
        from evaluator.app import load_recommend_inputs
        from evaluator.resources import builtin_stacks_dir

        inputs = load_recommend_inputs(builtin_stacks_dir() / "requirements.yaml")
        shipped_ctx = build_context(inputs.requirements, inputs.catalog)
        n = len(inputs.catalog.tools)
        out.append(
            (
                f"{n} (shipped catalog, example)",
                lambda: compile_problem(inputs.catalog, shipped_ctx, TODAY),
            )
        )
    for n in sizes:
        cat = synthetic_catalog(n)
        ctx = build_context(synthetic_requirements(cat), cat)
        out.append((f"{n:,}", lambda cat=cat, ctx=ctx: compile_problem(cat, ctx, TODAY)))
    return out


@dataclass
class Row:
    label: str
    solver_s: float
    build_s: float
    ours_s: float
    status: str
    solver_score: float | None
    ours_score: float | None
    bound: float | None
    eps: float
    agree: str
    detail: str
    ours_proven: bool = True


def compare(label: str, make: Any, *, limit: float, workers: int, repeats: int) -> Row:
    solver_times, build_times, ours_times = [], [], []
    outcome = form = None
    for _ in range(repeats):
        outcome, form = solve(make(), limit=limit, workers=workers)
        solver_times.append(outcome.build_s + outcome.solve_s)
        build_times.append(outcome.build_s)
        if outcome.status != "OPTIMAL":
            break  # the limit stopped it: one run is enough to say so
    result = None
    for _ in range(repeats):
        p = make()
        start = time.perf_counter()
        result = search(p, top=1, time_limit=limit)
        ours_times.append(time.perf_counter() - start)
        if not result.stats.proven:
            break
    assert outcome is not None
    assert form is not None
    assert result is not None
    p = make()
    ours = result.found[0] if result.found else None
    ours_score = ours.scored.overall if ours else None
    detail = []
    solver_score = None
    if outcome.tools is not None:
        solver_score, viable, ev = exact(p, outcome.tools)
        assert outcome.objective is not None
        gap = abs(outcome.objective - solver_score)
        detail.append(
            f"solver stack re-scored: kernel {solver_score:.9f} (viable {viable}), "
            f"evaluate_stack {ev:.9f}, model objective {outcome.objective:.9f} "
            f"(|diff| {gap:.1e}, eps {form.eps:.1e})"
        )
        # Glue terms are variables bounded below by what they cost, so they equal it at an
        # optimum; in a solution that is only feasible they may sit higher, and the objective is
        # then a lower bound on the exact score.
        if not viable or (
            gap > form.eps
            if outcome.status == "OPTIMAL"
            else outcome.objective > solver_score + form.eps
        ):
            detail.append("MODEL MISMATCH: the solver's objective is not the exact score")
        elif outcome.status != "OPTIMAL" and gap > form.eps:
            detail.append("(not optimal: the objective is a lower bound, slack glue terms)")
    if ours is not None:
        detail.append(f"ours: {', '.join(p.tool_ids(ours.tools))}")
    if outcome.tools is not None:
        detail.append(f"solver: {', '.join(p.tool_ids(outcome.tools))}")
    if not result.stats.proven:
        detail.append(f"OUR SEARCH NOT PROVEN within {limit:.0f} s")
    if ours is None and outcome.status == "INFEASIBLE":
        agree = "yes (both: no viable stack)"
    elif ours is None or outcome.tools is None or solver_score is None or ours_score is None:
        agree = "n/a"
    elif tuple(ours.tools) == outcome.tools:
        agree = "yes (same stack)"
    elif abs(solver_score - ours_score) <= AGREE:
        agree = "yes (tie: equal exact score)"
        first = p.tool_ids(ours.tools) < p.tool_ids(outcome.tools)
        detail.append(
            f"tie: exact scores differ by {solver_score - ours_score:+.1e}; ours comes first "
            f"by sorted tool ids (the search's tie rule): {'yes' if first else 'NO'}"
        )
    elif outcome.status != "OPTIMAL" and solver_score < ours_score:
        agree = "n/a (solver not proven; its best is worse)"
    elif not result.stats.proven and solver_score > ours_score:
        agree = "n/a (our search not proven; its best is worse)"
    else:
        agree = f"NO ({solver_score - ours_score:+.2e})"
    return Row(
        label,
        statistics.median(solver_times),
        statistics.median(build_times),
        statistics.median(ours_times),
        outcome.status,
        solver_score,
        ours_score,
        outcome.bound,
        form.eps,
        agree,
        "; ".join(detail) + "; " + " ".join(form.notes) + f"; model {form.size}",
        result.stats.proven,
    )


def _num(v: float | None, fmt: str = ".6f") -> str:
    return "-" if v is None else format(v, fmt)


def _ratio(a: float, b: float) -> str:
    r = a / b
    return f"{r:.1f}" if r < 10 else f"{r:,.0f}"


def compare_top(label: str, make: Any, k: int, *, limit: float, workers: int) -> str:
    """One Markdown row: the k best by no-good cuts against search(p, top=k), one run each."""
    found, solver_s, statuses = solve_top(make(), k, limit=limit, workers=workers)
    p = make()
    start = time.perf_counter()
    result = search(p, top=k, time_limit=limit)
    ours_s = time.perf_counter() - start
    theirs = sorted((score(p, frozenset(t)).overall for t in found), reverse=True)
    ours = [f.scored.overall for f in result.found[:k]]
    proven = all(st == "OPTIMAL" for st in statuses) and result.stats.proven
    same = len(theirs) == len(ours) and all(
        abs(a - b) <= AGREE for a, b in zip(theirs, ours, strict=True)
    )
    stacks = sum(1 for t in found if t in {f.tools for f in result.found[:k]})
    agree = (
        f"{'yes' if same else 'NO'} ({stacks} of {len(ours)} identical stacks)"
        if proven or not same
        else "n/a"
    )
    if not proven and statuses and statuses[-1] == "INFEASIBLE" and same:
        agree = f"yes (fewer than {k} viable stacks)"
    return (
        f"| {label} | {solver_s:.2f} | {ours_s:.3f} | {_ratio(solver_s, ours_s)} "
        f"| {', '.join(sorted(set(statuses)))} | {', '.join(f'{v:.4f}' for v in ours)} | {agree} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[30, 40, 100, 300])
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped example")
    parser.add_argument("--limit", type=float, default=600.0, help="solver seconds per instance")
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers (1 or 2 here)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--top", type=int, default=0, help="also the K best: K solves with no-good cuts"
    )
    args = parser.parse_args()
    base = baseline()
    print(f"machine: {machine()}")
    print(f"baseline (python -c pass): {base * 1000:.0f} ms")
    import ortools

    print(
        f"CP-SAT (OR-Tools {ortools.__version__}), {args.workers} worker(s), "
        f"limit {args.limit:.0f} s; ours: search(p, top=1), single thread"
    )
    print()
    print(
        "| tools | solver s (build + solve) | ours s | ratio | solver status | proven bound "
        "| solver exact overall | ours exact overall | agree |"
    )
    print("| ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | --- |")
    rows = []
    cases = instances(args.sizes, not args.no_shipped)
    for label, make in cases:
        r = compare(label, make, limit=args.limit, workers=args.workers, repeats=args.repeats)
        rows.append(r)
        print(
            f"| {r.label} | {r.solver_s:.2f} ({r.build_s:.2f} + {r.solver_s - r.build_s:.2f}) "
            f"| {r.ours_s:.3f}{'' if r.ours_proven else ' (not proven)'} "
            f"| {_ratio(r.solver_s, r.ours_s)} | {r.status} | {_num(r.bound)} "
            f"| {_num(r.solver_score)} | {_num(r.ours_score)} | {r.agree} |",
            flush=True,
        )
    print()
    for r in rows:
        print(f"- {r.label}: {r.detail}")
    failed = any(r.agree.startswith("NO") or "MISMATCH" in r.detail for r in rows)
    if args.top:
        k = args.top
        print()
        print(f"Top {k}: {k} solves with no-good cuts against search(p, top={k}); one run each.")
        print()
        print(
            f"| tools | solver s ({k} solves) | ours s | ratio | solver statuses "
            f"| ours top-{k} overall | exact scores agree |"
        )
        print("| ---: | ---: | ---: | ---: | :---: | --- | --- |")
        for label, make in cases:
            row = compare_top(label, make, k, limit=args.limit, workers=args.workers)
            failed |= "| NO" in row
            print(row, flush=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
