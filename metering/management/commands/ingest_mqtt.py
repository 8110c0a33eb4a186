"""`manage.py ingest_mqtt`: the ingest worker of readings published over MQTT."""

from argparse import ArgumentParser
from typing import Any, override

from django.conf import settings
from django.core.management.base import BaseCommand

from metering.ingest.mqtt import mqtt_consume
from metering.management.commands.ingest_broker import stop_on_signals


class Command(BaseCommand):
    help = "Consume readings from <prefix>/<meter_id>/readings (QoS 1); Ctrl-C stops."

    @override
    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=settings.METERING_MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.METERING_MQTT_PORT)
        parser.add_argument("--topic-prefix", default=settings.METERING_MQTT_TOPIC_PREFIX)
        parser.add_argument(
            "--client-id",
            default="smartrix-ingest",
            help="The persistent session's id: the broker keeps its messages while it is away.",
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        totals = mqtt_consume(
            host=options["host"],
            port=options["port"],
            prefix=options["topic_prefix"],
            client_id=options["client_id"],
            stop=stop_on_signals(),
        )
        self.stdout.write(
            f"{totals.messages} messages: {totals.inserted} readings stored, "
            f"{totals.duplicates} duplicates, {totals.failures} refused."
        )
