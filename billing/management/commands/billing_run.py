"""`manage.py billing_run --month YYYY-MM`: issue every household's invoice for a month, once
its slots are final (the rollup runs first; a household whose blocks stay open is named and
left for a rerun)."""

from datetime import date
from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.services import billing_run


class Command(BaseCommand):
    help = "Issue every household's invoice for a calendar month (safe to run twice)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = date.fromisoformat(f"{options['month']}-01")
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {options['month']!r}.") from None
        report = billing_run(month=month)
        self.stdout.write(
            f"{month:%Y-%m}: {report.issued} issued, {report.existing} already issued, "
            f"{report.without_plan} without a plan, {len(report.failed)} failed, "
            f"{len(report.not_final)} waiting for final slots."
        )
        problems = [f"Households that failed: {report.failed}"] if report.failed else []
        problems += [
            f"Household {household_id}: slots not final, {'; '.join(blocks)}"
            for household_id, blocks in report.not_final.items()
        ]
        if problems:
            raise CommandError("\n".join(problems))
