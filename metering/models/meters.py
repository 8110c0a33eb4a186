"""Meters and the tokens devices authenticate with."""

from typing import override

from django.db import models

from core.models import BaseModel
from households.models import Household
from metering.choices import MeterKind


class Meter(BaseModel):
    """A measuring device. A grid meter's power is positive when the household draws from the
    grid and negative when it injects; a production meter is positive when producing."""

    meter_id = models.CharField(
        max_length=64, unique=True, help_text="Public id, such as smart-meter-0."
    )
    kind = models.CharField(max_length=16, choices=MeterKind.choices, default=MeterKind.GRID)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="meters"
    )

    class Meta:
        ordering = ["meter_id"]

    @override
    def __str__(self) -> str:
        return self.meter_id


class DeviceToken(BaseModel):
    """What a meter or gateway presents as ``Authorization: Token <key>``.

    Only the key's SHA-256 is stored (keys are 256-bit random, so no salt is needed); the key is
    shown once, at creation. A meter token lists one meter; a gateway token lists every meter it
    may write. A revoked token authenticates nothing.
    """

    name = models.CharField(max_length=120, help_text="What the token is for.")
    key_prefix = models.CharField(
        max_length=12, db_index=True, help_text="The key's first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_gateway = models.BooleanField(default=False)
    meters = models.ManyToManyField(Meter, related_name="tokens")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @override
    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
