"""What meters report: power samples, and the messages the consumers could not ingest."""

from typing import override

from django.db import models

from core.models import BaseModel
from metering.choices import IngestSource
from metering.models.meters import Meter


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
