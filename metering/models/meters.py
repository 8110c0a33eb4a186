"""Meters and the tokens devices authenticate with."""

from typing import override

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from households.models import ElectricVehicle, FlexibleLoad, HomeBattery, Household, SolarArray
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
    # The asset this meter measures (at most one, at the meter's household). The link lives
    # here because households never import metering.
    solar_array = models.ForeignKey(
        SolarArray, on_delete=models.SET_NULL, null=True, blank=True, related_name="meters"
    )
    home_battery = models.ForeignKey(
        HomeBattery, on_delete=models.SET_NULL, null=True, blank=True, related_name="meters"
    )
    electric_vehicle = models.ForeignKey(
        ElectricVehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="meters"
    )
    flexible_load = models.ForeignKey(
        FlexibleLoad, on_delete=models.SET_NULL, null=True, blank=True, related_name="meters"
    )

    class Meta:
        ordering = ["meter_id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        solar_array__isnull=True,
                        home_battery__isnull=True,
                        electric_vehicle__isnull=True,
                    )
                    | Q(
                        solar_array__isnull=True,
                        home_battery__isnull=True,
                        flexible_load__isnull=True,
                    )
                    | Q(
                        solar_array__isnull=True,
                        electric_vehicle__isnull=True,
                        flexible_load__isnull=True,
                    )
                    | Q(
                        home_battery__isnull=True,
                        electric_vehicle__isnull=True,
                        flexible_load__isnull=True,
                    )
                ),
                name="%(app_label)s_%(class)s_one_asset",
                violation_error_message="A meter measures at most one asset.",
            )
        ]

    @override
    def clean(self) -> None:
        linked = {
            field: getattr(self, field)
            for field in ASSET_FIELDS
            if getattr(self, f"{field}_id") is not None
        }
        if len(linked) > 1:
            raise ValidationError(dict.fromkeys(linked, "A meter measures at most one asset."))
        for field, asset in linked.items():
            if asset.household_id != self.household_id:
                raise ValidationError({field: "This asset is at another household."})

    @override
    def __str__(self) -> str:
        return self.meter_id


ASSET_FIELDS = ("solar_array", "home_battery", "electric_vehicle", "flexible_load")


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
