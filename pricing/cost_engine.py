"""What energy costs under a price plan.

The first version prices power samples the JOI way: energy per local day (the platform's one
energy rule, split at local midnight) × unit rate × that weekday's peak multiplier.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.timeslots import local_date, local_zone, next_local_midnight
from metering.energy import Sample, energy_kwh_by
from pricing.models import PricePlan

# Comparisons are not invoices: keep a hundredth of a cent so small demo bills still differ.
COMPARISON_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class PlanCost:
    plan_id: str
    cost: Decimal


def plan_cost_of_samples(*, plan: PricePlan, samples: Iterable[Sample]) -> Decimal:
    """Cost in EUR of the energy the samples describe, under ``plan``."""
    zone = local_zone()
    kwh_by_day = energy_kwh_by(
        samples,
        bucket=lambda moment: local_date(moment, zone),
        next_boundary=lambda moment: next_local_midnight(moment, zone),
    )
    multipliers = {m.weekday: m.multiplier for m in plan.peak_multipliers.all()}
    cost = sum(
        (
            Decimal(repr(kwh)) * plan.unit_rate * multipliers.get(day.weekday(), Decimal(1))
            for day, kwh in kwh_by_day.items()
        ),
        Decimal(0),
    )
    return cost.quantize(COMPARISON_QUANTUM, rounding=ROUND_HALF_UP)


def plan_costs_compare(*, plans: Iterable[PricePlan], samples: Sequence[Sample]) -> list[PlanCost]:
    """The cost of the same samples under every plan, cheapest first (ties by plan id)."""
    costs = [PlanCost(p.plan_id, plan_cost_of_samples(plan=p, samples=samples)) for p in plans]
    return sorted(costs, key=lambda c: (c.cost, c.plan_id))
