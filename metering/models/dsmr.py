"""What DSMR telegrams leave behind: the equipment they come from, their cumulative registers,
gas and water volumes, and the refusals counted per meter.

A telegram's equipment id (OBIS 0-0:96.1.1) names the physical P1 meter; a ``DsmrEquipment``
links it to the grid ``Meter`` of the connection. A new equipment id on the same meter (a meter
swap) is a new equipment, hence a new register series. M-Bus devices (gas, water) are equipment
too, linked to a meter of kind gas or water.
"""

from typing import override

from django.db import models

from core.models import BaseModel
from metering.dsmr.choices import EquipmentKind
from metering.models.meters import Meter


class DsmrEquipment(BaseModel):
    """A physical meter seen in telegrams, linked to the Meter its values belong to. The link is
    set once (in the admin, or by the first telegram through the meter's token) and never moved,
    so a meter's register series are exactly its equipment."""

    equipment_id = models.CharField(
        max_length=96,
        unique=True,
        help_text="The equipment id of the telegram, decoded to text when it is hex-encoded "
        "ASCII (as printed on the meter).",
    )
    kind = models.CharField(max_length=16, choices=EquipmentKind.choices)
    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="dsmr_equipment")

    class Meta:
        ordering = ["meter", "created_at"]
        verbose_name = "DSMR equipment"
        verbose_name_plural = "DSMR equipment"

    @override
    def __str__(self) -> str:
        return f"{self.equipment_id} ({self.get_kind_display()}) → {self.meter_id}"


class DsmrRegister(models.Model):
    """The electricity registers of one telegram. ``time`` is the telegram's local time with its
    DST flag, stored as UTC; rows of one equipment form one cumulative series."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="dsmr_registers")
    equipment = models.ForeignKey(DsmrEquipment, on_delete=models.CASCADE, related_name="registers")
    time = models.DateTimeField(help_text="UTC instant of the telegram.")
    import_tariff1_kwh = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="Delivered to the home, tariff 1, kWh."
    )
    import_tariff2_kwh = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="Delivered to the home, tariff 2, kWh."
    )
    export_tariff1_kwh = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="Returned to the grid, tariff 1, kWh."
    )
    export_tariff2_kwh = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="Returned to the grid, tariff 2, kWh."
    )
    tariff = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Current tariff.")
    power_delivered_kw = models.DecimalField(
        max_digits=8, decimal_places=3, help_text="Power drawn from the grid, kW."
    )
    power_returned_kw = models.DecimalField(
        max_digits=8, decimal_places=3, help_text="Power injected into the grid, kW."
    )
    voltage_l1_v = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    voltage_l2_v = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    voltage_l3_v = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    current_l1_a = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    current_l2_a = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    current_l3_a = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    power_l1_delivered_kw = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    power_l2_delivered_kw = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    power_l3_delivered_kw = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    power_l1_returned_kw = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    power_l2_returned_kw = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    power_l3_returned_kw = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True
    )
    average_demand_kw = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Fluvius: current average demand (15 min), kW.",
    )
    month_peak_kw = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Fluvius: the month's peak demand, kW.",
    )
    month_peak_at = models.DateTimeField(
        null=True, blank=True, help_text="Fluvius: when the month's peak occurred (UTC)."
    )

    class Meta:
        ordering = ["meter", "time"]
        verbose_name = "DSMR register"
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "time"],
                name="%(app_label)s_%(class)s_one_per_equipment_and_time",
                violation_error_message="This equipment already has registers at this time.",
            )
        ]
        indexes = [models.Index(fields=["meter", "time"], name="metering_dsmrreg_meter_time")]

    @override
    def __str__(self) -> str:
        return f"{self.equipment_id} {self.time.isoformat()}"


class DsmrVolumeRegister(models.Model):
    """A cumulative volume of an M-Bus gas or water meter, at the meter's own capture time."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="dsmr_volumes")
    equipment = models.ForeignKey(DsmrEquipment, on_delete=models.CASCADE, related_name="volumes")
    time = models.DateTimeField(help_text="UTC instant the M-Bus meter captured the value.")
    volume_m3 = models.DecimalField(max_digits=12, decimal_places=3, help_text="Cumulative, m³.")

    class Meta:
        ordering = ["meter", "time"]
        verbose_name = "DSMR volume register"
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "time"],
                name="%(app_label)s_%(class)s_one_per_equipment_and_time",
                violation_error_message="This equipment already has a volume at this time.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.equipment_id} {self.time.isoformat()} {self.volume_m3} m³"


class DsmrRefusalCount(models.Model):
    """How many telegrams for a meter were refused, by error code, and the last refusal."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="dsmr_refusals")
    code = models.CharField(max_length=40, help_text="The error code, such as crc_mismatch.")
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    last_message = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["meter", "code"]
        verbose_name = "DSMR refusal count"
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "code"],
                name="%(app_label)s_%(class)s_one_per_meter_and_code",
                violation_error_message="This meter already counts refusals with this code.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.meter_id} {self.code}: {self.count}"
