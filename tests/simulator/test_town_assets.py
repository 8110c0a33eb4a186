"""The town is built from the stored assets: what is registered is what produces, charges and
consumes; a household with only meters gets the drawn assets."""

from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal

import numpy as np
import pytest
from pytest_django import DjangoAssertNumQueries

from households.models import (
    ElectricVehicle,
    FlexibleLoad,
    FlexibleLoadKind,
    HomeBattery,
    Household,
    SolarArray,
)
from metering.choices import MeterKind
from metering.models import Meter
from simulator.assets import PanelSpec, assets_drawn
from simulator.engine import Chunk, TownRun
from simulator.physics import FloatArray, local_time
from simulator.town import Town, town_build, town_extend, town_houses
from tests.households.factories import (
    ElectricVehicleFactory,
    FlexibleLoadFactory,
    HomeBatteryFactory,
    HouseholdFactory,
    SolarArrayFactory,
)
from tests.metering.factories import MeterFactory

pytestmark = pytest.mark.django_db

SEED = 1
JUNE = datetime(2026, 6, 1, 22, 0, tzinfo=UTC)  # local midnight of Tuesday 2 June (UTC+2)
JANUARY = datetime(2026, 1, 11, 23, 0, tzinfo=UTC)  # local midnight of Monday 12 January
JULY = datetime(2026, 7, 12, 22, 0, tzinfo=UTC)
MARCH = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)  # local midnight of Monday 2 March (UTC+1)
ROUNDING = 2e-3  # readings are rounded to the watt


def home(name: str, *kinds: str) -> Household:
    """A household with a grid meter ``<name>-grid`` and meters of the other kinds."""
    household = HouseholdFactory.create(name=name)
    for kind in (MeterKind.GRID, *kinds):
        MeterFactory.create(household=household, kind=kind, meter_id=f"{name}-{kind}")
    return household


def run(start: datetime, *, days: int = 1, interval_s: int = 300, seed: int = SEED) -> Chunk:
    return run_town(town_build(town_houses(), seed=seed), start, days=days, interval_s=interval_s)


def run_town(town: Town, start: datetime, *, days: int = 1, interval_s: int = 300) -> Chunk:
    steps = days * 86_400 // interval_s
    return TownRun(town, start_s=int(start.timestamp()), interval_s=interval_s).next_chunk(steps)


def readings(town: Town, chunk: Chunk, meter_id: str) -> FloatArray:
    return chunk.power_kw[[m.meter_id for m in town.meters].index(meter_id)]


def built() -> Town:
    return town_build(town_houses(), seed=SEED)


def test_a_registered_arrays_kwp_is_what_produces() -> None:
    household = home("roof", MeterKind.PRODUCTION)
    array = SolarArrayFactory.create(household=household, kwp=Decimal(3), inverter_kw=Decimal(20))
    town = built()
    assert town.assets[0].panels == (PanelSpec(3.0, 35.0, 180.0, 20.0),)
    single = readings(town, run_town(town, JUNE), "roof-production")
    SolarArray.objects.filter(pk=array.pk).update(kwp=Decimal(6))
    town = built()
    double = readings(town, run_town(town, JUNE), "roof-production")
    assert single.sum() * (300 / 3600) > 5  # a June day on 3 kWp
    assert double == pytest.approx(2 * single, abs=ROUNDING)


def test_an_east_facing_array_produces_earlier_and_several_arrays_add_up() -> None:
    east, south, both = (home(name, MeterKind.PRODUCTION) for name in ("east", "south", "both"))
    for household in (east, both):
        SolarArrayFactory.create(
            household=household, kwp=Decimal(2), inverter_kw=Decimal(9), azimuth_degrees=90
        )
    for household in (south, both):
        SolarArrayFactory.create(household=household, kwp=Decimal(3), inverter_kw=Decimal(9))
    town = built()
    chunk = run_town(town, JUNE)
    hour = local_time(chunk.times, "Europe/Brussels").hour
    east_kw, south_kw, both_kw = (
        readings(town, chunk, f"{n}-production") for n in ("east", "south", "both")
    )

    def centre(power: FloatArray) -> float:
        return float((power * hour).sum() / power.sum())

    assert centre(east_kw) < centre(south_kw) - 1.0  # an hour earlier, at least
    assert (east_kw[hour < 9] * 1.5).sum() > south_kw[hour < 9].sum()  # per kWp, more at dawn
    assert both_kw == pytest.approx(east_kw + south_kw, abs=2 * ROUNDING)
    assert len(town.orientations) == 2


def test_the_inverter_clips_production_at_its_rating() -> None:
    clipped, free = home("clipped", MeterKind.PRODUCTION), home("free", MeterKind.PRODUCTION)
    SolarArrayFactory.create(household=clipped, kwp=Decimal(8), inverter_kw=Decimal(3))
    SolarArrayFactory.create(household=free, kwp=Decimal(8), inverter_kw=Decimal(8))
    town = built()
    chunk = run_town(town, JUNE, days=2)
    clipped_kw, free_kw = (
        readings(town, chunk, "clipped-production"),
        readings(town, chunk, "free-production"),
    )
    assert clipped_kw.max() == 3.0
    assert (clipped_kw == 3.0).sum() > 12  # a plateau, not a touch
    assert free_kw.max() > 4.0
    assert clipped_kw == pytest.approx(np.minimum(free_kw, 3.0), abs=ROUNDING)


