"""How robust a ranking is to the weights: pure functions on a ``Comparison``.

Two questions, both about the weights of fit, glue, lock-in and cost (normalised to sum 1):

**How far is the runner-up?** For the top two stacks, and for each weight on its own, the value of
that weight at which the two tie, so any change beyond it swaps them. Convention: when weight
``k`` moves from ``w_k`` to ``t``, the other two keep their proportions and share ``1 - t``
(``w_j' = w_j * (1 - t) / (1 - w_k)``); if ``w_k`` is 1 (the others are 0) they share ``1 - t``
equally. With ``u = (fit, 100 - glue, 100 - lock-in, 100 - cost)`` and ``d = u_first - u_second``,
the first stack's lead is linear in ``t``::

    D(t) = t * d_k + (1 - t) * r_k,   r_k = sum_{j != k} w_j * d_j / (1 - w_k)

so it vanishes at ``t* = r_k / (r_k - d_k)`` (closed form). The weight cannot pass 0 or 1, so
when ``t*`` lies outside the open range the weight can reach, no change of this weight alone swaps
them; nor does any change when ``d_k == r_k`` (the lead does not depend on the weight), or when
only the first of the two is viable (viability comes before the overall score, as in ``rank``).
Only the pair is considered: a third stack may overtake both earlier, which the rank acceptability
below shows.

**How often does the winner win?** Rank acceptability: over ``samples`` weightings drawn
uniformly from the simplex (Dirichlet(1, 1, 1, 1)), the share under which each stack ranks first.
Only viable stacks compete for first (all stacks do when none is viable), ties go to the stack
``rank`` would put first (by name, then source). The winner under the stated weights is flagged
**fragile** when it ranks first under less than ``fragile_below`` of the weightings.

Reproducible to the digit: weightings come from ``random.Random(seed)`` (Mersenne Twister, the
same sequence on every platform) by the sorting method (three sorted uniforms ``a <= b <= c``
give ``(a, b - a, c - b, 1 - c)``, uniform on the simplex and free of ``log``/``exp``, whose last
bit may differ between C libraries); each score is ``w0*u0 + w1*u1 + w2*u2 + w3*u3`` in that
order, and shares are integer counts divided by ``samples``. No numpy: the loop is a dot product and an argmax over
precomputed score vectors, fast enough in pure Python (about 16 ms for 20 stacks and 10,000
weightings; see ``benchmarks/cli_speed.py``).

**Does the winner hold when the catalog is one step off?** (issue #12) Capability levels in the
catalog are curated judgements, so each one is tried one step off: every level of every tool
used by a compared stack moved down and up one step within 1..3 (a level is never moved to 0,
which would say the tool lacks the capability altogether, and a capability a tool does not
declare is left alone), one change at a time, and the stacks re-evaluated and re-ranked. The
changes under which another stack ranks first are reported, in order of tool, capability and
new level. Only the stacks a change can reach are re-evaluated, against the requirements compiled
once (they read the catalog's capabilities, never a tool's levels): a stack's scores read a
tool's entry when the stack uses the tool, and when the requirements list it as already owned
(its name in the reuse terms, its price for a contract dropped early; not its levels today, so
that case is re-evaluated only to stay right if the model starts reading them). For the shipped
example that is 350 stack evaluations for 224 changes instead of 896; ``tests/test_robustness.py``
checks the result against a full ``compare`` per change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from evaluator.scoring.context import build_context
from evaluator.scoring.evaluate import rank
from evaluator.scoring.units import evaluate_with_units, unit_contexts

if TYPE_CHECKING:
    from evaluator.catalog import Catalog
    from evaluator.models import Requirements, Stack, Tool
    from evaluator.scoring.results import Comparison, StackEvaluation

DEFAULT_SEED = 20261126
DEFAULT_SAMPLES = 10_000
DEFAULT_FRAGILE_BELOW = 0.5
"""A winner that ranks first under less than half of all weightings is fragile: another stack
wins more often than it does, or no stack wins a majority and the choice rests on the weights."""

WEIGHTS = ("fit", "glue", "lock_in", "cost")
LEVEL_METHOD = (
    "every capability level of every tool in a compared stack moved one step within 1..3, "
    "one at a time"
)
Vector = tuple[float, ...]


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class WeightChange:
    """Moving one weight (the others rescaled proportionally) until the top two tie."""

    weight: str
    current: float
    threshold: float | None
    """The value of this weight at which the two tie; beyond it they swap. None: no value does."""
    weights_at_threshold: dict[str, float] | None

    @property
    def change(self) -> float | None:
        return None if self.threshold is None else self.threshold - self.current


@dataclass(frozen=True)
class Swap:
    """The smallest change of each weight that would swap the first and second stacks."""

    first: str
    second: str
    lead: float
    """First's overall score minus second's, under the stated weights."""
    blocked: str | None
    """Why no weighting at all swaps them (the second is not viable), else None."""
    changes: tuple[WeightChange, ...]


@dataclass(frozen=True)
class Acceptability:
    name: str
    source: str | None
    rank: int
    competes: bool
    """Whether the stack competes for first (viable, or no stack is viable)."""
    first: int
    """Weightings under which the stack ranks first."""
    share: float


@dataclass(frozen=True)
class LevelFlip:
    """One catalog level moved one step, under which another stack ranks first."""

    tool: str
    capability: str
    from_level: int
    to_level: int
    winner: str
    """The stack that ranks first with the level moved."""


@dataclass(frozen=True)
class LevelCheck:
    """Whether the winner holds when any one catalog level is one step off."""

    winner: str | None
    checked: int
    """How many one-step level changes were tried."""
    flips: tuple[LevelFlip, ...]
    """The changes that put another stack first, by tool, capability and new level."""

    @property
    def holds(self) -> bool:
        return not self.flips

    def as_json(self) -> dict[str, Any]:
        return {
            "method": LEVEL_METHOD,
            "winner": self.winner,
            "checked": self.checked,
            "holds": self.holds,
            "flips": [
                {
                    "tool": f.tool,
                    "capability": f.capability,
                    "from": f.from_level,
                    "to": f.to_level,
                    "winner": f.winner,
                }
                for f in self.flips
            ],
        }


@dataclass(frozen=True)
class Robustness:
    seed: int
    samples: int
    fragile_below: float
    weights: dict[str, float]
    swap: Swap | None
    acceptability: tuple[Acceptability, ...]
    """In the comparison's rank order."""
    levels: LevelCheck | None = None
    """One-step catalog level changes; None when not checked (it needs the stacks and catalog,
    not only the comparison)."""

    @property
    def winner(self) -> Acceptability | None:
        return self.acceptability[0] if self.acceptability else None

    @property
    def fragile(self) -> bool:
        w = self.winner
        return w is not None and w.share < self.fragile_below

    @property
    def most_often_first(self) -> Acceptability | None:
        """The stack that ranks first under most weightings (the earlier in rank order on ties)."""
        best = max(self.acceptability, key=lambda a: a.first, default=None)
        return best if best is not None and best.first > 0 else None

    def as_json(self) -> dict[str, Any]:
        """The ``robustness`` object of the JSON report; numbers rounded to 4 decimals."""
        swap = self.swap
        return {
            "method": "rank acceptability over weightings drawn uniformly from the simplex",
            "seed": self.seed,
            "samples": self.samples,
            "fragile_below": _r(self.fragile_below),
            "weights": {k: _r(v) for k, v in self.weights.items()},
            "winner": self.winner.name if self.winner else None,
            "fragile": self.fragile,
            "most_often_first": self.most_often_first.name if self.most_often_first else None,
            "acceptability": [
                {
                    "name": a.name,
                    "source": a.source,
                    "rank": a.rank,
                    "competes": a.competes,
                    "first": a.first,
                    "share": _r(a.share),
                }
                for a in self.acceptability
            ],
            "swap": None
            if swap is None
            else {
                "first": swap.first,
                "second": swap.second,
                "lead": _r(swap.lead),
                "blocked": swap.blocked,
                "changes": [
                    {
                        "weight": c.weight,
                        "current": _r(c.current),
                        "threshold": None if c.threshold is None else _r(c.threshold),
                        "change": None if c.change is None else _r(c.change),
                        "weights_at_threshold": None
                        if c.weights_at_threshold is None
                        else {k: _r(v) for k, v in c.weights_at_threshold.items()},
                    }
                    for c in swap.changes
                ],
            },
            "levels": None if self.levels is None else self.levels.as_json(),
        }


