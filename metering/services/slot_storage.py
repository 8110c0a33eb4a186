"""Storage side of the slot rollup, one function per operation, each with a Postgres path
(set-based SQL, binary COPY) and a portable path for the embedded SQLite default. The formulas
live in ``rollup.py`` and ``household_flows``; the two paths are run by the same tests."""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.utils import timezone

from metering.choices import BlockState, MeterKind, SlotSource
from metering.energy import Floats, Ints
from metering.models import EnergySlot, HouseholdSlot, Reading

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
    EnergySlot.objects.bulk_create(
        [
            EnergySlot(
                meter_id=row.meter_pk,
                start=datetime.fromtimestamp(row.start, UTC),
                **{c: _kwh(v) for c, v in zip(_ENERGY_COLUMNS, row[2:7], strict=True)},
                samples=row.samples,
                complete=row.complete,
                source=row.source,
            )
            for row in rows
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["meter", "start"],
        update_fields=[*_ENERGY_COLUMNS, "samples", "complete", "source"],
    )
    return len(rows)


def _kwh(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


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


def _household_slots_refresh_portable(
    windows: Mapping[int, tuple[datetime, datetime]], meter_counts: Mapping[int, int]
) -> None:
    from metering.services.household_flows import SlotFlows, flows_of_slot

    totals: dict[tuple[int, datetime], dict[str, Decimal]] = {}
    completeness: dict[tuple[int, datetime], list[bool]] = {}
    for household_id, (low, high) in windows.items():
        slots = EnergySlot.objects.filter(
            meter__household_id=household_id,
            meter__kind__in=_ENERGY_KINDS,
            start__gte=low,
            start__lt=high,
        ).values_list("start", "meter__kind", *_ENERGY_COLUMNS, "complete")
        for start, kind, imp, exp, prod, chg, dis, complete in slots:
            key = (household_id, start)
            sums = totals.setdefault(key, dict.fromkeys(_ENERGY_COLUMNS, Decimal(0)))
            if kind == MeterKind.GRID:
                sums["import_kwh"] += imp
                sums["export_kwh"] += exp
            elif kind == MeterKind.PRODUCTION:
                sums["production_kwh"] += prod
            else:
                sums["charge_kwh"] += chg
                sums["discharge_kwh"] += dis
            completeness.setdefault(key, []).append(complete)
    rows = []
    for (household_id, start), sums in totals.items():
        flows: SlotFlows = flows_of_slot(**sums)
        marks = completeness[household_id, start]
        rows.append(
            HouseholdSlot(
                household_id=household_id,
                start=start,
                **flows.as_fields(),
                complete=all(marks) and len(marks) == meter_counts.get(household_id, 0),
            )
        )
    HouseholdSlot.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["household", "start"],
        update_fields=[
            *_ENERGY_COLUMNS,
            "consumption_kwh",
            "self_consumed_kwh",
            "direct_solar_kwh",
            "complete",
        ],
    )
