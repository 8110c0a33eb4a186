"""The one ingestion service: every path a reading arrives by (JOI API, native API, DSMR
telegrams, MQTT, the broker, the simulator) ends in ``readings_record``.

A batch (samples of one or several meters) is validated whole before anything is written, then
written in one transaction:
- a sample whose (meter, time) is stored with the same value is a duplicate: counted, skipped;
- the same (meter, time) with another value is a conflict: the whole batch is refused;
- repeats inside one batch follow the same two rules.

Writers of a meter are serialised by a row lock on the meter (taken in id order, so two batches
never deadlock), which keeps the counts exact when clients race. On Postgres the batch goes
through a temporary staging table filled by binary COPY, then one INSERT … SELECT … ON CONFLICT
(the fastest exact path measured in PERFORMANCE.md); elsewhere through the ORM.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from metering.constants import CONFLICTS_REPORTED, MAX_FUTURE_SKEW
from metering.energy import Sample
from metering.exceptions import BatchTooLargeError, ConflictingReadingError, InvalidReadingError
from metering.models import Meter, Reading
from metering.services.meters import meter_get_or_create

__all__ = [
    "IngestResult",
    "Sample",
    "meter_readings_record",
    "meter_readings_record_by_id",
    "readings_record",
    "readings_validate",
]


@dataclass(frozen=True, slots=True)
class IngestResult:
    inserted: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class Conflict:
    meter_id: str
    time: datetime
    stored_kw: float
    received_kw: float

    def as_dict(self) -> dict[str, object]:
        return {
            "meter_id": self.meter_id,
            "time": self.time.isoformat(),
            "stored_kw": self.stored_kw,
            "received_kw": self.received_kw,
        }


def meter_readings_record(*, meter: Meter, samples: Sequence[Sample]) -> IngestResult:
    """Validates and stores a batch of (time, power_kw) samples of one meter."""
    return readings_record(samples_by_meter={meter: samples})


def meter_readings_record_by_id(*, meter_id: str, samples: Sequence[Sample]) -> IngestResult:
    """As ``meter_readings_record``; an id not seen before becomes a meter with no household
    (the JOI behaviour), created only when the batch is accepted."""
    readings_validate(samples)
    with transaction.atomic():
        meter = meter_get_or_create(meter_id=meter_id)
        return meter_readings_record(meter=meter, samples=samples)


def readings_record(*, samples_by_meter: Mapping[Meter, Sequence[Sample]]) -> IngestResult:
    """Validates and stores the samples of several meters as one batch: all or nothing."""
    total = sum(len(samples) for samples in samples_by_meter.values())
    _check_batch_size(total)
    now = timezone.now()
    for meter, samples in samples_by_meter.items():
        readings_validate(samples, now=now, meter_id=meter.meter_id)
    unique = {meter: _unique_by_time(meter, samples) for meter, samples in samples_by_meter.items()}
    new_count = sum(len(by_time) for by_time in unique.values())
    if not new_count:
        return IngestResult(inserted=0, duplicates=total)
    with transaction.atomic():
        meter_pks = sorted(meter.pk for meter, by_time in unique.items() if by_time)
        list(Meter.objects.select_for_update().filter(pk__in=meter_pks).order_by("pk").values("pk"))
        if connection.vendor == "postgresql":
            inserted = _write_postgres(unique)
        else:
            inserted = _write_portable(unique)
    return IngestResult(inserted=inserted, duplicates=total - inserted)


def readings_validate(
    samples: Sequence[Sample], *, now: datetime | None = None, meter_id: str | None = None
) -> None:
    """Refuses the batch at its first bad sample, naming the sample's index and field."""
    _check_batch_size(len(samples))
    latest = (now or timezone.now()) + MAX_FUTURE_SKEW
    bound = settings.METERING_MAX_ABS_POWER_KW
    for index, (moment, power) in enumerate(samples):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise _invalid(index, "time", "has no time zone", meter_id)
        if moment > latest:
            raise _invalid(index, "time", "is more than 5 minutes in the future", meter_id)
        if power.__class__ is not float and (
            not isinstance(power, float | int) or isinstance(power, bool)
        ):
            raise _invalid(index, "power_kw", "is not a number", meter_id)
        if not math.isfinite(power):
            raise _invalid(index, "power_kw", "is not a finite number", meter_id)
        if abs(power) > bound:
            raise _invalid(index, "power_kw", f"is beyond ±{bound:g} kW", meter_id)


