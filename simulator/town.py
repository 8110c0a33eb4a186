"""The simulated town: which household has which meters and which assets (panels, battery,
car, flexible loads), read from the database, as the arrays the physics runs on.

A household's stored assets are what produce (``simulator.assets`` turns the rows into specs).
Per kind, a household with a production, battery or EV meter but no stored asset of that kind
gets the drawn one (``assets_drawn``, from the seed and its grid meter id), so an older database
keeps working; flexible loads come only from stored rows. A household's yearly consumption is
behaviour, not an asset: always drawn (``annual_kwh_drawn``)."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

import numpy as np
from django.db import transaction

from households.models import (
    Community,
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Household,
    SolarArray,
)
from metering.choices import MeterKind
from metering.models import Meter
from simulator.assets import (
    DRAWS,
    BatterySpec,
    CarSpec,
    FlexibleSpec,
    HouseAssets,
    PanelSpec,
    annual_kwh_drawn,
    assets_drawn,
)
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
# Households added by ``town_extend``: one in three has panels, one in six of those a battery,
# one in five a car.
EXTRA_COMMUNITY = "Simulated district"
CAR_KEY = 0xCA5
FLEXIBLE_KEY = 0xF1E


@dataclass(frozen=True)
class House:
    """A household's meters and its stored assets (None: none of that kind stored)."""

    grid: Meter
    production: Meter | None = None
    battery: Meter | None = None
    ev: Meter | None = None
    panels: tuple[PanelSpec, ...] | None = None
    home_battery: BatterySpec | None = None
    car: CarSpec | None = None
    flexible: tuple[FlexibleSpec, ...] = ()


def house_assets(house: House, *, seed: int, draw: list[float] | None = None) -> HouseAssets:
    """What produces and consumes at the home: the stored assets, and per kind with a meter but
    nothing stored, the drawn one. Flexible loads only as stored."""
    if draw is None:
        keys = keys_array([stable_key(seed, house.grid.meter_id)])
        draw = uniform(keys[:, None], np.arange(DRAWS, dtype=np.int64)[None, :])[0].tolist()
    annual = annual_kwh_drawn(draw)
    missing = (
        house.panels is None and house.production is not None,
        house.home_battery is None and house.battery is not None,
        house.car is None and house.ev is not None,
    )
    drawn = (
        assets_drawn(
            seed, house.grid.meter_id, panels=missing[0], battery=missing[1], car=missing[2]
        )
        if any(missing)
        else None
    )
    return HouseAssets(
        annual_kwh=annual,
        panels=house.panels if house.panels is not None else drawn.panels if drawn else (),
        battery=house.home_battery or (drawn.battery if drawn else None),
        car=house.car or (drawn.car if drawn else None),
        flexible=house.flexible,
    )


@dataclass(frozen=True)
class Town:
    """Households and their assets, as arrays in the order of ``houses`` (and of their
    arrays, batteries, cars and flexible loads)."""

    houses: list[House]
    seed: int
    site: Site
    keys: KeyArray
    annual_kwh: FloatArray
    assets: list[HouseAssets]
    panel_house: IntArray  # the household of each solar array
    panel_kwp: FloatArray
    panel_inverter_kw: FloatArray  # +inf without a rating
    panel_orientation: IntArray  # each array's row in ``orientations``
    orientations: list[tuple[float, float]]  # (tilt, azimuth) degrees, one per group of arrays
    battery_house: IntArray  # the household of each battery
    batteries: Batteries
    car_house: IntArray  # the household of each car
    cars: Cars
    flexible_house: IntArray  # the household of each flexible load
    flexible_kinds: list[str]
    flexible_kw: FloatArray  # rated
    flexible_keys: KeyArray
    meters: list[Meter] = field(default_factory=list)  # grid, then production, battery, ev
    meter_house: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    solar_house: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    battery_meter_house: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ev_meter_house: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def kwp(self) -> FloatArray:
        """Each household's installed kWp (0 without panels)."""
        total = np.zeros(len(self.houses))
        np.add.at(total, self.panel_house, self.panel_kwp)
        return total


def _hour_of(moment: time | None) -> float:
    if moment is None:
        return math.nan
    return moment.hour + moment.minute / 60 + moment.second / 3600


