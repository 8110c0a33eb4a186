"""A household's slots for billing: measured where complete, estimated from the household's
own profile where data is missing or incomplete (the mean of the same weekday and time of day
over the preceding four weeks and the month itself)."""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from core.timeslots import SLOT, local_day_start, local_parts
from households.models import Household
from metering.selectors.flows import household_slot_arrays
from pricing.cost_engine import SlotSeries

PROFILE_DAYS = 28
SLOTS_PER_WEEK = 7 * 96


@dataclass(frozen=True, slots=True)
class BillingSeries:
    actual: SlotSeries  # import and export, estimated where data is missing
    without_solar: SlotSeries  # consumption as import, nothing exported


def _week_slot(epochs: np.ndarray) -> np.ndarray:
    """Index of each instant's local (weekday, quarter hour) in a week."""
    return np.fromiter(
        (parts[1] * 96 + parts[2] // 15 for parts in map(local_parts, epochs.tolist())),
        dtype=np.int64,
        count=len(epochs),
    )


def _profile(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    counts = np.bincount(keys, minlength=SLOTS_PER_WEEK)
    fallback = values.mean() if len(values) else 0.0
    sums = np.bincount(keys, weights=values, minlength=SLOTS_PER_WEEK)
    return np.where(counts > 0, sums / np.maximum(counts, 1), fallback)


def household_billing_series(
    *, household: Household, first_day: date, end_day: date
) -> BillingSeries:
    """Every slot of the local days [first_day, end_day), measured or estimated."""
    start, end = local_day_start(first_day), local_day_start(end_day)
    slots = household_slot_arrays(household_id=household.pk, start=start, end=end)
    expected_count = round((end - start).total_seconds() / SLOT.total_seconds())
    if int(slots.complete.sum()) < expected_count:  # some data is missing: read the profile too
        slots = household_slot_arrays(
            household_id=household.pk, start=start - timedelta(days=PROFILE_DAYS), end=end
        )
    measured = (slots.starts >= start.timestamp()) & slots.complete
    expected = np.arange(start.timestamp(), end.timestamp(), SLOT.total_seconds())
    missing = expected[~np.isin(expected, slots.starts[measured])]
    starts = np.concatenate([slots.starts[measured], missing])
    estimated = np.concatenate(
        [np.zeros(int(measured.sum()), dtype=bool), np.ones(len(missing), dtype=bool)]
    )
    known_keys = _week_slot(slots.starts[slots.complete]) if len(missing) else np.zeros(0, int)
    missing_keys = _week_slot(missing)

    def filled(values: np.ndarray) -> np.ndarray:
        if not len(missing):
            return values[measured]
        profile = _profile(known_keys, values[slots.complete])
        return np.concatenate([values[measured], profile[missing_keys]])

    return BillingSeries(
        actual=SlotSeries(starts, filled(slots.imports), filled(slots.exports), estimated),
        without_solar=SlotSeries(
            starts, filled(slots.consumption), np.zeros(len(starts)), estimated
        ),
    )
