from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from households.models import HomeBattery, SolarArray
from metering.choices import MeterKind
from metering.models import Meter
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _assets() -> tuple[SolarArray, HomeBattery]:
    household = HouseholdFactory.create()
    array = SolarArray.objects.create(household=household, kwp=Decimal(4), inverter_kw=Decimal(4))
    battery = HomeBattery.objects.create(
        household=household,
        capacity_kwh=Decimal(10),
        max_charge_kw=Decimal(5),
        max_discharge_kw=Decimal(5),
    )
    return array, battery


def test_a_meter_measures_one_asset_of_its_household() -> None:
    array, battery = _assets()
    meter = Meter(meter_id="solar-1", kind=MeterKind.PRODUCTION, household=array.household)
    meter.solar_array = array
    meter.full_clean()
    meter.save()
    assert list(array.meters.all()) == [meter]
    meter.home_battery = battery
    with pytest.raises(ValidationError) as caught:
        meter.full_clean()
    assert "home_battery" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        meter.save()


def test_an_asset_of_another_household_is_refused() -> None:
    array, _battery = _assets()
    meter = Meter(
        meter_id="solar-2", kind=MeterKind.PRODUCTION, household=HouseholdFactory.create()
    )
    meter.solar_array = array
    with pytest.raises(ValidationError) as caught:
        meter.full_clean()
    assert "solar_array" in caught.value.message_dict