def town_build(houses: list[House], *, seed: int, site: Site = POWERDALE) -> Town:
    """The town's arrays: each household's assets (``house_assets``), its consumption drawn
    from (seed, its grid meter id)."""
    count = len(houses)
    keys = keys_array([stable_key(seed, house.grid.meter_id) for house in houses])
    draws = uniform(keys[:, None], np.arange(DRAWS, dtype=np.int64)[None, :]).tolist()
    assets = [
        house_assets(house, seed=seed, draw=draw) for house, draw in zip(houses, draws, strict=True)
    ]
    panels = [(index, panel) for index, home in enumerate(assets) for panel in home.panels]
    orientations = sorted({(p.tilt_deg, p.azimuth_deg) for _, p in panels})
    row_of = {orientation: row for row, orientation in enumerate(orientations)}
    battery_house = np.array([i for i, a in enumerate(assets) if a.battery], dtype=np.int64)
    battery_specs = [a.battery for a in assets if a.battery]
    car_house = np.array([i for i, a in enumerate(assets) if a.car], dtype=np.int64)
    car_specs = [a.car for a in assets if a.car]
    flexible = [(index, load) for index, home in enumerate(assets) for load in home.flexible]
    meters: list[Meter] = [house.grid for house in houses]
    meter_house = list(range(count))
    by_kind: dict[str, list[int]] = {}
    for kind in ("production", "battery", "ev"):
        by_kind[kind] = []
        for index, house in enumerate(houses):
            meter = getattr(house, kind)
            if meter is not None:
                meters.append(meter)
                meter_house.append(index)
                by_kind[kind].append(index)

    def floats(values: list[float]) -> FloatArray:
        return np.array(values, dtype=np.float64)

    def ints(values: list[int]) -> IntArray:
        return np.array(values, dtype=np.int64)

    return Town(
        houses=houses,
        seed=seed,
        site=site,
        keys=keys,
        annual_kwh=floats([home.annual_kwh for home in assets]),
        assets=assets,
        panel_house=ints([index for index, _ in panels]),
        panel_kwp=floats([panel.kwp for _, panel in panels]),
        panel_inverter_kw=floats(
            [math.inf if p.inverter_kw is None else p.inverter_kw for _, p in panels]
        ),
        panel_orientation=ints([row_of[(p.tilt_deg, p.azimuth_deg)] for _, p in panels]),
        orientations=orientations,
        battery_house=battery_house,
        batteries=Batteries(
            capacity_kwh=floats([b.capacity_kwh for b in battery_specs]),
            max_charge_kw=floats([b.max_charge_kw for b in battery_specs]),
            max_discharge_kw=floats([b.max_discharge_kw for b in battery_specs]),
            efficiency=floats([b.efficiency for b in battery_specs]),
        ),
        car_house=car_house,
        cars=Cars(
            names=[_car_name(houses[index]) for index in car_house.tolist()],
            keys=keys[car_house] ^ np.uint64(CAR_KEY),
            battery_kwh=floats([c.battery_kwh for c in car_specs]),
            charger_max_kw=floats([c.charger_max_kw for c in car_specs]),
            charger_min_kw=floats([c.charger_min_kw for c in car_specs]),
            efficiency=floats([c.efficiency for c in car_specs]),
            departure_h=floats([_hour_of(c.usual_departure) for c in car_specs]),
            need_kwh=floats(
                [
                    math.nan if c.usual_energy_need_kwh is None else c.usual_energy_need_kwh
                    for c in car_specs
                ]
            ),
        ),
        flexible_house=ints([index for index, _ in flexible]),
        flexible_kinds=[load.kind for _, load in flexible],
        flexible_kw=floats([load.rated_kw for _, load in flexible]),
        flexible_keys=keys_array(
            [
                stable_key(seed, houses[index].grid.meter_id, FLEXIBLE_KEY, number)
                for number, (index, _) in enumerate(flexible)
            ]
        ),
        meters=meters,
        meter_house=ints(meter_house),
        solar_house=ints(by_kind["production"]),
        battery_meter_house=ints(by_kind["battery"]),
        ev_meter_house=ints(by_kind["ev"]),
    )


def _car_name(house: House) -> str:
    """The name a charge schedule knows the car by: its EV meter's id (the grid meter's when the
    car has no meter of its own)."""
    return house.ev.meter_id if house.ev is not None else f"{house.grid.meter_id}:car"


