"""Storage side of the slot rollup, one function per operation: set-based SQL and binary COPY.

Household flows per slot: consumption = import + production + discharge − export − charge
(never below 0); self-consumed solar = production not exported; direct solar = production
neither exported nor stored (the battery charges from solar first), at most the consumption."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
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


# --- blocks ------------------------------------------------------------------------------------


def blocks_mark(marks: Sequence[tuple[int, date, datetime]]) -> None:
    """Upserts (meter, day) blocks as TODO, keeping the earliest dirty instant."""
    if not marks:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
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
    meters, lows, highs = zip(*windows, strict=True)
    with connection.cursor() as cursor:
        # A subquery per window (OFFSET 0 keeps the planner from flattening it into a join,
        # which it may run as a scan of every reading): a range of the primary key's index.
        statement = (
            "COPY (SELECT w.meter_id, r.time, r.power_kw "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) "
            "AS w(meter_id, low, high) CROSS JOIN LATERAL (SELECT time, power_kw "
            "FROM metering_reading WHERE meter_id = w.meter_id AND time >= w.low "
            "AND time <= w.high OFFSET 0) r "
            "ORDER BY w.meter_id, r.time) TO STDOUT (FORMAT BINARY)"
        )
        with cursor.cursor.copy(statement, (list(meters), list(lows), list(highs))) as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
    count = (len(data) - _COPY_HEADER - _COPY_TRAILER) // _COPY_ROW.itemsize
    rows = np.frombuffer(data, dtype=_COPY_ROW, count=count, offset=_COPY_HEADER)
    times = rows["time"].astype(np.float64) / 1e6 + _PG_EPOCH_S
    return rows["meter"].astype(np.int64), times, rows["power"].astype(np.float64)


def readings_delete_before(cutoff: datetime, batch_size: int) -> int:
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE ctid = ANY(ARRAY("  # noqa: S608 - our own table
            f"SELECT ctid FROM {table} WHERE time < %s LIMIT %s))",
            [cutoff, batch_size],
        )
        return int(cursor.rowcount)


# --- slots -------------------------------------------------------------------------------------

_SLOT_STAGING_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS metering_slot_staging (meter_id int8, start float8, "
    "import_kwh float8, export_kwh float8, production_kwh float8, charge_kwh float8, "
    "discharge_kwh float8, samples int4, complete bool, source text) ON COMMIT DELETE ROWS"
)
_ENERGY_COLUMNS = ("import_kwh", "export_kwh", "production_kwh", "charge_kwh", "discharge_kwh")
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
    with connection.cursor() as cursor:
        cursor.execute(_SLOT_STAGING_DDL)
        # Empty after each commit; not between two uses inside one transaction.
        cursor.execute("DELETE FROM metering_slot_staging")
        with cursor.cursor.copy("COPY metering_slot_staging FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", *["float8"] * 6, "int4", "bool", "text"])
            for row in rows:
                copy.write_row(row)
        cursor.execute(_SLOT_UPSERT_SQL)
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
    SELECT w.household_id, per_slot.*, GREATEST(imp + prod + dis - exp - chg, 0) AS used
    FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::int[])
        AS w(household_id, low, high, meters)
    -- A subquery per household: ranges of the slots' primary key index (a join over all the
    -- windows may be planned as a scan of every slot).
    CROSS JOIN LATERAL (
        SELECT s.start,
            COALESCE(SUM(s.import_kwh) FILTER (WHERE m.kind = 'grid'), 0) AS imp,
            COALESCE(SUM(s.export_kwh) FILTER (WHERE m.kind = 'grid'), 0) AS exp,
            COALESCE(SUM(s.production_kwh) FILTER (WHERE m.kind = 'production'), 0) AS prod,
            COALESCE(SUM(s.charge_kwh) FILTER (WHERE m.kind = 'battery'), 0) AS chg,
            COALESCE(SUM(s.discharge_kwh) FILTER (WHERE m.kind = 'battery'), 0) AS dis,
            bool_and(s.complete) AND COUNT(*) = w.meters AS complete
        FROM metering_meter m
        JOIN metering_energyslot s ON s.meter_id = m.id
        WHERE m.household_id = w.household_id AND m.kind IN ('grid', 'production', 'battery')
            AND s.start >= w.low AND s.start < w.high
        GROUP BY s.start
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


def _energy_meter_counts(households: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from metering.models import Meter

    return dict(
        Meter.objects.filter(household_id__in=households, kind__in=_ENERGY_KINDS)
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