def test_an_array_without_a_production_meter_still_produces_for_the_grid_meter() -> None:
    household = home("hidden")
    SolarArrayFactory.create(household=household, kwp=Decimal(5), inverter_kw=Decimal(5))
    town = built()
    chunk = run_town(town, JUNE)
    assert [meter.meter_id for meter in town.meters] == ["hidden-grid"]
    flows = chunk.flows
    assert flows.pv_kw[0].max() > 2.0
    assert readings(town, chunk, "hidden-grid") == pytest.approx(
        flows.load_kw[0] - flows.pv_kw[0], abs=ROUNDING
    )
    assert readings(town, chunk, "hidden-grid").min() < 0  # it exports at noon


def test_a_stored_battery_keeps_its_own_limits_and_efficiency() -> None:
    household = home("stored", MeterKind.PRODUCTION, MeterKind.BATTERY)
    SolarArrayFactory.create(household=household, kwp=Decimal(6), inverter_kw=Decimal(6))
    HomeBatteryFactory.create(
        household=household,
        capacity_kwh=Decimal(8),
        max_charge_kw=Decimal("1.5"),
        max_discharge_kw=Decimal("0.2"),
        efficiency=Decimal("0.9"),
    )
    town = built()
    battery_run = TownRun(town, start_s=int(JUNE.timestamp()), interval_s=300)
    chunk = battery_run.next_chunk(2 * 288)
    battery = readings(town, chunk, "stored-battery")
    assert battery.max() == 1.5
    assert battery.min() == -0.2
    power = chunk.flows.battery_kw[0]
    hours = 300 / 3600
    charged, discharged = power.clip(min=0).sum() * hours, -power.clip(max=0).sum() * hours
    assert battery_run.soc_kwh[0] == pytest.approx(4.0 + charged * 0.9 - discharged / 0.9)


def test_a_cars_usual_departure_and_energy_need_come_from_its_row() -> None:
    household = home("commuter", MeterKind.EV)
    ElectricVehicleFactory.create(
        household=household,
        battery_kwh=Decimal(60),
        charger_max_kw=Decimal("7.4"),
        charging_efficiency=Decimal("0.8"),
        usual_departure=time(5, 30),
        usual_energy_need_kwh=Decimal(12),
    )
    town = built()
    assert town.cars.departure_h.tolist() == [5.5]
    assert town.cars.need_kwh.tolist() == [12.0]
    chunk = run_town(town, MARCH, days=4, interval_s=60)
    ev = readings(town, chunk, "commuter-ev")
    hour = local_time(chunk.times, "Europe/Brussels").hour
    assert (ev[(hour >= 5.5) & (hour < 16.5)] == 0).all()  # gone from 05:30 on
    assert ev.max() == 7.4
    for day in range(3):  # from noon to noon: one evening's session, 12 kWh into the battery
        window = slice(day * 1440 + 720, day * 1440 + 2160)
        assert ev[window].sum() / 60 == pytest.approx(12 / 0.8, abs=7.4 / 60)


def test_the_fallback_for_a_household_with_only_meters_is_assets_drawn() -> None:
    home("older", MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV)
    partly = home("partly", MeterKind.PRODUCTION, MeterKind.EV)
    SolarArrayFactory.create(household=partly, kwp=Decimal("4.5"), inverter_kw=Decimal(4))
    FlexibleLoadFactory.create(household=partly, kind=FlexibleLoadKind.WATER_HEATER)
    older, mixed = built().assets
    drawn = assets_drawn(SEED, "older-grid", panels=True, battery=True, car=True)
    assert older == replace(drawn, flexible=())  # no flexible loads without rows
    assert older.panels[0].kwp == drawn.panels[0].kwp
    drawn_car = assets_drawn(SEED, "partly-grid", panels=False, battery=False, car=True).car
    assert mixed.panels == (PanelSpec(4.5, 35.0, 180.0, 4.0),)  # stored rows win
    assert mixed.car == drawn_car  # a kind without a row: drawn
    assert mixed.battery is None
    assert [load.kind for load in mixed.flexible] == ["water_heater"]


def test_a_heat_pump_raises_winter_evening_consumption_and_rests_in_summer() -> None:
    household = home("heated")
    FlexibleLoadFactory.create(household=household, kind=FlexibleLoadKind.HEAT_PUMP, rated_kw=3)
    town = built()
    winter = run_town(town, JANUARY, days=7)
    hour = local_time(winter.times, "Europe/Brussels").hour
    pump = winter.flows.flexible_kw[0]
    evening, afternoon = pump[(hour >= 17) & (hour < 21)], pump[(hour >= 13) & (hour < 16)]
    assert evening.mean() > 1.2
    assert evening.mean() > 1.3 * afternoon.mean()
    assert pump.max() <= 3.0
    assert readings(town, winter, "heated-grid") == pytest.approx(
        winter.flows.load_kw[0] + pump, abs=ROUNDING
    )
    summer = run_town(town, JULY, days=7).flows.flexible_kw[0]
    assert summer.mean() < 0.05


