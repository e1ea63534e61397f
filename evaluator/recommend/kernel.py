"""Score a candidate stack from the compiled tables, fast: the search's inner loop.

``score`` computes exactly what ``evaluator.scoring.evaluate_stack`` computes (fit, glue, lock-in,
overall and viability) for a stack without roles, but on integers and precomputed tables rather
than models, names and a networkx graph per stack. It returns numbers only; the explanation of a
result comes from re-scoring it with ``evaluate_stack``.

The scorer is generated once per compiled problem (``scorer``), as Python source specialised to
it: the loops over the needs, the hub needs, the handoffs and the gates have a fixed length per
problem, so they are unrolled, each need's owner is a local variable, and the tables are globals
of the scorer's own namespace. That takes about a fifth off each stack's scoring time on CPython
3.11, for a fixed cost of about 1.3 ms per problem to generate and compile the source
(docs/benchmarks.md). ``source`` shows the code for one problem. Only integers, floats (whose
``repr`` reads back to the same value), fixed comments and the names of tables go into it;
nothing from a user's file is ever part of the generated text (it holds no string literal).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from operator import mul
from typing import NamedTuple, cast

from evaluator.recommend.problem import (
    ALL_CONCERNS,
    CONN_POINTS,
    CUSTOM,
    NO_TOOL,
    UNRANKED,
    Problem,
)


class Scored(NamedTuple):
    viable: bool
    fit: float
    glue: float
    lock_in: float
    overall: float


Scorer = Callable[[Collection[int], Sequence[int]], Scored]
"""``scorer(p)(tools, owners)``: ``owners`` must be what ``owners_of(p, tools)`` returns."""


def owners_of(p: Problem, tools: Collection[int]) -> list[int]:
    """The owner of each need (``NO_TOOL`` when uncovered), by the scoring model's owner rule."""
    best = [UNRANKED] * len(p.needs)
    owners = [NO_TOOL] * len(p.needs)
    for t in tools:
        for c, _lv, rk in p.tool_needs[t]:
            if rk < best[c]:
                best[c] = rk
                owners[c] = t
    return owners


def score(p: Problem, tools: Collection[int], owners: Sequence[int] | None = None) -> Scored:
    """Fit, glue, lock-in, overall and viability of the stack ``tools`` (tool indices).

    ``owners`` may be passed when the caller already knows them (the search does); it must be
    what ``owners_of`` returns. A caller scoring many stacks calls ``scorer(p)`` once instead."""
    return scorer(p)(tools, owners_of(p, tools) if owners is None else owners)


def scorer(p: Problem) -> Scorer:
    """The stack scorer of ``p``, generated from its tables on first use."""
    made = p.k_scorer
    if made is None:
        text, namespace = _generate(p)  # (a new dict: the scorer's globals)
        exec(compile(text, "<stackfit scorer>", "exec"), namespace)  # our own text: see _generate
        made = p.k_scorer = cast(Scorer, namespace["_score"])
    return made


def source(p: Problem) -> str:
    """The Python source of ``p``'s scorer, to read (what ``scorer`` compiles)."""
    return _generate(p)[0]


def _lit(x: float) -> str:
    """A number as source text that reads back to exactly the same value."""
    if not math.isfinite(x):
        raise ValueError(f"a scoring table holds {x!r}")
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


