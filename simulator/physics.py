"""Physical models of a town's energy: pure numpy functions, no Django, no I/O.

Everything is a function of a seed, a stable key per household (or car) and the time: the
random parts come from a counter-based hash (splitmix64) of (key, time knot), never from a
stateful generator, so a value at an instant is the same whichever run or chunk computes it.
Only batteries and cars carry state (state of charge, energy still wanted), which the caller
passes from one chunk to the next.

Times are int64 arrays of epoch seconds (UTC); power is in kW, energy in kWh, with the meters'
signs (a battery + charging / − discharging, a car + charging). Arrays are shaped (items, times):
one row per household, battery or car.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
KeyArray = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]

HOURS_PER_YEAR = 8760.0
DAY_S = 86_400


@dataclass(frozen=True)
class Site:
    """Where the town is: the sun's path and the local calendar follow from it."""

    latitude: float
    longitude: float
    time_zone: str
    panel_tilt_deg: float = 35.0
    panel_azimuth_deg: float = 180.0  # south


POWERDALE = Site(latitude=50.85, longitude=4.35, time_zone="Europe/Brussels")  # Brussels


# --- deterministic randomness ------------------------------------------------------------------


def stable_key(*parts: object) -> int:
    """A 64-bit key of the parts, the same in every process (unlike ``hash``)."""
    text = "\x1f".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def _mix(x: KeyArray) -> KeyArray:
    """splitmix64's finaliser: a bijection of uint64 that scrambles every bit."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def uniform(keys: KeyArray, counters: npt.NDArray[np.int64]) -> FloatArray:
    """Uniform numbers in [0, 1), one per (key, counter) pair; the arrays broadcast."""
    mixed = _mix(keys ^ _mix(counters.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)))
    return (mixed >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def keys_array(keys: list[int]) -> KeyArray:
    return np.array(keys, dtype=np.uint64)


def value_noise(keys: KeyArray, times: IntArray, period_s: int) -> FloatArray:
    """Noise in [-1, 1] that moves smoothly in time: random knots every ``period_s`` seconds,
    linearly interpolated, so neighbouring samples are correlated (not white noise). Its mean
    is zero. Shape (len(keys), len(times))."""
    knot = times // period_s
    weight = (times - knot * period_s) / period_s
    first = int(knot.min())
    counters = np.arange(first, int(knot.max()) + 2, dtype=np.int64)
    knots = 2.0 * uniform(keys[:, None], counters[None, :]) - 1.0
    index = knot - first
    return knots[:, index] * (1.0 - weight) + knots[:, index + 1] * weight


# --- the local calendar ------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalTime:
    hour: FloatArray  # local hour of day, 0 ≤ h < 24
    weekend: BoolArray
    day_of_year: FloatArray  # 0-based, fractional
    day: IntArray  # local calendar day, as days since 1970-01-01


def local_time(times: IntArray, time_zone: str) -> LocalTime:
    """Local clock and calendar of each instant (the offset is taken per UTC day, so a DST
    change shows from the next UTC midnight)."""
    zone = ZoneInfo(time_zone)
    utc_days = times // DAY_S
    days, inverse = np.unique(utc_days, return_inverse=True)
    offsets = np.array(
        [
            _offset_s(datetime.fromtimestamp(int(day) * DAY_S + DAY_S // 2, tz=UTC), zone)
            for day in days
        ],
        dtype=np.int64,
    )
    local = times + offsets[inverse]
    local_day = local // DAY_S
    hour = (local - local_day * DAY_S) / 3600.0
    weekday = (local_day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    year_start = np.array(
        [_year_start_day(int(day)) for day in np.unique(local_day)], dtype=np.int64
    )
    starts = year_start[np.searchsorted(np.unique(local_day), local_day)]
    return LocalTime(
        hour=hour,
        weekend=weekday >= 5,
        day_of_year=(local_day - starts) + hour / 24.0,
        day=local_day,
    )


def _offset_s(moment: datetime, zone: ZoneInfo) -> int:
    offset = moment.astimezone(zone).utcoffset() or timedelta(0)
    return int(offset.total_seconds())


def _year_start_day(day: int) -> int:
    year = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).year
    return (datetime(year, 1, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).days


def local_midnights(days: IntArray, time_zone: str) -> IntArray:
    """Epoch seconds of the start of each local calendar day."""
    zone = ZoneInfo(time_zone)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    starts = []
    for day in days.tolist():
        noon = epoch + timedelta(days=day, hours=12)
        starts.append(day * DAY_S - _offset_s(noon, zone))
    return np.array(starts, dtype=np.int64)


# --- household consumption ---------------------------------------------------------------------

# Share of the mean load at each local hour (00:00 … 23:00), shaped like the Belgian and German
# standard residential profiles (Synergrid S21, BDEW H0): a night trough, a morning peak, a
# flat day and the evening peak; weekends wake later and stay home at midday.
_WEEKDAY = np.array(
    [0.55, 0.48, 0.45, 0.44, 0.45, 0.55, 0.85, 1.25, 1.20, 0.95, 0.85, 0.85,
     0.92, 0.88, 0.82, 0.85, 1.00, 1.30, 1.70, 1.85, 1.75, 1.50, 1.15, 0.78],
)  # fmt: skip
_WEEKEND = np.array(
    [0.62, 0.52, 0.47, 0.45, 0.45, 0.48, 0.58, 0.75, 1.00, 1.22, 1.30, 1.38,
     1.45, 1.30, 1.15, 1.10, 1.15, 1.35, 1.65, 1.75, 1.65, 1.45, 1.15, 0.82],
)  # fmt: skip
_WEEK_MEAN = (5 * _WEEKDAY.mean() + 2 * _WEEKEND.mean()) / 7
SEASONAL_SWING = 0.22  # winter draws this much more than the mean, summer this much less
LOAD_FAST_NOISE_S = 180  # appliances switching: knots every 3 minutes
LOAD_SLOW_NOISE_S = 1800  # occupancy and habits: knots every 30 minutes


def daily_shape(hour: FloatArray, weekend: BoolArray) -> FloatArray:
    """The residential shape at each local hour (mean 1 over a week), interpolated."""
    index = np.floor(hour).astype(np.int64) % 24
    weight = hour - np.floor(hour)
    following = (index + 1) % 24
    weekday = _WEEKDAY[index] * (1 - weight) + _WEEKDAY[following] * weight
    weekend_shape = _WEEKEND[index] * (1 - weight) + _WEEKEND[following] * weight
    return np.where(weekend, weekend_shape, weekday) / _WEEK_MEAN


def seasonal_level(day_of_year: FloatArray) -> FloatArray:
    """More light and heat needed in winter: 1 ± SEASONAL_SWING, highest mid-January."""
    return 1.0 + SEASONAL_SWING * np.cos(2 * math.pi * (day_of_year - 15.0) / 365.25)


def household_load_kw(
    keys: KeyArray, annual_kwh: FloatArray, times: IntArray, clock: LocalTime
) -> FloatArray:
    """Consumption of each household (kW): its yearly energy spread over the residential shape
    and the seasons, times appliance noise that is correlated in time (mean one, never below
    0.45)."""
    base = daily_shape(clock.hour, clock.weekend) * seasonal_level(clock.day_of_year)
    noise = (
        1.0
        + 0.35 * value_noise(keys, times, LOAD_SLOW_NOISE_S)
        + 0.20 * value_noise(keys ^ np.uint64(0x5A5A5A5A), times, LOAD_FAST_NOISE_S)
    )
    return (annual_kwh / HOURS_PER_YEAR)[:, None] * base[None, :] * noise


# --- the sun and solar panels ------------------------------------------------------------------

SOLAR_CONSTANT_W_M2 = 1361.0
PERFORMANCE_RATIO = 0.86  # inverter, wiring, temperature and soiling losses
CLOUD_DAY_KEY = 0xC10D_DA15
CLOUD_HOUR_KEY = 0xC10D_0117


@dataclass(frozen=True)
class SunPosition:
    elevation: FloatArray  # radians above the horizon (negative at night)
    azimuth: FloatArray  # radians clockwise from north


def sun_position(times: IntArray, latitude: float, longitude: float) -> SunPosition:
    """The sun's position (the Astronomical Almanac's low-precision formulas, ~0.01°)."""
    n = times / DAY_S - 10_957.5  # days since J2000.0
    mean_longitude = np.radians((280.460 + 0.9856474 * n) % 360)
    anomaly = np.radians((357.528 + 0.9856003 * n) % 360)
    ecliptic = (
        mean_longitude
        + np.radians(1.915) * np.sin(anomaly)
        + np.radians(0.020) * np.sin(2 * anomaly)
    )
    obliquity = np.radians(23.439 - 0.0000004 * n)
    declination = np.arcsin(np.sin(obliquity) * np.sin(ecliptic))
    right_ascension = np.arctan2(np.cos(obliquity) * np.sin(ecliptic), np.cos(ecliptic))
    sidereal = np.radians((280.46061837 + 360.98564736629 * n + longitude) % 360)
    hour_angle = sidereal - right_ascension
    lat = math.radians(latitude)
    sin_elevation = np.sin(lat) * np.sin(declination) + np.cos(lat) * np.cos(declination) * np.cos(
        hour_angle
    )
    elevation = np.arcsin(np.clip(sin_elevation, -1.0, 1.0))
    azimuth = np.arctan2(
        -np.sin(hour_angle), np.tan(declination) * np.cos(lat) - np.sin(lat) * np.cos(hour_angle)
    ) % (2 * math.pi)
    return SunPosition(elevation=elevation, azimuth=azimuth)


def clear_sky_panel_irradiance(
    sun: SunPosition,
    site: Site,
    *,
    tilt_deg: float | None = None,
    azimuth_deg: float | None = None,
) -> FloatArray:
    """Clear-sky irradiance on a tilted panel (W/m²): Haurwitz's global irradiance, split into
    beam and diffuse, projected on the panel with ground reflection. Zero at night. The panel
    faces ``azimuth_deg`` (clockwise from north, 180 south) at ``tilt_deg`` (0 flat); the
    site's defaults when not given."""
    cos_zenith = np.sin(sun.elevation)
    up = cos_zenith > 0.0
    safe = np.where(up, cos_zenith, 1.0)
    ghi = np.where(up, 1098.0 * safe * np.exp(-0.057 / safe), 0.0)
    diffuse = 0.15 * ghi
    beam_normal = np.minimum(np.where(up, (ghi - diffuse) / np.maximum(safe, 0.05), 0.0), 1000.0)
    tilt = math.radians(site.panel_tilt_deg if tilt_deg is None else tilt_deg)
    azimuth = math.radians(site.panel_azimuth_deg if azimuth_deg is None else azimuth_deg)
    cos_incidence = cos_zenith * math.cos(tilt) + np.cos(sun.elevation) * math.sin(tilt) * np.cos(
        sun.azimuth - azimuth
    )
    on_panel = (
        beam_normal * np.maximum(cos_incidence, 0.0)
        + diffuse * (1 + math.cos(tilt)) / 2
        + 0.2 * ghi * (1 - math.cos(tilt)) / 2
    )
    return np.where(up, on_panel, 0.0)


