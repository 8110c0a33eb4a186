"""The contract between the stored assets and the simulator's physics: one household's assets
as plain values (no Django), and the draws that give a household without stored assets
plausible ones.

Units and signs as everywhere (ARCHITECTURE.md): kW, kWh, fractions 0–1; times are local clock
times. ``simulator.town`` turns the rows of ``households.models`` into these, and
``demo`` stores the drawn ones as rows, so what the demo registers is what produces: a household
with stored assets produces from them; one with only meters (an older database) from
``assets_drawn``, which gives exactly what the demo stores for it.
"""

from dataclasses import dataclass
from datetime import time

import numpy as np

from simulator.physics import keys_array, stable_key, uniform

ANNUAL_KWH = (1500.0, 6000.0)  # a household's yearly consumption without its flexible loads
KWP = (2.0, 8.0)
PANEL_TILT_DEG = 35.0
PANEL_AZIMUTH_DEG = 180.0  # south
INVERTER_SHARE = 0.9  # the inverter's AC rating against the panels' kWp
BATTERY_KWH = (5.0, 7.0, 10.0, 13.5)
BATTERY_KW = (2.5, 5.0)
ROUND_TRIP = (0.88, 0.94)
BATTERY_RESERVE_SHARE = 0.2
CAR_BATTERY_KWH = (40.0, 58.0, 64.0, 77.0, 82.0)
CHARGER_KW = (3.7, 7.4, 11.0)
CHARGING_EFFICIENCY = 0.9
HEAT_PUMP_KW = (2.0, 3.5)
WATER_HEATER_KW = (2.0, 3.0)
HEAT_PUMP_SHARE = 0.25  # of households (draw 7 below it)
WATER_HEATER_SHARE = 0.25  # the next quarter (draw 7 in [0.25, 0.5))
FLEXIBLE_CONSENT_SHARE = 0.6  # of those flexible loads, the share whose household consents

# Which draw (counter) gives which parameter, per household key = stable_key(seed, grid meter id).
DRAW_ANNUAL, DRAW_KWP, DRAW_BATTERY_KWH, DRAW_BATTERY_KW, DRAW_ROUND_TRIP = 0, 1, 2, 3, 4
DRAW_CAR_KWH, DRAW_CHARGER_KW, DRAW_FLEXIBLE, DRAW_FLEXIBLE_KW, DRAW_CONSENT = 5, 6, 7, 8, 9
DRAWS = 10


@dataclass(frozen=True)
class PanelSpec:
    kwp: float
    tilt_deg: float = PANEL_TILT_DEG
    azimuth_deg: float = PANEL_AZIMUTH_DEG  # 180 south, clockwise from north
    inverter_kw: float | None = None  # None: no clipping below the panels' kWp


@dataclass(frozen=True)
class BatterySpec:
    capacity_kwh: float
    max_charge_kw: float
    max_discharge_kw: float
    efficiency: float  # one-way; the round trip is its square
    reserve_share: float = BATTERY_RESERVE_SHARE  # the grid and the VPP never go below it


@dataclass(frozen=True)
class CarSpec:
    battery_kwh: float
    charger_max_kw: float
    charger_min_kw: float = 0.0  # 0, or IEC 61851's 6 A (1.38 kW / 4.14 kW)
    efficiency: float = CHARGING_EFFICIENCY
    usual_departure: time | None = None  # None: the simulator's own morning draw
    usual_energy_need_kwh: float | None = None  # None: the simulator's own trips draw


@dataclass(frozen=True)
class FlexibleSpec:
    kind: str  # households.models.FlexibleLoadKind values: "heat_pump", "water_heater", ...
    rated_kw: float
    curtailment_consent: bool = False


@dataclass(frozen=True)
class HouseAssets:
    """Everything at one home the physics needs, beside its meters."""

    annual_kwh: float
    panels: tuple[PanelSpec, ...] = ()
    battery: BatterySpec | None = None
    car: CarSpec | None = None
    flexible: tuple[FlexibleSpec, ...] = ()


def _between(bounds: tuple[float, float], draw: float) -> float:
    return bounds[0] + (bounds[1] - bounds[0]) * draw


def _pick(choices: tuple[float, ...], draw: float) -> float:
    return choices[min(int(draw * len(choices)), len(choices) - 1)]


def household_draws(seed: int, grid_meter_id: str) -> list[float]:
    """The household's ``DRAWS`` numbers in [0, 1), a function of (seed, its grid meter id)."""
    keys = keys_array([stable_key(seed, grid_meter_id)])
    return [float(uniform(keys, np.array([k], dtype=np.int64))[0]) for k in range(DRAWS)]


def annual_kwh_drawn(draw: list[float]) -> float:
    low, high = ANNUAL_KWH
    return low + (high - low) * draw[DRAW_ANNUAL] ** 1.5  # most homes use less than the middle


def assets_drawn(
    seed: int, grid_meter_id: str, *, panels: bool, battery: bool, car: bool
) -> HouseAssets:
    """The assets a household with these kinds of meters gets when none are stored: the
    simulator's parameter ranges above, each drawn from (seed, grid meter id). Flexible loads
    follow the draw alone (a heat pump at one home in four, a water heater at another)."""
    draw = household_draws(seed, grid_meter_id)
    one_way = _between(ROUND_TRIP, draw[DRAW_ROUND_TRIP]) ** 0.5
    battery_kw = _between(BATTERY_KW, draw[DRAW_BATTERY_KW])
    kwp = _between(KWP, draw[DRAW_KWP])
    flexible: tuple[FlexibleSpec, ...] = ()
    consent = draw[DRAW_CONSENT] < FLEXIBLE_CONSENT_SHARE
    if draw[DRAW_FLEXIBLE] < HEAT_PUMP_SHARE:
        flexible = (
            FlexibleSpec("heat_pump", _between(HEAT_PUMP_KW, draw[DRAW_FLEXIBLE_KW]), consent),
        )
    elif draw[DRAW_FLEXIBLE] < HEAT_PUMP_SHARE + WATER_HEATER_SHARE:
        flexible = (
            FlexibleSpec(
                "water_heater", _between(WATER_HEATER_KW, draw[DRAW_FLEXIBLE_KW]), consent
            ),
        )
    return HouseAssets(
        annual_kwh=annual_kwh_drawn(draw),
        panels=(PanelSpec(kwp=kwp, inverter_kw=kwp * INVERTER_SHARE),) if panels else (),
        battery=(
            BatterySpec(
                capacity_kwh=_pick(BATTERY_KWH, draw[DRAW_BATTERY_KWH]),
                max_charge_kw=battery_kw,
                max_discharge_kw=battery_kw,
                efficiency=one_way,
            )
            if battery
            else None
        ),
        car=(
            CarSpec(
                battery_kwh=_pick(CAR_BATTERY_KWH, draw[DRAW_CAR_KWH]),
                charger_max_kw=_pick(CHARGER_KW, draw[DRAW_CHARGER_KW]),
            )
            if car
            else None
        ),
        flexible=flexible,
    )
