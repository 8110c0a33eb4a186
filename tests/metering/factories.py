from datetime import datetime

from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

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