def cloud_factor(seed: int, times: IntArray, clock: LocalTime) -> FloatArray:
    """Share of clear-sky light that gets through, shared by the whole town: a weather level
    per day (knots a day apart) and passing clouds (knots every 20 minutes), sunnier in summer.
    Between 0.05 and 1."""
    key = keys_array([seed ^ CLOUD_DAY_KEY, seed ^ CLOUD_HOUR_KEY])
    season = 0.45 + 0.10 * np.cos(2 * math.pi * (clock.day_of_year - 172.0) / 365.25)
    weather = value_noise(key[:1], times, DAY_S)[0]
    passing = value_noise(key[1:], times, 1200)[0]
    return np.clip(season + 0.42 * weather + 0.22 * passing, 0.05, 1.0)


def solar_kw(
    kwp: FloatArray,
    irradiance: FloatArray,
    clouds: FloatArray,
    *,
    orientation: IntArray | None = None,
    inverter_kw: FloatArray | None = None,
) -> FloatArray:
    """Production of each array (kW): installed kWp × irradiance / 1000 W/m² × performance
    ratio × clouds, never above the installed peak nor above its inverter's AC rating (the
    inverter clips). ``irradiance`` is one series (times,) for every array, or one per
    orientation (orientations, times) with ``orientation`` giving each array's row. Shape
    (len(kwp), times)."""
    per_kwp = np.minimum(irradiance * clouds * (PERFORMANCE_RATIO / 1000.0), 1.0)
    if per_kwp.ndim == 1:
        production = kwp[:, None] * per_kwp[None, :]
    else:
        rows = np.zeros(len(kwp), dtype=np.int64) if orientation is None else orientation
        production = kwp[:, None] * per_kwp[rows]
    if inverter_kw is not None:
        production = np.minimum(production, inverter_kw[:, None])
    return production