def _f(value: Decimal) -> float:
    return float(value)


def _battery(rows: list[tuple[Decimal, ...]]) -> BatterySpec:
    """A home's batteries as one (in parallel: capacities and powers add, efficiency and
    reserve weighted by capacity)."""
    capacity = sum(_f(row[0]) for row in rows)
    return BatterySpec(
        capacity_kwh=capacity,
        max_charge_kw=sum(_f(row[1]) for row in rows),
        max_discharge_kw=sum(_f(row[2]) for row in rows),
        efficiency=sum(_f(row[3]) * _f(row[0]) for row in rows) / capacity,
        reserve_share=sum(_f(row[4]) * _f(row[0]) for row in rows) / capacity,
    )


def town_houses(*, households: int | None = None) -> list[House]:
    """The households that have a grid meter, in the order they were created, with their
    production, battery and EV meters and their stored assets; the first ``households`` of them
    when given. Five queries, whatever the size of the town."""
    by_household: dict[int, dict[str, Meter]] = {}
    meters = (
        Meter.objects.filter(household__isnull=False, kind__in=SIMULATED_KINDS)
        .defer("created_at", "updated_at")  # not the simulator's business; parsing them is slow
        .order_by("household_id", "meter_id")
    )
    for meter in meters:
        if meter.household_id is None:
            continue
        by_household.setdefault(meter.household_id, {}).setdefault(meter.kind, meter)
    ids = [household for household, kinds in by_household.items() if MeterKind.GRID in kinds]
    if households is not None:
        ids = ids[:households]
    scope = {"household_id__in": ids} if households is not None else {}
    panels: dict[int, list[PanelSpec]] = defaultdict(list)
    for household, kwp, tilt, azimuth, inverter in (
        SolarArray.objects.filter(**scope)
        .order_by("household_id", "pk")
        .values_list("household_id", "kwp", "tilt_degrees", "azimuth_degrees", "inverter_kw")
    ):
        panels[household].append(PanelSpec(_f(kwp), _f(tilt), _f(azimuth), _f(inverter)))
    batteries: dict[int, list[tuple[Decimal, ...]]] = defaultdict(list)
    for household, *values in (
        HomeBattery.objects.filter(**scope)
        .order_by("household_id", "pk")
        .values_list(
            "household_id",
            "capacity_kwh",
            "max_charge_kw",
            "max_discharge_kw",
            "efficiency",
            "reserve_share",
        )
    ):
        batteries[household].append(tuple(values))
    cars: dict[int, CarSpec] = {}
    for household, car_id, kwh, max_kw, min_kw, efficiency, departure, need in (
        ElectricVehicle.objects.filter(**scope)
        .order_by("household_id", "pk")
        .values_list(
            "household_id",
            "pk",
            "battery_kwh",
            "charger_max_kw",
            "charger_min_kw",
            "charging_efficiency",
            "usual_departure",
            "usual_energy_need_kwh",
        )
    ):
        ev = by_household[household].get(MeterKind.EV) if household in by_household else None
        if household in cars and (ev is None or ev.electric_vehicle_id != car_id):
            continue  # one car a home: the one its EV meter measures, else the first
        cars[household] = CarSpec(
            battery_kwh=_f(kwh),
            charger_max_kw=_f(max_kw),
            charger_min_kw=_f(min_kw),
            efficiency=_f(efficiency),
            usual_departure=departure,
            usual_energy_need_kwh=None if need is None else _f(need),
        )
    flexible: dict[int, list[FlexibleSpec]] = defaultdict(list)
    for household, kind, rated, consent in (
        FlexibleLoad.objects.filter(**scope)
        .order_by("household_id", "pk")
        .values_list("household_id", "kind", "rated_kw", "curtailment_consent")
    ):
        flexible[household].append(FlexibleSpec(kind, _f(rated), consent))
    houses = []
    for household in ids:
        kinds = by_household[household]
        houses.append(
            House(
                grid=kinds[MeterKind.GRID],
                production=kinds.get(MeterKind.PRODUCTION),
                battery=kinds.get(MeterKind.BATTERY),
                ev=kinds.get(MeterKind.EV),
                panels=tuple(panels[household]) if household in panels else None,
                home_battery=_battery(batteries[household]) if household in batteries else None,
                car=cars.get(household),
                flexible=tuple(flexible.get(household, ())),
            )
        )
    return houses


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))


