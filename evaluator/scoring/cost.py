"""Cost (0..100, lower is better): the total cost of ownership a year, and what makes it up.

    annual = sum over the stack's tools of (subscription or licence + operations effort)
           + glue effort + what dropping existing tools still costs (contract left, migration)
    cost   = 100 * annual / (annual + budget)

Every amount is a band (low, high) in US dollars inside, reported in the requirements' currency;
the score uses the middle of the band. Effort is priced at the requirements' person-day rate.
A tool is priced as it would run under the deployment policy: the vendor's or cloud's managed
offering where one is allowed (a paid product), the organisation's own infrastructure where
it must be or where the software is free (then running it is the cost).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.models import CapabilityKind, Deployment, Existing, PricingModel, Tool
from evaluator.scoring import params
from evaluator.scoring.context import Context
from evaluator.scoring.fit import contract_active, remaining_years
from evaluator.scoring.gates import placements
from evaluator.scoring.results import AnnualCost, Contribution, Score
from evaluator.scoring.stackview import StackView, main_capabilities

if TYPE_CHECKING:
    from evaluator.catalog import Catalog


@dataclass(frozen=True)
class Line:
    key: str
    low: float
    high: float
    reason: str

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2


def hosting(tool: Tool, context: Context) -> str:
    """``managed`` or ``self-hosted``: how the tool runs in this organisation."""
    places = placements(tool, context.requirements.deployment.allowed)
    own = {"self-hosted", Deployment.EDGE.value}  # the organisation runs it (edge: its devices)
    managed = [p for p in places if p not in own]
    free = tool.pricing is not None and tool.pricing.model is PricingModel.FREE
    if own & set(places) and (free or not managed):
        return "self-hosted"
    if managed:
        return "managed"
    return "self-hosted" if tool.self_hostable else "managed"


USAGE_PRICED = frozenset({PricingModel.CONSUMPTION, PricingModel.PER_NODE})
"""Pricing models whose bill grows with the work a tool runs."""


def further_workloads(tool: Tool, capability: str, catalog: Catalog) -> bool:
    """Whether owning ``capability`` is a workload beyond those a usage-priced tool's band is
    estimated for: a stage outside its main capabilities that runs compute of its own
    (governance needs are features of the platform, and ``params.LIGHT_STAGES`` such as a
    model registry are metadata: neither is billed as a workload)."""
    return (
        tool.pricing is not None
        and tool.pricing.model in USAGE_PRICED
        and capability not in main_capabilities(tool)
        and capability not in params.LIGHT_STAGES
        and capability in catalog.capabilities
        and catalog.capabilities[capability].kind is CapabilityKind.STAGE
    )


def price(tool: Tool, context: Context, stated: Existing | None) -> tuple[float, float, str]:
    """Subscription, licence or consumption a year (USD), and where the figure comes from."""
    req = context.requirements
    size = req.scale.size.value
    factor = params.SIZE_PRICE_FACTOR[size]
    if stated is not None and stated.annual_usd is not None:  # (``_negotiated``, narrowed)
        return stated.annual_usd, stated.annual_usd, "as the requirements state"
    p = tool.pricing
    if p is None:
        low, high = params.UNPRICED_BAND
        return low * factor, high * factor, f"price unknown: default band for {size} size"
    if p.model is PricingModel.FREE:
        return 0.0, 0.0, "free software"
    seats = req.scale.developers if p.seats == "developers" else req.scale.users
    if p.model is PricingModel.PER_USER and seats is not None:
        assert p.per_user_month_usd is not None  # the model validator requires it
        amount = p.per_user_month_usd * 12 * seats
        return amount, amount, f"{seats} {p.seats} x list price"
    kind = "estimate" if p.estimated else "list price"
    return (
        p.annual_usd[0] * factor,
        p.annual_usd[1] * factor,
        f"{p.model.value}, {kind} for {size} size",
    )


def operations_days(tool: Tool, how: str, context: Context) -> tuple[float, str]:
    size = context.requirements.scale.size.value
    factor = params.SIZE_OPS_FACTOR[size]
    ops = tool.operations
    if ops is None:
        return params.UNKNOWN_OPERATIONS_DAYS[how] * factor, "effort unknown: default"
    if how == "self-hosted":
        days = ops.self_hosted_days if ops.self_hosted_days is not None else ops.managed_days
        return days * factor, "run in-house"
    return ops.managed_days * factor, "administered, vendor-run"


def infrastructure(tool: Tool, how: str, context: Context) -> tuple[float, float]:
    """What a self-hosted tool's own servers cost a year (USD): the catalog's figure, else a
    default from its operations effort (GPUs for an LLM server); nothing for a library or
    format, which runs inside other tools, or for a vendor-run tool, whose price includes it."""
    if how != "self-hosted" or tool.data_role.value == "format":
        return 0.0, 0.0
    factor = params.SIZE_PRICE_FACTOR[context.requirements.scale.size.value]
    ops = tool.operations
    if ops is not None and ops.infrastructure_usd is not None:
        low, high = ops.infrastructure_usd
    elif "llm-serving" in main_capabilities(tool):
        low, high = params.GPU_INFRASTRUCTURE
    else:
        days = (
            ops.self_hosted_days
            if ops is not None and ops.self_hosted_days is not None
            else params.UNKNOWN_OPERATIONS_DAYS["self-hosted"]
        )
        low, high = (days * r for r in params.INFRASTRUCTURE_PER_OPS_DAY)
    return low * factor, high * factor


def _money(amount: float, context: Context) -> str:
    rates = context.requirements.rates
    return f"{rates.currency} {amount * rates.per_usd:,.0f}"


def _band(low: float, high: float, context: Context) -> str:
    if math.isclose(low, high):
        return _money(low, context)
    rates = context.requirements.rates
    return f"{rates.currency} {low * rates.per_usd:,.0f}-{high * rates.per_usd:,.0f}"


def _negotiated(stated: Existing | None) -> bool:
    """Whether the requirements state the tool's yearly price (it stands as it is)."""
    return stated is not None and stated.annual_usd is not None