def _r(value: float) -> float:
    r = round(value, 4)
    return 0.0 if r == 0 else r


# ----------------------------------------------------------------------------- maths


def utilities(e: StackEvaluation) -> Vector:
    """The four terms the overall score weighs: higher is better on each."""
    return (e.fit.value, 100.0 - e.glue.value, 100.0 - e.lock_in.value, 100.0 - e.cost.value)


def moved_weights(weights: Vector, k: int, t: float) -> Vector:
    """Weight ``k`` set to ``t``; the others keep their proportions and share ``1 - t``."""
    rest = 1.0 - weights[k]
    out = []
    for j, w in enumerate(weights):
        if j == k:
            out.append(t)
        elif rest > 0:
            out.append(w * (1.0 - t) / rest)
        else:
            out.append((1.0 - t) / (len(weights) - 1))
    return tuple(out)


def tie_threshold(weights: Vector, d: Vector, k: int) -> float | None:
    """The value of weight ``k`` at which a lead ``d`` (per utility) vanishes, or None when
    no reachable value of that weight makes the lead negative."""
    rest = 1.0 - weights[k]
    others = [j for j in range(len(weights)) if j != k]
    if rest > 0:
        r = math.fsum(weights[j] * d[j] for j in others) / rest
    else:
        r = math.fsum(d[j] for j in others) / len(others)
    slope = d[k] - r
    if slope == 0:
        return None
    t = r / (r - d[k])
    # Increasing the weight helps the second stack when the slope is negative: the tie must lie
    # below 1 so some larger weight reverses the order; symmetrically above 0 when decreasing.
    # The first stack leads now, so the tie lies on that side of the current weight; clamping
    # only absorbs rounding when the two are (almost) tied already.
    if slope < 0 and t < 1:
        return max(t, weights[k])
    if slope > 0 and t > 0:
        return min(t, weights[k])
    return None