def rows_summed(values: FloatArray, owner: IntArray, count: int) -> FloatArray:
    """The rows of ``values`` added up by owner (several arrays or loads at one household):
    shape (count, times), zero for an owner without rows; a lone row is kept exactly."""
    total = np.zeros((count, values.shape[1]))
    if len(owner) == 0:
        return total
    order = np.argsort(owner, kind="stable")
    owners, starts = np.unique(owner[order], return_index=True)
    total[owners] = np.add.reduceat(values[order], starts, axis=0)
    return total


# --- home batteries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Batteries:
    capacity_kwh: FloatArray
    max_charge_kw: FloatArray
    max_discharge_kw: FloatArray
    efficiency: FloatArray  # one-way efficiency, 0 < η ≤ 1 (the round trip is η²)


def battery_self_consumption(
    batteries: Batteries, surplus_kw: FloatArray, soc_kwh: FloatArray, interval_s: int
) -> tuple[FloatArray, FloatArray]:
    """Self-consumption mode: charge from solar surplus, discharge to cover the load, within the
    battery's charging and discharging powers and its state of charge (kept within 0 and the
    capacity); each way loses the one-way efficiency η (stored = η × charged, delivered =
    η × taken from the cells).

    ``surplus_kw`` is production minus consumption, shape (batteries, times). Returns the power
    at the battery's terminals in the battery meter's sign (positive when charging, negative when
    discharging into the home) and the state of charge (kWh) after the last step."""
    hours = interval_s / 3600.0
    leg = batteries.efficiency
    capacity = batteries.capacity_kwh
    power = np.empty_like(surplus_kw)
    soc = soc_kwh.copy()
    for step in range(surplus_kw.shape[1]):
        surplus = surplus_kw[:, step]
        room_kw = (capacity - soc) / (leg * hours)
        stock_kw = soc * leg / hours
        charge = np.minimum(np.minimum(np.maximum(surplus, 0.0), batteries.max_charge_kw), room_kw)
        discharge = np.minimum(
            np.minimum(np.maximum(-surplus, 0.0), batteries.max_discharge_kw), stock_kw
        )
        soc = np.clip(soc + (charge * leg - discharge / leg) * hours, 0.0, capacity)
        power[:, step] = charge - discharge
    return power, soc


