"""Reads of the pricing domain."""

from django.db.models import QuerySet
from django.utils import timezone

from households.models import Household
from pricing.models import PricePlan, Subscription


def price_plan_list() -> QuerySet[PricePlan]:
    return PricePlan.objects.select_related("supplier").prefetch_related(
        "versions__bands", "versions__multipliers"
    )


def household_price_plan(*, household: Household) -> PricePlan | None:
    """The plan the household is on now: its latest subscription that has started."""
    subscription = (
        Subscription.objects.filter(household=household, valid_from__lte=timezone.now())
        .select_related("price_plan")
        .order_by("-valid_from")
        .first()
    )
    return subscription.price_plan if subscription else None