def test_a_water_heater_heats_at_night_and_after_the_morning() -> None:
    household = home("boiler")
    FlexibleLoadFactory.create(
        household=household, kind=FlexibleLoadKind.WATER_HEATER, rated_kw=Decimal("2.5")
    )
    chunk = run(MARCH, days=3, interval_s=60)
    heater = chunk.flows.flexible_kw[0]
    hour = local_time(chunk.times, "Europe/Brussels").hour
    assert (heater[(hour >= 0) & (hour < 1)] == 2.5).all()
    assert (heater[(hour >= 11) & (hour < 22)] == 0).all()
    morning = heater[(hour >= 7) & (hour < 11)].sum() / 60 / 3
    assert morning == pytest.approx(2.5, abs=0.1)  # an hour a morning at rated power


def test_same_assets_give_byte_identical_readings_and_a_changed_asset_changes_them() -> None:
    household = home("everything", MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV)
    SolarArrayFactory.create(household=household, kwp=Decimal(5), inverter_kw=Decimal("4.5"))
    battery = HomeBatteryFactory.create(household=household)
    ElectricVehicleFactory.create(household=household, usual_departure=time(7, 0))
    FlexibleLoadFactory.create(household=household)
    home("older", MeterKind.PRODUCTION, MeterKind.EV)
    first = run(JANUARY, days=2).power_kw
    assert run(JANUARY, days=2).power_kw.tobytes() == first.tobytes()
    HomeBattery.objects.filter(pk=battery.pk).update(capacity_kwh=Decimal(4))
    changed = run(JANUARY, days=2).power_kw
    assert changed.tobytes() != first.tobytes()
    rows = [meter.meter_id for meter in built().meters]
    older = [rows.index(name) for name in ("older-grid", "older-production", "older-ev")]
    assert changed[older].tobytes() == first[older].tobytes()  # the neighbours are unchanged


def test_town_houses_reads_the_whole_town_in_five_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for number in range(6):
        household = home(f"home-{number}", MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV)
        SolarArrayFactory.create(household=household)
        HomeBatteryFactory.create(household=household)
        ElectricVehicleFactory.create(household=household)
        FlexibleLoadFactory.create(household=household)
    with django_assert_num_queries(5):
        houses = town_houses()
    assert len(houses) == 6
    assert all(h.panels and h.home_battery and h.car and h.flexible for h in houses)
    with django_assert_num_queries(5):
        assert len(town_houses(households=2)) == 2


def test_a_home_with_two_batteries_acts_as_one_and_its_metered_car_is_the_one() -> None:
    household = home("two", MeterKind.BATTERY, MeterKind.EV)
    HomeBatteryFactory.create(household=household, capacity_kwh=6, efficiency=Decimal("0.9"))
    HomeBatteryFactory.create(household=household, capacity_kwh=4, efficiency=Decimal("0.95"))
    ElectricVehicleFactory.create(household=household, battery_kwh=40)
    metered = ElectricVehicleFactory.create(household=household, battery_kwh=77)
    Meter.objects.filter(meter_id="two-ev").update(electric_vehicle=metered)
    (house,) = town_houses()
    assert house.home_battery is not None
    assert house.home_battery.capacity_kwh == 10.0
    assert house.home_battery.max_charge_kw == 10.0
    assert house.home_battery.efficiency == pytest.approx(0.92)
    assert house.car is not None
    assert house.car.battery_kwh == 77.0


def test_town_extend_stores_the_drawn_assets_linked_to_their_meters() -> None:
    assert town_extend(households=12, seed=SEED) == 12
    production = Meter.objects.filter(kind=MeterKind.PRODUCTION)
    assert production.count() == SolarArray.objects.count() == 4
    assert all(meter.solar_array is not None for meter in production)
    assert HomeBattery.objects.count() == 2
    assert all(m.home_battery is not None for m in Meter.objects.filter(kind=MeterKind.BATTERY))
    assert ElectricVehicle.objects.count() == Meter.objects.filter(kind=MeterKind.EV).count()
    assert all(m.electric_vehicle is not None for m in Meter.objects.filter(kind=MeterKind.EV))
    assert FlexibleLoad.objects.exists()
    town = built()
    for house, assets in zip(town.houses, town.assets, strict=True):
        drawn = assets_drawn(
            SEED,
            house.grid.meter_id,
            panels=house.production is not None,
            battery=house.battery is not None,
            car=house.ev is not None,
        )
        assert house.panels is not None if house.production else house.panels is None
        assert [p.kwp for p in assets.panels] == pytest.approx(
            [p.kwp for p in drawn.panels], abs=0.005
        )
        assert [f.kind for f in assets.flexible] == [f.kind for f in drawn.flexible]
        assert assets.annual_kwh == drawn.annual_kwh
