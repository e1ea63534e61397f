"""The depth-first branch and bound behind ``stackfit recommend``.

Needs are decided one at a time in ``Space.needs`` order. The owner of a need is the best tool
already in the stack (by the model's owner rule), a new tool that outranks it, or none. A new
tool may never outrank the owner already decided for another need (nor serve a need decided
as uncovered), so every stack is reached once, on the path its own owner rule gives.

The bound at a node is the scoring model's overall score with what is not decided yet taken at
its best: fit of decided needs exactly, and of each undecided need the best option less the
least lock-in and cost that option can bring; glue of decided handoffs with the cheapest
connection any store of the space could give them; lock-in of decided needs at the lowest
vendor concentration; cost of the tools in the stack, with the cost still to come charged at
the smallest slope the cost curve can have (it is concave). Each term can only fall as the
stack is completed, so pruning a node whose bound is below the K-th best found never loses a
result; ``tests/recommend/test_exact.py`` checks this against exhaustive enumeration.
Leaves are scored by ``evaluate_stack`` itself.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from evaluator.models import DATA_AT_REST_ROLES, Control, DataRole
from evaluator.recommend.space import NeedInfo, Space
from evaluator.scoring import params
from evaluator.scoring.cost import budget
from evaluator.scoring.evaluate import evaluate_stack
from evaluator.scoring.gates import meets
from evaluator.scoring.glue import glue_score
from evaluator.scoring.results import Connection, StackEvaluation
from evaluator.scoring.stackview import StackView, carried, connect

EPS = 1e-7
PROGRESS_EVERY = 64


@dataclass
class Stats:
    nodes: int = 0
    leaves: int = 0
    seconds: float = 0.0
    proven: bool = True
    """False when a node or time limit stopped the search before it proved the answer."""
    bound: float | None = None
    """The best score any stack of the space can have (the root bound; when not proven, the
    largest bound among the nodes left unexplored)."""
    first_found: float | None = None
    """Seconds until the first viable stack was found."""


@dataclass(frozen=True)
class Found:
    tools: tuple[str, ...]
    evaluation: StackEvaluation


@dataclass
class SearchResult:
    found: list[Found]
    """Best first (overall, then tool ids)."""
    scored: list[Found]
    """Every viable stack scored (for the Pareto front)."""
    stats: Stats
    infeasible: str | None = None


class _Stopped(Exception):
    pass


@dataclass
class _State:
    tools: set[str] = field(default_factory=set)
    owners: dict[str, str | None] = field(default_factory=dict)


class Search:
    """One search: the space, the options, and the state the depth-first search carries."""

    def __init__(
        self,
        space: Space,
        *,
        top: int = 5,
        node_limit: int | None = None,
        time_limit: float | None = None,
        progress: Callable[[Stats, float | None], None] | None = None,
    ) -> None:
        self.s = space
        self.top = max(1, top)
        self.node_limit = node_limit
        self.deadline = None if time_limit is None else time.perf_counter() + time_limit
        self.progress = progress
        self.stats = Stats()
        self.found: list[Found] = []
        self.scored: list[Found] = []
        self.seen: set[tuple[str, ...]] = set()
        self.start = 0.0
        req = space.context.requirements
        self.weights = req.weights.normalised()
        self.budget = budget(space.context)
        self.rate = req.rates.person_day_usd
        self.total = space.context.total_weight
        self.catalog = space.catalog
        self.stack_for_links = space.base
        self.link_memo: dict[frozenset[str], tuple[Connection, tuple[str, ...]]] = {}
        self.carry_memo: dict[frozenset[str], frozenset[str]] = {}
        self.store_links: dict[str, dict[str, float]] = {}
        self.stores = sorted(
            t
            for t in {c for n in space.needs for c in n.candidates} | set(space.forced)
            if self.catalog.tools[t].data_role in DATA_AT_REST_ROLES
            and self.catalog.tools[t].data_role is not DataRole.UNKNOWN
        )
        self.concern_count = sum(1 for n in space.needs if n.concern)
        self.unexplored: float | None = None

    # ------------------------------------------------------------------ the model's pieces

    def _link(self, a: str, b: str) -> tuple[Connection, tuple[str, ...]]:
        k = frozenset((a, b))
        got = self.link_memo.get(k)
        if got is None:
            from evaluator.models import Stack

            stack = self.stack_for_links or Stack.model_validate(
                {"kind": "stack", "version": 1, "name": "-", "tools": [a]}
            )
            got = connect(self.catalog.tools[a], self.catalog.tools[b], self.catalog, stack)
            self.link_memo[k] = got
        return got

    def _carry(self, a: str, b: str) -> frozenset[str]:
        k = frozenset((a, b))
        got = self.carry_memo.get(k)
        if got is None:
            from evaluator.models import Stack

            stack = self.stack_for_links or Stack.model_validate(
                {"kind": "stack", "version": 1, "name": "-", "tools": [a]}
            )
            got = carried(self.catalog.tools[a], self.catalog.tools[b], stack)
            self.carry_memo[k] = got
        return got

    def _view(self, st: _State) -> StackView:
        from evaluator.models import Stack

        ids = sorted(st.tools)
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        stack = Stack.model_validate(
            {"kind": "stack", "version": 1, "name": "-", "tools": ids or ["-"]}
        ) if ids else None
        return StackView(
            stack=stack if stack is not None else self.stack_for_links,  # type: ignore[arg-type]
            tools={t: self.catalog.tools[t] for t in ids},
            owners={n.capability: st.owners.get(n.capability) for n in self.s.needs},
            links={frozenset(p): self._link(*p) for p in pairs},
            carry={frozenset(p): self._carry(*p) for p in pairs},
        )

    def _to_store(self, a: str) -> dict[str, float]:
        got = self.store_links.get(a)
        if got is None:
            got = {}
            for e in self.stores:
                if e == a:
                    continue
                kind = self._link(a, e)[0]
                if kind != "custom":
                    got[e] = params.CONNECTION_POINTS[kind]
            self.store_links[a] = got
        return got

    def _cheapest(self, a: str, b: str, kind: Connection) -> float:
        """The least connection points a handoff a -> b can have in any stack of the space: its
        own connection or a route through a store both work on."""
        best = params.CONNECTION_POINTS[kind]
        if best <= params.CONNECTION_POINTS["native"]:
            return best
        ta, tb = self._to_store(a), self._to_store(b)
        for e, pa in ta.items():
            pb = tb.get(e)
            if pb is not None and e not in (a, b):
                best = min(best, max(pa, pb))
        return best

    # ------------------------------------------------------------------ bound

    def _bound(self, st: _State, k: int) -> float:
        s = self.s
        wf, wg, wl, wc = self.weights
        needs = s.needs
        decided, undecided = needs[:k], needs[k:]
        # fit and lock-in of decided needs
        fit = 0.0
        lock = 0.0
        for n in decided:
            o = st.owners[n.capability]
            if o is not None:
                fit += n.coverage * s.level[(n.capability, o)] / 3
                lock += n.weight * s.closed[o]
        lock_floor = 100.0 * lock / self.total * 0.5
        # glue of decided parts, with the cheapest connection each handoff could still get
        view = self._view(st)
        glue, days, hand = glue_score(view, s.context)
        worst = glue.value
        norm = 100.0 / max(1e-12, (glue.value / days * params.DAYS_PER_POINT)) if days else 0.0
        for h in hand:
            if h.connection in ("same", "native"):
                continue
            cheapest = self._cheapest(h.source_tool, h.target_tool, h.connection)
            drop = params.CONNECTION_POINTS[h.connection] - cheapest
            if drop > 0 and norm:
                worst -= drop * norm
        glue_floor = max(0.0, worst)
        glue_days = glue_floor / norm * params.DAYS_PER_POINT if norm else 0.0
        # who could still join, and the reuse they could still earn
        open_needs: dict[str, int] = {}
        for n in undecided:
            for t in n.candidates:
                open_needs[t] = open_needs.get(t, 0) + 1
        reuse = 0.0
        annual = sum(s.annual[t] for t in st.tools) + glue_days * self.rate
        working = {o for o in st.owners.values() if o is not None}
        for tool, points in s.reuse.items():
            if tool in working or open_needs.get(tool, 0) > 0:
                reuse += points
            elif tool not in st.tools:
                annual += s.dropped.get(tool, 0.0)
        # the cost curve 100 A / (A + B) is concave: the rest costs at least its slope at the end
        b = self.budget
        most = sum(max((s.annual[t] for t in n.candidates), default=0.0) for n in undecided)
        slope = 100.0 * b / (annual + most + b) ** 2
        cost_floor = 100.0 * annual / (annual + b)
        value = (
            wf * (fit + reuse)
            + wg * (100.0 - glue_floor)
            + wl * (100.0 - lock_floor)
            + wc * (100.0 - cost_floor)
        )
        for n in undecided:
            best = self._need_options(st, n, open_needs, wf, wl, wc, slope)
            if best is None:
                return -math.inf
            value += best[0][0] if best else 0.0
        return value

    def _need_options(
        self,
        st: _State,
        n: NeedInfo,
        open_needs: dict[str, int],
        wf: float,
        wl: float,
        wc: float,
        slope: float,
    ) -> list[tuple[float, str | None]] | None:
        """The options of an undecided need, each with its optimistic value, best first; None
        when a must-have can no longer be met."""
        s = self.s
        cap = n.capability
        inside = [t for t in n.candidates if t in st.tools]
        limit = s.key[(cap, inside[0])] if inside else None
        out: list[tuple[float, str | None]] = []
        if not inside and not n.must:
            out.append((0.0, None))
        lock_unit = 100.0 * n.weight / self.total * 0.5
        for t in n.candidates:
            if limit is not None and s.key[(cap, t)] > limit:
                break
            lv = s.level[(cap, t)]
            if n.must and lv < n.min_level:
                continue
            share = 0.0 if t in st.tools else s.annual[t] / max(1, open_needs.get(t, 1))
            v = wf * n.coverage * lv / 3 - wl * lock_unit * s.closed[t] - wc * slope * share
            out.append((v, t))
        if not out:
            return None
        out.sort(key=lambda x: (-x[0], x[1] or ""))
        return out

    # ------------------------------------------------------------------ search

    def threshold(self) -> float:
        if len(self.found) < self.top:
            return -math.inf
        return self.found[self.top - 1].evaluation.overall.value - EPS

    def run(self) -> SearchResult:
        self.start = time.perf_counter()
        if self.s.infeasible is not None:
            self.stats.seconds = time.perf_counter() - self.start
            return SearchResult([], [], self.stats, self.s.infeasible)
        st = _State(tools=set(self.s.forced))
        root = self._bound(st, 0)
        self.stats.bound = root
        try:
            self._dfs(st, 0)
        except _Stopped:
            self.stats.proven = False
            best_open = self.unexplored if self.unexplored is not None else root
            self.stats.bound = best_open
        self.stats.seconds = time.perf_counter() - self.start
        return SearchResult(self.found, self.scored, self.stats, None)

    def _tick(self) -> None:
        self.stats.nodes += 1
        if self.node_limit is not None and self.stats.nodes > self.node_limit:
            raise _Stopped
        if self.stats.nodes % PROGRESS_EVERY == 0:
            now = time.perf_counter()
            if self.deadline is not None and now >= self.deadline:
                raise _Stopped
            if self.progress is not None:
                best = self.found[0].evaluation.overall.value if self.found else None
                self.progress(self.stats, best)

    def _dfs(self, st: _State, k: int) -> None:
        self._tick()
        if k == self.concern_count and not self._holders_can_pass(st):
            return
        if k == len(self.s.needs):
            self._leaf(st)
            return
        n = self.s.needs[k]
        wf, _, wl, wc = self.weights
        bound = self._bound(st, k)
        if bound < self.threshold():
            return
        options = self._branch_options(st, n)
        for _, t in options:
            if t is not None and t not in st.tools and len(st.tools) >= self.s.max_tools:
                continue
            added = t is not None and t not in st.tools
            if added and not self._may_join(st, t, k):
                continue
            st.owners[n.capability] = t
            if added:
                st.tools.add(t)  # type: ignore[arg-type]
            try:
                child = self._bound(st, k + 1)
                if child >= self.threshold():
                    self._remember_open(child)
                    self._dfs(st, k + 1)
            finally:
                if added:
                    st.tools.discard(t)  # type: ignore[arg-type]
                del st.owners[n.capability]

    def _remember_open(self, bound: float) -> None:
        if self.unexplored is None or bound > self.unexplored:
            self.unexplored = bound

    def _branch_options(self, st: _State, n: NeedInfo) -> list[tuple[float, str | None]]:
        """The owner choices at a node: the best tool in the stack (if any), new tools that
        outrank it, or none; ordered by optimistic value, so good stacks come early."""
        cap = n.capability
        inside = [t for t in n.candidates if t in st.tools]
        out: list[tuple[float, str | None]] = []
        if inside:
            out.append((math.inf, inside[0]))
            limit = self.s.key[(cap, inside[0])]
            newer = [t for t in n.candidates if t not in st.tools and self.s.key[(cap, t)] < limit]
        else:
            newer = [t for t in n.candidates if t not in st.tools]
            if not n.must:
                out.append((-math.inf, None))
        wf, _, wl, wc = self.weights
        for t in newer:
            lv = self.s.level[(cap, t)]
            if n.must and lv < n.min_level:
                continue
            v = wf * n.coverage * lv / 3 - wc * self.s.annual[t] / (self.budget + 1.0) * 100
            out.append((v, t))
        out.sort(key=lambda x: (-x[0], x[1] or ""))
        return out

    def _may_join(self, st: _State, t: str, k: int) -> bool:
        """A new tool may not take over a need already decided (nor cover one decided as
        uncovered): decisions stay final and each stack is reached once."""
        s = self.s
        for n in s.needs[:k]:
            key = s.key.get((n.capability, t))
            if key is None:
                continue
            owner = st.owners[n.capability]
            if owner is None or key < s.key[(n.capability, owner)]:
                return False
        return True

    def _holders_can_pass(self, st: _State) -> bool:
        """Once the concerns are decided, the governance tools are final: a data-holding tool
        already in the stack that fails a storage control can never pass it."""
        req = self.s.context.requirements
        controls = set(params.SENSITIVITY_CONTROLS[req.sensitivity])
        for reg in req.regulations:
            controls.update(self.catalog.regulations[reg].requires)
        controls -= params.STACK_WIDE_CONTROLS
        if not controls:
            return True
        view = self._view(st)
        for t in st.tools:
            if self.catalog.tools[t].data_role not in DATA_AT_REST_ROLES:
                continue
            if not all(meets(view, t, c) for c in sorted(controls, key=Control)):
                return False
        return True

    def _leaf(self, st: _State) -> None:
        from evaluator.recommend.explain import stack_of

        tools = tuple(sorted(st.tools))
        if not tools or tools in self.seen:
            return
        self.seen.add(tools)
        self.stats.leaves += 1
        stack = stack_of(tools, "-", base=self.s.base)
        e = evaluate_stack(stack, self.s.context, self.catalog, today=self.s.today)
        if not e.viable:
            return
        found = Found(tools, e)
        self.scored.append(found)
        if self.stats.first_found is None:
            self.stats.first_found = time.perf_counter() - self.start
        self.found.append(found)
        self.found.sort(key=lambda f: (-round(f.evaluation.overall.value, 9), f.tools))
        del self.found[self.top :]
