"""The demo's day-ahead price curve and wind availability: their shape, as pure functions."""

from datetime import date

import numpy as np

from demo.market import day_ahead_price, day_slots, prices_decimal, wind_share
from simulator.physics import local_time

ZONE = "Europe/Brussels"
SEED = 1


def day_prices(day: date) -> np.ndarray:
    return day_ahead_price(day_slots(day, day, ZONE), seed=SEED, time_zone=ZONE)


def test_a_day_has_96_slots_and_a_dst_day_92_or_100() -> None:
    assert len(day_slots(date(2026, 1, 14), date(2026, 1, 14), ZONE)) == 96
    assert len(day_slots(date(2026, 3, 29), date(2026, 3, 29), ZONE)) == 92
    assert len(day_slots(date(2026, 10, 25), date(2026, 10, 25), ZONE)) == 100
    slots = day_slots(date(2026, 3, 27), date(2026, 3, 31), ZONE)
    assert set(np.diff(slots).tolist()) == {900}
    assert len(slots) == 4 * 96 + 92


def test_winter_evenings_peak_above_the_night_valley() -> None:
    for day in (date(2026, 1, 12), date(2026, 1, 14), date(2026, 1, 17), date(2025, 12, 10)):
        prices = day_prices(day)  # local 00:00 … 23:45, one price a slot
        night = prices[8:20].mean()  # 02:00–05:00
        evening = prices[72:80].max()  # 18:00–20:00
        morning = prices[28:36].max()  # 07:00–09:00
        assert 0.10 <= evening <= 0.32
        assert evening > morning > night
        assert 0.03 < night < 0.10


def test_sunny_summer_weekend_middays_dip_below_zero() -> None:
    slots = day_slots(date(2026, 5, 1), date(2026, 8, 31), ZONE)
    prices = day_ahead_price(slots, seed=SEED, time_zone=ZONE)
    clock = local_time(slots, ZONE)
    midday = (clock.hour >= 11) & (clock.hour < 16)
    assert prices[midday & clock.weekend].min() < 0
    assert prices[midday].mean() < prices[~midday].mean()
    assert prices.min() > -0.08


def test_the_curve_is_deterministic_and_has_six_places() -> None:
    slots = day_slots(date(2026, 1, 1), date(2026, 1, 3), ZONE)
    first = prices_decimal(day_ahead_price(slots, seed=SEED, time_zone=ZONE))
    again = prices_decimal(day_ahead_price(slots, seed=SEED, time_zone=ZONE))
    assert first == again
    assert all(-price.as_tuple().exponent == 6 for price in first)  # type: ignore[operator]


def test_the_wind_varies_between_calm_and_full() -> None:
    share = wind_share(day_slots(date(2025, 12, 1), date(2026, 11, 30), ZONE), seed=SEED)
    assert share.min() == 0.0
    assert share.max() == 1.0
    assert 0.2 < share.mean() < 0.6
    assert np.abs(np.diff(share)).max() < 0.2  # 15 minutes apart: neighbours, not white noise
