"""A household's slots for billing: measured where complete, estimated from the household's
own profile where data is missing or incomplete (same weekday and time of day over the
preceding weeks and the month itself)."""

from datetime import date, timedelta

import numpy as np
from django.db.models import FloatField
from django.db.models.functions import Cast

from core.timeslots import SLOT, local_day_start, local_parts
from households.models import Household
from metering.models import HouseholdSlot
from pricing.cost_engine import SlotSeries

PROFILE_DAYS = 28
SLOTS_PER_WEEK = 7 * 96


def _week_slot(epochs: np.ndarray) -> np.ndarray:
    """Index of each instant's local (weekday, quarter hour) in a week."""
    return np.fromiter(
        (parts[1] * 96 + parts[2] // 15 for parts in map(local_parts, epochs.tolist())),
        dtype=np.int64,
        count=len(epochs),
    )


def household_billing_series(*, household: Household, first_day: date, end_day: date) -> SlotSeries:
    """Every slot of the local days [first_day, end_day), measured or estimated."""
    start, end = local_day_start(first_day), local_day_start(end_day)
    rows = list(
        HouseholdSlot.objects.filter(
            household=household, start__gte=start - timedelta(days=PROFILE_DAYS), start__lt=end
        ).values_list(
            "start",
            Cast("import_kwh", FloatField()),
            Cast("export_kwh", FloatField()),
            "complete",
        )
    )
    times = np.array([r[0].timestamp() for r in rows], dtype=np.float64)
    imports = np.array([r[1] for r in rows], dtype=np.float64)
    exports = np.array([r[2] for r in rows], dtype=np.float64)
    complete = np.array([r[3] for r in rows], dtype=bool)
    in_period = times >= start.timestamp()
    measured = in_period & complete

    expected = np.arange(start.timestamp(), end.timestamp(), SLOT.total_seconds())
    missing = expected[~np.isin(expected, times[measured])]
    if len(missing) == 0:
        return SlotSeries(
            times[measured],
            imports[measured],
            exports[measured],
            np.zeros(int(measured.sum()), dtype=bool),
        )
    known = complete
    keys = _week_slot(times[known])
    counts = np.bincount(keys, minlength=SLOTS_PER_WEEK)
    mean_import = imports[known].mean() if known.any() else 0.0
    mean_export = exports[known].mean() if known.any() else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        profile_import = np.where(
            counts > 0,
            np.bincount(keys, weights=imports[known], minlength=SLOTS_PER_WEEK) / counts,
            mean_import,
        )
        profile_export = np.where(
            counts > 0,
            np.bincount(keys, weights=exports[known], minlength=SLOTS_PER_WEEK) / counts,
            mean_export,
        )
    missing_keys = _week_slot(missing)
    return SlotSeries(
        starts=np.concatenate([times[measured], missing]),
        imports=np.concatenate([imports[measured], profile_import[missing_keys]]),
        exports=np.concatenate([exports[measured], profile_export[missing_keys]]),
        estimated=np.concatenate(
            [np.zeros(int(measured.sum()), dtype=bool), np.ones(len(missing), dtype=bool)]
        ),
    )
