from datetime import UTC, datetime
from decimal import Decimal

from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

from grid.models import Feeder, FeederConnection, Interconnection, InterconnectionLimit
from tests.households.factories import HouseholdFactory


class FeederFactory(DjangoModelFactory[Feeder]):
    class Meta:
        model = Feeder

    name = Sequence(lambda n: f"Feeder {n}")
    limit_kw = Decimal("250.00")


class FeederConnectionFactory(DjangoModelFactory[FeederConnection]):
    class Meta:
        model = FeederConnection

    feeder = SubFactory(FeederFactory)
    household = SubFactory(HouseholdFactory)


class InterconnectionFactory(DjangoModelFactory[Interconnection]):
    class Meta:
        model = Interconnection

    name = Sequence(lambda n: f"Link {n}")
    feeder = SubFactory(FeederFactory)


class InterconnectionLimitFactory(DjangoModelFactory[InterconnectionLimit]):
    class Meta:
        model = InterconnectionLimit

    interconnection = SubFactory(InterconnectionFactory)
    valid_from = datetime(2026, 1, 1, tzinfo=UTC)
    import_kw = Decimal("2000.00")
    export_kw = Decimal("1500.00")
