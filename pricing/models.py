"""Suppliers, their price plans, and which plan a household is on."""

from decimal import Decimal
from typing import override

from django.core.validators import MinValueValidator
from django.db import models

from core.models import BaseModel
from households.models import Household
from pricing.choices import Weekday


class Supplier(BaseModel):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    @override
    def __str__(self) -> str:
        return self.name


class PricePlan(BaseModel):
    plan_id = models.SlugField(
        max_length=64, unique=True, help_text="Public id, such as price-plan-0."
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="price_plans")
    unit_rate = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Energy price in EUR per kWh.",
    )
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["plan_id"]

    @override
    def __str__(self) -> str:
        return f"{self.plan_id} ({self.supplier})"


class PeakTimeMultiplier(BaseModel):
    """Multiplies the unit rate for the energy used on one weekday (the JOI peak multipliers)."""

    price_plan = models.ForeignKey(
        PricePlan, on_delete=models.CASCADE, related_name="peak_multipliers"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    multiplier = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Factor applied to the unit rate on this weekday.",
    )

    class Meta:
        ordering = ["price_plan", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_plan", "weekday"],
                name="%(app_label)s_%(class)s_one_per_weekday",
                violation_error_message="This plan already has a multiplier for that weekday.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.get_weekday_display()} ×{self.multiplier}"


class Subscription(BaseModel):
    """A household on a price plan from a date on; the latest one that has started is current."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="subscriptions")
    price_plan = models.ForeignKey(
        PricePlan, on_delete=models.PROTECT, related_name="subscriptions"
    )
    valid_from = models.DateTimeField()

    class Meta:
        ordering = ["household", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "valid_from"],
                name="%(app_label)s_%(class)s_one_start_per_household",
                violation_error_message="The household already changes plan at that moment.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.household} on {self.price_plan.plan_id} from {self.valid_from:%Y-%m-%d}"
