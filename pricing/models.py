"""Suppliers, their price plans, and which plan a household is on."""

from decimal import Decimal
from typing import override

from django.core.validators import MinValueValidator, RegexValidator
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


def price_field(help_text: str) -> "models.DecimalField[Decimal, Decimal]":
    """A price in EUR with 6 decimals (per kWh, per day, per kW), never negative."""
    return models.DecimalField(
        max_digits=12,
        decimal_places=6,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=help_text,
    )


class PricePlan(BaseModel):
    """A supplier's offer. What it costs lives in its versions: a change of price is a new
    version from a date on, so nothing already billed ever changes."""

    plan_id = models.SlugField(
        max_length=64, unique=True, help_text="Public id, such as price-plan-0."
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="price_plans")
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["plan_id"]

    @override
    def __str__(self) -> str:
        return f"{self.plan_id} ({self.supplier})"


class PlanVersion(BaseModel):
    """The prices of a plan from ``valid_from`` (a local date) until the next version."""

    plan = models.ForeignKey(PricePlan, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(help_text="Local date from which these prices apply.")
    energy_rate = price_field("EUR per kWh drawn from the grid, outside any rate band.")
    standing_charge_per_day = price_field("EUR per day, whatever the consumption.")
    feed_in_rate = price_field("EUR paid per kWh fed into the grid.")
    capacity_rate_per_kw = price_field(
        "EUR per kW of the month's highest 15-minute average demand (0: none)."
    )
    vat_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.0600"),
        validators=[MinValueValidator(Decimal(0))],
        help_text="VAT as a fraction, such as 0.0600 for 6%.",
    )

    class Meta:
        ordering = ["plan", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "valid_from"],
                name="%(app_label)s_%(class)s_one_per_start",
                violation_error_message="The plan already has a version from that date.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.plan.plan_id} from {self.valid_from}"


class RateBand(BaseModel):
    """A time-of-use rate: on these local weekdays, from ``starts_at`` to ``ends_at`` (local
    time; an end at or before the start runs past midnight), energy costs ``rate``."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=40, help_text="Shown on invoices, such as night.")
    rate = price_field("EUR per kWh in this band.")
    weekdays = models.CharField(
        max_length=7,
        default="0123456",
        validators=[RegexValidator(r"^[0-6]{1,7}$", "Weekdays as digits, Monday = 0.")],
        help_text="Weekdays as digits, Monday = 0: 01234 for Monday to Friday.",
    )
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["version", "starts_at"]

    @override
    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%H:%M}–{self.ends_at:%H:%M} at {self.rate}"


class WeekdayMultiplier(BaseModel):
    """Multiplies the energy rate on one weekday (the JOI peak-time multipliers)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="multipliers")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    multiplier = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Factor applied to the energy rate on this weekday.",
    )

    class Meta:
        ordering = ["version", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "weekday"],
                name="%(app_label)s_%(class)s_one_per_weekday",
                violation_error_message="This version already has a multiplier for that day.",
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
