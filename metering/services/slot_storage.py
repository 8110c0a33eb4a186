"""Storage side of the slot rollup, one function per operation, each with a Postgres path
(set-based SQL, binary COPY) and a portable one for the embedded SQLite default (the same SQL in
SQLite's dialect, plain executemany). The same tests run on both.

Household flows per slot: consumption = import + production + discharge − export − charge
(never below 0); self-consumed solar = production not exported; direct solar = production
neither exported nor stored (the battery charges from solar first), at most the consumption."""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.utils import timezone

from metering.choices import BlockState, MeterKind, SlotSource
from metering.energy import Floats, Ints
from metering.models import Reading

_PG_EPOCH_S = 946_684_800.0  # 2000-01-01, where Postgres counts binary timestamps from
_ENERGY_KINDS = (MeterKind.GRID, MeterKind.PRODUCTION, MeterKind.BATTERY)


class SlotRow(NamedTuple):
    meter_pk: int
    start: float  # epoch seconds
    import_kwh: float
    export_kwh: float
    production_kwh: float
    charge_kwh: float
    discharge_kwh: float
    samples: int
    complete: bool
    source: str = SlotSource.POWER.value


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# --- blocks ------------------------------------------------------------------------------------


def blocks_mark(marks: Sequence[tuple[int, date, datetime]]) -> None:
    """Upserts (meter, day) blocks as TODO, keeping the earliest dirty instant."""
    if not marks:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        if _postgres():
            meters, days, froms = zip(*marks, strict=True)
            cursor.execute(
                "INSERT INTO metering_slotblock "
                "(meter_id, day, state, dirty_from, attempts, error, readings_pruned, created_at, "
                "updated_at) SELECT m, d, %s, f, 0, '', false, %s, %s "
                "FROM unnest(%s::bigint[], %s::date[], %s::timestamptz[]) AS t(m, d, f) "
                "ON CONFLICT (meter_id, day) DO UPDATE SET state = EXCLUDED.state, "
                "dirty_from = LEAST(COALESCE(metering_slotblock.dirty_from, EXCLUDED.dirty_from), "
                "EXCLUDED.dirty_from), updated_at = EXCLUDED.updated_at "
                "WHERE metering_slotblock.state <> EXCLUDED.state "
                "OR metering_slotblock.dirty_from > EXCLUDED.dirty_from",
                [BlockState.TODO, now, now, list(meters), list(days), list(froms)],
            )
            return
        ops = connection.ops
        cursor.executemany(
            "INSERT INTO metering_slotblock "
            "(meter_id, day, state, dirty_from, attempts, error, readings_pruned, created_at, "
            "updated_at) VALUES (%s, %s, %s, %s, 0, '', 0, %s, %s) "
            "ON CONFLICT (meter_id, day) DO UPDATE SET state = excluded.state, "
            "dirty_from = min(coalesce(dirty_from, excluded.dirty_from), excluded.dirty_from), "
            "updated_at = excluded.updated_at",
            [
                (
                    meter,
                    ops.adapt_datefield_value(day),
                    BlockState.TODO.value,
                    ops.adapt_datetimefield_value(dirty_from),
                    ops.adapt_datetimefield_value(now),
                    ops.adapt_datetimefield_value(now),
                )
                for meter, day, dirty_from in marks
            ],
        )


# --- readings ----------------------------------------------------------------------------------

_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("meter_len", ">i4"),
        ("meter", ">i8"),
        ("time_len", ">i4"),
        ("time", ">i8"),
        ("power_len", ">i4"),
        ("power", ">f8"),
    ]
)
_COPY_HEADER = 19  # signature, flags, header extension length
_COPY_TRAILER = 2


def readings_fetch(
    windows: Sequence[tuple[int, datetime, datetime]],
) -> tuple[Ints, Floats, Floats]:
    """(meter ids, epoch seconds, kW) of the readings in each (meter, from, to) window, both
    ends included, sorted by meter then time."""
    if _postgres():
        meters, lows, highs = zip(*windows, strict=True)
        with connection.cursor() as cursor:
            statement = (
                "COPY (SELECT r.meter_id, r.time, r.power_kw FROM metering_reading r "
                "JOIN unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) "
                "AS w(meter_id, low, high) "
                "ON r.meter_id = w.meter_id AND r.time >= w.low AND r.time <= w.high "
                "ORDER BY r.meter_id, r.time) TO STDOUT (FORMAT BINARY)"
            )
            with cursor.cursor.copy(statement, (list(meters), list(lows), list(highs))) as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
        count = (len(data) - _COPY_HEADER - _COPY_TRAILER) // _COPY_ROW.itemsize
        rows = np.frombuffer(data, dtype=_COPY_ROW, count=count, offset=_COPY_HEADER)
        times = rows["time"].astype(np.float64) / 1e6 + _PG_EPOCH_S
        return rows["meter"].astype(np.int64), times, rows["power"].astype(np.float64)
    groups: list[int] = []
    times_list: list[float] = []
    powers_list: list[float] = []
    for meter_pk, low, high in sorted(windows):
        for moment, power in (
            Reading.objects.filter(meter_id=meter_pk, time__gte=low, time__lte=high)
            .order_by("time")
            .values_list("time", "power_kw")
        ):
            groups.append(meter_pk)
            times_list.append(moment.timestamp())
            powers_list.append(power)
    return (
        np.array(groups, dtype=np.int64),
        np.array(times_list, dtype=np.float64),
        np.array(powers_list, dtype=np.float64),
    )


