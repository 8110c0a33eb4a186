"""The platform's one energy rule, against hand-computed values."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.timeslots import local_date, next_local_midnight, next_slot_boundary, slot_start
from metering.energy import energy_kwh, energy_kwh_by

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BRUSSELS = ZoneInfo("Europe/Brussels")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_constant_power_evenly_spaced() -> None:
    samples = [(at(m), 2.0) for m in range(0, 13, 1)]  # 2 kW for 12 minutes
    assert energy_kwh(samples) == pytest.approx(0.4)


def test_trapezoid_of_unevenly_spaced_samples() -> None:
    # 0→6 min: 1→3 kW (0.2 kWh); 6→15 min: 3→3 kW (0.45 kWh)
    samples = [(at(0), 1.0), (at(6), 3.0), (at(15), 3.0)]
    assert energy_kwh(samples) == pytest.approx(0.65)


def test_order_of_samples_does_not_matter() -> None:
    samples = [(at(15), 3.0), (at(0), 1.0), (at(6), 3.0)]
    assert energy_kwh(samples) == pytest.approx(0.65)


def test_a_gap_over_fifteen_minutes_is_not_bridged() -> None:
    samples = [(at(0), 1.0), (at(10), 1.0), (at(26), 5.0), (at(30), 5.0)]
    # 0→10: 1 kW → 1/6 kWh; 10→26 skipped (16 min); 26→30: 5 kW → 1/3 kWh
    assert energy_kwh(samples) == pytest.approx(1 / 6 + 1 / 3)


def test_a_gap_of_exactly_fifteen_minutes_is_bridged() -> None:
    assert energy_kwh([(at(0), 4.0), (at(15), 4.0)]) == pytest.approx(1.0)


def test_fewer_than_two_samples_is_no_energy() -> None:
    assert energy_kwh([]) == 0
    assert energy_kwh([(at(0), 3.0)]) == 0


def test_split_at_slot_boundaries_is_exact() -> None:
    # 10:10 → 10:20 rising 0 → 6 kW; the slot boundary 10:15 sees 3 kW.
    samples = [(at(10), 0.0), (at(20), 6.0)]
    by_slot = energy_kwh_by(samples, bucket=slot_start, next_boundary=next_slot_boundary)
    assert by_slot == {
        at(0): pytest.approx((0 + 3) / 2 * 5 / 60),
        at(15): pytest.approx((3 + 6) / 2 * 5 / 60),
    }
    assert sum(by_slot.values()) == pytest.approx(energy_kwh(samples))


def test_split_at_local_midnight_across_the_autumn_dst_change() -> None:
    # Brussels 2026-10-25: clocks go back at 03:00 local; local midnight was 22:00 UTC the day
    # before. Samples 21:55 → 22:05 UTC straddle it.
    start = datetime(2026, 10, 24, 21, 55, tzinfo=UTC)
    samples = [(start, 1.2), (start + timedelta(minutes=10), 1.2)]
    by_day = energy_kwh_by(
        samples,
        bucket=lambda t: local_date(t, BRUSSELS),
        next_boundary=lambda t: next_local_midnight(t, BRUSSELS),
    )
    assert {str(day): kwh for day, kwh in by_day.items()} == {
        "2026-10-24": pytest.approx(0.1),
        "2026-10-25": pytest.approx(0.1),
    }


def test_a_dst_day_has_a_hundred_slots() -> None:
    midnight = datetime(2026, 10, 25, tzinfo=BRUSSELS).astimezone(UTC)
    assert (next_local_midnight(midnight, BRUSSELS) - midnight) / timedelta(minutes=15) == 100
