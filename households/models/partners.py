"""Partner companies (installers, battery suppliers, EV makers), their staff and API tokens."""

from typing import override

from django.conf import settings
from django.db import models

from core.models import BaseModel
from households.models.households import Household


class PartnerKind(models.TextChoices):
    INSTALLER = "installer", "Solar installer"
    BATTERY_SUPPLIER = "battery_supplier", "Battery supplier"
    EV_MAKER = "ev_maker", "EV maker"
    DATA_BUYER = "data_buyer", "Data buyer"


class Partner(BaseModel):
    """A company working with the energy company; sees only its own installations."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="partners", blank=True)
    households = models.ManyToManyField(
        Household, through="PartnerGrant", related_name="partners", blank=True
    )

    class Meta:
        ordering = ["name"]

    @override
    def __str__(self) -> str:
        return self.name


class PartnerGrant(BaseModel):
    """A household the energy company has shared with a partner (its customer)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="grants")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="partner_grants"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "household"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This household is already shared with this partner.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.household} shared with {self.partner}"


class PartnerToken(BaseModel):
    """An API key of a partner; only its SHA-256 hash is stored (core.tokens.key_hash)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=120)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @override
    def __str__(self) -> str:
        return f"{self.partner}: {self.name}"
