"""Wording shared by the human-readable formats, so table and Markdown say the same things."""

from __future__ import annotations

from evaluator.scoring.results import Comparison, Contribution, Risk, Score, StackEvaluation

TOP_REASONS = 3


def num(value: float) -> str:
    # Round half away from zero at one decimal, and never print "-0.0".
    text = f"{value + (1e-9 if value >= 0 else -1e-9):.1f}"
    return "0.0" if text == "-0.0" else text


SCORE_HEADERS = ("fit", "glue", "glue days/yr", "lock-in", "cost", "cost/yr", "overall")


def money(low: float, high: float, currency: str) -> str:
    """A yearly band in thousands, e.g. ``USD 120-180k``."""
    lo, hi = round(low / 1000), round(high / 1000)
    return f"{currency} {lo}k" if lo == hi else f"{currency} {lo}-{hi}k"


def annual(e: StackEvaluation) -> str:
    a = e.annual_cost
    return money(a.low, a.high, a.currency)


def score_cells(e: StackEvaluation) -> list[str]:
    """The columns every summary table shares, in SCORE_HEADERS order."""
    return [
        num(e.fit.value),
        num(e.glue.value),
        num(e.glue_person_days),
        num(e.lock_in.value),
        num(e.cost.value),
        annual(e),
        num(e.overall.value),
    ]


def weights_line(w: dict[str, float]) -> str:
    return (
        f"weights fit {w['fit']:.2f}, glue {w['glue']:.2f}, lock-in {w['lock_in']:.2f}, "
        f"cost {w['cost']:.2f}"
    )


HANDOFF_HEADERS = ("stages", "tools", "bridge", "via", "broken concerns", "teams", "points")


def handoff_rows(e: StackEvaluation, arrow: str) -> list[list[str]]:
    """One row per handoff, in HANDOFF_HEADERS order."""
    return [
        [
            f"{h.source_stage} {arrow} {h.target_stage}",
            f"{h.source_tool} {arrow} {h.target_tool}",
            h.connection,
            ", ".join(h.via) or "-",
            ", ".join(h.broken_concerns) or "-",
            "yes" if h.team_boundary else "",
            num(h.points),
        ]
        for h in e.handoffs
    ]


def top(score: Score, n: int = TOP_REASONS, *, largest: bool = True) -> list[Contribution]:
    """The contributions that move a score most, ties broken by key for stable output."""
    ranked = sorted(
        (c for c in score.contributions if abs(c.points) >= 0.05),
        key=lambda c: (-abs(c.points) if largest else abs(c.points), c.key),
    )
    return ranked[:n]


def gaps(evaluation: StackEvaluation, n: int = TOP_REASONS) -> list[tuple[float, Contribution]]:
    """Needs the stack serves least well, by the fit points they leave on the table."""
    lost = [
        (c.possible - c.points, c)
        for c in evaluation.fit.contributions
        if c.possible is not None and c.possible - c.points >= 0.05
    ]
    return sorted(lost, key=lambda item: (-item[0], item[1].key))[:n]


def risk_line(risk: Risk) -> str:
    """A maturity, lifecycle or radar risk as one line, with where the fact comes from."""
    source = f" ({risk.source})" if risk.source else ""
    return f"risk: {risk.kind}: {risk.message}{source}"


def headline(evaluation: StackEvaluation) -> list[str]:
    """The main reasons for one stack, in the order a reviewer reads them: what disqualifies it,
    where fit is lost, what existing investments do, what the glue and lock-in come from."""
    e = evaluation
    lines = [f"not viable: {v.message}" for v in e.violations]
    lines += [f"to verify: {v.message}" for v in e.pending]
    lines += [risk_line(r) for r in e.risks]
    lines += [
        f"idle: {t} serves no need (it costs money and does nothing asked for)" for t in e.idle
    ]
    lines += [
        f"fit  {'-' + num(lost):>6}  {c.key.removeprefix('coverage.')}: {c.reason}"
        for lost, c in gaps(e)
    ]
    lines += [
        f"fit  {num(c.points):>6}  {c.reason}"
        for c in e.fit.contributions
        if c.key.startswith(("reuse.", "switching.")) and c.points != 0
    ]
    lines += [f"glue {num(c.points):>6}  {c.reason}" for c in top(e.glue)]
    lines += [f"lock {num(c.points):>6}  {c.reason}" for c in top(e.lock_in) if c.points > 0]
    lines += [f"cost {num(c.points):>6}  {c.reason}" for c in top(e.cost)]
    lines += list(e.notes)
    return lines


# --------------------------------------------------------------------------- business units

UNIT_HEADERS = ("stack", "unit", "viable", "fit", "glue", "lock-in", "cost", "overall", "unit rank")

UNITS_NOTE = (
    "The organisation's scores are those of its own requirements; a stack is viable for it only "
    "when it is viable for every unit. Each unit's scores are against its own requirements (the "
    "organisation's with the unit's changes)."
)


def unit_descriptions(c: Comparison) -> list[str]:
    """One line per unit: its id and name, and what it changes."""
    return [
        f"{u.id} ({u.name}): " + ("; ".join(u.differs) or "the same as the organisation")
        for u in c.units
    ]


def unit_rows(c: Comparison) -> list[list[str]]:
    """Each stack's units, in the comparison's rank order, side by side (UNIT_HEADERS order);
    the stack's name only on its first row."""
    rank_in = {u.id: {name: i for i, name in enumerate(u.ranking, start=1)} for u in c.units}
    rows = []
    for r in c.stacks:
        for i, x in enumerate(r.evaluation.units):
            rows.append(
                [
                    r.evaluation.name if i == 0 else "",
                    x.unit,
                    "NO" if not x.viable else "pending" if x.pending else "yes",
                    num(x.fit.value),
                    num(x.glue.value),
                    num(x.lock_in.value),
                    num(x.cost.value),
                    num(x.overall.value),
                    str(rank_in[x.unit][r.evaluation.name]),
                ]
            )
    return rows


def unit_verdicts(c: Comparison) -> list[str]:
    """Where units disagree: each unit's first choice, and the stacks whose verdict differs."""
    firsts = "; ".join(f"{u.id}: {u.ranking[0]}" for u in c.units if u.ranking)
    out = [f"First choice by unit: {firsts}"] if firsts else []
    if not c.divergent:
        out.append("Verdicts agree: every stack is viable for all units or for none.")
    for d in c.divergent:
        out.append(
            f"Verdicts diverge on {d.stack}: viable for {', '.join(d.viable_for)}; "
            f"not viable for {', '.join(d.not_viable_for)}"
        )
    return out


def unit_lines(e: StackEvaluation) -> list[str]:
    """One stack's verdict and scores per unit, each violation on its own line."""
    out = []
    for x in e.units:
        verdict = (
            "NOT viable"
            if not x.viable
            else "viable pending verification"
            if x.pending
            else "viable"
        )
        out.append(
            f"{x.unit} ({x.name}): {verdict}; fit {num(x.fit.value)}, glue {num(x.glue.value)}, "
            f"lock-in {num(x.lock_in.value)}, cost {num(x.cost.value)}, "
            f"overall {num(x.overall.value)}"
        )
        out += [f"  - [{v.gate}] {v.message}" for v in x.violations]
        out += [f"  - [{v.gate}, to verify] {v.message}" for v in x.pending]
    return out


def viable_cell(verdict: str, *, no: str) -> str:
    """The viability column for a verdict (``scoring.results.verdict``): yes, the format's no,
    or ``pending``."""
    return {"viable": "yes", "viable pending verification": "pending"}.get(verdict, no)
