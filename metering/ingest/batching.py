"""What the broker and MQTT consumers share: messages of several meters gathered into one
``readings_record`` call, acknowledged only once it is written.

A message that cannot be parsed, names an unknown meter or fails validation is recorded as an
``IngestFailure`` and acknowledged (it would fail again); it never stops the consumer. When a
whole batch is refused (a conflict with a stored reading), its messages are written one by one
so that only the guilty ones are refused.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections

from core.exceptions import ApplicationError
from metering.energy import Sample
from metering.ingest.parsing import samples_from_json
from metering.models import Meter
from metering.selectors.meters import meter_get
from metering.services.failures import ingest_failure_record
from metering.services.ingestion import readings_record, readings_validate

logger = logging.getLogger(__name__)


@dataclass
class Message:
    meter: Meter
    samples: list[Sample]
    body: bytes
    ack: Callable[[], None]


@dataclass
class Totals:
    messages: int = 0
    inserted: int = 0
    duplicates: int = 0
    failures: int = 0


@dataclass
class ReadingsBatcher:
    """Gathers messages until ``max_readings`` or ``linger_s`` after the first, then writes."""

    source: str
    max_readings: int = field(default_factory=lambda: settings.METERING_MAX_BATCH)
    linger_s: float = 0.5
    totals: Totals = field(default_factory=Totals)
    pending: list[Message] = field(default_factory=list)
    readings: int = 0
    first_at: float = 0.0
    meters: dict[str, Meter] = field(default_factory=dict)

    def add(self, meter_id: str, body: bytes, ack: Callable[[], None]) -> None:
        """Parses and checks one message; a good one waits for the next write."""
        self.totals.messages += 1
        try:
            meter = self._meter(meter_id)
            samples = samples_from_json(body)
            readings_validate(samples, meter_id=meter_id)
        except ApplicationError as error:
            self._refuse(meter_id, body, error)
            ack()
            return
        if self.readings + len(samples) > self.max_readings:
            self.flush()
        if not self.pending:
            self.first_at = time.monotonic()
        self.pending.append(Message(meter, samples, body, ack))
        self.readings += len(samples)
        if self.readings >= self.max_readings:
            self.flush()

    def due(self) -> bool:
        return bool(self.pending) and time.monotonic() - self.first_at >= self.linger_s

    def flush(self) -> None:
        """Writes the pending messages in one batch, then acknowledges them."""
        if not self.pending:
            return
        close_old_connections()  # a long-lived process: drop a connection the server closed
        batch: dict[Meter, list[Sample]] = {}
        for message in self.pending:
            batch.setdefault(message.meter, []).extend(message.samples)
        try:
            result = readings_record(samples_by_meter=batch)
            self.totals.inserted += result.inserted
            self.totals.duplicates += result.duplicates
        except ApplicationError:
            self._write_one_by_one()
        for message in self.pending:
            message.ack()
        self.drop()

    def drop(self) -> None:
        """Forgets the pending messages unacknowledged (the broker will deliver them again)."""
        self.pending, self.readings = [], 0

    def _write_one_by_one(self) -> None:
        for message in self.pending:
            try:
                result = readings_record(samples_by_meter={message.meter: message.samples})
            except ApplicationError as error:
                self._refuse(message.meter.meter_id, message.body, error)
            else:
                self.totals.inserted += result.inserted
                self.totals.duplicates += result.duplicates

    def _meter(self, meter_id: str) -> Meter:
        meter = self.meters.get(meter_id)
        if meter is None:
            meter = self.meters[meter_id] = meter_get(meter_id=meter_id)
        return meter

    def _refuse(self, meter_id: str, body: bytes, error: ApplicationError) -> None:
        self.totals.failures += 1
        ingest_failure_record(
            source=self.source,
            meter_id=meter_id,
            code=error.code,
            message=error.message,
            payload=body,
        )
