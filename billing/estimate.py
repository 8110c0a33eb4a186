"""The month so far: what it cost until now, and where it is heading.

The rest of the month is projected from the household's own past: each of the last four weeks
with data gives one projection (the same weekday and time of day, shifted by whole weeks); the
estimate is their mean, and their lowest and highest are the range. Without any such week, the
projection is what is known so far plus the month's fixed charges. Standing and capacity charges
are those of the whole month, priced by the one cost engine.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np

from core.timeslots import SLOT, local_date, local_day_start, month_start, next_month, slot_start
from households.models import Household
from pricing.comparisons import household_slot_series
from pricing.cost_engine import CENT, SlotSeries, Tariff, bill
from pricing.selectors import household_price_plan

WEEKS = 4
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class MonthEstimate:
    month: datetime
    plan_id: str | None
    so_far: Decimal  # EUR with VAT, standing charge for the days elapsed
    projected_total: Decimal
    low: Decimal
    high: Decimal
    elapsed_share: float  # how far through the month we are, 0–1


def household_month_estimate(*, household: Household, now: datetime) -> MonthEstimate:
    today = local_date(now)
    first_day, end_day = month_start(today), next_month(today)
    start, end = local_day_start(first_day), local_day_start(end_day)
    elapsed = (now - start) / (end - start)
    plan = household_price_plan(household=household, at=now)
    if plan is None:
        zero = Decimal(0)
        return MonthEstimate(start, None, zero, zero, zero, zero, elapsed)
    tariff = Tariff(plan)
    history = household_slot_series(
        household=household, first_day=first_day - WEEK * WEEKS, end_day=end_day
    )
    cutoff = slot_start(now).timestamp()
    actual_mask = (history.starts >= start.timestamp()) & (history.starts < cutoff)
    actual = _subset(history, actual_mask)
    so_far = bill(
        tariff=tariff,
        slots=actual,
        first_day=first_day,
        end_day=today + timedelta(days=1),
        capacity=False,
    ).total
    remaining = np.arange(cutoff, end.timestamp(), SLOT.total_seconds())
    index = {t: i for i, t in enumerate(history.starts.tolist())}
    totals = []
    for weeks in range(1, WEEKS + 1):
        found = [index.get(t) for t in (remaining - (WEEK * weeks).total_seconds()).tolist()]
        if remaining.size and sum(i is not None for i in found) < remaining.size / 2:
            continue  # a week the household has (mostly) no data for tells nothing
        imports = np.array([history.imports[i] if i is not None else 0.0 for i in found])
        exports = np.array([history.exports[i] if i is not None else 0.0 for i in found])
        projected = SlotSeries(
            np.concatenate([actual.starts, remaining]),
            np.concatenate([actual.imports, imports]),
            np.concatenate([actual.exports, exports]),
            np.zeros(len(actual) + len(remaining), dtype=bool),
        )
        totals.append(
            bill(tariff=tariff, slots=projected, first_day=first_day, end_day=end_day).total
        )
    if not totals:  # no usable history: what is known, plus the month's fixed charges
        totals.append(bill(tariff=tariff, slots=actual, first_day=first_day, end_day=end_day).total)
    mean = (sum(totals, Decimal(0)) / len(totals)).quantize(CENT)
    return MonthEstimate(start, plan.plan_id, so_far, mean, min(totals), max(totals), elapsed)


def _subset(series: SlotSeries, mask: np.ndarray) -> SlotSeries:
    return SlotSeries(
        series.starts[mask],
        series.imports[mask],
        series.exports[mask],
        np.zeros(int(mask.sum()), dtype=bool),
    )
