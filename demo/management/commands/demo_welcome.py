"""`manage.py demo_welcome`: where to go in the running demo, and who to log in as."""

import os
from typing import Any, override

from django.core.management.base import BaseCommand

from demo.world import DEMO_PASSWORD, PARTNERS, STAFF, TRIAL_HOUSEHOLDS


class Command(BaseCommand):
    help = "Print the demo's addresses and logins."

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://127.0.0.1:{os.environ.get('SMARTRIX_PORT', '8020')}"
        members = ", ".join(name for spec in TRIAL_HOUSEHOLDS for name in spec.members)
        staff = ", ".join(f"{s.username} ({s.role})" for s in STAFF)
        partners = ", ".join(f"{p.staff_username} ({p.name})" for p in PARTNERS)
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Smartrix Grid — the PowerDale demo is starting (Ctrl-C stops everything)",
                    f"  Portal (households)     {base}/",
                    f"  Grid (operator)         {base}/operator/grid/",
                    f"  Admin (energy company)  {base}/admin/",
                    f"  API docs                {base}/api/docs/",
                    f"  JOI API                 {base}/readings/read/smart-meter-0",
                    f"  Households              {members}",
                    f"  Staff                   {staff}",
                    f"  Partners                {partners}",
                    f"  Password (every demo login): {DEMO_PASSWORD}",
                    "",
                ]
            )
        )
