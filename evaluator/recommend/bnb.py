"""The depth-first branch and bound behind ``stackfit recommend``.

Needs are decided one at a time in ``Space.needs`` order (stages along the handoff graph, then
the cross-cutting concerns). The owner of a need is the best tool already in the stack (by the
model's owner rule), a new tool that outranks it, or none. A new tool may never outrank the
owner already decided for another need (nor serve a need decided as uncovered), so every stack
is reached once, on the path its own owner rule gives.

The bound at each node is ``Relaxation``'s (bound.py): a relaxation of the scoring model,
so pruning a node whose bound is below the K-th best found never loses a result;
``tests/recommend/test_exact.py`` checks this against exhaustive enumeration on random
catalogs. Before the tree search a few seed stacks are scored, and a search stopped early
hill-climbs from what it found (the anytime part, at the end of ``Search``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from evaluator.models import DATA_AT_REST_ROLES, Control
from evaluator.recommend.bound import Relaxation, _State
from evaluator.recommend.space import NeedInfo, Space
from evaluator.scoring.evaluate import dominates
from evaluator.scoring.gates import applies, meets
from evaluator.scoring.results import StackEvaluation
from evaluator.scoring.stackview import StackView, data_platform
from evaluator.scoring.units import evaluate_with_units

EPS = 1e-7
CHECK_EVERY = 64
"""Nodes between looks at the clock (and progress reports)."""
IMPROVE_SHARE = 0.3
"""Share of --time-limit kept for improving the stacks found when the tree search stops."""
IMPROVE_EVALUATIONS = 400
"""Stacks the improvement scores at most (a fixed count: a node limit stays reproducible)."""
NEIGHBOUR_CANDIDATES = 4
"""Per need, how many of its best-ranked candidates a neighbour may bring in."""
SEED_PLATFORMS = 8
"""How many single tools meeting every must-have are scored before the tree search."""

_CONTROL_HUB = {Control.AUDIT: "audit", Control.LINEAGE: "lineage"}


@dataclass
class Stats:
    nodes: int = 0
    leaves: int = 0
    seconds: float = 0.0
    proven: bool = True
    """False when a node or time limit stopped the search before it proved the answer."""
    bound: float | None = None
    """No stack of the space scores above this: the root bound when proven, else the best
    bound among the parts of the space left unexplored."""
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
    """The viable stacks the search scored that no other one it scored beats on all four
    scores (the Pareto front over what it scored)."""
    stats: Stats
    infeasible: str | None = None


class _Stopped(Exception):
    pass


class Search(Relaxation):
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
        super().__init__(space)
        self.top = max(1, top)
        self.node_limit = node_limit
        self.time_limit = time_limit
        self.deadline: float | None = None
        self.progress = progress
        self.stats = Stats()
        self.found: list[Found] = []
        self.scored: list[Found] = []
        self.seen: set[tuple[str, ...]] = set()
        self.start = 0.0
        self.unexplored: float | None = None
        self.holder_controls = list(space.holder_controls)
        self.meets_memo: dict[tuple[str, Control, str | None, str | None], bool] = {}
        if space.infeasible is None:
            self._drop_failing_holders()
            kept = {c for n in self.s.needs for c in n.candidates} | set(space.forced)
            self.stores = sorted(t for t in kept if data_platform(self.catalog.tools[t]))

    # ------------------------------------------------------------------ search

    def _preferred(self) -> dict[str, str | None]:
        return dict(self.found[0].evaluation.owners) if self.found else {}

    def threshold(self) -> float:
        if len(self.found) < self.top:
            return -math.inf
        return self.found[self.top - 1].evaluation.overall.value - EPS

    def run(self) -> SearchResult:
        self.start = time.perf_counter()
        if self.time_limit is not None:
            self.deadline = self.start + self.time_limit
        if self.s.infeasible is not None:
            self.stats.seconds = time.perf_counter() - self.start
            return SearchResult([], [], self.stats, self.s.infeasible)
        st = _State(tools=set(self.s.forced))
        # The seeds first: a viable stack to show at once, whatever the root bound costs.
        for seed in self._seeds():
            self._score(seed)
        root = self._bound(st, 0)
        self.stats.bound = root
        if self.time_limit is not None:
            # Keep a share of the time for improving what the tree search found.
            self.deadline = self.start + self.time_limit * (1 - IMPROVE_SHARE)
        try:
            self._dfs(st, 0)
        except _Stopped:
            self.stats.proven = False
            self.stats.bound = self.unexplored if self.unexplored is not None else root
            self._improve()
        self.stats.seconds = time.perf_counter() - self.start
        return SearchResult(self.found, self.scored, self.stats, None)

    # ------------------------------------------------------------------ anytime improvement

    def _seeds(self) -> list[tuple[str, ...]]:
        """Stacks scored before the tree search, so it starts with an incumbent a practitioner
        would put on the shortlist: each platform that alone meets every must-have (with the
        tools that must stay), best coverage first, a greedy stack that keeps using a tool
        already chosen wherever it serves a need, and a greedy set cover within --max-tools."""
        s = self.s
        forced = set(s.forced)
        weight: dict[str, float] = {}
        for n in s.needs:
            for t in n.candidates:
                weight[t] = weight.get(t, 0.0) + n.weight * s.level[(n.capability, t)]
        musts = [n for n in s.needs if n.must]
        alone = [
            t
            for t in sorted(weight, key=lambda t: (-weight[t], t))
            if all(s.level.get((n.capability, t), 0) >= n.min_level for n in musts)
        ][:SEED_PLATFORMS]
        seeds = [tuple(sorted(forced | {t})) for t in alone]
        greedy = set(forced)
        for n in s.needs:
            if any(t in greedy for t in n.candidates):
                continue
            usable = [
                t
                for t in n.candidates
                if s.level[(n.capability, t)] >= (n.min_level if n.must else 1)
            ]
            if usable and len(greedy) < s.max_tools:
                greedy.add(max(usable, key=lambda t: (weight[t] - self._seed_price(t), t)))
        seeds.append(tuple(sorted(greedy)))
        seeds.append(self._covering_seed(weight))
        return seeds

    def _seed_price(self, t: str) -> float:
        """What a seed heuristic charges for a tool's yearly cost, in weighted-level units."""
        return self.s.annual[t] / self.budget * 10

    def _covering_seed(self, weight: dict[str, float]) -> tuple[str, ...]:
        """A greedy set cover within --max-tools: first the tool meeting the most unmet
        must-haves, then the one adding the most weighted level over the needs it would own,
        so a tight tool limit still gets an incumbent built from broad tools."""
        s = self.s
        chosen = set(s.forced)
        best: dict[str, float] = {}  # need -> the level the chosen tools give it
        for n in s.needs:
            best[n.capability] = max(
                (s.level[(n.capability, t)] for t in n.candidates if t in chosen), default=0
            )
        while len(chosen) < s.max_tools:

            def gain(t: str) -> tuple[int, float, str]:
                musts = sum(
                    1
                    for n in s.needs
                    if n.must
                    and best[n.capability] < n.min_level
                    and s.level.get((n.capability, t), 0) >= n.min_level
                )
                more = sum(
                    n.weight * (s.level.get((n.capability, t), 0) - best[n.capability])
                    for n in s.needs
                    if s.level.get((n.capability, t), 0) > best[n.capability]
                )
                return musts, more - self._seed_price(t), t

            options = [t for t in weight if t not in chosen]
            if not options:
                break
            musts, more, pick = max(map(gain, options))
            if musts == 0 and more <= 0:
                break
            chosen.add(pick)
            for n in s.needs:
                best[n.capability] = max(best[n.capability], s.level.get((n.capability, pick), 0))
        return tuple(sorted(chosen))

    def _improve(self) -> None:
        """When the tree search stops unproven: hill-climb from the stacks it found, one tool
        dropped, added or swapped for another candidate of a need at a time, every neighbour
        scored by evaluate_stack and kept only inside the search space (viable, each added tool
        owning a need, within --max-tools). At most IMPROVE_EVALUATIONS stacks are scored (so a
        node limit still gives the same answer on every machine), and never past the time
        limit."""
        end = None if self.time_limit is None else self.start + self.time_limit
        budget = IMPROVE_EVALUATIONS
        improved = True
        while improved and budget > 0 and self.found:
            improved = False
            for current in list(self.found):
                for tools in self._neighbours(current.tools):
                    if budget <= 0 or (end is not None and time.perf_counter() >= end):
                        return
                    if tools in self.seen:
                        continue
                    budget -= 1
                    before = self.threshold()
                    self._score(tools)
                    if self.threshold() > before or (self.found and self.found[0].tools == tools):
                        improved = True
                        break
                if improved:
                    break

    def _neighbours(self, tools: tuple[str, ...]) -> list[tuple[str, ...]]:
        s = self.s
        forced = set(s.forced)
        here = set(tools)
        out: set[tuple[str, ...]] = set()
        for t in tools:
            if t not in forced:
                out.add(tuple(sorted(here - {t})))
        for n in s.needs:
            owner = next((t for t in n.candidates if t in here), None)
            for u in n.candidates[:NEIGHBOUR_CANDIDATES]:
                if u in here:
                    continue
                if len(here) < s.max_tools:
                    out.add(tuple(sorted(here | {u})))
                if owner is not None and owner not in forced:
                    out.add(tuple(sorted((here - {owner}) | {u})))
        out.discard(())
        return sorted(out)

    def _tick(self, bound: float) -> None:
        self.stats.nodes += 1
        if self.node_limit is not None and self.stats.nodes > self.node_limit:
            self._stop(bound)
        if self.stats.nodes % CHECK_EVERY == 0:
            if self.deadline is not None and time.perf_counter() >= self.deadline:
                end = None if self.time_limit is None else self.start + self.time_limit
                if not self.found and end is not None and self.deadline < end:
                    self.deadline = end  # nothing to improve yet: the tree search goes on
                else:
                    self._stop(bound)
            if self.progress is not None:
                best = self.found[0].evaluation.overall.value if self.found else None
                self.progress(self.stats, best)

    def _stop(self, bound: float) -> None:
        """Unwind, remembering the best bound among what is left unexplored (every open node
        on the path has a bound at most that of the node being stopped, or was already)."""
        self.unexplored = max(self.unexplored or -math.inf, bound)
        raise _Stopped

    def _dfs(self, st: _State, k: int) -> None:
        if not self._holders_can_pass(st, k):
            return
        if k == len(self.s.needs):
            self._leaf(st)
            return
        n = self.s.needs[k]
        value, options = self._bound_and_options(st, k)
        if not options or value < self.threshold():
            return
        children = []
        for t in self._branch_options(st, n):
            if t not in options:
                continue
            if (
                t is not None
                and t not in st.tools
                and (len(st.tools) >= self.s.max_tools or not self._may_join(st, t, k))
            ):
                continue
            children.append((options[t], t, t is not None and t not in st.tools))
        children.sort(key=lambda c: (-c[0], c[1] or ""))
        for i, (bound, t, added) in enumerate(children):
            if bound < self.threshold():
                break
            self._tick(bound)  # a stop here records this child's bound, the largest left
            self._set(st, n.capability, t, added)
            try:
                self._dfs(st, k + 1)
            except _Stopped:
                left = [c[0] for c in children[i + 1 :]]
                if left:
                    self.unexplored = max(self.unexplored or -math.inf, *left)
                raise
            finally:
                self._unset(st, n.capability, t, added)

    @staticmethod
    def _set(st: _State, cap: str, t: str | None, added: bool) -> None:
        st.owners[cap] = t
        if added:
            st.tools.add(t)  # type: ignore[arg-type]

    @staticmethod
    def _unset(st: _State, cap: str, t: str | None, added: bool) -> None:
        del st.owners[cap]
        if added:
            st.tools.discard(t)

    def _branch_options(self, st: _State, n: NeedInfo) -> list[str | None]:
        """The owner choices at a node: the best tool in the stack (if any), new tools that
        outrank it, or none (not for a must-have, nor when a tool in the stack serves it)."""
        cap = n.capability
        inside = [t for t in n.candidates if t in st.tools]
        out: list[str | None] = []
        if inside:
            out.append(inside[0])
            limit = self.s.key[(cap, inside[0])]
            newer = [t for t in n.candidates if t not in st.tools and self.s.key[(cap, t)] < limit]
        else:
            newer = [t for t in n.candidates if t not in st.tools]
            if not n.must:
                out.append(None)
        out.extend(t for t in newer if not n.must or self.s.level[(cap, t)] >= n.min_level)
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

    def _holders_can_pass(self, st: _State, k: int) -> bool:
        """A data-holding tool in the stack that fails a storage control no governance tool of
        the space could carry to it can never pass it; once the governance tools are decided
        (the last needs), the model's own check decides."""
        if not self.holder_controls:
            return True
        final = k == len(self.s.needs)
        view = self._view(st.tools, {c: st.owners.get(c) for c in self.need}) if final else None
        return all(self._holder_fails(t, st.owners, view) is None for t in st.tools)

    def _holder_fails(
        self, t: str, owners: dict[str, str | None], view: StackView | None = None
    ) -> Control | None:
        """A storage control tool t (if it holds data) can never meet in a stack whose
        governance tools are those decided in ``owners`` and, for the others, any of the
        space's candidates; with the complete stack's ``view``, the model's own check."""
        tool = self.catalog.tools[t]
        if tool.data_role not in DATA_AT_REST_ROLES:
            return None
        for demanded in self.holder_controls:
            control = applies(tool, demanded)
            if control is None:
                continue
            if view is not None:
                if not meets(view, t, control):
                    return control
                continue
            if control is Control.SSO:
                if tool.governance.sso is False:
                    return control
                continue
            single = _CONTROL_HUB.get(control, "access-control")
            if self._meets_with(t, control, None, None):
                continue
            if single not in self.need:
                return control
            if single in owners:
                hub = owners[single]
                if hub is None or not self._meets_with(t, control, single, hub):
                    return control
            elif not any(
                self._meets_with(t, control, single, h) for h in self.hub_candidates.get(single, ())
            ):
                return control
        return None

    def _drop_failing_holders(self) -> None:
        """Leave out of the search every candidate that holds data and fails a storage control
        whatever else joins (no stack holding it is viable), until none is left to drop; a
        must-have with no candidate left at its level proves that no viable stack exists."""
        forced = set(self.s.forced)
        failing: dict[str, Control] = {}
        while self.holder_controls:
            more = {
                t: c
                for n in self.s.needs
                for t in n.candidates
                if t not in forced
                and t not in failing
                and (c := self._holder_fails(t, {})) is not None
            }
            if not more:
                break
            failing.update(more)
            needs = [
                dataclasses.replace(n, candidates=tuple(t for t in n.candidates if t not in more))
                for n in self.s.needs
            ]
            self.s = dataclasses.replace(self.s, needs=needs)
            self.need = {n.capability: n for n in needs}
            self._hubs()
        for n in self.s.needs:
            if n.must and not any(
                self.s.level[(n.capability, t)] >= n.min_level for t in n.candidates
            ):
                ruled = sorted(
                    t
                    for (cap, t), lv in self.s.level.items()
                    if cap == n.capability and lv >= n.min_level and t in failing
                )
                if ruled:
                    named = ", ".join(f"{t} ({failing[t].value})" for t in ruled)
                    self.s.infeasible = (
                        f"every tool that serves must-have {n.capability} at level "
                        f"{n.min_level} holds data and fails a control the data's sensitivity "
                        f"or regulations demand, which no governance tool the search could add "
                        f"carries to it: {named}"
                    )
                    return

    def _meets_with(self, t: str, control: Control, cap: str | None, hub: str | None) -> bool:
        """The model's check of one control on one tool, with at most one governance tool."""
        key = (t, control, cap, hub)
        got = self.meets_memo.get(key)
        if got is None:
            tools = {t} if hub is None else {t, hub}
            owners = {} if cap is None else {cap: hub}
            got = meets(self._view(tools, owners), t, control)
            self.meets_memo[key] = got
        return got

    def _leaf(self, st: _State) -> None:
        self._score(tuple(sorted(st.tools)))

    def _score(self, tools: tuple[str, ...]) -> None:
        """Score a stack with the model and keep it if it is viable, inside the search space
        (every tool that need not stay owns a need) and among the best K."""
        from evaluator.recommend.explain import stack_of

        if not tools or tools in self.seen or len(tools) > self.s.max_tools:
            return
        if not set(self.s.forced) <= set(tools) or not set(tools) <= self.universe:
            return
        self.seen.add(tools)
        self.stats.leaves += 1
        stack = stack_of(tools, "-", base=self.s.base)
        e = evaluate_with_units(
            stack, self.ctx, self.s.units, self.catalog, today=self.s.today, detail=False
        )
        if not e.viable or set(e.idle) - set(self.s.forced):
            return
        found = Found(tools, e)
        if not any(dominates(o.evaluation, e) for o in self.scored):
            self.scored = [o for o in self.scored if not dominates(e, o.evaluation)]
            self.scored.append(found)
        if self.stats.first_found is None:
            self.stats.first_found = time.perf_counter() - self.start
        self.found.append(found)
        self.found.sort(key=lambda f: (-round(f.evaluation.overall.value, 9), f.tools))
        del self.found[self.top :]