# --- electric vehicles -------------------------------------------------------------------------


class ChargeSchedule(Protocol):
    """A plan for when a car may charge (the grid's EV scheduler provides one).

    Called with the car's meter id and the instants of the steps to come; returns the most power
    (kW) the car may draw at each of them, or None when there is no plan for that car, which
    then charges at full power as soon as it is plugged in."""

    def __call__(self, car: str, times: IntArray) -> FloatArray | None: ...


@dataclass(frozen=True)
class Cars:
    names: list[str]  # the EV meters' ids, as a schedule knows them
    keys: KeyArray
    battery_kwh: FloatArray
    charger_max_kw: FloatArray
    charger_min_kw: FloatArray  # 0, or the lowest power the charger gives when on
    efficiency: FloatArray  # the car's battery gets the AC drawn × this
    departure_h: FloatArray  # usual local departure hour; NaN: the morning draw
    need_kwh: FloatArray  # usual energy wanted by departure; NaN: the trips draw


def cars_plain(
    names: list[str], keys: KeyArray, battery_kwh: FloatArray, charger_max_kw: FloatArray
) -> Cars:
    """Cars with no charger minimum, no losses and the drawn habits."""
    count = len(names)
    return Cars(
        names=names,
        keys=keys,
        battery_kwh=battery_kwh,
        charger_max_kw=charger_max_kw,
        charger_min_kw=np.zeros(count),
        efficiency=np.ones(count),
        departure_h=np.full(count, np.nan),
        need_kwh=np.full(count, np.nan),
    )


@dataclass(frozen=True)
class Sessions:
    """When each car is plugged in and how much energy it wants, one column per local day."""

    days: IntArray  # (days,) the local days of the columns
    arrival: IntArray  # (cars, days) epoch seconds
    departure: IntArray
    wanted_kwh: FloatArray  # energy into the car's battery


TARGET_SOC = 0.9


def _arrivals(cars: Cars, days: IntArray, midnights: IntArray) -> IntArray:
    counters = days[None, :] * 8
    early, late = (uniform(cars.keys[:, None], counters + k) for k in (0, 1))
    return midnights[None, :] + ((16.5 + 1.5 * (early + late)) * 3600).astype(np.int64)


