"""Who and what: communities, households and the people who belong to them."""

from decimal import Decimal
from typing import override

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Community(BaseModel):
    """A group of households that share a local grid and whose energy is netted together."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    @override
    def __str__(self) -> str:
        return self.name


class Household(BaseModel):
    """A home connected to the grid. Its price plan lives in pricing (a subscription)."""

    name = models.CharField(max_length=120)
    connection_kw = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("9.20"),
        help_text="Rating of the grid connection, kW (9.2 kW, 40 A single phase, when unknown).",
    )
    address = models.CharField(max_length=255, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="households", null=True, blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="households", blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(connection_kw__gt=0),
                name="%(app_label)s_%(class)s_connection_positive",
                violation_error_message="The connection rating must be above 0 kW.",
            )
        ]

    @override
    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user who belongs to a household; two people can share one household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "user"],
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message="This person is already a member of this household.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.user} in {self.household}"
