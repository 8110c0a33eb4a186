"""The night's charging, live: a car's plug-in (ChargeSession), each plan the planner stored
(Plan) and the power it asks of each device per slot (Setpoint)."""

from typing import override

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from households.models import ElectricVehicle
from metering.models import Meter


class ChargeSessionState(models.TextChoices):
    PLANNED = "planned", "Planned"  # plugged in, waiting for its slots
    CHARGING = "charging", "Charging"  # its plan has it charging now
    DONE = "done", "Done"  # has its energy (or was unplugged)
    SHORT = "short", "Short"  # the plan cannot give it its energy by departure


class ChargeSessionSource(models.TextChoices):
    PORTAL = "portal", "Household portal"
    PARTNER = "partner", "EV maker's API"
    METER = "meter", "Charger's meter"


class ChargeSession(BaseModel):
    """A car plugged in at home, from plug-in to unplugging."""

    vehicle = models.ForeignKey(
        ElectricVehicle, on_delete=models.CASCADE, related_name="charge_sessions"
    )
    plugged_in_at = models.DateTimeField()
    departure_at = models.DateTimeField(help_text="When the car must have its energy.")
    energy_needed_kwh = models.DecimalField(
        max_digits=8, decimal_places=3, help_text="Energy the car wants by departure, kWh."
    )
    delivered_kwh = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        default=0,
        help_text="Energy that reached the car so far (the EV meter's kWh × efficiency).",
    )
    expected_kwh = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Energy the latest plan gives it by departure, kWh.",
    )
    state = models.CharField(
        max_length=10, choices=ChargeSessionState.choices, default=ChargeSessionState.PLANNED
    )
    source = models.CharField(max_length=10, choices=ChargeSessionSource.choices)
    unplugged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-plugged_in_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(departure_at__gt=F("plugged_in_at")),
                name="%(app_label)s_%(class)s_departure_after_plug_in",
                violation_error_message="The departure must be after the plug-in.",
            ),
            models.CheckConstraint(
                condition=Q(energy_needed_kwh__gte=0),
                name="%(app_label)s_%(class)s_need_not_negative",
                violation_error_message="The energy needed cannot be negative.",
            ),
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(unplugged_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_vehicle",
                violation_error_message="This car is already plugged in.",
            ),
        ]

    @override
    def clean(self) -> None:
        errors = {}
        departure, plugged_in = self.departure_at, self.plugged_in_at
        if departure is not None and plugged_in is not None and departure <= plugged_in:
            errors["departure_at"] = "The departure must be after the plug-in."
        if self.energy_needed_kwh is not None and self.energy_needed_kwh < 0:
            errors["energy_needed_kwh"] = "The energy needed cannot be negative."
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return f"{self.vehicle} plugged in at {self.plugged_in_at:%Y-%m-%d %H:%M}"


class Plan(BaseModel):
    """One run of the planner over the slots from ``start``: what it solved and how."""

    start = models.DateTimeField(help_text="UTC start of the plan's first slot.")
    slots = models.PositiveIntegerField()
    trigger = models.CharField(max_length=40, help_text="What asked for it: beat, plug-in, ...")
    status = models.CharField(
        max_length=24, help_text="optimal, time_limit_incumbent, time_limit_fallback, ..."
    )
    objective = models.CharField(max_length=32)
    cost_eur = models.DecimalField(max_digits=12, decimal_places=4)
    demand_kwh = models.DecimalField(max_digits=12, decimal_places=3)
    delivered_kwh = models.DecimalField(max_digits=12, decimal_places=3)
    solve_seconds = models.FloatField()
    build_seconds = models.FloatField()
    rows = models.PositiveIntegerField()
    cols = models.PositiveIntegerField()
    nonzeros = models.PositiveIntegerField()
    vehicles = models.PositiveIntegerField()
    batteries = models.PositiveIntegerField()
    feeders = models.JSONField(
        default=list,
        help_text="Per feeder: id, name, limit_kw, the forecast base_kw and the planned "
        "flexible_kw of each slot (what the operator's page draws).",
    )

    class Meta:
        ordering = ["-created_at"]

    @override
    def __str__(self) -> str:
        return f"Plan of {self.start:%Y-%m-%d %H:%M} ({self.status})"


class Setpoint(models.Model):
    """The power a plan asks of one device's meter in one slot, in the meter's sign (an EV +
    charging; a battery + charging / − discharging)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="setpoints")
    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="setpoints")
    slot_start = models.DateTimeField(help_text="UTC start of the slot.")
    power_kw = models.FloatField()

    class Meta:
        ordering = ["plan_id", "meter_id", "slot_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "meter", "slot_start"], name="%(app_label)s_%(class)s_unique"
            )
        ]
        indexes = [models.Index(fields=["meter", "slot_start"])]

    @override
    def __str__(self) -> str:
        return f"{self.meter_id} {self.slot_start:%H:%M}: {self.power_kw:.3f} kW"
