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
