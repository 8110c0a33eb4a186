"""The PowerDale world's assets, partners and network, as seed_demo stores them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from demo.installations import drawn_assets
from demo.network import evening_times, houses_without_cars
from demo.services import SIMULATION_SEED, seed_demo
from demo.world import DEMO_PASSWORD, FEEDERS, PLANTS, SUBSTATIONS, town_households
from grid.models import (
    Feeder,
    FeederConnection,
    Interconnection,
    InterconnectionLimit,
    MarketPrice,
    Plant,
    PlantAvailability,
)
from households.models import (
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Household,
    Partner,
    PartnerGrant,
    SolarArray,
)
from metering.models import Meter, Reading
from simulator.engine import TownRun
from simulator.town import town_build, town_houses

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
ZONE_DAYS = 3  # no history (the readings are test_seed_demo's): today and the next two days


def seed() -> None:
    seed_demo(now=NOW, history_days=0)


def q(value: float, places: str) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(places))


def test_every_asset_is_what_the_simulator_draws_linked_to_its_meter() -> None:
    seed()
    specs = town_households()
    for spec in specs:
        household = Household.objects.get(name=spec.name)
        drawn = drawn_assets(spec, seed=SIMULATION_SEED)
        arrays = list(household.solar_arrays.all())
        assert [(a.kwp, a.inverter_kw, a.tilt_degrees, a.azimuth_degrees) for a in arrays] == [
            (q(p.kwp, "0.01"), q(p.inverter_kw or 0, "0.01"), Decimal("35.0"), Decimal("180.0"))
            for p in drawn.panels
        ]
        batteries = list(household.batteries.all())
        expected_battery = drawn.battery
        assert [
            (b.capacity_kwh, b.max_charge_kw, b.max_discharge_kw, b.efficiency, b.reserve_share)
            for b in batteries
        ] == (
            [
                (
                    q(expected_battery.capacity_kwh, "0.01"),
                    q(expected_battery.max_charge_kw, "0.01"),
                    q(expected_battery.max_discharge_kw, "0.01"),
                    q(expected_battery.efficiency, "0.0001"),
                    Decimal("0.2000"),
                )
            ]
            if expected_battery
            else []
        )
        cars = list(household.vehicles.all())
        expected_car = drawn.car
        assert [(c.battery_kwh, c.charger_max_kw, c.charger_min_kw, c.charging_efficiency)
                for c in cars] == (
            [(q(expected_car.battery_kwh, "0.01"), q(expected_car.charger_max_kw, "0.01"),
              Decimal("0.00"), Decimal("0.9000"))]
            if expected_car
            else []
        )  # fmt: skip
        assert all(c.usual_departure is None and c.usual_energy_need_kwh is None for c in cars)
        assert sorted(
            household.flexible_loads.values_list("kind", "rated_kw", "curtailment_consent")
        ) == sorted((f.kind, q(f.rated_kw, "0.01"), f.curtailment_consent) for f in drawn.flexible)
        for meter_id, field, assets in (
            (spec.solar_meter_id, "solar_array", arrays),
            (spec.battery_meter_id, "home_battery", batteries),
            (spec.ev_meter_id, "electric_vehicle", cars),
        ):
            if meter_id:
                assert getattr(Meter.objects.get(meter_id=meter_id), field) == assets[0]
    assert SolarArray.objects.count() == sum(1 for s in specs if s.solar_meter_id)
    assert HomeBattery.objects.count() == sum(1 for s in specs if s.battery_meter_id)
    assert ElectricVehicle.objects.count() == sum(1 for s in specs if s.ev_meter_id)
    kinds = dict(FlexibleLoad.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == {"heat_pump", "water_heater"}
    assert 10 < kinds["heat_pump"] < 45
    assert FlexibleLoad.objects.filter(curtailment_consent=True).exists()
    assert FlexibleLoad.objects.filter(curtailment_consent=False).exists()


def test_pierre_and_marie_have_panels_a_battery_and_a_car() -> None:
    seed()
    home = Household.objects.get(memberships__user__username="pierre")
    meters = {m.kind: m for m in home.meters.all()}
    assert set(meters) == {"grid", "production", "battery", "ev"}
    array, battery, car = home.solar_arrays.get(), home.batteries.get(), home.vehicles.get()
    assert meters["production"].solar_array == array
    assert meters["battery"].home_battery == battery
    assert meters["ev"].electric_vehicle == car
    assert array.installed_by.name == "Albert Solar"  # type: ignore[union-attr]
    assert battery.supplier.name == "Thomas Batteries"  # type: ignore[union-attr]
    assert car.maker.name == "Volt Motors"  # type: ignore[union-attr]
    assert set(home.partners.values_list("name", flat=True)) == {
        "Albert Solar",
        "Thomas Batteries",
        "Volt Motors",
    }


def test_partners_their_customers_and_staff() -> None:
    seed()
    expected = {
        "Albert Solar": ("installer", "albert", SolarArray.objects.values("household")),
        "Thomas Batteries": ("battery_supplier", "thomas", HomeBattery.objects.values("household")),
        "Volt Motors": ("ev_maker", "elon", ElectricVehicle.objects.values("household")),
    }
    assert Partner.objects.count() == 3
    for name, (kind, username, customers) in expected.items():
        partner = Partner.objects.get(name=name)
        assert partner.kind == kind
        granted = set(partner.grants.values_list("household_id", flat=True))
        assert granted == {row["household"] for row in customers}
        assert granted
        (user,) = partner.staff.all()
        assert user.username == username
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_staff  # a partner's staff, not the energy company's
    assert not SolarArray.objects.exclude(installed_by__name="Albert Solar").exists()
    assert not HomeBattery.objects.exclude(supplier__name="Thomas Batteries").exists()
    assert not ElectricVehicle.objects.exclude(maker__name="Volt Motors").exists()


@override_settings(DEMO_USERS_ALLOWED=False)
def test_without_demo_users_the_partners_have_no_staff() -> None:
    seed()
    assert Partner.objects.count() == 3
    assert get_user_model().objects.count() == 0
    assert PartnerGrant.objects.count() > 0


def test_every_household_is_on_one_feeder_under_a_substation() -> None:
    seed()
    substations = Feeder.objects.filter(parent__isnull=True)
    assert set(substations.values_list("name", flat=True)) == set(SUBSTATIONS)
    feeders = Feeder.objects.filter(parent__isnull=False)
    assert 5 <= feeders.count() <= 8
    assert set(feeders.values_list("name", flat=True)) == {f.name for f in FEEDERS}
    assert FeederConnection.objects.count() == Household.objects.count() == 100
    assert not FeederConnection.objects.filter(feeder__parent__isnull=True).exists()
    for spec in town_households():
        connection = FeederConnection.objects.get(household__name=spec.name)
        community = connection.household.community.name  # type: ignore[union-attr]
        assert connection.feeder.parent.name == f"{community} substation"  # type: ignore[union-attr]
    assert (
        FeederConnection.objects.get(household__name="Pierre & Marie's home").feeder.name
        == "Hill Road feeder"
    )


def evening_peaks(households: list[int], *, cars: bool) -> list[float]:
    """The households' highest load on each measured winter evening, the cars (if any)
    charging at full power as soon as they are plugged in."""
    houses = [h for h in town_houses() if h.grid.household_id in set(households)]
    if not cars:
        houses = houses_without_cars(houses)
    times, evenings = evening_times(time_zone="Europe/Brussels")
    run = TownRun(town_build(houses, seed=SIMULATION_SEED), start_s=int(times[0]), interval_s=900)
    load = run.next_chunk(len(times)).flows.grid_kw.sum(axis=0)
    return [float(load[steps].max()) for steps in evenings]


def test_each_feeders_limit_binds_when_the_cars_plug_in_on_winter_evenings() -> None:
    seed()
    for feeder in Feeder.objects.all():
        ids = list(
            Household.objects.filter(
                feeder_connection__feeder__in=[feeder, *feeder.children.all()]
            ).values_list("pk", flat=True)
        )
        limit = float(feeder.limit_kw)
        assert max(evening_peaks(ids, cars=False)) < limit, feeder.name
        binding = [peak > limit for peak in evening_peaks(ids, cars=True)]
        assert sum(binding) >= len(binding) / 2, feeder.name


def test_the_interconnection_binds_on_winter_evenings_and_the_plants() -> None:
    seed()
    interconnection = Interconnection.objects.get(name="PowerDale – national grid")
    assert interconnection.feeder.name == "Riverside substation"
    limits = list(interconnection.limits.order_by("valid_from"))
    assert len(limits) == 3
    assert limits[0].import_kw == limits[2].import_kw > limits[1].import_kw > 0
    assert all(limit.export_kw > 0 for limit in limits)
    plants = {p.kind: p for p in Plant.objects.all()}
    assert set(plants) == {"gas", "hydro", "wind_farm"}
    gas = plants["gas"]
    assert 0 < gas.min_stable_kw < gas.capacity_kw
    assert gas.ramp_kw_per_min > 0
    assert gas.marginal_cost > plants["hydro"].marginal_cost >= plants["wind_farm"].marginal_cost
    assert {p.feeder.name for p in plants.values()} <= set(SUBSTATIONS)
    # With the gas and hydro plants flat out, the import limit covers every winter evening
    # without cars and not the evenings when the cars plug in.
    firm = float(gas.capacity_kw + plants["hydro"].capacity_kw)
    town = list(Household.objects.values_list("pk", flat=True))
    supply = float(limits[0].import_kw) + firm
    assert max(evening_peaks(town, cars=False)) < supply
    assert sum(peak > supply for peak in evening_peaks(town, cars=True)) >= 4
    assert len(PLANTS) == Plant.objects.count()


def local_days(starts: list[datetime]) -> dict[object, int]:
    days: dict[object, int] = {}
    for start in starts:
        day = timezone.localtime(start).date()
        days[day] = days.get(day, 0) + 1
    return days


def test_prices_and_wind_cover_the_history_and_the_next_two_days_without_gaps() -> None:
    seed_demo(now=datetime(2026, 10, 24, 9, 30, tzinfo=UTC), history_days=2)
    starts = list(MarketPrice.objects.values_list("slot_start", flat=True))
    # 22 October … 26 October, 25 October is the 25-hour DST day.
    assert {str(d): n for d, n in local_days(starts).items()} == {
        "2026-10-22": 96,
        "2026-10-23": 96,
        "2026-10-24": 96,
        "2026-10-25": 100,
        "2026-10-26": 96,
    }
    assert {b - a for a, b in pairwise(starts)} == {timedelta(minutes=15)}
    wind = Plant.objects.get(kind="wind_farm")
    shares = list(wind.availability_series.values_list("slot_start", "share"))
    assert [s for s, _ in shares] == starts
    assert all(Decimal(0) <= share <= Decimal(1) for _, share in shares)
    assert len({share for _, share in shares}) > 50
    assert not PlantAvailability.objects.exclude(plant=wind).exists()


def table_counts() -> dict[str, int]:
    models = (
        SolarArray, HomeBattery, ElectricVehicle, FlexibleLoad, Partner, PartnerGrant, Feeder,
        FeederConnection, Plant, PlantAvailability, Interconnection, InterconnectionLimit,
        MarketPrice, Meter, get_user_model(),
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_a_second_seed_adds_nothing() -> None:
    seed()
    first = table_counts()
    limits = dict(Feeder.objects.values_list("name", "limit_kw"))
    report = seed_demo(now=NOW, history_days=0)
    assert table_counts() == first
    assert dict(Feeder.objects.values_list("name", "limit_kw")) == limits
    assert report.prices_added == report.availability_added == 0
    assert first["MarketPrice"] == ZONE_DAYS * 96


def test_a_database_seeded_before_the_assets_gains_them() -> None:
    seed()
    expected = table_counts()
    # What a demo database seeded before this change had: no assets, no partners, no network,
    # and Pierre & Marie with their solar meter only.
    Meter.objects.filter(meter_id__in=["battery-meter-5", "ev-meter-5"]).delete()
    for model in (
        FeederConnection, Plant, Interconnection, MarketPrice, SolarArray, HomeBattery,
        ElectricVehicle, FlexibleLoad, PartnerGrant, Partner,
    ):  # fmt: skip
        model.objects.all().delete()
    Feeder.objects.filter(parent__isnull=False).delete()
    Feeder.objects.all().delete()
    get_user_model().objects.filter(username__in=["albert", "thomas", "elon"]).delete()

    seed()

    assert table_counts() == expected
    pierre = Household.objects.get(memberships__user__username="pierre")
    assert Meter.objects.get(meter_id="ev-meter-5").electric_vehicle == pierre.vehicles.get()
    assert not Meter.objects.filter(kind="production", solar_array__isnull=True).exists()
    assert not Meter.objects.filter(kind="battery", home_battery__isnull=True).exists()
    assert not Meter.objects.filter(kind="ev", electric_vehicle__isnull=True).exists()
    assert np.isfinite([float(f.limit_kw) for f in Feeder.objects.all()]).all()


def test_the_welcome_names_the_partners() -> None:
    out = StringIO()
    call_command("demo_welcome", stdout=out)
    text = out.getvalue()
    for name in ("albert (Albert Solar)", "thomas (Thomas Batteries)", "elon (Volt Motors)"):
        assert name in text


def test_a_meter_added_to_a_home_with_a_history_starts_where_the_home_is() -> None:
    seed_demo(now=NOW, history_days=1)
    new = ["battery-meter-5", "ev-meter-5"]
    Meter.objects.filter(meter_id__in=new).delete()  # as in a database seeded before

    seed_demo(now=NOW + timedelta(hours=1), history_days=1)

    for meter_id in new:
        times = list(
            Reading.objects.filter(meter__meter_id=meter_id)
            .order_by("time")
            .values_list("time", flat=True)
        )
        assert times == [NOW + timedelta(minutes=15 * k) for k in range(1, 5)]
    assert Reading.objects.filter(meter__meter_id="smart-meter-5").count() == 96 + 4
