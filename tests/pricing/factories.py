from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal

from factory.declarations import PostGeneration, Sequence, SubFactory
from factory.django import DjangoModelFactory

from pricing.models import (
    PlanVersion,
    PricePlan,
    RateBand,
    Subscription,
    Supplier,
    WeekdayMultiplier,
)
from tests.households.factories import HouseholdFactory


class SupplierFactory(DjangoModelFactory[Supplier]):
    class Meta:
        model = Supplier
        django_get_or_create = ["name"]

    name = Sequence(lambda n: f"Supplier {n}")


class PricePlanFactory(DjangoModelFactory[PricePlan]):
    """A plan with one version from 2020 on; ``unit_rate`` sets its flat energy rate."""

    class Meta:
        model = PricePlan
        skip_postgeneration_save = True

    plan_id = Sequence(lambda n: f"test-plan-{n}")
    supplier = SubFactory(SupplierFactory)

    unit_rate = PostGeneration(
        lambda plan, create, rate, **_: (
            create and PlanVersionFactory.create(plan=plan, energy_rate=rate or Decimal("0.300000"))
        )
    )


class PlanVersionFactory(DjangoModelFactory[PlanVersion]):
    class Meta:
        model = PlanVersion

    plan = SubFactory(PricePlanFactory)
    valid_from = date(2020, 1, 1)
    energy_rate = Decimal("0.300000")
    vat_rate = Decimal(0)


class RateBandFactory(DjangoModelFactory[RateBand]):
    class Meta:
        model = RateBand

    version = SubFactory(PlanVersionFactory)
    name = "night"
    rate = Decimal("0.100000")
    weekdays = "0123456"
    starts_at = time(22)
    ends_at = time(7)


class WeekdayMultiplierFactory(DjangoModelFactory[WeekdayMultiplier]):
    class Meta:
        model = WeekdayMultiplier

    version = SubFactory(PlanVersionFactory)
    weekday = 0
    multiplier = Decimal("2.0")


class SubscriptionFactory(DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    household = SubFactory(HouseholdFactory)
    price_plan = SubFactory(PricePlanFactory)
    valid_from = datetime(2020, 1, 1, tzinfo=UTC)


def plan_priced(
    prices: Mapping[str, Decimal],
    *,
    plan_id: str | None = None,
    supplier: str | None = None,
    valid_from: date | None = None,
) -> PricePlan:
    """A plan with exactly one version, priced as given (energy_rate, standing_charge_per_day,
    feed_in_rate, capacity_rate_per_kw, vat_rate; the rest zero)."""
    extra: dict[str, object] = {}
    if plan_id is not None:
        extra["plan_id"] = plan_id
    if supplier is not None:
        extra["supplier__name"] = supplier
    plan = PricePlanFactory.create(unit_rate=None, **extra)
    plan.versions.all().delete()
    PlanVersionFactory.create(plan=plan, valid_from=valid_from or date(2020, 1, 1), **prices)
    return plan