def readings_delete_before(cutoff: datetime, batch_size: int) -> int:
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"DELETE FROM {table} WHERE ctid = ANY(ARRAY("  # noqa: S608 - our own table
                f"SELECT ctid FROM {table} WHERE time < %s LIMIT %s))",
                [cutoff, batch_size],
            )
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN ("  # noqa: S608 - our own table
                f"SELECT rowid FROM {table} WHERE time < %s LIMIT %s)",
                [connection.ops.adapt_datetimefield_value(cutoff), batch_size],
            )
        return int(cursor.rowcount)


# --- slots -------------------------------------------------------------------------------------

_SLOT_STAGING_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS metering_slot_staging (meter_id int8, start float8, "
    "import_kwh float8, export_kwh float8, production_kwh float8, charge_kwh float8, "
    "discharge_kwh float8, samples int4, complete bool, source text) ON COMMIT DELETE ROWS"
)
_ENERGY_COLUMNS = ("import_kwh", "export_kwh", "production_kwh", "charge_kwh", "discharge_kwh")
_SLOT_UPSERT_SQLITE = (
    "INSERT INTO metering_energyslot (meter_id, start, "  # noqa: S608 - our own column names
    f"{', '.join(_ENERGY_COLUMNS)}, samples, complete, source) "
    f"VALUES ({', '.join(['%s'] * 10)}) ON CONFLICT (meter_id, start) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*_ENERGY_COLUMNS, "samples", "complete", "source"))
)
_SLOT_UPSERT_SQL = (
    "INSERT INTO metering_energyslot (meter_id, start, "  # noqa: S608 - our own column names
    f"{', '.join(_ENERGY_COLUMNS)}, samples, complete, source) "
    "SELECT meter_id, to_timestamp(start), "
    f"{', '.join(f'round({c}::numeric, 6)' for c in _ENERGY_COLUMNS)}, samples, complete, source "
    "FROM metering_slot_staging ON CONFLICT (meter_id, start) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_ENERGY_COLUMNS, "samples", "complete", "source"))
)


