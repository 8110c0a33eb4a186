"""`manage.py seed_demo`: loads the PowerDale demo world (idempotent)."""

from typing import Any, override

from django.core.management.base import BaseCommand

from demo.services import seed_demo


class Command(BaseCommand):
    help = (
        "Load the PowerDale demo world: plans, town, people, assets, partners, network, "
        "prices, first readings. Idempotent."
    )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_demo()
        self.stdout.write(
            f"PowerDale: {report.households} households, {report.meters} meters, "
            f"{report.readings_added} readings, {report.prices_added} day-ahead prices and "
            f"{report.availability_added} wind availabilities added."
        )
        if not report.users_created:
            self.stdout.write("Demo users were not created (not allowed by these settings).")