def town_extend(*, households: int, seed: int = 1) -> int:
    """Adds simulated households until the town has ``households``, with their meters and their
    assets (``assets_drawn`` from ``seed`` and the grid meter id, stored as rows, each linked to
    its meter); returns how many were added."""
    missing = households - len(town_houses())
    if missing <= 0:
        return 0
    with transaction.atomic():
        community, _ = Community.objects.get_or_create(
            name=EXTRA_COMMUNITY, defaults={"description": "Households added by the simulator."}
        )
        start = Household.objects.filter(community=community).count()
        numbers = list(range(start, start + missing))
        created = Household.objects.bulk_create(
            [Household(name=f"Simulated household {n}", community=community) for n in numbers]
        )
        arrays: list[SolarArray] = []
        batteries: list[HomeBattery] = []
        cars: list[ElectricVehicle] = []
        loads: list[FlexibleLoad] = []
        meters: list[tuple[Meter, dict[str, object]]] = []
        for household, number in zip(created, numbers, strict=True):
            kinds = _extra_kinds(number)
            drawn = assets_drawn(
                seed,
                f"sim-{MeterKind.GRID}-{number}",
                panels=MeterKind.PRODUCTION in kinds,
                battery=MeterKind.BATTERY in kinds,
                car=MeterKind.EV in kinds,
            )
            links: dict[str, dict[str, object]] = {kind: {} for kind in kinds}
            for panel in drawn.panels:
                array = SolarArray(
                    household=household,
                    kwp=_decimal(panel.kwp, 2),
                    tilt_degrees=_decimal(panel.tilt_deg, 1),
                    azimuth_degrees=_decimal(panel.azimuth_deg, 1),
                    inverter_kw=_decimal(panel.inverter_kw or panel.kwp, 2),
                )
                arrays.append(array)
                links[MeterKind.PRODUCTION]["solar_array"] = array
            if drawn.battery is not None:
                battery = HomeBattery(
                    household=household,
                    capacity_kwh=_decimal(drawn.battery.capacity_kwh, 2),
                    max_charge_kw=_decimal(drawn.battery.max_charge_kw, 2),
                    max_discharge_kw=_decimal(drawn.battery.max_discharge_kw, 2),
                    efficiency=_decimal(drawn.battery.efficiency, 4),
                    reserve_share=_decimal(drawn.battery.reserve_share, 4),
                )
                batteries.append(battery)
                links[MeterKind.BATTERY]["home_battery"] = battery
            if drawn.car is not None:
                car = ElectricVehicle(
                    household=household,
                    battery_kwh=_decimal(drawn.car.battery_kwh, 2),
                    charger_max_kw=_decimal(drawn.car.charger_max_kw, 2),
                    charger_min_kw=_decimal(drawn.car.charger_min_kw, 2),
                    charging_efficiency=_decimal(drawn.car.efficiency, 4),
                )
                cars.append(car)
                links[MeterKind.EV]["electric_vehicle"] = car
            loads.extend(
                FlexibleLoad(
                    household=household,
                    kind=load.kind,
                    rated_kw=_decimal(load.rated_kw, 2),
                    curtailment_consent=load.curtailment_consent,
                )
                for load in drawn.flexible
            )
            meters.extend(
                (Meter(meter_id=f"sim-{kind}-{number}", kind=kind, household=household), link)
                for kind, link in links.items()
            )
        SolarArray.objects.bulk_create(arrays)
        HomeBattery.objects.bulk_create(batteries)
        ElectricVehicle.objects.bulk_create(cars)
        FlexibleLoad.objects.bulk_create(loads)
        for meter, link in meters:
            for name, asset in link.items():
                setattr(meter, name, asset)
        Meter.objects.bulk_create([meter for meter, _ in meters])
    return missing


def _extra_kinds(number: int) -> list[str]:
    kinds: list[str] = [MeterKind.GRID]
    if number % 3 == 0:
        kinds.append(MeterKind.PRODUCTION)
        if number % 6 == 0:
            kinds.append(MeterKind.BATTERY)
    if number % 5 == 1:
        kinds.append(MeterKind.EV)
    return kinds
