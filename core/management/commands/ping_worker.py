"""`manage.py ping_worker`: sends core.ping through the broker and waits for a worker's answer."""

import time
from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Send a ping task through the broker and wait for a Celery worker to answer."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        from celery.exceptions import TimeoutError as CeleryTimeoutError

        from core.tasks import ping as ping_task

        started = time.monotonic()
        result = ping_task.delay()
        try:
            answer = result.get(timeout=options["timeout"])
        except CeleryTimeoutError as exc:
            raise CommandError(f"no worker answered within {options['timeout']} s") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        self.stdout.write(f"{answer} in {elapsed_ms:.0f} ms")