def weight_changes(comparison: Comparison) -> Swap | None:
    """For the first two stacks of ``comparison``: the change of each weight that swaps them."""
    if len(comparison.stacks) < 2:
        return None
    a = comparison.stacks[0].evaluation
    b = comparison.stacks[1].evaluation
    weights = _weights(comparison)
    ua, ub = utilities(a), utilities(b)
    d = tuple(x - y for x, y in zip(ua, ub, strict=True))
    lead = a.overall.value - b.overall.value
    if a.viable and not b.viable:
        blocked = f"{b.name} is not viable, so no weighting ranks it above {a.name}"
        changes = tuple(
            WeightChange(WEIGHTS[k], weights[k], None, None) for k in range(len(WEIGHTS))
        )
        return Swap(a.name, b.name, lead, blocked, changes)
    out = []
    for k in range(len(WEIGHTS)):
        t = tie_threshold(weights, d, k)
        at = None if t is None else dict(zip(WEIGHTS, moved_weights(weights, k, t), strict=True))
        out.append(WeightChange(WEIGHTS[k], weights[k], t, at))
    return Swap(a.name, b.name, lead, None, tuple(out))


def draw_weightings(samples: int, seed: int) -> list[Vector]:
    """``samples`` weightings uniform on the simplex, the same on every machine for a seed."""
    rnd = random.Random(seed).random
    out: list[Vector] = []
    for _ in range(samples):
        a, b, c = sorted((rnd(), rnd(), rnd()))
        out.append((a, b - a, c - b, 1.0 - c))
    return out


def first_counts(vectors: list[Vector], weightings: list[Vector]) -> list[int]:
    """How often each vector has the highest weighted sum; ties go to the earlier vector."""
    counts = [0] * len(vectors)
    if not vectors:
        return counts
    indexed = list(enumerate(vectors))
    for w0, w1, w2, w3 in weightings:
        best_i = 0
        best = -math.inf
        for i, (f, g, lk, c) in indexed:
            s = w0 * f + w1 * g + w2 * lk + w3 * c
            if s > best:
                best = s
                best_i = i
        counts[best_i] += 1
    return counts


