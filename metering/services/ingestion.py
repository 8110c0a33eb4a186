"""The one ingestion service: every path a reading arrives by (JOI API, native API, DSMR
telegrams, MQTT, the broker, the simulator) ends in ``meter_readings_record``.

A batch is validated whole before anything is written, then written in one transaction:
- a sample whose (meter, time) is stored with the same value is a duplicate: counted, skipped;
- the same (meter, time) with another value is a conflict: the whole batch is refused;
- repeats inside one batch follow the same two rules.

Writers of one meter are serialised by a row lock on the meter, so the counts are exact even
when clients race. On Postgres the batch goes through a temporary staging table filled by
binary COPY (the fastest exact path measured in PERFORMANCE.md); elsewhere through the ORM.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from metering.constants import CONFLICTS_REPORTED, MAX_FUTURE_SKEW
from metering.exceptions import BatchTooLargeError, ConflictingReadingError, InvalidReadingError
from metering.models import Meter, Reading
from metering.services.meters import meter_get_or_create

Sample = tuple[datetime, float]


@dataclass(frozen=True, slots=True)
class IngestResult:
    inserted: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class Conflict:
    time: datetime
    stored_kw: float
    received_kw: float

    def as_dict(self) -> dict[str, object]:
        return {
            "time": self.time.isoformat(),
            "stored_kw": self.stored_kw,
            "received_kw": self.received_kw,
        }


def readings_validate(samples: Sequence[Sample], *, now: datetime | None = None) -> None:
    """Refuses the batch at its first bad sample, naming the sample's index and field."""
    if len(samples) > settings.METERING_MAX_BATCH:
        raise BatchTooLargeError(
            f"{len(samples)} samples in one batch; the limit is {settings.METERING_MAX_BATCH}.",
            extra={"limit": settings.METERING_MAX_BATCH, "received": len(samples)},
        )
    latest = (now or timezone.now()) + MAX_FUTURE_SKEW
    bound = settings.METERING_MAX_ABS_POWER_KW
    for index, (moment, power) in enumerate(samples):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise _invalid(index, "time", "has no time zone")
        if moment > latest:
            raise _invalid(index, "time", "is more than 5 minutes in the future")
        if not isinstance(power, float | int) or isinstance(power, bool):
            raise _invalid(index, "power_kw", "is not a number")
        if not math.isfinite(power):
            raise _invalid(index, "power_kw", "is not a finite number")
        if abs(power) > bound:
            raise _invalid(index, "power_kw", f"is beyond ±{bound:g} kW")


def meter_readings_record(*, meter: Meter, samples: Sequence[Sample]) -> IngestResult:
    """Validates and stores a batch of (time, power_kw) samples of one meter."""
    readings_validate(samples)
    unique, repeats = _unique_by_time(samples)
    if not unique:
        return IngestResult(inserted=0, duplicates=repeats)
    with transaction.atomic():
        Meter.objects.select_for_update().filter(pk=meter.pk).values_list("pk").get()
        if connection.vendor == "postgresql":
            inserted = _write_postgres(meter, unique)
        else:
            inserted = _write_portable(meter, unique)
    return IngestResult(inserted=inserted, duplicates=repeats + len(unique) - inserted)


def meter_readings_record_by_id(*, meter_id: str, samples: Sequence[Sample]) -> IngestResult:
    """As ``meter_readings_record``; an id not seen before becomes a meter with no household
    (the JOI behaviour), created only when the batch is accepted."""
    readings_validate(samples)
    with transaction.atomic():
        meter = meter_get_or_create(meter_id=meter_id)
        return meter_readings_record(meter=meter, samples=samples)


def _invalid(index: int, field: str, problem: str) -> InvalidReadingError:
    where = f"readings[{index}].{field}"
    return InvalidReadingError(f"{where} {problem}.", extra={"index": index, "field": where})


def _unique_by_time(samples: Sequence[Sample]) -> tuple[dict[datetime, float], int]:
    """Folds repeats inside the batch: same value → a duplicate, another value → a conflict."""
    unique: dict[datetime, float] = {}
    conflicts: list[Conflict] = []
    for moment, power in samples:
        value = float(power)
        first = unique.setdefault(moment, value)
        if first != value:
            conflicts.append(Conflict(moment, first, value))
    if conflicts:
        raise _conflict_error(conflicts)
    return unique, len(samples) - len(unique)


def _conflict_error(conflicts: Sequence[Conflict]) -> ConflictingReadingError:
    first = sorted(conflicts, key=lambda c: c.time)[:CONFLICTS_REPORTED]
    return ConflictingReadingError(
        f"{len(conflicts)} sample(s) repeat a stored time with a different value; "
        "nothing was stored.",
        extra={"conflicts": [c.as_dict() for c in first], "count": len(conflicts)},
    )


def _write_portable(meter: Meter, unique: dict[datetime, float]) -> int:
    stored = dict(
        Reading.objects.filter(
            meter=meter, time__gte=min(unique), time__lte=max(unique)
        ).values_list("time", "power_kw")
    )
    conflicts = [
        Conflict(moment, stored[moment], power)
        for moment, power in unique.items()
        if moment in stored and stored[moment] != power
    ]
    if conflicts:
        raise _conflict_error(conflicts)
    new = [
        Reading(meter=meter, time=moment, power_kw=power)
        for moment, power in unique.items()
        if moment not in stored
    ]
    Reading.objects.bulk_create(new, batch_size=2000)
    return len(new)


_STAGING_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS metering_reading_staging "
    "(time timestamptz NOT NULL, power_kw float8 NOT NULL) ON COMMIT DELETE ROWS"
)


def _write_postgres(meter: Meter, unique: dict[datetime, float]) -> int:
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(_STAGING_DDL)
        raw = cursor.cursor  # psycopg's own cursor: binary COPY
        with raw.copy(
            "COPY metering_reading_staging (time, power_kw) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["timestamptz", "float8"])
            for row in unique.items():
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} (meter_id, time, power_kw) "  # noqa: S608 - table name is ours
            "SELECT %s, time, power_kw FROM metering_reading_staging "
            "ON CONFLICT (meter_id, time) DO NOTHING",
            [meter.pk],
        )
        inserted = cursor.rowcount
        if inserted < len(unique):
            # Some samples were already stored: refuse the batch if any differs in value.
            cursor.execute(
                f"SELECT s.time, r.power_kw, s.power_kw FROM metering_reading_staging s "  # noqa: S608
                f"JOIN {table} r ON r.meter_id = %s AND r.time = s.time "
                "WHERE r.power_kw <> s.power_kw ORDER BY s.time",
                [meter.pk],
            )
            conflicts = [Conflict(*row) for row in cursor.fetchall()]
            if conflicts:
                raise _conflict_error(conflicts)
    return inserted
