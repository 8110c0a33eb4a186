"""PowerDale's day-ahead market price and its wind farm's availability: pure functions of the
slot (epoch seconds, UTC), deterministic, no Django.

The price follows the shape of a North-West European day-ahead market: a night valley, a
morning and a higher evening peak that grow in winter, and a midday dip when the sun shines
(deepest in summer, below zero on sunny weekend middays, when demand is low). The sun is
PowerDale's own weather (the simulator's cloud factor), and a windy slot is cheaper.
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from simulator.physics import (
    DAY_S,
    FloatArray,
    IntArray,
    cloud_factor,
    keys_array,
    local_time,
    value_noise,
)

SLOT_S = 900
PRICE_PLACES = Decimal("0.000001")  # EUR/kWh, 6 places
SHARE_PLACES = Decimal("0.0001")
PRICE_NOISE_KEY = 0x9121CE
WIND_KEY = 0x3171D


def day_slots(first: date, last: date, time_zone: str) -> IntArray:
    """The 15-minute slot starts (epoch seconds) of the local days ``first`` … ``last``
    (92 or 100 on a DST day)."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return np.arange(int(start.timestamp()), int(end.timestamp()), SLOT_S, dtype=np.int64)


def wind_share(times: IntArray, *, seed: int) -> FloatArray:
    """The wind farm's available share of capacity in [0, 1]: weather systems passing over a few
    days, gusts within the hour, windier in winter, through a turbine's power curve (nothing in
    a calm, full output from a strong breeze on)."""
    keys = keys_array([seed ^ WIND_KEY, seed ^ WIND_KEY ^ 0xFF])
    day_of_year = ((times % (365 * DAY_S)) / DAY_S).astype(np.float64)
    season = 0.42 + 0.12 * np.cos(2 * math.pi * (day_of_year - 15.0) / 365.25)
    weather = value_noise(keys[:1], times, 2 * DAY_S)[0]
    gusts = value_noise(keys[1:], times, 3600)[0]
    speed = np.clip(season + 0.45 * weather + 0.08 * gusts, 0.0, None)
    return np.clip((speed - 0.15) / 0.6, 0.0, 1.0) ** 1.5


def day_ahead_price(times: IntArray, *, seed: int, time_zone: str) -> FloatArray:
    """The day-ahead price (EUR/kWh) of each slot."""
    clock = local_time(times, time_zone)
    hour = clock.hour + 0.125  # the middle of the slot
    winter = 0.5 * (1.0 + np.cos(2 * math.pi * (clock.day_of_year - 15.0) / 365.25))
    weekday = ~clock.weekend

    def bump(centre: float, width: float) -> FloatArray:
        return np.asarray(np.exp(-0.5 * ((hour - centre) / width) ** 2), dtype=np.float64)

    day_time = 1.0 / (1.0 + np.exp(-(hour - 6.5) * 2.0)) - 1.0 / (1.0 + np.exp(-(hour - 22.5) * 2))
    price = 0.065 + 0.02 * winter + np.where(weekday, 0.03, 0.015) * day_time
    price += np.where(weekday, 1.0, 0.5) * (0.04 + 0.07 * winter) * bump(8.0, 1.2)
    price += (0.05 + 0.12 * winter) * bump(18.75, 1.4)
    sun = cloud_factor(seed, times, clock)
    dip = (0.03 + 0.09 * (1.0 - winter)) * np.where(weekday, 0.9, 1.25)
    price -= dip * sun * bump(13.5, 2.3)
    price -= 0.03 * wind_share(times, seed=seed)
    noise = keys_array([seed ^ PRICE_NOISE_KEY])
    price *= 1.0 + 0.08 * value_noise(noise, times, DAY_S)[0]
    return np.asarray(price + 0.004 * value_noise(noise ^ np.uint64(1), times, 3600)[0])


def prices_decimal(values: FloatArray) -> list[Decimal]:
    return [Decimal(repr(float(value))).quantize(PRICE_PLACES) for value in values]


def shares_decimal(values: FloatArray) -> list[Decimal]:
    return [Decimal(repr(float(value))).quantize(SHARE_PLACES) for value in values]


def window_days(today: date, history_days: int, ahead_days: int) -> tuple[date, date]:
    """The local days a series covers: the history window and the days ahead."""
    return today - timedelta(days=history_days), today + timedelta(days=ahead_days)
