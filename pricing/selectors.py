"""Reads of the pricing domain."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from households.models import Household
from pricing.models import PricePlan, Subscription


def price_plan_list() -> QuerySet[PricePlan]:
    return PricePlan.objects.select_related("supplier").prefetch_related(
        "versions__bands", "versions__multipliers"
    )


def household_price_plan(*, household: Household, at: datetime | None = None) -> PricePlan | None:
    """The plan the household is on at ``at`` (now): its latest subscription started by then."""
    subscription = (
        Subscription.objects.filter(household=household, valid_from__lt=at or timezone.now())
        .select_related("price_plan__supplier")
        .order_by("-valid_from")
        .first()
    )
    return subscription.price_plan if subscription else None
