from datetime import datetime

from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory
from rest_framework.test import APIClient

from households.models import Household
from metering.choices import MeterKind
from metering.models import DeviceToken, Meter, Reading
from metering.services.tokens import device_token_create
from tests.households.factories import HouseholdFactory


class MeterFactory(DjangoModelFactory[Meter]):
    class Meta:
        model = Meter

    meter_id = Sequence(lambda n: f"test-meter-{n}")
    kind = MeterKind.GRID
    household = SubFactory(HouseholdFactory)


def token_for(*meters: Meter, gateway: bool = False) -> tuple[DeviceToken, str]:
    """A real token through the service (its key is only known at creation)."""
    return device_token_create(meters=list(meters), name="test token", gateway=gateway)


def stored(meter: Meter) -> list[tuple[datetime, float]]:
    """The meter's stored (time, power_kw) in time order."""
    readings = Reading.objects.filter(meter=meter).order_by("time")
    return list(readings.values_list("time", "power_kw"))


def feed(meter: Meter, kw: float, start: datetime, minutes: int) -> None:
    """Constant power, one reading a minute from ``start`` for ``minutes`` minutes (inclusive
    of both ends), through the real ingestion service."""
    from datetime import timedelta

    from metering.services.ingestion import meter_readings_record

    meter_readings_record(
        meter=meter, samples=[(start + timedelta(minutes=m), kw) for m in range(minutes + 1)]
    )


def token_client(*meters: Meter, gateway: bool = False) -> APIClient:
    """An API client presenting a real device token for ``meters``."""
    _token, key = token_for(*meters, gateway=gateway)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def two_hours_with_solar(household: Household, start: datetime) -> None:
    """1 kW from the grid and 3 kW of solar for an hour (4 kW used), then 2 kW exported for
    an hour, through ingestion and the rollup."""
    from datetime import timedelta

    from metering.choices import MeterKind
    from metering.services.rollup import slots_rollup

    grid = MeterFactory.create(household=household, kind=MeterKind.GRID)
    solar = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    later = start + timedelta(hours=1, minutes=1)
    feed(grid, 1.0, start, 60)
    feed(solar, 3.0, start, 60)
    feed(grid, -2.0, later, 59)
    feed(solar, 3.0, later, 59)
    slots_rollup(now=start + timedelta(hours=3))