def meter_slots_upsert(rows: Sequence[SlotRow]) -> int:
    """Writes computed meter slots, replacing what was there."""
    if not rows:
        return 0
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(_SLOT_STAGING_DDL)
            # Empty after each commit; not between two uses inside one transaction.
            cursor.execute("DELETE FROM metering_slot_staging")
            with cursor.cursor.copy(
                "COPY metering_slot_staging FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", *["float8"] * 6, "int4", "bool", "text"])
                for row in rows:
                    copy.write_row(row)
            cursor.execute(_SLOT_UPSERT_SQL)
        return len(rows)
    # SQLite: one plain executemany; the ORM's bulk_create would build a model per slot.
    adapt = connection.ops.adapt_datetimefield_value
    starts: dict[float, str] = {}
    values: list[tuple[int | str | float | bool, ...]] = []
    for row in rows:
        start = starts.get(row.start)
        if start is None:
            start = starts[row.start] = str(adapt(datetime.fromtimestamp(row.start, UTC)))
        values.append(
            (
                row.meter_pk,
                start,
                *(round(v, 6) for v in row[2:7]),
                row.samples,
                row.complete,
                row.source,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(_SLOT_UPSERT_SQLITE, values)
    return len(rows)


# --- household slots ---------------------------------------------------------------------------

_HOUSEHOLD_FLOWS_SQL = """
INSERT INTO metering_householdslot (household_id, start, import_kwh, export_kwh, production_kwh,
    charge_kwh, discharge_kwh, consumption_kwh, self_consumed_kwh, direct_solar_kwh, complete)
SELECT household_id, start, imp, exp, prod, chg, dis, used,
    GREATEST(LEAST(prod - exp, prod), 0),
    GREATEST(LEAST(prod - exp - chg, used), 0),
    complete
FROM (
    SELECT per_slot.*, GREATEST(imp + prod + dis - exp - chg, 0) AS used
    FROM (
        SELECT m.household_id, s.start,
            COALESCE(SUM(s.import_kwh) FILTER (WHERE m.kind = 'grid'), 0) AS imp,
            COALESCE(SUM(s.export_kwh) FILTER (WHERE m.kind = 'grid'), 0) AS exp,
            COALESCE(SUM(s.production_kwh) FILTER (WHERE m.kind = 'production'), 0) AS prod,
            COALESCE(SUM(s.charge_kwh) FILTER (WHERE m.kind = 'battery'), 0) AS chg,
            COALESCE(SUM(s.discharge_kwh) FILTER (WHERE m.kind = 'battery'), 0) AS dis,
            bool_and(s.complete) AND COUNT(*) = MAX(w.meters) AS complete
        FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::int[])
            AS w(household_id, low, high, meters)
        JOIN metering_meter m ON m.household_id = w.household_id
            AND m.kind IN ('grid', 'production', 'battery')
        JOIN metering_energyslot s ON s.meter_id = m.id AND s.start >= w.low AND s.start < w.high
        GROUP BY m.household_id, s.start
    ) per_slot
) flows
ON CONFLICT (household_id, start) DO UPDATE SET import_kwh = EXCLUDED.import_kwh,
    export_kwh = EXCLUDED.export_kwh, production_kwh = EXCLUDED.production_kwh,
    charge_kwh = EXCLUDED.charge_kwh, discharge_kwh = EXCLUDED.discharge_kwh,
    consumption_kwh = EXCLUDED.consumption_kwh, self_consumed_kwh = EXCLUDED.self_consumed_kwh,
    direct_solar_kwh = EXCLUDED.direct_solar_kwh, complete = EXCLUDED.complete
"""


def household_slots_refresh(windows: Mapping[int, tuple[datetime, datetime]]) -> None:
    """Recomputes the households' slots in [from, to) from their meters' slots."""
    if not windows:
        return
    meter_counts = _energy_meter_counts(list(windows))
    if _postgres():
        households = list(windows)
        with connection.cursor() as cursor:
            cursor.execute(
                _HOUSEHOLD_FLOWS_SQL,
                [
                    households,
                    [windows[h][0] for h in households],
                    [windows[h][1] for h in households],
                    [meter_counts.get(h, 0) for h in households],
                ],
            )
        return
    _household_slots_refresh_portable(windows, meter_counts)


def _energy_meter_counts(households: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from metering.models import Meter

    return dict(
        Meter.objects.filter(household_id__in=households, kind__in=_ENERGY_KINDS)
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )


_HOUSEHOLD_FLOWS_SQLITE = """
INSERT INTO metering_householdslot (household_id, start, import_kwh, export_kwh, production_kwh,
    charge_kwh, discharge_kwh, consumption_kwh, self_consumed_kwh, direct_solar_kwh, complete)
SELECT household_id, start, imp, exp, prod, chg, dis, used,
    ROUND(MAX(MIN(prod - exp, prod), 0), 6),
    ROUND(MAX(MIN(prod - exp - chg, used), 0), 6),
    complete
FROM (
    SELECT per_slot.*, ROUND(MAX(imp + prod + dis - exp - chg, 0), 6) AS used
    FROM (
        SELECT m.household_id AS household_id, s.start AS start,
            ROUND(TOTAL(CASE WHEN m.kind = 'grid' THEN s.import_kwh END), 6) AS imp,
            ROUND(TOTAL(CASE WHEN m.kind = 'grid' THEN s.export_kwh END), 6) AS exp,
            ROUND(TOTAL(CASE WHEN m.kind = 'production' THEN s.production_kwh END), 6) AS prod,
            ROUND(TOTAL(CASE WHEN m.kind = 'battery' THEN s.charge_kwh END), 6) AS chg,
            ROUND(TOTAL(CASE WHEN m.kind = 'battery' THEN s.discharge_kwh END), 6) AS dis,
            MIN(s.complete) = 1 AND COUNT(*) = %s AS complete
        FROM metering_meter m
        JOIN metering_energyslot s ON s.meter_id = m.id AND s.start >= %s AND s.start < %s
        WHERE m.household_id = %s AND m.kind IN ('grid', 'production', 'battery')
        GROUP BY m.household_id, s.start
    ) per_slot
) flows WHERE true
ON CONFLICT (household_id, start) DO UPDATE SET import_kwh = excluded.import_kwh,
    export_kwh = excluded.export_kwh, production_kwh = excluded.production_kwh,
    charge_kwh = excluded.charge_kwh, discharge_kwh = excluded.discharge_kwh,
    consumption_kwh = excluded.consumption_kwh, self_consumed_kwh = excluded.self_consumed_kwh,
    direct_solar_kwh = excluded.direct_solar_kwh, complete = excluded.complete
"""


def _household_slots_refresh_portable(
    windows: Mapping[int, tuple[datetime, datetime]], meter_counts: Mapping[int, int]
) -> None:
    """The Postgres statement in SQLite's dialect (TOTAL, two-argument MIN/MAX), a household
    at a time."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for household_id, (low, high) in windows.items():
            cursor.execute(
                _HOUSEHOLD_FLOWS_SQLITE,
                [meter_counts.get(household_id, 0), adapt(low), adapt(high), household_id],
            )