def _generate(p: Problem) -> tuple[str, dict[str, object]]:
    """The scorer's source for ``p`` and the constants it reads.

    What it computes, step by step (the comments are copied into the source):

    - fit: each need's coverage points for its owner, in need order, plus the existing
      investments' reuse points (kept or dropped);
    - the work each owner carries (its needs' weights), in need order;
    - hub and concern tools: the owners at HUB_MIN_LEVEL or above of the hub and concern
      needs; the concern bits each carries as a hub, and how many concern needs it attaches to
      the stage tools;
    - glue: attachment points of those tools to every stage tool; per handoff, the glue points
      of the pair of owners, less the concerns the hubs that reach both ends carry (memoised per
      pair and bits); the permission systems (the access-control hub with every holder it
      reaches, then one per vendor among the holders it does not reach);
    - lock-in: the closedness of each owner weighted by its share of the work, scaled by the
      vendor concentration (Herfindahl index of vendor shares);
    - viability: excluded tools, must-haves, demanded approvals and versioning, and the
      per-holder controls (SSO of its own; audit, lineage and access control of its own or
      through the hub of that concern, if the hub reaches it).

    Every float sum adds the same numbers in the same order on every run (the attachment sum is
    of integers), so results do not change by a single bit from run to run."""
    consts: dict[str, object] = {
        "_new": tuple.__new__,  # Scored(...) without its Python-level __new__
        "Scored": Scored,
        "mul": mul,
        "P": p,
        "ROWS": p.k_rows,
        "COSTS": p.k_costs,
        "VENDOR": p.vendor,
        "ACCESS": p.access,
        "CLOSED": p.closed,
        "_row": _row,
        "_fill_costs": _fill_costs,
    }

    def table(name: str, value: object) -> str:
        consts[name] = value
        return name

    def row(o: str) -> str:
        """What the hub or concern tool held in local ``o`` reaches."""
        return f"(ROWS[{o}] or _row(P, {o}))"

    def set_of(needs: Sequence[int]) -> str:
        return "{" + "".join(f"o{c}, " for c in needs) + "}" if needs else "set()"

    out: list[str] = []

    def emit(indent: int, *lines: str) -> None:
        out.extend("    " * indent + line for line in lines)

    nn = len(p.needs)
    emit(0, "def _score(tools, owners):")
    if nn:
        emit(1, "".join(f"o{c}, " for c in range(nn)) + "= owners")
    emit(1, "# ---- fit and work shares")
    cover = "".join(f" + {table(f'COVER{c}', p.k_cov[c])}[o{c}]" for c in range(nn))
    emit(1, f"fit = 0.0{cover}", "work = dict.fromkeys(owners, 0.0)")
    emit(1, *(f"work[o{c}] += {_lit(p.k_weight[c])}" for c in range(nn)))
    emit(1, f"work.pop({_lit(NO_TOOL)}, None)")
    for e, share, dropped in p.k_existing:
        emit(1, f"fit += {_lit(share)} if {e} in tools else {_lit(dropped)}")
    emit(1, "if fit < 0:", "    fit = 0.0")

    emit(1, "# ---- hub and concern tools: per tool, the concern bits it carries as a hub in the")
    emit(1, f"# low {_CONCERN_BITS} bits, and above them how many concern needs it attaches")
    emit(1, "carries = {}")
    for i, (c, ok, bits, concern) in enumerate(p.k_hubs):
        emit(1, f"if o{c} in {table(f'HUB_OK{i}', ok)}:")
        if i:
            emit(2, f"if o{c} in carries:")
            emit(3, f"carries[o{c}] = (carries[o{c}] | {bits}) + {concern << _CONCERN_BITS}")
            emit(2, "else:")
            emit(3, f"carries[o{c}] = {bits | concern << _CONCERN_BITS}")
        else:
            emit(2, f"carries[o{c}] = {bits | concern << _CONCERN_BITS}")

    emit(1, "# ---- glue: attachment points; the concern bits every hub carries, less those of")
    emit(1, "# the hubs that do not reach one end of a handoff (miss, rare)")
    emit(1, f"stage_tools = {set_of(p.stage_needs)}", f"stage_tools.discard({_lit(NO_TOOL)})")
    emit(1, "attach = 0", "carried_all = 0", "miss = None", "if carries:")
    if p.k_stage_ends:
        emit(2, "ends = stage_tools")
    else:
        emit(2, f"ends = {set_of(p.k_handoff_needs)}", f"ends.discard({_lit(NO_TOOL)})")
    emit(2, "for o, held in carries.items():")
    emit(3, "# connection points to every stage tool, plus _UNREACHED per one it does not reach")
    emit(3, "cost = COSTS[o]", "if cost is None:", f"    cost = COSTS[o] = [None] * {p.n}")
    emit(3, "spent = 0", "try:", "    for t in stage_tools:", "        spent += cost[t]")
    emit(3, "except TypeError:  # (a None: not filled yet)")
    emit(4, "spent = _fill_costs(P, o, cost, stage_tools)")
    emit(3, f"attach += (held >> {_CONCERN_BITS}) * (spent & {_POINTS})")
    emit(3, f"bits = held & {ALL_CONCERNS}", "if bits:", "    carried_all |= bits")
    body = 4
    if p.k_stage_ends:  # (otherwise a hub may miss a handoff's end outside the stage tools)
        emit(4, f"if spent > {_POINTS}:")
        body = 5
    emit(body, f"unreached = ends.difference({row('o')})", "if unreached:")
    emit(body + 1, "if miss is None:")
    emit(body + 2, "miss = dict.fromkeys(ends, 0)", f"miss[{_lit(NO_TOOL)}] = 0")
    emit(body + 1, "for t in unreached:", "    miss[t] |= bits")

    emit(1, "# handoffs: glue points by pair of owners (with the team points) and hub-carried bits")
    emit(1, "points = 0.0")
    if p.handoff_ends:
        n1 = p.n + 1
        handoffs = [
            (s, d, table(f"HANDOFF{i}", _HandoffGlue(p, team)))
            for i, (s, d, team) in enumerate(p.handoff_ends)
        ]
        for missing in (True, False):
            emit(1, "if miss is not None:" if missing else "else:")
            for s, d, name in handoffs:
                carried = (
                    f"(carried_all & ~(miss[o{s}] | miss[o{d}]))" if missing else "carried_all"
                )
                emit(2, f"points += {name}[(o{s} * {n1} + o{d}) << {_CONCERN_BITS} | {carried}]")
    emit(1, "if attach:", f"    points += {_lit(p.attachment)} * attach")

    emit(1, "# permission systems (glue.permission_domains)")
    by_vendor = "len(set(map(VENDOR.__getitem__, filter(ACCESS.__getitem__, work))))"
    c_access = p.hub_need.get("access-control", NO_TOOL)
    if c_access == NO_TOOL:
        emit(1, f"domains = {by_vendor}")
    else:
        emit(1, f"hub = o{c_access}", f"if hub in {table('ACCESS_OK', p.k_hub_ok[c_access])}:")
        emit(2, f"unreached = set(work).difference({row('hub')})", "if unreached:")
        emit(3, "hub_vendor = VENDOR[hub]")
        emit(3, "domains = 1 + len(")
        emit(4, "{VENDOR[t] for t in unreached if ACCESS[t] and VENDOR[t] != hub_vendor}")
        emit(3, ")")
        emit(2, "else:", "    domains = 1")
        emit(1, "else:", f"    domains = {by_vendor}")
    emit(1, "if domains > 1:", f"    points += {_lit(p.permission_points)} * (domains - 1)")
    emit(1, f"glue = points * {_lit(p.norm)}")

    emit(1, "# ---- lock-in")
    emit(1, "lock_in = 0.0", "if work:")
    emit(2, "total = sum(work.values())", "by_vendor = {}", "closed = 0.0")
    emit(2, "for t, w in work.items():")
    emit(3, "share = w / total", "closed += share * CLOSED[t]", "v = VENDOR[t]")
    emit(3, "if v in by_vendor:", "    by_vendor[v] += share", "else:", "    by_vendor[v] = share")
    emit(2, "shares = list(by_vendor.values())", "hhi = sum(map(mul, shares, shares))")
    emit(2, "lock_in = 100.0 * closed * (0.5 + 0.5 * hhi)")
    wf, wg, wl = (_lit(w) for w in (p.wf, p.wg, p.wl))
    emit(1, f"overall = {wf} * fit + {wg} * (100 - glue) + {wl} * (100 - lock_in)")

    emit(1, "# ---- viability")
    emit(1, f"if not {table('BAD', p.k_bad)}.isdisjoint(tools):", "    viable = False")
    for i, (c, ok) in enumerate(p.k_must):
        emit(1, f"elif o{c} not in {table(f'MUST{i}', ok)}:", "    viable = False")
    if p.need_approvals:
        emit(
            1, f"elif {table('APPROVALS', p.k_approvals)}.isdisjoint(tools):", "    viable = False"
        )
    if p.need_versioning:
        emit(1, f"elif {table('VERSIONING', p.k_versioning)}.isdisjoint(tools):")
        emit(2, "viable = False")
    emit(1, "else:")
    emit(2, f"holders = {set_of(p.holder_needs)}")
    emit(2, f"viable = holders.isdisjoint({table('NO_SSO', p.k_no_sso)})")
    for i, (c, hub_ok, lacking) in enumerate(p.k_gates):
        lack, hub = table(f"LACKING{i}", lacking), table(f"GATE_HUB{i}", hub_ok)
        emit(2, f"if viable and not holders.isdisjoint({lack}):")
        emit(3, f"viable = o{c} in {hub} and not (holders & {lack}).difference({row(f'o{c}')})")
    emit(1, "return _new(Scored, (viable, fit, glue, lock_in, overall))")
    return "\n".join(out) + "\n", consts


