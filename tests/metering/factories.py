from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

from metering.choices import MeterKind
from metering.models import Meter
from tests.households.factories import HouseholdFactory


class MeterFactory(DjangoModelFactory[Meter]):
    class Meta:
        model = Meter

    meter_id = Sequence(lambda n: f"test-meter-{n}")
    kind = MeterKind.GRID
    household = SubFactory(HouseholdFactory)
