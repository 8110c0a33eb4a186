"""The simulated town: which household has which meters, and the physical parameters of each
(yearly consumption, panels, battery, car), drawn from the seed and the grid meter's id so
that a household keeps them whatever the size or order of the town."""

from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from households.models import Community, Household
from metering.choices import MeterKind
from metering.models import Meter
from simulator.physics import (
    POWERDALE,
    Batteries,
    Cars,
    FloatArray,
    IntArray,
    KeyArray,
    Site,
    keys_array,
    stable_key,
    uniform,
)

SIMULATED_KINDS = (MeterKind.GRID, MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV)
ANNUAL_KWH = (1500.0, 6000.0)
KWP = (2.0, 8.0)
BATTERY_KWH = np.array([5.0, 7.0, 10.0, 13.5])
CAR_BATTERY_KWH = np.array([40.0, 58.0, 64.0, 77.0, 82.0])
CHARGER_KW = np.array([3.7, 7.4, 11.0])
# Households added by ``town_extend``: one in three has panels, one in six of those a battery,
# one in five a car.
EXTRA_COMMUNITY = "Simulated district"


@dataclass(frozen=True)
class House:
    grid: Meter
    production: Meter | None = None
    battery: Meter | None = None
    ev: Meter | None = None


@dataclass(frozen=True)
class Town:
    """Households and their parameters, as arrays in the order of ``houses``."""

    houses: list[House]
    seed: int
    site: Site
    keys: KeyArray
    annual_kwh: FloatArray
    kwp: FloatArray  # 0 for a household without panels
    battery_house: IntArray  # the household of each battery
    batteries: Batteries
    car_house: IntArray  # the household of each car
    cars: Cars
    meters: list[Meter] = field(default_factory=list)  # grid, then production, battery, ev
    meter_house: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def solar_house(self) -> IntArray:
        return np.array([i for i, h in enumerate(self.houses) if h.production], dtype=np.int64)


def _pick(choices: FloatArray, draw: FloatArray) -> FloatArray:
    return choices[np.minimum((draw * len(choices)).astype(np.int64), len(choices) - 1)]


def town_build(houses: list[House], *, seed: int, site: Site = POWERDALE) -> Town:
    """The town's parameters, each household's drawn from (seed, its grid meter id)."""
    keys = keys_array([stable_key(seed, house.grid.meter_id) for house in houses])
    draw = [uniform(keys, np.full(len(houses), k, dtype=np.int64)) for k in range(8)]
    low, high = ANNUAL_KWH
    annual = low + (high - low) * draw[0] ** 1.5  # most homes use less than the middle
    has_panels = np.array([house.production is not None for house in houses], dtype=bool)
    kwp = np.where(has_panels, KWP[0] + (KWP[1] - KWP[0]) * draw[1], 0.0)
    battery_house = np.array([i for i, h in enumerate(houses) if h.battery], dtype=np.int64)
    batteries = Batteries(
        capacity_kwh=_pick(BATTERY_KWH, draw[2][battery_house]),
        max_kw=2.5 + 2.5 * draw[3][battery_house],
        round_trip=0.88 + 0.06 * draw[4][battery_house],
    )
    car_house = np.array([i for i, h in enumerate(houses) if h.ev], dtype=np.int64)
    cars = Cars(
        names=[house.ev.meter_id for house in houses if house.ev],
        keys=keys[car_house] ^ np.uint64(0xCA5),
        battery_kwh=_pick(CAR_BATTERY_KWH, draw[5][car_house]),
        charger_kw=_pick(CHARGER_KW, draw[6][car_house]),
    )
    meters: list[Meter] = [house.grid for house in houses]
    meter_house = list(range(len(houses)))
    for kind in ("production", "battery", "ev"):
        for index, house in enumerate(houses):
            meter = getattr(house, kind)
            if meter is not None:
                meters.append(meter)
                meter_house.append(index)
    return Town(
        houses=houses,
        seed=seed,
        site=site,
        keys=keys,
        annual_kwh=annual,
        kwp=kwp,
        battery_house=battery_house,
        batteries=batteries,
        car_house=car_house,
        cars=cars,
        meters=meters,
        meter_house=np.array(meter_house, dtype=np.int64),
    )


def town_houses(*, households: int | None = None) -> list[House]:
    """The households that have a grid meter, in the order they were created, with their
    production, battery and EV meters; the first ``households`` of them when given."""
    by_household: dict[int | None, dict[str, Meter]] = {}
    meters = Meter.objects.filter(household__isnull=False, kind__in=SIMULATED_KINDS).order_by(
        "household_id", "meter_id"
    )
    for meter in meters:
        by_household.setdefault(meter.household_id, {}).setdefault(meter.kind, meter)
    houses = [
        House(
            grid=kinds[MeterKind.GRID],
            production=kinds.get(MeterKind.PRODUCTION),
            battery=kinds.get(MeterKind.BATTERY),
            ev=kinds.get(MeterKind.EV),
        )
        for kinds in by_household.values()
        if MeterKind.GRID in kinds
    ]
    return houses if households is None else houses[:households]


def town_extend(*, households: int) -> int:
    """Adds simulated households (with meters) until the town has ``households``; returns how
    many were added."""
    missing = households - len(town_houses())
    if missing <= 0:
        return 0
    with transaction.atomic():
        community, _ = Community.objects.get_or_create(
            name=EXTRA_COMMUNITY, defaults={"description": "Households added by the simulator."}
        )
        start = Household.objects.filter(community=community).count()
        for number in range(start, start + missing):
            household = Household.objects.create(
                name=f"Simulated household {number}", community=community
            )
            kinds = [MeterKind.GRID]
            if number % 3 == 0:
                kinds.append(MeterKind.PRODUCTION)
                if number % 6 == 0:
                    kinds.append(MeterKind.BATTERY)
            if number % 5 == 1:
                kinds.append(MeterKind.EV)
            Meter.objects.bulk_create(
                [
                    Meter(meter_id=f"sim-{kind}-{number}", kind=kind, household=household)
                    for kind in kinds
                ]
            )
    return missing
