"""A run of the town through time: the physical models put together, chunk after chunk.

Household consumption, sun and clouds are functions of the instant alone; batteries and cars
carry their state from one chunk to the next, so a run gives the same readings however it is cut
into chunks. Readings are rounded to the watt.
"""

from dataclasses import dataclass

import numpy as np

from simulator.physics import (
    CarState,
    ChargeSchedule,
    FloatArray,
    IntArray,
    battery_self_consumption,
    clear_sky_panel_irradiance,
    cloud_factor,
    ev_charging,
    ev_sessions,
    flexible_load_kw,
    household_load_kw,
    local_time,
    rows_summed,
    solar_kw,
    sun_position,
)
from simulator.town import Town

INITIAL_BATTERY_SOC = 0.5  # share of capacity when a run starts


@dataclass(frozen=True)
class Flows:
    """What each household's devices did (kW, shape (households, times) in the order of
    Town.houses, not rounded), in the meters' signs: load, flexible loads and car drawn, solar
    produced, battery + charging / − discharging."""

    load_kw: FloatArray
    pv_kw: FloatArray
    ev_kw: FloatArray
    battery_kw: FloatArray
    flexible_kw: FloatArray  # heat pumps, water heaters...: part of the home's consumption

    @property
    def grid_kw(self) -> FloatArray:
        """The balance the grid meter sees: + import / − export."""
        return self.load_kw + self.flexible_kw + self.ev_kw - self.pv_kw + self.battery_kw


@dataclass(frozen=True)
class Chunk:
    times: IntArray  # (times,) epoch seconds
    power_kw: FloatArray  # (meters, times), in the order of Town.meters, rounded to the watt
    pv_kw: FloatArray  # (meters, times): the solar production of the meter's household
    flows: Flows  # what the readings were made from

    @property
    def readings(self) -> int:
        return int(self.power_kw.size)


def _watts(values: FloatArray) -> FloatArray:
    return np.round(values, 3) + 0.0  # + 0.0 turns -0.0 into 0.0


class TownRun:
    """The town from ``start_s`` on, one reading every ``interval_s`` seconds."""

    def __init__(
        self,
        town: Town,
        *,
        start_s: int,
        interval_s: int,
        schedule: ChargeSchedule | None = None,
    ) -> None:
        self.town = town
        self.start_s = start_s
        self.interval_s = interval_s
        self.schedule = schedule
        self.step = 0
        self.soc_kwh = town.batteries.capacity_kwh * INITIAL_BATTERY_SOC
        self.cars: CarState | None = None

    def next_chunk(self, steps: int) -> Chunk:
        times = self.start_s + self.interval_s * np.arange(
            self.step, self.step + steps, dtype=np.int64
        )
        self.step += steps
        return self.chunk_at(times)

    def chunk_at(self, times: IntArray) -> Chunk:
        town = self.town
        clock = local_time(times, town.site.time_zone)
        load = household_load_kw(town.keys, town.annual_kwh, times, clock)
        houses = len(town.houses)
        pv = np.zeros_like(load)
        if len(town.panel_house):
            sun = sun_position(times, town.site.latitude, town.site.longitude)
            irradiance = np.stack(
                [
                    clear_sky_panel_irradiance(sun, town.site, tilt_deg=tilt, azimuth_deg=azimuth)
                    for tilt, azimuth in town.orientations
                ]
            )
            production = solar_kw(
                town.panel_kwp,
                irradiance,
                cloud_factor(town.seed, times, clock),
                orientation=town.panel_orientation,
                inverter_kw=town.panel_inverter_kw,
            )
            pv = rows_summed(production, town.panel_house, houses)
        flexible = np.zeros_like(load)
        if len(town.flexible_house):
            flexible = rows_summed(
                flexible_load_kw(
                    town.flexible_kinds, town.flexible_kw, town.flexible_keys, times, clock
                ),
                town.flexible_house,
                houses,
            )
        ev = np.zeros_like(load)
        if len(town.car_house):
            days = np.arange(int(clock.day.min()) - 1, int(clock.day.max()) + 1, dtype=np.int64)
            sessions = ev_sessions(town.cars, days, town.site.time_zone)
            ev[town.car_house], self.cars = ev_charging(
                town.cars, sessions, times, self.interval_s, self.cars, self.schedule
            )
        battery = np.zeros_like(load)
        if len(town.battery_house):
            rows = town.battery_house
            surplus = pv[rows] - load[rows] - flexible[rows] - ev[rows]
            battery[rows], self.soc_kwh = battery_self_consumption(
                town.batteries, surplus, self.soc_kwh, self.interval_s
            )
        flows = Flows(load_kw=load, pv_kw=pv, ev_kw=ev, battery_kw=battery, flexible_kw=flexible)
        # Rows in the order of Town.meters: grid, production, battery, ev meters.
        power = np.concatenate(
            [
                flows.grid_kw,
                pv[town.solar_house],
                battery[town.battery_meter_house],
                ev[town.ev_meter_house],
            ]
        )
        return Chunk(
            times=times,
            power_kw=_watts(power),
            pv_kw=_watts(pv[town.meter_house]),
            flows=flows,
        )
