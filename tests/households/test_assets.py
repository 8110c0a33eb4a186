from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from households.models import (
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Partner,
    PartnerGrant,
    PartnerKind,
    SolarArray,
)
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _battery(**overrides: object) -> HomeBattery:
    values: dict[str, object] = {
        "capacity_kwh": Decimal(10),
        "max_charge_kw": Decimal(5),
        "max_discharge_kw": Decimal(5),
    }
    values.update(overrides)
    return HomeBattery(household=HouseholdFactory.create(), **values)


def _car(**overrides: object) -> ElectricVehicle:
    values: dict[str, object] = {"battery_kwh": Decimal(58), "charger_max_kw": Decimal("7.4")}
    values.update(overrides)
    return ElectricVehicle(household=HouseholdFactory.create(), **values)


def _errors(instance: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()  # type: ignore[attr-defined]
    return caught.value.message_dict


def test_assets_are_stored_with_their_partner() -> None:
    installer = Partner.objects.create(name="Albert Solar", kind=PartnerKind.INSTALLER)
    household = HouseholdFactory.create()
    PartnerGrant.objects.create(partner=installer, household=household)
    array = SolarArray(
        household=household, kwp=Decimal("4.2"), inverter_kw=Decimal(4), installed_by=installer
    )
    array.full_clean()
    array.save()
    car = _car(usual_departure=time(7, 30), usual_energy_need_kwh=Decimal(20))
    car.full_clean()
    car.save()
    assert list(installer.solar_arrays.all()) == [array]
    assert list(installer.households.all()) == [household]
    assert household.connection_kw == Decimal("9.20")
    assert ElectricVehicle.objects.get().usual_departure == time(7, 30)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity_kwh": Decimal(0)}, "capacity_kwh"),
        ({"max_discharge_kw": Decimal(-1)}, "max_discharge_kw"),
        ({"efficiency": Decimal(0)}, "efficiency"),
        ({"efficiency": Decimal("1.01")}, "efficiency"),
        ({"reserve_share": Decimal(1)}, "reserve_share"),
        ({"reserve_share": Decimal("-0.1")}, "reserve_share"),
        ({"max_charge_kw": Decimal(10)}, "max_charge_kw"),  # above the 9.2 kW connection
    ],
)
def test_battery_refusals_name_the_field(overrides: dict[str, object], field: str) -> None:
    assert field in _errors(_battery(**overrides))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"battery_kwh": Decimal(0)}, "battery_kwh"),
        ({"charger_max_kw": Decimal(0)}, "charger_max_kw"),
        ({"charger_min_kw": Decimal(2)}, "charger_min_kw"),
        ({"charger_min_kw": Decimal("4.14"), "charger_max_kw": Decimal("3.7")}, "charger_min_kw"),
        ({"charging_efficiency": Decimal("1.5")}, "charging_efficiency"),
        ({"usual_energy_need_kwh": Decimal(-1)}, "usual_energy_need_kwh"),
    ],
)
def test_car_refusals_name_the_field(overrides: dict[str, object], field: str) -> None:
    assert field in _errors(_car(**overrides))


def test_solar_and_flexible_load_refusals() -> None:
    array = SolarArray(household=HouseholdFactory.create(), kwp=Decimal(0), inverter_kw=Decimal(3))
    assert "kwp" in _errors(array)
    load = FlexibleLoad(
        household=HouseholdFactory.create(),
        kind="heat_pump",
        rated_kw=Decimal(2),
        max_off_minutes_per_day=30,
        max_off_minutes_per_event=60,
    )
    assert "max_off_minutes_per_event" in _errors(load)


@pytest.mark.parametrize(
    "overrides",
    [
        {"capacity_kwh": Decimal(0)},
        {"efficiency": Decimal(0)},
        {"reserve_share": Decimal(1)},
    ],
)
def test_the_database_refuses_what_clean_refuses(overrides: dict[str, object]) -> None:
    battery = _battery(**overrides)
    with pytest.raises(IntegrityError), transaction.atomic():
        battery.save()
    assert not HomeBattery.objects.exists()


def test_the_database_refuses_a_car_minimum_above_maximum() -> None:
    car = _car(charger_min_kw=Decimal("4.14"), charger_max_kw=Decimal("3.7"))
    with pytest.raises(IntegrityError), transaction.atomic():
        car.save()
    assert not ElectricVehicle.objects.exists()