def ev_sessions(cars: Cars, days: IntArray, time_zone: str) -> Sessions:
    """Each car comes home in the evening (16:30–19:30, most around 18:00), having used 4–18 kWh
    on the day's trips (most days little), and leaves the next morning (06:30–08:30) wanting to
    be back at 90 % of its battery by then. ``days`` are local days. A car's usual departure
    (a local hour) and usual energy need replace those draws where they are set; a session
    always ends by the next evening's arrival."""
    midnights = local_midnights(days, time_zone)
    counters = days[None, :] * 8
    draw = [uniform(cars.keys[:, None], counters + k) for k in range(5)]
    arrival = _arrivals(cars, days, midnights)
    following = local_midnights(days + 1, time_zone)
    departure_h = np.where(
        np.isnan(cars.departure_h)[:, None],
        6.5 + 1.0 * (draw[2] + draw[3]),
        cars.departure_h[:, None],
    )
    departure = following[None, :] + (departure_h * 3600).astype(np.int64)
    departure = np.minimum(departure, _arrivals(cars, days + 1, following))
    trips_kwh = np.minimum(
        4.0 + 14.0 * draw[4] ** 2, (TARGET_SOC - 0.1) * cars.battery_kwh[:, None]
    )
    need = np.minimum(cars.need_kwh, cars.battery_kwh)[:, None]
    wanted = np.where(np.isnan(need), trips_kwh, need)
    return Sessions(days=days, arrival=arrival, departure=departure, wanted_kwh=wanted)


@dataclass
class CarState:
    session: IntArray  # the local day the session under way began on
    wanted_kwh: FloatArray  # energy the session under way still wants (into the battery)


def ev_charging(
    cars: Cars,
    sessions: Sessions,
    times: IntArray,
    interval_s: int,
    state: CarState | None,
    schedule: ChargeSchedule | None = None,
) -> tuple[FloatArray, CarState]:
    """Charging power of each car (kW AC, positive: what its meter measures) at each step, and
    the state after the last.

    A car charges while plugged in until its session has what it wants (the battery gets the
    AC × the charging efficiency), at full charger power or within its schedule's limit. A
    charger never draws between 0 and its minimum: a limit below the minimum means off, and
    only the step that completes the session averages less. With no state (the first chunk of
    a run) a session already under way is taken to have charged at full power since the car
    arrived."""
    hours = interval_s / 3600.0
    count = len(cars.names)
    column = np.empty((count, len(times)), dtype=np.int64)
    for car in range(count):
        column[car] = np.searchsorted(sessions.arrival[car], times, side="right") - 1
    rows = np.arange(count)[:, None]
    safe = np.maximum(column, 0)
    plugged = (column >= 0) & (times[None, :] < sessions.departure[rows, safe])
    limit = np.repeat(cars.charger_max_kw[:, None], len(times), axis=1)
    if schedule is not None:
        for car, name in enumerate(cars.names):
            allowed = schedule(name, times)
            if allowed is not None:
                limit[car] = np.clip(allowed, 0.0, cars.charger_max_kw[car])
    usable = plugged & (limit > 0.0) & (limit >= cars.charger_min_kw[:, None])
    day = sessions.days[safe]  # the session of each step, named by the day it began
    stored_per_kwh = cars.efficiency * hours  # battery kWh per kW drawn over a step
    if state is None:
        first = safe[:, 0]
        since = (times[0] - sessions.arrival[rows[:, 0], first]) / 3600.0
        wanted_then = (
            sessions.wanted_kwh[rows[:, 0], first] - cars.charger_max_kw * cars.efficiency * since
        )
        state = CarState(session=day[:, 0], wanted_kwh=np.maximum(wanted_then, 0.0))
    session, wanted = state.session.copy(), state.wanted_kwh.copy()
    power = np.empty((count, len(times)))
    for step in range(len(times)):
        current = day[:, step]
        fresh = current != session
        wanted = np.where(fresh, sessions.wanted_kwh[rows[:, 0], safe[:, step]], wanted)
        session = np.where(fresh, current, session)
        needed_kw = wanted / stored_per_kwh
        completes = usable[:, step] & (needed_kw <= limit[:, step])
        draw = np.where(usable[:, step], np.minimum(limit[:, step], needed_kw), 0.0)
        wanted = np.where(completes, 0.0, np.maximum(wanted - draw * stored_per_kwh, 0.0))
        power[:, step] = draw
    return power, CarState(session=session, wanted_kwh=wanted)