def rank_acceptability(
    comparison: Comparison, *, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
) -> tuple[Acceptability, ...]:
    """The share of ``samples`` uniform weightings under which each stack ranks first."""
    if samples < 1:
        raise ValueError("samples must be at least 1")
    ranked = list(comparison.stacks)
    any_viable = any(r.evaluation.viable for r in ranked)
    competing = [r for r in ranked if r.evaluation.viable or not any_viable]
    # Ties go where rank() sends them: by name, then source.
    competing.sort(key=lambda r: (r.evaluation.name, r.evaluation.source or ""))
    counts = first_counts(
        [utilities(r.evaluation) for r in competing], draw_weightings(samples, seed)
    )
    wins = {id(r): n for r, n in zip(competing, counts, strict=True)}
    return tuple(
        Acceptability(
            name=r.evaluation.name,
            source=r.evaluation.source,
            rank=r.rank,
            competes=id(r) in wins,
            first=wins.get(id(r), 0),
            share=wins.get(id(r), 0) / samples,
        )
        for r in ranked
    )


def analyse(
    comparison: Comparison,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    fragile_below: float = DEFAULT_FRAGILE_BELOW,
    levels: LevelCheck | None = None,
) -> Robustness:
    """The weight answers for a comparison, with ``levels`` (from ``level_changes`` on the
    inputs of the same comparison) when the caller checked them."""
    return Robustness(
        seed=seed,
        samples=samples,
        fragile_below=fragile_below,
        weights=dict(zip(WEIGHTS, _weights(comparison), strict=True)),
        swap=weight_changes(comparison),
        acceptability=rank_acceptability(comparison, samples=samples, seed=seed),
        levels=levels,
    )


# ----------------------------------------------------------------------------- catalog levels


def one_step_changes(tools: Iterable[Tool]) -> list[tuple[str, str, int, int]]:
    """``(tool, capability, from, to)`` for every declared level moved one step within 1..3,
    sorted by tool, capability and new level."""
    out = []
    for tool in tools:
        for capability, level in tool.capabilities.items():
            out += [
                (tool.id, capability, level, to) for to in (level - 1, level + 1) if 1 <= to <= 3
            ]
    return sorted(out)


def with_level(catalog: Catalog, tool_id: str, capability: str, level: int) -> Catalog:
    """A copy of ``catalog`` in which one tool serves one capability at another level."""
    tool = catalog.tools[tool_id]
    moved = tool.model_copy(update={"capabilities": {**tool.capabilities, capability: level}})
    return dataclasses.replace(catalog, tools={**catalog.tools, tool_id: moved})


def level_changes(
    stacks: Sequence[tuple[Stack, str | None]],
    requirements: Requirements,
    catalog: Catalog,
    *,
    today: dt.date,
) -> LevelCheck:
    """Re-rank ``stacks`` (with their sources, as ``scoring.compare`` takes them) with each
    catalog level of each tool they use one step off; report the changes that move the winner."""
    context = build_context(requirements, catalog)
    units = unit_contexts(requirements, catalog)

    def evaluate(stack: Stack, cat: Catalog, src: str | None) -> StackEvaluation:
        # Viable for every business unit, as compare ranks; the units' scores are not needed.
        return evaluate_with_units(
            stack, context, units, cat, today=today, source=src, detail=False
        )

    base = [evaluate(s, catalog, src) for s, src in stacks]
    if not base:
        return LevelCheck(winner=None, checked=0, flips=())
    winner = rank(base)[0].evaluation.name
    owned = {e.tool for e in requirements.existing}
    used = sorted({t for s, _ in stacks for t in s.tools})
    changes = one_step_changes(catalog.tools[t] for t in used)
    flips = []
    for tool_id, capability, before, after in changes:
        changed = with_level(catalog, tool_id, capability, after)
        reach_all = tool_id in owned
        evaluations = [
            evaluate(s, changed, src) if reach_all or tool_id in s.tools else e
            for (s, src), e in zip(stacks, base, strict=True)
        ]
        first = rank(evaluations)[0].evaluation.name
        if first != winner:
            flips.append(LevelFlip(tool_id, capability, before, after, first))
    return LevelCheck(winner=winner, checked=len(changes), flips=tuple(flips))


def _weights(comparison: Comparison) -> Vector:
    w = comparison.weights
    return tuple(w[k] for k in WEIGHTS)
