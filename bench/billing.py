"""Billing benchmark: the monthly run for 500, 1,000 and 2,000 households.

    make bench-billing        (or: .venv/bin/python -m bench.billing [--quick])

Each household has a month of 15-minute household slots (written straight into the table with
COPY: the rollup has its own benchmark) and one of the demo's three plans (a capacity charge,
day/night bands, a feed-in rate). ``billing_run`` then issues every invoice: lines, VAT,
estimates, savings without solar and under the cheapest plan, gapless numbers.
"""

import argparse
import os
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bench.common import Row, print_table, setup_django

MONTH = date(2026, 6, 1)


def households_with_a_month(count: int, prefix: str) -> list[int]:
    from django.db import connection

    from demo.services import _seed_plans
    from households.models import Household
    from pricing.models import Subscription

    plans = list(_seed_plans().values())
    homes = Household.objects.bulk_create([Household(name=f"{prefix} {i}") for i in range(count)])
    Subscription.objects.bulk_create(
        Subscription(
            household=h, price_plan=plans[i % 3], valid_from=datetime(2020, 1, 1, tzinfo=UTC)
        )
        for i, h in enumerate(homes)
    )
    start = datetime(2026, 5, 31, 22, 0, tzinfo=UTC)  # local midnight, 1 June (summer time)
    slots = [start + timedelta(minutes=15 * n) for n in range(30 * 96)]
    rng = np.random.default_rng(7)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY metering_householdslot (household_id, start, import_kwh, export_kwh, "
            "production_kwh, charge_kwh, discharge_kwh, consumption_kwh, self_consumed_kwh, "
            "direct_solar_kwh, complete) FROM STDIN"
        ) as copy,
    ):
        for home in homes:
            imports = np.round(rng.uniform(0.02, 0.6, len(slots)), 6)
            exports = np.round(rng.uniform(0.0, 0.2, len(slots)), 6)
            for moment, used, fed in zip(slots, imports.tolist(), exports.tolist(), strict=True):
                copy.write_row((home.pk, moment, used, fed, fed, 0, 0, used, 0, 0, True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [h.pk for h in homes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the households")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    setup_django()
    from billing.models import Invoice
    from billing.services import billing_run
    from households.models import Household

    rows = []
    for size in (500 // scale, 1000 // scale, 2000 // scale):
        ids = households_with_a_month(size, f"run{size}")
        homes = list(Household.objects.filter(pk__in=ids).order_by("pk"))
        started = time.perf_counter()
        report = billing_run(month=MONTH, households=homes)
        elapsed = time.perf_counter() - started
        if report.issued != size or report.failed:
            raise RuntimeError(f"{report}")
        rows.append(
            Row(
                f"monthly run, {size:,} households × 2,880 slots",
                f"{elapsed:.1f} s ({size / elapsed:,.0f} households/s)",
                "< 30 s" if size >= 2000 // scale else "",
                elapsed < 30 if size >= 2000 // scale else None,
            )
        )
    numbers = sorted(
        int(str(number).split("-")[1])
        for number in Invoice.objects.values_list("number", flat=True)
    )
    gapless = numbers == list(range(1, len(numbers) + 1))
    rows.append(Row("invoice numbers gapless", f"{len(numbers):,} numbers", "yes", gapless))
    print_table(f"Billing benchmark ({os.cpu_count()} cores, PostgreSQL)", rows)


if __name__ == "__main__":
    main()
