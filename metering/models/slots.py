"""15-minute energy slots of meters and households, and the rollup's blocks of work."""

from decimal import Decimal
from typing import override

from django.db import models

from core.models import BaseModel
from households.models import Household
from metering.choices import BlockState, SlotSource
from metering.models.meters import Meter


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