def _check_batch_size(count: int) -> None:
    limit = settings.METERING_MAX_BATCH
    if count > limit:
        raise BatchTooLargeError(
            f"{count} samples in one batch; the limit is {limit}.",
            extra={"limit": limit, "received": count},
        )


def _invalid(index: int, field: str, problem: str, meter_id: str | None) -> InvalidReadingError:
    where = f"readings[{index}].{field}"
    extra: dict[str, object] = {"index": index, "field": where}
    if meter_id is not None:
        extra["meter_id"] = meter_id
    return InvalidReadingError(f"{where} {problem}.", extra=extra)


def _unique_by_time(meter: Meter, samples: Sequence[Sample]) -> dict[datetime, float]:
    """Folds repeats inside the batch: same value → a duplicate, another value → a conflict."""
    unique: dict[datetime, float] = {}
    conflicts: list[Conflict] = []
    for moment, power in samples:
        value = float(power)
        first = unique.setdefault(moment, value)
        if first != value:
            conflicts.append(Conflict(meter.meter_id, moment, first, value))
    if conflicts:
        raise _conflict_error(conflicts)
    return unique


def _conflict_error(conflicts: Sequence[Conflict]) -> ConflictingReadingError:
    first = sorted(conflicts, key=lambda c: (c.meter_id, c.time))[:CONFLICTS_REPORTED]
    return ConflictingReadingError(
        f"{len(conflicts)} sample(s) repeat a stored time with a different value; "
        "nothing was stored.",
        extra={"conflicts": [c.as_dict() for c in first], "count": len(conflicts)},
    )


def _write_portable(unique: Mapping[Meter, dict[datetime, float]]) -> int:
    new: list[Reading] = []
    conflicts: list[Conflict] = []
    for meter, by_time in unique.items():
        if not by_time:
            continue
        stored = dict(
            Reading.objects.filter(
                meter=meter, time__gte=min(by_time), time__lte=max(by_time)
            ).values_list("time", "power_kw")
        )
        for moment, power in by_time.items():
            if moment not in stored:
                new.append(Reading(meter=meter, time=moment, power_kw=power))
            elif stored[moment] != power:
                conflicts.append(Conflict(meter.meter_id, moment, stored[moment], power))
    if conflicts:
        raise _conflict_error(conflicts)
    Reading.objects.bulk_create(new, batch_size=2000)
    return len(new)


_STAGING = "metering_reading_staging"
_STAGING_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} (meter_id bigint NOT NULL, "
    "time timestamptz NOT NULL, power_kw float8 NOT NULL) ON COMMIT DELETE ROWS"
)


def _write_postgres(unique: Mapping[Meter, dict[datetime, float]]) -> int:
    table = Reading._meta.db_table
    copy_sql = f"COPY {_STAGING} (meter_id, time, power_kw) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor:
        # Every time: a rolled-back batch takes a table created in its transaction with it.
        cursor.execute(_STAGING_DDL)
        with cursor.cursor.copy(copy_sql) as copy:  # psycopg's own cursor: binary COPY
            copy.set_types(["int8", "timestamptz", "float8"])
            write_row = copy.write_row
            for meter, by_time in unique.items():
                pk = meter.pk
                for moment, power in by_time.items():
                    write_row((pk, moment, power))
        cursor.execute(
            f"INSERT INTO {table} (meter_id, time, power_kw) "  # noqa: S608 - our own names
            f"SELECT meter_id, time, power_kw FROM {_STAGING} "
            "ON CONFLICT (meter_id, time) DO NOTHING"
        )
        inserted = cursor.rowcount
        if inserted < sum(len(by_time) for by_time in unique.values()):
            # Some samples were stored already: refuse the batch if any differs in value.
            cursor.execute(
                f"SELECT m.meter_id, s.time, r.power_kw, s.power_kw FROM {_STAGING} s "  # noqa: S608
                f"JOIN {table} r ON r.meter_id = s.meter_id AND r.time = s.time "
                f"JOIN {Meter._meta.db_table} m ON m.id = s.meter_id "
                "WHERE r.power_kw <> s.power_kw"
            )
            conflicts = [Conflict(*row) for row in cursor.fetchall()]
            if conflicts:
                raise _conflict_error(conflicts)
    return inserted
