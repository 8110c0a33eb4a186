"""Energy facts: meters, the power samples they report, and what is computed from them."""

from decimal import Decimal
from typing import override

from django.db import models

from core.models import BaseModel
from households.models import Community, Household
from metering.choices import AutarkyLevel, BlockState, IngestSource, MeterKind, SlotSource


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


class Reading(models.Model):
    """An instantaneous power sample. The key (meter, time) makes a sample unique: a repeat of
    the same value is a duplicate, a different value at the same time is a conflict."""

    pk = models.CompositePrimaryKey("meter_id", "time")
    # The primary key's index leads with the meter: no index of its own (one less to update
    # for every reading stored).
    meter = models.ForeignKey(
        Meter, on_delete=models.CASCADE, related_name="readings", db_index=False
    )
    time = models.DateTimeField(help_text="UTC instant of the sample.")
    power_kw = models.FloatField(help_text="Power in kW.")

    class Meta:
        ordering = ["meter_id", "time"]

    @override
    def __str__(self) -> str:
        return f"{self.meter_id} {self.time.isoformat()} {self.power_kw} kW"


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

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def energy_field(help_text: str) -> "models.DecimalField[Decimal, Decimal]":
    """kWh as a Decimal with 6 decimals (Wh and below), as every energy column is stored."""
    return models.DecimalField(
        max_digits=14, decimal_places=6, default=Decimal(0), help_text=help_text
    )


class EnergySlot(models.Model):
    """A meter's energy in one 15-minute slot [start, start + 15 min), from its readings.

    Which columns a meter fills depends on its kind: grid → import/export; production →
    production; battery → charge (power > 0) and discharge (power < 0); EV → charge.
    """

    pk = models.CompositePrimaryKey("meter_id", "start")
    # Derived rows, written by the rollup only: no database-side foreign key, whose per-row
    # checks at commit cost a third of the rollup's time (Django still cascades deletes), and
    # no index but the primary key's, which leads with the meter.
    meter = models.ForeignKey(
        Meter, on_delete=models.CASCADE, related_name="slots", db_constraint=False, db_index=False
    )
    start = models.DateTimeField(help_text="UTC start of the slot.")
    import_kwh = energy_field("kWh drawn from the grid.")
    export_kwh = energy_field("kWh fed into the grid.")
    production_kwh = energy_field("kWh produced.")
    charge_kwh = energy_field("kWh into a battery or EV.")
    discharge_kwh = energy_field("kWh out of a battery.")
    samples = models.PositiveIntegerField(default=0, help_text="Readings inside the slot.")
    complete = models.BooleanField(
        default=False, help_text="Whether bridged readings cover the whole slot."
    )
    source = models.CharField(max_length=8, choices=SlotSource.choices, default=SlotSource.POWER)

    class Meta:
        ordering = ["meter_id", "start"]

    @override
    def __str__(self) -> str:
        return f"{self.meter_id} {self.start.isoformat()}"


class SlotBlock(BaseModel):
    """The rollup's bookkeeping for a meter's UTC day: TODO when readings arrived (from
    ``dirty_from`` on), DONE once its slots are computed, FAULTY when that failed (retried, the
    error kept), CLOSED once old enough to be final. A late reading re-opens it."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="slot_blocks")
    day = models.DateField(help_text="UTC day the block covers.")
    state = models.CharField(max_length=8, choices=BlockState.choices, default=BlockState.TODO)
    dirty_from = models.DateTimeField(
        null=True, blank=True, help_text="Slots from this instant on need computing."
    )
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    readings_pruned = models.BooleanField(
        default=False, help_text="Its raw readings are past the retention and deleted."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "day"],
                name="%(app_label)s_%(class)s_one_per_meter_day",
                violation_error_message="The meter already has a block for that day.",
            )
        ]
        indexes = [
            models.Index(
                fields=["state", "day"],
                name="metering_block_open_idx",
                condition=models.Q(state__in=["todo", "faulty"]),
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.meter_id} {self.day} {self.state}"


class HouseholdSlot(models.Model):
    """A household's energy flows in one slot, from its meters' slots.

    consumption = import + production + discharge − export − charge (never below zero);
    self_consumed = solar not exported; direct_solar = solar used at once (not exported, not
    stored in the battery).
    """

    pk = models.CompositePrimaryKey("household_id", "start")
    # Derived rows, as EnergySlot's: no database-side foreign key (Django cascades deletes).
    # The household's own index stays: a household-year's flows read 25% faster through it
    # than through the primary key's.
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="slots", db_constraint=False
    )
    start = models.DateTimeField(help_text="UTC start of the slot.")
    import_kwh = energy_field("kWh drawn from the grid.")
    export_kwh = energy_field("kWh fed into the grid.")
    production_kwh = energy_field("kWh of solar production.")
    charge_kwh = energy_field("kWh into the battery.")
    discharge_kwh = energy_field("kWh out of the battery.")
    consumption_kwh = energy_field("kWh used in the home.")
    self_consumed_kwh = energy_field("kWh of solar not exported.")
    direct_solar_kwh = energy_field("kWh of solar used at once.")
    complete = models.BooleanField(default=False)

    class Meta:
        ordering = ["household_id", "start"]

    @override
    def __str__(self) -> str:
        return f"{self.household_id} {self.start.isoformat()}"


class AutarkyState(BaseModel):
    """Whether a household or a community is autarkic over the trailing window, with
    hysteresis; ``transitions`` counts the changes and keys their notifications."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="autarky_state"
    )
    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="autarky_state"
    )
    level = models.CharField(
        max_length=16, choices=AutarkyLevel.choices, default=AutarkyLevel.NOT_AUTARKIC
    )
    ratio = models.FloatField(null=True, blank=True, help_text="Last autarky, 0–1.")
    transitions = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=False, community__isnull=True)
                | models.Q(household__isnull=True, community__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
                violation_error_message="An autarky state is of a household or of a community.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.household or self.community}: {self.get_level_display()}"


class IngestFailure(BaseModel):
    """A message a consumer could not ingest (unparsable, invalid, unknown meter, conflicting):
    logged, kept here to be counted and looked at, and skipped."""

    source = models.CharField(max_length=16, choices=IngestSource.choices)
    meter_id = models.CharField(max_length=64, blank=True, help_text="As the message named it.")
    code = models.CharField(max_length=64, help_text="The error's code, such as invalid_reading.")
    message = models.TextField()
    payload = models.TextField(blank=True, help_text="The start of the message's body.")

    class Meta:
        ordering = ["-created_at"]

    @override
    def __str__(self) -> str:
        return f"{self.source} {self.meter_id or '?'}: {self.code}"


from metering.dsmr.models import *  # noqa: E402,F403 - the DSMR models live in their package
