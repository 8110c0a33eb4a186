from datetime import UTC, datetime
from decimal import Decimal

from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

from pricing.models import PeakTimeMultiplier, PricePlan, Subscription, Supplier
from tests.households.factories import HouseholdFactory


class SupplierFactory(DjangoModelFactory[Supplier]):
    class Meta:
        model = Supplier
        django_get_or_create = ["name"]

    name = Sequence(lambda n: f"Supplier {n}")


class PricePlanFactory(DjangoModelFactory[PricePlan]):
    class Meta:
        model = PricePlan

    plan_id = Sequence(lambda n: f"test-plan-{n}")
    supplier = SubFactory(SupplierFactory)
    unit_rate = Decimal("0.300000")


class PeakTimeMultiplierFactory(DjangoModelFactory[PeakTimeMultiplier]):
    class Meta:
        model = PeakTimeMultiplier

    price_plan = SubFactory(PricePlanFactory)
    weekday = 0
    multiplier = Decimal("2.0")


class SubscriptionFactory(DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    household = SubFactory(HouseholdFactory)
    price_plan = SubFactory(PricePlanFactory)
    valid_from = datetime(2020, 1, 1, tzinfo=UTC)
