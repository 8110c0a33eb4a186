"""The services behind "My installation": one asset of the household, validated whole, only
the fields set saved; a refusal names the field and writes nothing."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from households.exceptions import AssetNotFoundError
from households.models import ElectricVehicle, HomeBattery
from households.services import (
    battery_preferences_set,
    flexible_load_consent_set,
    vehicle_plan_set,
)
from tests.households.factories import (
    ElectricVehicleFactory,
    FlexibleLoadFactory,
    HomeBatteryFactory,
    HouseholdFactory,
)

pytestmark = pytest.mark.django_db


def test_the_settings_are_saved() -> None:
    car = ElectricVehicleFactory.create(battery_kwh=Decimal(40))
    battery = HomeBatteryFactory.create(household=car.household)
    load = FlexibleLoadFactory.create(household=car.household)

    saved = vehicle_plan_set(
        household=car.household,
        vehicle_id=car.pk,
        usual_departure=time(6, 15),
        usual_energy_need_kwh=Decimal(40),  # the whole battery is allowed
    )
    battery_preferences_set(
        household=car.household,
        battery_id=battery.pk,
        reserve_share=Decimal("0.9999"),
        vpp_opt_in=True,
    )
    flexible_load_consent_set(household=car.household, load_id=load.pk, curtailment_consent=True)

    assert saved.usual_departure == time(6, 15)
    car.refresh_from_db()
    battery.refresh_from_db()
    load.refresh_from_db()
    assert (car.usual_departure, car.usual_energy_need_kwh) == (time(6, 15), Decimal(40))
    assert (battery.reserve_share, battery.vpp_opt_in) == (Decimal("0.9999"), True)
    assert load.curtailment_consent is True


def test_a_refusal_names_the_field_and_writes_nothing() -> None:
    car = ElectricVehicleFactory.create(battery_kwh=Decimal(40), usual_departure=time(7, 0))
    battery = HomeBatteryFactory.create(household=car.household)
    with pytest.raises(ValidationError) as caught:
        vehicle_plan_set(
            household=car.household,
            vehicle_id=car.pk,
            usual_departure=time(5, 0),
            usual_energy_need_kwh=Decimal("40.01"),
        )
    assert list(caught.value.message_dict) == ["usual_energy_need_kwh"]
    with pytest.raises(ValidationError) as caught:
        battery_preferences_set(
            household=car.household,
            battery_id=battery.pk,
            reserve_share=Decimal(1),
            vpp_opt_in=True,
        )
    assert list(caught.value.message_dict) == ["reserve_share"]
    stored = ElectricVehicle.objects.get(pk=car.pk)
    assert stored.usual_departure == time(7, 0)
    assert stored.usual_energy_need_kwh is None
    assert HomeBattery.objects.filter(pk=battery.pk, vpp_opt_in=False).exists()


def test_another_households_asset_is_not_found() -> None:
    theirs = ElectricVehicleFactory.create()
    with pytest.raises(AssetNotFoundError):
        vehicle_plan_set(
            household=HouseholdFactory.create(),
            vehicle_id=theirs.pk,
            usual_departure=time(5, 0),
            usual_energy_need_kwh=None,
        )
    theirs.refresh_from_db()
    assert theirs.usual_departure is None