def workload_price(tool: Tool, context: Context, stated: Existing | None) -> float:
    """What each further workload adds to a usage-priced tool's yearly price (the middle of
    its band, ``params.WORKLOAD_SHARE`` of it); nothing at a price the requirements state."""
    if _negotiated(stated):
        return 0.0
    low, high, _ = price(tool, context, stated)
    return params.WORKLOAD_SHARE * (low + high) / 2


def tool_line(
    tool: Tool,
    context: Context,
    stated: Existing | None,
    idle: bool,
    workloads: tuple[str, ...] = (),
) -> Line:
    """What one tool of the stack costs a year: its price (a usage-priced one's grown by the
    further ``workloads`` it runs, ``further_workloads``), its infrastructure when run
    in-house, and the people it takes."""
    how = hosting(tool, context)
    low, high, why = price(tool, context, stated)
    if workloads and not _negotiated(stated):
        grow = 1.0 + params.WORKLOAD_SHARE * len(workloads)
        low, high = low * grow, high * grow
        why += (
            f"; +{params.WORKLOAD_SHARE:.0%} of it for each further workload: "
            f"{', '.join(workloads)}, estimate"
        )
    days, ops_why = operations_days(tool, how, context)
    ops = days * context.requirements.rates.person_day_usd
    infra_low, infra_high = infrastructure(tool, how, context)
    infra = f" + infrastructure {_band(infra_low, infra_high, context)}" if infra_high > 0 else ""
    note = " (idle: serves no need)" if idle else ""
    total_low, total_high = low + ops + infra_low, high + ops + infra_high
    return Line(
        key=f"tool.{tool.id}",
        low=total_low,
        high=total_high,
        reason=f"{tool.id}, {how}{note}: {_band(low, high, context)} ({why}){infra} + {days:g} person-days ({ops_why}) = {_band(total_low, total_high, context)} a year",
    )


def glue_line(glue_days: float, context: Context) -> Line:
    """Glue effort priced at the person-day rate, scaled by size like operations."""
    size = context.requirements.scale.size.value
    factor = params.SIZE_OPS_FACTOR[size]
    amount = glue_days * factor * context.requirements.rates.person_day_usd
    scaled = f" x{factor:g} for size {size}" if factor != 1 else ""
    return Line(
        key="glue",
        low=amount,
        high=amount,
        reason=f"glue: {glue_days:.1f} person-days a year{scaled} = {_money(amount, context)}",
    )


def dropped_lines(item: Existing, tool: Tool, context: Context, today: dt.date) -> list[Line]:
    """What leaving an existing tool out still costs a year: a running contract's payments
    over the share of the horizon it still covers, and a stated migration effort."""
    rates = context.requirements.rates
    horizon = rates.horizon_years
    out: list[Line] = []
    if item.commitment.value == "contract" and contract_active(item.until, today):
        years = remaining_years(item, today)
        spread = min(years, horizon) / horizon
        low, high, why = price(tool, context, item)
        if spread > 0 and high > 0:
            out.append(
                Line(
                    key=f"contract.{item.tool}",
                    low=low * spread,
                    high=high * spread,
                    reason=f"dropped {item.tool} still paid for {years:.1f} of {horizon} years ({why}): {_band(low * spread, high * spread, context)} a year",
                )
            )
    if item.migration_days:
        amount = item.migration_days * rates.person_day_usd / horizon
        out.append(
            Line(
                key=f"migration.{item.tool}",
                low=amount,
                high=amount,
                reason=f"migrating off {item.tool}: {item.migration_days:g} person-days over {horizon} years = {_money(amount, context)} a year",
            )
        )
    return out


def cost_lines(
    view: StackView, context: Context, catalog: Catalog, today: dt.date, glue_days: float
) -> list[Line]:
    req = context.requirements
    stated = {e.tool: e for e in req.existing}
    idle = set(view.idle)
    owned: dict[str, list[str]] = {}
    for cap, owner in sorted(view.owners.items()):
        if owner is not None and further_workloads(view.tools[owner], cap, catalog):
            owned.setdefault(owner, []).append(cap)
    out = [
        tool_line(
            tool, context, stated.get(tool_id), tool_id in idle, tuple(owned.get(tool_id, ()))
        )
        for tool_id, tool in view.tools.items()
    ]
    if glue_days > 0:
        out.append(glue_line(glue_days, context))
    for item in sorted(req.existing, key=lambda e: e.tool):
        if item.tool not in view.tools:
            out.extend(dropped_lines(item, catalog.tools[item.tool], context, today))
    return out


def budget(context: Context) -> float:
    scale = context.requirements.scale
    if scale.budget_usd is not None:
        return scale.budget_usd
    return params.BUDGET_BY_SIZE[scale.size.value]


def cost_score(
    view: StackView, context: Context, catalog: Catalog, today: dt.date, glue_days: float
) -> tuple[Score, AnnualCost]:
    lines = cost_lines(view, context, catalog, today, glue_days)
    low = math.fsum(line.low for line in lines)
    high = math.fsum(line.high for line in lines)
    middle = (low + high) / 2
    scale = 100.0 / (middle + budget(context))
    score = Score.of(
        [
            Contribution.trusted(key=line.key, points=line.middle * scale, reason=line.reason)
            for line in lines
        ]
    )
    rates = context.requirements.rates
    return score, AnnualCost(
        low=low * rates.per_usd, high=high * rates.per_usd, currency=rates.currency
    )
