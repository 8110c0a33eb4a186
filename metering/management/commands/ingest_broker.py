"""`manage.py ingest_broker`: the ingest worker of readings messages on the broker."""

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any, override

from django.conf import settings
from django.core.management.base import BaseCommand

from metering.ingest.broker import broker_consume


class Command(BaseCommand):
    help = "Consume readings messages (routing key = meter id) from the broker; Ctrl-C stops."

    @override
    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default=settings.METERING_BROKER_URL)
        parser.add_argument("--exchange", default=settings.METERING_BROKER_EXCHANGE)
        parser.add_argument("--queue", default=settings.METERING_BROKER_QUEUE)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        stop = stop_on_signals()
        totals = broker_consume(
            url=options["url"], exchange=options["exchange"], queue=options["queue"], stop=stop
        )
        self.stdout.write(
            f"{totals.messages} messages: {totals.inserted} readings stored, "
            f"{totals.duplicates} duplicates, {totals.failures} refused."
        )


def stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM, so the worker finishes its batch and stops."""
    stop = threading.Event()

    def handler(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop
