"""What energy costs under a price plan.

The first version prices power samples the JOI way: the energy of each local day (the
platform's one energy rule, split at local midnight) × unit rate × that weekday's multiplier.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from core.timeslots import local_date, local_day_start, local_zone
from metering.energy import Sample, energy_by_bucket, samples_as_arrays
from pricing.models import PricePlan

# Comparisons are not invoices: keep a hundredth of a cent so small demo bills still differ.
COMPARISON_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class PlanCost:
    plan_id: str
    cost: Decimal


def energy_kwh_by_local_day(samples: Iterable[Sample]) -> dict[date, float]:
    """Net energy (kWh) of the samples per local calendar day."""
    times, powers = samples_as_arrays(samples)
    if len(times) < 2:
        return {}
    zone = local_zone()
    first = local_date(datetime.fromtimestamp(times[0], UTC), zone)
    last = local_date(datetime.fromtimestamp(times[-1], UTC), zone)
    days = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    edges = np.array([local_day_start(day, zone).timestamp() for day in days])
    per_day = energy_by_bucket(times, powers, edges)
    return {
        days[int(bucket)]: float(pos - neg)
        for bucket, pos, neg in zip(
            per_day.bucket, per_day.positive_kwh, per_day.negative_kwh, strict=True
        )
    }


def plan_cost_of_samples(*, plan: PricePlan, samples: Iterable[Sample]) -> Decimal:
    """Cost in EUR of the energy the samples describe, under ``plan``."""
    return plan_cost_of_daily_energy(plan=plan, kwh_by_day=energy_kwh_by_local_day(samples))


def plan_cost_of_daily_energy(*, plan: PricePlan, kwh_by_day: dict[date, float]) -> Decimal:
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
    kwh_by_day = energy_kwh_by_local_day(samples)
    costs = [
        PlanCost(p.plan_id, plan_cost_of_daily_energy(plan=p, kwh_by_day=kwh_by_day)) for p in plans
    ]
    return sorted(costs, key=lambda c: (c.cost, c.plan_id))