# --- flexible loads ----------------------------------------------------------------------------

HEAT_PUMP, WATER_HEATER, POOL_PUMP = "heat_pump", "water_heater", "pool_pump"
HEATING_BASE_C = 15.5  # no heating above this outdoor temperature (heating degree base)
HEATING_DESIGN_C = -7.0  # a heat pump runs flat out at this temperature (Belgian design)
# Heating wanted at each local hour against the day's mean: set back at night, high on waking
# and in the evening.
_HEATING_HOURS = np.array(
    [0.70, 0.65, 0.65, 0.65, 0.70, 0.90, 1.35, 1.45, 1.30, 1.00, 0.90, 0.85,
     0.80, 0.80, 0.80, 0.85, 1.00, 1.20, 1.35, 1.40, 1.35, 1.20, 1.00, 0.80],
)  # fmt: skip
FLEX_NOISE_KEY = 0xF1E8
WATER_NIGHT_START_H = 23.0  # the off-peak switch (a household's start is spread over an hour)


def outdoor_temperature_c(day_of_year: FloatArray, hour: FloatArray) -> FloatArray:
    """A typical Brussels temperature (°C): 3 °C mid-January, 18 °C mid-July, 3 °C colder before
    dawn than mid-afternoon."""
    season = 10.5 - 7.5 * np.cos(2 * math.pi * (day_of_year - 15.0) / 365.25)
    return season + 3.0 * np.cos(2 * math.pi * (hour - 15.0) / 24.0)


def _hourly(shape: FloatArray, hour: FloatArray) -> FloatArray:
    index = np.floor(hour).astype(np.int64) % 24
    weight = hour - np.floor(hour)
    return shape[index] * (1 - weight) + shape[(index + 1) % 24] * weight


def _in_window(hour: FloatArray, start_h: FloatArray, length_h: FloatArray) -> BoolArray:
    return (hour - start_h) % 24.0 < length_h


def flexible_load_kw(
    kinds: list[str], rated_kw: FloatArray, keys: KeyArray, times: IntArray, clock: LocalTime
) -> FloatArray:
    """The power of each flexible load (kW, shape (loads, times)).

    - ``heat_pump``: rated × a duty that follows the heating degrees (15.5 °C base, flat out at
      −7 °C) of the typical outdoor temperature, shaped by the hour (high on winter mornings and
      evenings, set back at night), ±20 % of slow noise of its own; about zero in summer.
    - ``water_heater``: rated power from the off-peak switch (23:00–24:00, spread per home) for
      2 hours (2.5 in winter, colder inlet water), and one hour after the morning showers
      (from 08:00–09:00).
    - ``pool_pump``: rated power 10:00–16:00 from May to September.
    - anything else (an EV charger in flexible mode is the car; "other" has no model): 0."""
    power = np.zeros((len(kinds), len(times)))
    if not kinds:
        return power
    kind = np.array(kinds)
    hour, day_of_year = clock.hour, clock.day_of_year
    spread = uniform(keys, np.full(len(keys), FLEX_NOISE_KEY, dtype=np.int64))[:, None]
    heat = kind == HEAT_PUMP
    if heat.any():
        degrees = np.maximum(HEATING_BASE_C - outdoor_temperature_c(day_of_year, hour), 0.0)
        demand = degrees / (HEATING_BASE_C - HEATING_DESIGN_C) * _hourly(_HEATING_HOURS, hour)
        noise = 1.0 + 0.2 * value_noise(keys[heat] ^ np.uint64(FLEX_NOISE_KEY), times, 1800)
        power[heat] = rated_kw[heat][:, None] * np.clip(demand[None, :] * noise, 0.0, 1.0)
    water = kind == WATER_HEATER
    if water.any():
        winter = 0.5 + 0.5 * np.cos(2 * math.pi * (day_of_year - 15.0) / 365.25)
        night = _in_window(hour[None, :], WATER_NIGHT_START_H + spread[water], 2.0 + 0.5 * winter)
        morning = _in_window(hour[None, :], 8.0 + spread[water], np.ones(1))
        power[water] = np.where(night | morning, rated_kw[water][:, None], 0.0)
    pool = kind == POOL_PUMP
    if pool.any():
        season = (day_of_year >= 120) & (day_of_year < 273)
        on = season & (hour >= 10.0) & (hour < 16.0)
        power[pool] = np.where(on[None, :], rated_kw[pool][:, None], 0.0)
    return power
