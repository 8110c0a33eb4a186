"""`manage.py billing_backfill --months 12`: issue the invoices of the last complete months."""

from datetime import timedelta
from typing import Any, override

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from billing.services import billing_run
from core.timeslots import local_date, month_start


class Command(BaseCommand):
    help = "Issue the invoices of the last N complete months, oldest first (safe to rerun)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=12)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        month = month_start(local_date(timezone.now()))
        months = []
        for _ in range(options["months"]):
            month = month_start(month - timedelta(days=1))
            months.append(month)
        for chosen in reversed(months):
            report = billing_run(month=chosen)
            self.stdout.write(
                f"{chosen:%Y-%m}: {report.issued} issued, {report.existing} already issued, "
                f"{len(report.not_final)} waiting for final slots."
            )
