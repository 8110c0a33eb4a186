"""Slot benchmark: the cold rollup, a live tick, and the energy API over a household-year.

    make bench-slots        (or: .venv/bin/python -m bench.slots [--quick])

- cold: 1,000 households × 7 days of 1-minute readings (≈ 10 million), ingested through the
  ingestion service (which marks the blocks), then ``slots_rollup`` → readings/s, beside a
  same-run reference: one set-based SQL aggregate of the same readings into 15-minute sums,
  written to a table shaped like the slots (the ratio is what compares across machines);
- tick: 10,000 households with an hour of history already rolled up receive one more minute
  of readings; one ``slots_rollup`` → seconds, beside the same slots recomputed and written by
  one ``INSERT … SELECT … ON CONFLICT DO UPDATE``;
- API: ``GET /api/v1/households/<id>/energy`` for a year at daily resolution (grid + solar
  meters, 15-minute readings) → median ms over 20 requests.
"""

import argparse
import math
import os
import time
from datetime import UTC, datetime, timedelta

from bench.common import Row, median, print_table, setup_django

T0 = datetime(2026, 3, 2, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def load(meters, days: int, step: timedelta, start: datetime) -> int:  # type: ignore[no-untyped-def]
    """Readings for each meter, ~10,000 per ingestion batch, through the real service."""
    from metering.services.ingestion import readings_record

    per_day = int(timedelta(days=1) / step)
    group = max(1, 10_000 // per_day)
    total = 0
    for day in range(days):
        base = start + timedelta(days=day)
        for first in range(0, len(meters), group):
            batch = {
                meter: [
                    (base + step * i, round(0.3 + 2 * math.sin((i + meter.pk) / 97) ** 2, 3))
                    for i in range(per_day)
                ]
                for meter in meters[first : first + group]
            }
            total += readings_record(samples_by_meter=batch).inserted
    return total


def analyze() -> None:
    """What autovacuum does in a running system: fresh planner statistics after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def households_with_meters(count: int, prefix: str, solar: bool = False):  # type: ignore[no-untyped-def]
    from households.models import Household
    from metering.models import Meter

    homes = Household.objects.bulk_create([Household(name=f"{prefix} {i}") for i in range(count)])
    grid = Meter.objects.bulk_create(
        [Meter(meter_id=f"{prefix}-grid-{h.pk}", kind="grid", household=h) for h in homes]
    )
    panels = (
        Meter.objects.bulk_create(
            [Meter(meter_id=f"{prefix}-pv-{h.pk}", kind="production", household=h) for h in homes]
        )
        if solar
        else []
    )
    return homes, grid, panels


REFERENCE_SELECT = """
    SELECT meter_id, date_bin('15 minutes', time, TIMESTAMPTZ '2000-01-01 00:00+00') AS start,
           (sum(greatest(power_kw, 0)) / 60)::numeric(14, 6),
           (sum(greatest(-power_kw, 0)) / 60)::numeric(14, 6),
           0, 0, 0, count(*), count(*) = 15, 'power'
    FROM metering_reading WHERE meter_id = ANY(%s) AND time >= %s AND time < %s
    GROUP BY 1, 2
"""
SLOT_COLUMNS = (
    "meter_id, start, import_kwh, export_kwh, production_kwh, charge_kwh, discharge_kwh, "
    "samples, complete, source"
)


def reference_aggregate(meter_ids: list[int], start: datetime, end: datetime) -> tuple[int, float]:
    """The cold rollup's reference: (slots written, seconds)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_slot_reference (LIKE metering_energyslot INCLUDING ALL)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO bench_slot_reference ({SLOT_COLUMNS}) {REFERENCE_SELECT}",
            [meter_ids, start, end],
        )
        written = cursor.rowcount
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_slot_reference")
    return written, elapsed


def reference_upsert(meter_ids: list[int], start: datetime, end: datetime) -> tuple[int, float]:
    """The live tick's reference: the same slots recomputed and upserted in one statement."""
    from django.db import connection, transaction

    updates = ", ".join(
        f"{column} = EXCLUDED.{column}"
        for column in ("import_kwh", "export_kwh", "samples", "complete")
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO metering_energyslot ({SLOT_COLUMNS}) {REFERENCE_SELECT} "
            f"ON CONFLICT (meter_id, start) DO UPDATE SET {updates}",
            [meter_ids, start, end],
        )
        written = cursor.rowcount
    return written, time.perf_counter() - started


def bench_cold(households: int, days: int) -> list[Row]:
    from metering.services.rollup import slots_rollup

    _homes, grid, _ = households_with_meters(households, "cold")
    readings = load(grid, days, MINUTE, T0)
    analyze()
    started = time.perf_counter()
    report = slots_rollup(now=T0 + timedelta(days=days, hours=1))
    elapsed = time.perf_counter() - started
    rate = readings / elapsed
    reference_slots, reference_s = reference_aggregate(
        [m.pk for m in grid], T0, T0 + timedelta(days=days)
    )
    reference_rate = readings / reference_s
    ratio = rate / reference_rate
    return [
        Row(
            f"cold rollup: {households:,} households × {days} days of 1-minute readings "
            f"({readings:,} readings → {report.slots_written:,} slots)",
            f"{rate:,.0f} readings/s ({elapsed:.1f} s)",
            "≥ 300,000/s",
            rate >= 300_000,
        ),
        Row(
            f"reference: one SQL aggregate of the same readings into 15-minute sums "
            f"({reference_slots:,} slots written)",
            f"{reference_rate:,.0f} readings/s ({reference_s:.1f} s)",
        ),
        Row("cold rollup ÷ reference", f"{ratio:.3f}", "(compare runs by this)"),
    ]


def bench_tick(households: int) -> list[Row]:
    from metering.services.ingestion import readings_record
    from metering.services.rollup import slots_rollup

    _homes, grid, _ = households_with_meters(households, "live")
    start = T0 + timedelta(days=30)
    hour = 60
    for first in range(0, len(grid), 160):  # an hour of history, ~10,000 readings a batch
        readings_record(
            samples_by_meter={
                m: [(start + MINUTE * i, 1.0 + (m.pk % 7) / 10) for i in range(hour)]
                for m in grid[first : first + 160]
            }
        )
    now = start + MINUTE * hour
    slots_rollup(now=now)
    analyze()
    for first in range(0, len(grid), 2000):  # the next minute, as the consumers batch it
        readings_record(samples_by_meter={m: [(now, 1.5)] for m in grid[first : first + 2000]})
    started = time.perf_counter()
    report = slots_rollup(now=now + MINUTE)
    elapsed = time.perf_counter() - started
    # The slots the tick rewrote: the one the new minute falls in, and the one before it (its
    # last reading bridges into the new minute).
    reference_slots, reference_s = reference_upsert(
        [m.pk for m in grid], now - timedelta(minutes=15), now + timedelta(minutes=15)
    )
    return [
        Row(
            f"live tick: one more minute for {households:,} households "
            f"({report.blocks_done:,} blocks, {report.slots_written:,} slots rewritten)",
            f"{elapsed:.2f} s",
            "< 5 s",
            elapsed < 5,
        ),
        Row(
            f"reference: the same slots recomputed in one INSERT … ON CONFLICT "
            f"({reference_slots:,} slots)",
            f"{reference_s:.2f} s",
        ),
        Row("reference ÷ live tick", f"{reference_s / elapsed:.3f}", "(compare runs by this)"),
    ]


def bench_api() -> list[Row]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from households.models import Membership
    from metering.services.rollup import slots_rollup

    homes, grid, panels = households_with_meters(1, "year", solar=True)
    year_start = datetime(2025, 1, 1, tzinfo=UTC)
    load(grid + panels, 365, timedelta(minutes=15), year_start)
    slots_rollup(now=year_start + timedelta(days=400))
    analyze()
    user = get_user_model().objects.create_user("bench-member", password="x")  # noqa: S106
    Membership.objects.create(household=homes[0], user=user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/api/v1/households/{homes[0].pk}/energy"
    query = {"from": "2025-01-01", "to": "2025-12-31", "resolution": "day"}
    timings = []
    for _ in range(21):
        started = time.perf_counter()
        response = client.get(url, query)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200 or len(response.json()["buckets"]) != 365:
            raise RuntimeError(
                f"unexpected answer {response.status_code} {response.content[:300]!r}"
            )
    elapsed_ms = median(timings[1:]) * 1000
    return [
        Row(
            "energy API: one household-year at daily resolution (365 buckets, ~70,000 meter slots)",
            f"{elapsed_ms:.1f} ms (median of 20)",
            "< 50 ms",
            elapsed_ms < 50,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the volume")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    setup_django()
    rows = bench_cold(households=1000 // scale, days=7)
    rows += bench_tick(households=10_000 // scale)
    rows += bench_api()
    print_table(f"Slot benchmark ({os.cpu_count()} cores, PostgreSQL)", rows)


if __name__ == "__main__":
    main()
