"""The simulator's physical models against known values and physical bounds."""

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from metering.models import Meter
from simulator.engine import TownRun
from simulator.physics import (
    POWERDALE,
    Batteries,
    Cars,
    battery_self_consumption,
    cars_plain,
    clear_sky_panel_irradiance,
    cloud_factor,
    ev_charging,
    ev_sessions,
    household_load_kw,
    keys_array,
    local_midnights,
    local_time,
    solar_kw,
    sun_position,
    value_noise,
)
from simulator.town import House, town_build

HOUR = 3600


def epoch(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def year_of(interval: int, year: int = 2025) -> np.ndarray:
    return np.arange(epoch(year, 1, 1), epoch(year + 1, 1, 1), interval, dtype=np.int64)


def test_the_sun_at_brussels_solar_noon_on_the_solstices() -> None:
    # Solar noon at 4.35° E is about 11:43 UTC; elevation = 90° − latitude ± 23.44°.
    summer = sun_position(np.array([epoch(2025, 6, 21, 11, 43)]), 50.85, 4.35)
    winter = sun_position(np.array([epoch(2025, 12, 21, 11, 43)]), 50.85, 4.35)
    assert np.degrees(summer.elevation[0]) == pytest.approx(90 - 50.85 + 23.44, abs=0.3)
    assert np.degrees(winter.elevation[0]) == pytest.approx(90 - 50.85 - 23.44, abs=0.3)
    assert np.degrees(summer.azimuth[0]) == pytest.approx(180, abs=2)


@pytest.mark.parametrize("seed", [1, 2, 3, 42])
def test_a_year_of_solar_yields_850_to_1050_kwh_per_kwp_at_brussels(seed: int) -> None:
    times = year_of(900)
    clock = local_time(times, POWERDALE.time_zone)
    light = clear_sky_panel_irradiance(sun_position(times, 50.85, 4.35), POWERDALE)
    production = solar_kw(np.array([1.0, 5.0]), light, cloud_factor(seed, times, clock))
    yearly_kwh = production.sum(axis=1) * 0.25
    assert 850 <= yearly_kwh[0] <= 1050
    assert yearly_kwh[1] == pytest.approx(5 * yearly_kwh[0])
    assert production.max() <= 5.0


def test_panels_produce_nothing_at_night() -> None:
    times = year_of(600)
    sun = sun_position(times, 50.85, 4.35)
    clock = local_time(times, POWERDALE.time_zone)
    production = solar_kw(
        np.array([8.0]), clear_sky_panel_irradiance(sun, POWERDALE), cloud_factor(1, times, clock)
    )[0]
    assert (production[sun.elevation <= 0] == 0).all()
    assert (production[(clock.hour < 3) | (clock.hour > 23)] == 0).all()
    assert (production[sun.elevation > np.radians(20)] > 0).all()


def test_clouds_are_shared_by_the_town_and_move_in_time() -> None:
    times = np.arange(epoch(2025, 6, 1), epoch(2025, 6, 8), 60, dtype=np.int64)
    clock = local_time(times, POWERDALE.time_zone)
    clouds = cloud_factor(7, times, clock)
    assert ((clouds >= 0.05) & (clouds <= 1.0)).all()
    assert clouds.std() > 0.1
    assert np.corrcoef(clouds[:-1], clouds[1:])[0, 1] > 0.95  # a minute later: much the same


def test_consumption_follows_the_yearly_energy_and_the_week() -> None:
    times = year_of(900)
    clock = local_time(times, POWERDALE.time_zone)
    keys = keys_array(list(range(200)))
    annual = np.linspace(1500, 6000, 200)
    load = household_load_kw(keys, annual, times, clock)
    assert (load > 0).all()
    assert load.sum(axis=1) * 0.25 == pytest.approx(annual, rel=0.05)
    town = load.mean(axis=0)
    midday = (clock.hour >= 11) & (clock.hour < 14)
    morning = (clock.hour >= 7) & (clock.hour < 8)
    assert town[midday & clock.weekend].mean() > 1.3 * town[midday & ~clock.weekend].mean()
    assert town[morning & ~clock.weekend].mean() > 1.3 * town[morning & clock.weekend].mean()
    evening = (clock.hour >= 18) & (clock.hour < 21)
    night = (clock.hour >= 2) & (clock.hour < 5)
    assert town[evening].mean() > 3 * town[night].mean()
    winter = clock.day_of_year < 45
    summer = (clock.day_of_year > 160) & (clock.day_of_year < 205)
    assert town[winter].mean() > 1.3 * town[summer].mean()


def test_appliance_noise_is_correlated_in_time_not_white() -> None:
    times = np.arange(epoch(2025, 3, 1), epoch(2025, 3, 8), 60, dtype=np.int64)
    noise = value_noise(keys_array([11, 12]), times, 1800)
    assert np.corrcoef(noise[0, :-1], noise[0, 1:])[0, 1] > 0.9
    assert abs(np.corrcoef(noise[0], noise[1])[0, 1]) < 0.2  # households differ
    assert noise.min() >= -1
    assert noise.max() <= 1


def test_a_battery_stays_within_its_bounds_and_loses_its_efficiency() -> None:
    rng = np.random.default_rng(5)
    batteries = Batteries(
        capacity_kwh=np.array([5.0, 10.0, 13.5]),
        max_charge_kw=np.array([2.5, 5.0, 3.0]),
        max_discharge_kw=np.array([2.0, 5.0, 1.5]),
        efficiency=np.array([0.95, 0.95, 0.9]),
    )
    surplus = rng.normal(0, 4, size=(3, 5000))
    soc_start = np.array([2.5, 0.0, 13.5])
    power, soc = battery_self_consumption(batteries, surplus, soc_start, 300)
    assert (power <= batteries.max_charge_kw[:, None] + 1e-9).all()
    assert (-power <= batteries.max_discharge_kw[:, None] + 1e-9).all()
    assert (power == batteries.max_charge_kw[:, None]).any(axis=1).all()  # the limits bind
    assert (-power == batteries.max_discharge_kw[:, None]).any(axis=1).all()
    assert ((soc >= 0) & (soc <= batteries.capacity_kwh)).all()
    # Charging (+) never exceeds the surplus, discharging (−) never exceeds the need.
    assert (power <= np.maximum(surplus, 0) + 1e-9).all()
    assert (-power <= np.maximum(-surplus, 0) + 1e-9).all()
    # Energy in × η − energy out / η = what the state of charge gained.
    charged = np.maximum(power, 0).sum(axis=1) * (300 / 3600)
    discharged = np.maximum(-power, 0).sum(axis=1) * (300 / 3600)
    stored = soc - soc_start
    expected = charged * batteries.efficiency - discharged / batteries.efficiency
    assert stored == pytest.approx(expected, abs=1e-6)


def test_a_battery_charges_positive_from_a_surplus_and_discharges_negative_into_a_need() -> None:
    batteries = Batteries(np.array([10.0]), np.array([5.0]), np.array([5.0]), np.array([0.9]))
    surplus = np.array([[2.0, 2.0, -1.5, -1.5]])
    power, soc = battery_self_consumption(batteries, surplus, np.array([5.0]), 3600)
    assert power.tolist() == [[2.0, 2.0, -1.5, -1.5]]
    assert soc[0] == pytest.approx(5.0 + 2 * 2.0 * 0.9 - 2 * 1.5 / 0.9)


def test_a_full_battery_takes_no_more_and_an_empty_one_gives_nothing() -> None:
    batteries = Batteries(np.array([10.0]), np.array([5.0]), np.array([5.0]), np.array([0.9**0.5]))
    power, soc = battery_self_consumption(batteries, np.full((1, 10), 3.0), np.array([10.0]), 60)
    assert (power == 0).all()
    assert soc[0] == 10.0
    power, soc = battery_self_consumption(batteries, np.full((1, 10), -3.0), np.array([0.0]), 60)
    assert (power == 0).all()
    assert soc[0] == 0.0


def cars() -> Cars:
    return cars_plain(
        names=["ev-a", "ev-b"],
        keys=keys_array([101, 202]),
        battery_kwh=np.array([60.0, 40.0]),
        charger_max_kw=np.array([7.4, 3.7]),
    )


def test_cars_charge_at_full_power_from_arrival_until_they_have_what_they_want() -> None:
    fleet = cars()
    times = np.arange(epoch(2025, 3, 3), epoch(2025, 3, 10), 60, dtype=np.int64)
    days = np.arange(times[0] // 86400 - 1, times[-1] // 86400 + 2)
    sessions = ev_sessions(fleet, days, POWERDALE.time_zone)
    power, _state = ev_charging(fleet, sessions, times, 60, None)
    clock = local_time(times, POWERDALE.time_zone)
    assert (power[:, (clock.hour > 9) & (clock.hour < 16)] == 0).all()  # away during the day
    assert power.max(axis=1) == pytest.approx(fleet.charger_max_kw)
    arrivals = (clock.hour > 16) & (clock.hour < 20)
    assert power[:, arrivals].max() > 0
    # Each evening's energy is what that session wanted (a week of sessions, full power).
    for day in range(1, 6):
        window = (times >= sessions.arrival[0, day]) & (times < sessions.departure[0, day])
        delivered = power[0, window].sum() / 60
        assert delivered == pytest.approx(sessions.wanted_kwh[0, day], abs=7.4 / 60 + 1e-9)
        assert 4 <= sessions.wanted_kwh[0, day] <= 18


def test_a_charge_schedule_decides_when_a_car_charges() -> None:
    class NightOnly:
        """Car ev-a may charge only between 01:00 and 05:00 UTC; ev-b has no schedule."""

        def __call__(self, car: str, times: np.ndarray) -> np.ndarray | None:
            if car != "ev-a":
                return None
            hour = (times % 86400) / 3600
            return np.where((hour >= 1) & (hour < 5), 3.0, 0.0)

    fleet = cars()
    times = np.arange(epoch(2025, 3, 3), epoch(2025, 3, 6), 60, dtype=np.int64)
    days = np.arange(times[0] // 86400 - 1, times[-1] // 86400 + 2)
    sessions = ev_sessions(fleet, days, POWERDALE.time_zone)
    power, _state = ev_charging(fleet, sessions, times, 60, None, NightOnly())
    hour = (times % 86400) / 3600
    assert (power[0, (hour < 1) | (hour >= 5)] == 0).all()
    assert power[0].max() == 3.0
    assert power[1].max() == pytest.approx(3.7)  # unscheduled: at once, full power


def test_a_charger_never_draws_below_its_minimum_except_to_finish_a_session() -> None:
    class BelowMinimum:
        """ev-a may draw only 3 kW (below its 4.14 kW minimum) 19:00-23:00 UTC, ev-b 1 kW
        (below its 1.38 kW) 20:00-21:00 UTC: off then."""

        def __call__(self, car: str, times: np.ndarray) -> np.ndarray | None:
            hour = (times % 86400) / 3600
            window = (19, 23, 3.0, 11.0) if car == "ev-a" else (20, 21, 1.0, 3.7)
            return np.where((hour >= window[0]) & (hour < window[1]), window[2], window[3])

    fleet = replace(cars(), charger_min_kw=np.array([4.14, 1.38]), efficiency=np.array([0.9, 0.8]))
    times = np.arange(epoch(2025, 3, 3), epoch(2025, 3, 10), 60, dtype=np.int64)
    days = np.arange(times[0] // 86400 - 1, times[-1] // 86400 + 2)
    sessions = ev_sessions(fleet, days, POWERDALE.time_zone)
    power, _state = ev_charging(fleet, sessions, times, 60, None, BelowMinimum())
    hour = (times % 86400) / 3600
    assert (power[0, (hour >= 19) & (hour < 23)] == 0).all()
    assert (power[1, (hour >= 20) & (hour < 21)] == 0).all()
    for car in range(2):
        low = np.flatnonzero((power[car] > 0) & (power[car] < fleet.charger_min_kw[car]))
        assert len(low) <= 7  # at most the last step of each session
        assert (power[car, low[low + 1 < len(times)] + 1] == 0).all()  # and then it stops
    # The battery gets the AC × the charging efficiency: each session gets what it wanted.
    for day in range(1, 6):
        window = (times >= sessions.arrival[1, day]) & (times < sessions.departure[1, day])
        stored = power[1, window].sum() / 60 * 0.8
        assert stored == pytest.approx(sessions.wanted_kwh[1, day], abs=1e-9)


def test_a_cars_usual_departure_and_need_replace_the_draws() -> None:
    fleet = replace(cars(), departure_h=np.array([5.25, np.nan]), need_kwh=np.array([30.0, np.nan]))
    days = np.arange(20_000, 20_010, dtype=np.int64)
    sessions = ev_sessions(fleet, days, POWERDALE.time_zone)
    drawn = ev_sessions(cars(), days, POWERDALE.time_zone)
    following = local_midnights(days + 1, POWERDALE.time_zone)
    assert (sessions.departure[0] == following + 5 * 3600 + 900).all()
    assert (sessions.wanted_kwh[0] == 30.0).all()
    assert (sessions.departure[1] == drawn.departure[1]).all()  # unset: the draws
    assert (sessions.wanted_kwh[1] == drawn.wanted_kwh[1]).all()
    assert (sessions.arrival == drawn.arrival).all()


def town_of(count: int) -> list[House]:
    return [
        House(
            grid=Meter(pk=4 * i + 1, meter_id=f"grid-{i}", kind="grid"),
            production=Meter(pk=4 * i + 2, meter_id=f"pv-{i}", kind="production")
            if i % 2 == 0
            else None,
            battery=Meter(pk=4 * i + 3, meter_id=f"bat-{i}", kind="battery")
            if i % 4 == 0
            else None,
            ev=Meter(pk=4 * i + 4, meter_id=f"ev-{i}", kind="ev") if i % 3 == 0 else None,
        )
        for i in range(count)
    ]


def test_the_grid_meter_is_import_minus_export_after_solar_and_battery() -> None:
    town = town_build(town_of(8), seed=3)
    chunk = TownRun(town, start_s=epoch(2025, 6, 2), interval_s=300).next_chunk(288)
    rows = {meter.meter_id: row for row, meter in enumerate(town.meters)}
    grid, pv, battery, ev = (
        chunk.power_kw[rows[f"{kind}-0"]] for kind in ("grid", "pv", "bat", "ev")
    )
    load = grid + pv - battery - ev
    assert load == pytest.approx(chunk.flows.load_kw[0], abs=2e-3)  # readings are rounded
    assert (load > 0).all()  # what the home itself uses is what is left: always positive
    assert (grid < 0).any()  # a sunny June day: the home exports at noon
    assert (pv[:24] == 0).all()  # 00:00-02:00 UTC
    assert (battery > 0).any()
    assert (battery < 0).any()
    assert (battery[pv == 0] <= 0).all()  # no sun, no charging: the battery only gives


def test_the_same_seed_gives_the_same_readings_however_the_run_is_cut() -> None:
    town = town_build(town_of(12), seed=9)
    start = epoch(2025, 10, 25)  # across the end of summer time
    whole = TownRun(town, start_s=start, interval_s=60).next_chunk(3 * 1440)
    pieces = TownRun(town, start_s=start, interval_s=60)
    parts = [pieces.next_chunk(steps) for steps in (7, 1000, 1433, 1, 1879)]
    assert np.concatenate([p.power_kw for p in parts], axis=1).tobytes() == whole.power_kw.tobytes()
    again = TownRun(town_build(town_of(12), seed=9), start_s=start, interval_s=60).next_chunk(4320)
    assert again.power_kw.tobytes() == whole.power_kw.tobytes()
    other = TownRun(town_build(town_of(12), seed=10), start_s=start, interval_s=60).next_chunk(4320)
    assert other.power_kw.tobytes() != whole.power_kw.tobytes()


def test_the_models_alone_generate_over_a_million_readings_a_second() -> None:
    import time

    town = town_build(town_of(1000), seed=1)
    run = TownRun(town, start_s=epoch(2025, 1, 6), interval_s=60)
    started = time.perf_counter()
    chunk = run.next_chunk(1440)
    assert chunk.readings / (time.perf_counter() - started) > 1_000_000
