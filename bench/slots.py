"""Slot benchmark: the cold rollup, a live tick, and the energy API over a household-year.

    make bench-slots        (or: .venv/bin/python -m bench.slots [--quick])

- cold: 1,000 households × 7 days of 1-minute readings (≈ 10 million), ingested through the
  ingestion service (which marks the blocks), then ``slots_rollup`` → readings/s;
- tick: 10,000 households with an hour of history already rolled up receive one more minute
  of readings; one ``slots_rollup`` → seconds;
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


def bench_cold(households: int, days: int) -> list[Row]:
    from metering.services.rollup import slots_rollup

    _homes, grid, _ = households_with_meters(households, "cold")
    readings = load(grid, days, MINUTE, T0)
    analyze()
    started = time.perf_counter()
    report = slots_rollup(now=T0 + timedelta(days=days, hours=1))
    elapsed = time.perf_counter() - started
    rate = readings / elapsed
    return [
        Row(
            f"cold rollup: {households:,} households × {days} days of 1-minute readings "
            f"({readings:,} readings → {report.slots_written:,} slots)",
            f"{rate:,.0f} readings/s ({elapsed:.1f} s)",
            "≥ 300,000/s",
            rate >= 300_000,
        )
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
    return [
        Row(
            f"live tick: one more minute for {households:,} households "
            f"({report.blocks_done:,} blocks, {report.slots_written:,} slots rewritten)",
            f"{elapsed:.2f} s",
            "< 5 s",
            elapsed < 5,
        )
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
