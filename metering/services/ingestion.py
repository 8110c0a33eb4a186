"""The one ingestion service: every path a reading arrives by (JOI API, native API, DSMR
telegrams, MQTT, the broker, the simulator) ends in ``readings_record``.

A batch (samples of one or several meters) is validated whole before anything is written, then
written in one transaction:
- a sample whose (meter, time) is stored with the same value is a duplicate: counted, skipped;
- the same (meter, time) with another value is a conflict: the whole batch is refused;
- repeats inside one batch follow the same two rules.

Writers of a meter take turns (an advisory lock per meter), which keeps the counts exact when
clients race. The batch goes through a temporary staging table filled by binary COPY, then one
INSERT … SELECT … ON CONFLICT (the fastest exact path measured in PERFORMANCE.md).
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.locks import advisory_xact_locks
from metering.constants import CONFLICTS_REPORTED, MAX_FUTURE_SKEW
from metering.energy import Sample
from metering.exceptions import BatchTooLargeError, ConflictingReadingError, InvalidReadingError
from metering.models import Meter, Reading
from metering.services.meters import meter_get_or_create
from metering.services.rollup import slot_blocks_mark

_TZINFO = attrgetter("tzinfo")

# How the caller named a sample's fields, for its errors: (index, "time" or "power_kw") → name.
FieldName = Callable[[int, str], str]


def native_field_name(index: int, field: str) -> str:
    """The native JSON body's (and the broker's and MQTT's) names."""
    return f"readings[{index}].{field}"


__all__ = [
    "FieldName",
    "IngestResult",
    "Sample",
    "meter_readings_record",
    "meter_readings_record_by_id",
    "native_field_name",
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


def meter_readings_record(
    *, meter: Meter, samples: Sequence[Sample], field_name: FieldName = native_field_name
) -> IngestResult:
    """Validates and stores a batch of (time, power_kw) samples of one meter."""
    return readings_record(samples_by_meter={meter: samples}, field_name=field_name)


def meter_readings_record_by_id(
    *, meter_id: str, samples: Sequence[Sample], field_name: FieldName = native_field_name
) -> IngestResult:
    """As ``meter_readings_record``; an id not seen before becomes a meter with no household
    (the JOI behaviour), created only when the batch is accepted: a refused batch rolls the
    creation back with it."""
    with transaction.atomic():
        meter = meter_get_or_create(meter_id=meter_id)
        return meter_readings_record(meter=meter, samples=samples, field_name=field_name)


def readings_record(
    *,
    samples_by_meter: Mapping[Meter, Sequence[Sample]],
    field_name: FieldName = native_field_name,
) -> IngestResult:
    """Validates and stores the samples of several meters as one batch: all or nothing.
    ``field_name`` names a refused sample's field as the caller sent it."""
    total = sum(len(samples) for samples in samples_by_meter.values())
    _check_batch_size(total)
    now = timezone.now()
    for meter, samples in samples_by_meter.items():
        readings_validate(samples, now=now, meter_id=meter.meter_id, field_name=field_name)
    unique = {meter: _unique_by_time(meter, samples) for meter, samples in samples_by_meter.items()}
    new_count = sum(len(by_time) for by_time in unique.values())
    if not new_count:
        return IngestResult(inserted=0, duplicates=total)
    try:
        with transaction.atomic():
            inserted = _write_postgres(unique)
            if inserted:
                # In the same transaction: a stored reading is never missed by the rollup.
                slot_blocks_mark(times={m.pk: by_time for m, by_time in unique.items()})
    except _StoredValueDiffersError:
        # Rolled back; name the conflicts from what is stored (a rare path).
        raise _conflict_error(_conflicts_with_store(unique)) from None
    return IngestResult(inserted=inserted, duplicates=total - inserted)


def readings_validate(
    samples: Sequence[Sample],
    *,
    now: datetime | None = None,
    meter_id: str | None = None,
    field_name: FieldName = native_field_name,
) -> None:
    """Refuses the batch at its first bad sample, naming the sample's field as the caller did."""
    _check_batch_size(len(samples))
    if not samples:
        return
    earliest: datetime = settings.METERING_EARLIEST_READING
    latest = (now or timezone.now()) + MAX_FUTURE_SKEW
    bound = settings.METERING_MAX_ABS_POWER_KW
    # Fast path over whole columns (builtins run in C); the loop below runs only to name the
    # first bad sample, or to accept ints, which the fast path leaves to it.
    times, powers = zip(*samples, strict=True)
    try:
        good = (
            all(map(_TZINFO, times))  # map and set run in C: this is the hot path
            and earliest <= min(times)
            and max(times) <= latest
            and set(map(type, powers)) == {float}
            and math.isfinite(sum(powers))
            and -bound <= min(powers)
            and max(powers) <= bound
        )
    except TypeError:  # naive and aware times compared, or a power that is not a number
        good = False
    if not good:
        _validate_one_by_one(samples, (earliest, latest), bound, meter_id, field_name)


def _validate_one_by_one(
    samples: Sequence[Sample],
    window: tuple[datetime, datetime],
    bound: float,
    meter_id: str | None,
    field_name: FieldName,
) -> None:
    earliest, latest = window

    def invalid(index: int, field: str, problem: str) -> InvalidReadingError:
        where = field_name(index, field)
        extra: dict[str, object] = {"index": index, "field": where}
        if meter_id is not None:
            extra["meter_id"] = meter_id
        return InvalidReadingError(f"{where} {problem}.", extra=extra)

    for index, (moment, power) in enumerate(samples):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise invalid(index, "time", "has no time zone")
        if moment < earliest:
            raise invalid(index, "time", f"is before {earliest.isoformat()}, the earliest accepted")
        if moment > latest:
            raise invalid(index, "time", "is more than 5 minutes in the future")
        if not isinstance(power, float | int) or isinstance(power, bool):
            raise invalid(index, "power_kw", "is not a number")
        if not math.isfinite(power):
            raise invalid(index, "power_kw", "is not a finite number")
        if abs(power) > bound:
            raise invalid(index, "power_kw", f"is beyond ±{bound:g} kW")


def _check_batch_size(count: int) -> None:
    limit = settings.METERING_MAX_BATCH
    if count > limit:
        raise BatchTooLargeError(
            f"{count} samples in one batch; the limit is {limit}.",
            extra={"limit": limit, "received": count},
        )


def _unique_by_time(meter: Meter, samples: Sequence[Sample]) -> dict[datetime, float]:
    """Folds repeats inside the batch: same value → a duplicate, another value → a conflict."""
    unique = dict(samples)
    if len(unique) == len(samples) and set(map(type, unique.values())) == {float}:
        return unique  # the common case: no repeats, floats already
    unique = {}
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


class _StoredValueDiffersError(Exception):
    """A sample repeats a stored (meter, time) with another value; the batch is rolled back."""


def _stored_values(
    unique: Mapping[Meter, dict[datetime, float]],
) -> dict[tuple[int, datetime], float]:
    """What is stored already within each meter's time span in the batch."""
    stored: dict[tuple[int, datetime], float] = {}
    for meter, by_time in unique.items():
        if by_time:
            readings = Reading.objects.filter(
                meter=meter, time__gte=min(by_time), time__lte=max(by_time)
            )
            for moment, power in readings.values_list("time", "power_kw"):
                stored[meter.pk, moment] = power
    return stored


def _conflicts_with_store(unique: Mapping[Meter, dict[datetime, float]]) -> list[Conflict]:
    stored = _stored_values(unique)
    return [
        Conflict(meter.meter_id, moment, stored[meter.pk, moment], power)
        for meter, by_time in unique.items()
        for moment, power in by_time.items()
        if stored.get((meter.pk, moment), power) != power
    ]


_STAGING = "metering_reading_staging"
_LOCK_NAMESPACE = 0x5EAD  # advisory locks of the form (namespace, meter id): "readings"
_STAGING_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} (meter_id bigint NOT NULL, "
    "time timestamptz NOT NULL, power_kw float8 NOT NULL) ON COMMIT DELETE ROWS"
)
_CONFLICT_SQLSTATE = "SX409"  # raised by metering_reading_conflict() (migration 0003)