class _HandoffGlue(dict[int, float]):
    """Glue points of one handoff (with its team points), by its owners a and b (``NO_TOOL``
    included) and the concern bits hubs carry for them, under the key
    ``(a * (n + 1) + b) << _CONCERN_BITS | bits``: filled on first use (``__missing__``), 0.0
    when one tool owns both ends or one end is uncovered. (A dict subclass: the scorer reads
    it with one subscript, and its source stays one line per handoff.)"""

    __slots__ = ("p", "team")

    def __init__(self, p: Problem, team: float) -> None:
        super().__init__()
        self.p = p
        self.team = team

    def __missing__(self, key: int) -> float:
        p = self.p
        a, b = divmod(key >> _CONCERN_BITS, p.n + 1)
        if b == p.n:  # b was NO_TOOL: a * (n + 1) - 1 == (a - 1) * (n + 1) + n
            a, b = a + 1, NO_TOOL
        if a in (b, NO_TOOL) or b == NO_TOOL:
            got = 0.0
        else:
            base, carried = p.pair(a, b)
            hub_carried = key & ALL_CONCERNS
            got = base + p.mask_points[ALL_CONCERNS & ~(carried | hub_carried)] + self.team
        self[key] = got
        return got


_CONCERN_BITS = ALL_CONCERNS.bit_length()
_UNREACHED = 1 << 16
_POINTS = _UNREACHED - 1
_COST = (*(int(v) for v in CONN_POINTS[:CUSTOM]), int(CONN_POINTS[CUSTOM]) + _UNREACHED)
assert all(v == int(v) for v in CONN_POINTS), "the attachment sum relies on integer points"


def _fill_costs(p: Problem, o: int, cost: list[int | None], stage_tools: set[int]) -> int:
    """Fill ``cost[t]`` (``_COST`` of the connection from ``o``) for the stage tools where it is
    None yet, and return their sum over ``stage_tools``: connection points (SAME for ``o``
    itself) in the low bits, the number of tools ``o`` does not reach in units of
    ``_UNREACHED``."""
    spent = 0
    for t in stage_tools:
        got = cost[t]
        if got is None:
            got = cost[t] = _COST[p.conn(o, t)]
        spent += got
    return spent


def _row(p: Problem, o: int) -> frozenset[int]:
    """The tools ``o`` reaches (connection rank below CUSTOM: Problem.conn), ``o`` included."""
    reach: set[int] = {o}
    b = p.bridge[o]
    while b:
        low = b & -b
        reach.update(p.k_bridged[low.bit_length() - 1])
        b ^= low
    reach.update(t for t, r in p.partners[o].items() if r < CUSTOM)
    row = p.k_rows[o] = frozenset(reach)
    return row
