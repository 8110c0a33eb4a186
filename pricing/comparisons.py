"""Comparing price plans: the JOI comparisons of a meter's readings, and the full cost of a
household's real consumption under every plan. Both price through ``cost_engine.bill``."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np

from core.timeslots import SLOT, local_date, local_day_start, local_zone, slot_start
from households.models import Household
from metering.energy import Sample, energy_by_bucket, samples_as_arrays
from metering.selectors.flows import household_slot_arrays
from pricing.cost_engine import COMPARISON_QUANTUM, Bill, SlotSeries, Tariff, bill
from pricing.models import PricePlan


@dataclass(frozen=True, slots=True)
class PlanCost:
    plan_id: str
    cost: Decimal


def samples_slots(samples: Iterable[Sample]) -> tuple[SlotSeries, date, date]:
    """The samples' energy per 15-minute slot, and the local days they span."""
    times, powers = samples_as_arrays(samples)
    if len(times) < 2:
        return SlotSeries.of([]), date.min, date.min
    first = slot_start(datetime.fromtimestamp(times[0], UTC)).timestamp()
    edges = np.arange(first, times[-1] + SLOT.total_seconds() + 1, SLOT.total_seconds())
    energy = energy_by_bucket(times, powers, edges)
    slots = SlotSeries(
        starts=edges[energy.bucket],
        imports=energy.positive_kwh,
        exports=energy.negative_kwh,
        estimated=np.zeros(len(energy.bucket), dtype=bool),
    )
    zone = local_zone()
    first_day = local_date(datetime.fromtimestamp(times[0], UTC), zone)
    end_day = local_date(datetime.fromtimestamp(times[-1], UTC), zone) + timedelta(days=1)
    return slots, first_day, end_day


def plan_costs_compare(*, plans: Iterable[PricePlan], samples: Sequence[Sample]) -> list[PlanCost]:
    """JOI: the energy cost (before VAT, no standing charge) of the same readings under every
    plan, cheapest first (ties by plan id)."""
    slots, first_day, end_day = samples_slots(samples)
    costs = [
        PlanCost(
            plan.plan_id,
            bill(
                tariff=Tariff(plan),
                slots=slots,
                first_day=first_day,
                end_day=end_day,
                quantum=COMPARISON_QUANTUM,
                standing=False,
                capacity=False,
                feed_in=False,
            ).net_total,
        )
        for plan in plans
    ]
    return sorted(costs, key=lambda c: (c.cost, c.plan_id))


def household_slot_series(
    *, household: Household, first_day: date, end_day: date, without_solar: bool = False
) -> SlotSeries:
    """The household's slots over local days; ``without_solar``: as if everything it used
    had come from the grid and nothing had been fed in (no panels, no battery)."""
    arrays = household_slot_arrays(
        household_id=household.pk,
        start=local_day_start(first_day),
        end=local_day_start(end_day),
    )
    nothing = np.zeros(len(arrays.starts))
    return SlotSeries(
        arrays.starts,
        arrays.consumption if without_solar else arrays.imports,
        nothing if without_solar else arrays.exports,
        np.zeros(len(arrays.starts), dtype=bool),
    )


@dataclass(frozen=True, slots=True)
class PlanBill:
    plan: PricePlan
    bill: Bill


def household_plans_compare(
    *, household: Household, plans: Iterable[PricePlan], first_day: date, end_day: date
) -> list[PlanBill]:
    """The full cost (standing charge, feed-in, capacity, VAT) of the household's real
    consumption over the local days [first_day, end_day) under every plan, cheapest first."""
    slots = household_slot_series(household=household, first_day=first_day, end_day=end_day)
    bills = [
        PlanBill(plan, bill(tariff=Tariff(plan), slots=slots, first_day=first_day, end_day=end_day))
        for plan in plans
    ]
    return sorted(bills, key=lambda b: (b.bill.total, b.plan.plan_id))
