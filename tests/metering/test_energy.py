"""The platform's one energy rule, against hand-computed values."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.timeslots import local_day_start
from metering.energy import Sample, energy_by_bucket, samples_as_arrays

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BRUSSELS = ZoneInfo("Europe/Brussels")


def energy_kwh(samples: list[Sample]) -> float:
    """Net energy in kWh of the samples (positive minus negative), as one bucket."""
    times, powers = samples_as_arrays(samples)
    if len(times) < 2:
        return 0.0
    whole = energy_by_bucket(times, powers, np.array([times[0], times[-1] + 1.0]))
    return float(whole.positive_kwh.sum() - whole.negative_kwh.sum())


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def by_slot(samples: list[tuple[datetime, float]]) -> dict[datetime, tuple[float, float]]:
    times, powers = samples_as_arrays(samples)
    edges = np.arange(at(-60).timestamp(), at(300).timestamp() + 1, 900.0)
    result = energy_by_bucket(times, powers, edges)
    return {
        datetime.fromtimestamp(edges[b], UTC): (pos, neg)
        for b, pos, neg in zip(result.bucket, result.positive_kwh, result.negative_kwh, strict=True)
    }


def test_constant_power_evenly_spaced() -> None:
    assert energy_kwh([(at(m), 2.0) for m in range(13)]) == pytest.approx(0.4)


def test_trapezoid_of_unevenly_spaced_samples() -> None:
    # 0→6 min: 1→3 kW (0.2 kWh); 6→15 min: 3→3 kW (0.45 kWh)
    assert energy_kwh([(at(0), 1.0), (at(6), 3.0), (at(15), 3.0)]) == pytest.approx(0.65)


def test_order_of_samples_does_not_matter() -> None:
    assert energy_kwh([(at(15), 3.0), (at(0), 1.0), (at(6), 3.0)]) == pytest.approx(0.65)


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
    # 10:10 → 10:20 rising 0 → 6 kW; the slot edge 10:15 sees 3 kW.
    slots = by_slot([(at(10), 0.0), (at(20), 6.0)])
    assert slots[at(0)] == pytest.approx(((0 + 3) / 2 * 5 / 60, 0))
    assert slots[at(15)] == pytest.approx(((3 + 6) / 2 * 5 / 60, 0))


def test_a_sign_change_is_split_at_the_zero_crossing() -> None:
    # 2 kW import falling to 2 kW export over 10 minutes: 5 min each side, triangles.
    slots = by_slot([(at(0), 2.0), (at(10), -2.0)])
    assert slots[at(0)] == pytest.approx((2 / 2 * 5 / 60, 2 / 2 * 5 / 60))


def test_samples_in_a_slot_are_counted_and_coverage_measured() -> None:
    times, powers = samples_as_arrays([(at(0), 1.0), (at(5), 1.0), (at(10), 1.0)])
    result = energy_by_bucket(times, powers, np.array([at(0).timestamp(), at(15).timestamp()]))
    assert list(result.samples) == [3]
    assert list(result.covered_s) == [600.0]


def test_groups_are_never_bridged() -> None:
    times, powers = samples_as_arrays([(at(0), 1.0), (at(5), 1.0)])
    both = np.concatenate([times, times])
    result = energy_by_bucket(
        both,
        np.concatenate([powers, powers * 2]),
        np.array([at(0).timestamp(), at(15).timestamp()]),
        groups=np.array([0, 0, 1, 1]),
    )
    assert list(result.group) == [0, 1]
    assert result.positive_kwh == pytest.approx([1 / 12, 2 / 12])


def test_a_dst_day_has_a_hundred_slots() -> None:
    midnight = datetime(2026, 10, 25, tzinfo=BRUSSELS).astimezone(UTC)
    next_midnight = local_day_start(date(2026, 10, 26), BRUSSELS)
    assert (next_midnight - midnight) / timedelta(minutes=15) == 100


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4 * 3600), st.floats(-50, 50, allow_nan=False)),
        min_size=2,
        max_size=40,
        unique_by=lambda sample: sample[0],
    )
)
def test_buckets_add_up_to_the_whole(raw: list[tuple[int, float]]) -> None:
    samples = [(T0 + timedelta(seconds=s), p) for s, p in raw]
    slots = by_slot(samples)
    net = sum(pos - neg for pos, neg in slots.values())
    assert net == pytest.approx(energy_kwh(samples), abs=1e-9)
    assert all(pos >= 0 and neg >= 0 for pos, neg in slots.values())