def _write_postgres(unique: Mapping[Meter, dict[datetime, float]]) -> int:
    table = Reading._meta.db_table
    copy_sql = f"COPY {_STAGING} (meter_id, time, power_kw) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor:
        # Writers of a meter take turns; unlike row locks on the meters, the locks write nothing.
        advisory_xact_locks(
            _LOCK_NAMESPACE, (meter.pk for meter, by_time in unique.items() if by_time)
        )
        # Created every time (a rolled-back batch takes a table created in its transaction with
        # it) and emptied (it empties on commit, not between two batches of one transaction):
        # one round trip for both.
        cursor.execute(f"{_STAGING_DDL}; DELETE FROM {_STAGING}")  # noqa: S608 - our own table
        with cursor.cursor.copy(copy_sql) as copy:  # psycopg's own cursor: binary COPY
            copy.set_types(["int8", "timestamptz", "float8"])
            write_row = copy.write_row
            for meter, by_time in unique.items():
                pk = meter.pk
                for moment, power in by_time.items():
                    write_row((pk, moment, power))
        # One pass over the primary key: a new sample is inserted; a stored one with the same
        # value is left alone (a duplicate); a stored one with another value calls the function
        # that aborts the statement, so the batch is refused before it costs anything more.
        try:
            cursor.execute(
                f"INSERT INTO {table} AS r (meter_id, time, power_kw) "  # noqa: S608 - our names
                f"SELECT meter_id, time, power_kw FROM {_STAGING} "
                "ON CONFLICT (meter_id, time) DO UPDATE SET power_kw = r.power_kw "
                "WHERE r.power_kw <> EXCLUDED.power_kw AND metering_reading_conflict()"
            )
        except DatabaseError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == _CONFLICT_SQLSTATE:
                raise _StoredValueDiffersError from exc
            raise
        return cursor.rowcount
