"""`manage.py dsmr_datalogger`: read a smart meter's P1 port and store (or forward) its telegrams.

    manage.py dsmr_datalogger --port /dev/ttyUSB0 --meter home-42          (local mode)
    manage.py dsmr_datalogger --port socket://10.0.0.7:2001 \\
        --forward https://grid.example.org --token smx_…                    (remote mode)
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, override

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metering.dsmr.datalogger import (
    DSMR2_SERIAL,
    DSMR4_SERIAL,
    Counts,
    Datalogger,
    DiskQueue,
    Forwarder,
    LocalStore,
    Sink,
)
from metering.dsmr.telegrams import AUTO, SPEC_CHOICES
from metering.exceptions import MeterNotFoundError
from metering.selectors.meters import meter_get

TOKEN_VARIABLE = "SMARTRIX_DEVICE_TOKEN"  # noqa: S105 - the name of a variable, not a key


class Command(BaseCommand):
    help = "Read DSMR P1 telegrams from a port; store them here or forward them to a server."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            required=True,
            help="a device (/dev/ttyUSB0) or a pyserial URL: socket://host:port, rfc2217://…",
        )
        parser.add_argument("--spec", choices=SPEC_CHOICES, default=AUTO)
        parser.add_argument(
            "--legacy-serial",
            action="store_true",
            help="9600 baud 7E1 (DSMR 2.2 and 3) instead of 115200 8N1 (DSMR 4, 5, Fluvius)",
        )
        parser.add_argument(
            "--meter", help="local mode: the grid meter (meter id) this port belongs to"
        )
        parser.add_argument("--forward", metavar="BASE_URL", help="remote mode: the server")
        parser.add_argument(
            "--token", help=f"remote mode: the meter's device token (or ${TOKEN_VARIABLE})"
        )
        parser.add_argument(
            "--queue",
            type=Path,
            default=Path(settings.VAR_DIR) / "dsmr-queue.sqlite3",
            help="remote mode: the on-disk queue for when the server is unreachable",
        )
        parser.add_argument(
            "--queue-days", type=float, default=7.0, help="remote mode: the queue's bound"
        )
        parser.add_argument(
            "--linger",
            type=float,
            default=0.0,
            help="remote mode: seconds a telegram may wait to travel with the next ones "
            "(default 0: each at once)",
        )
        parser.add_argument("--count", type=int, help="stop after this many telegrams")
        parser.add_argument(
            "--log-interval", type=float, default=60.0, help="seconds between count lines"
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        counts = Counts()
        sink = self._sink(counts, options)
        datalogger = Datalogger(
            port=options["port"],
            sink=sink,
            counts=counts,
            settings=DSMR2_SERIAL if options["legacy_serial"] else DSMR4_SERIAL,
            limit=options["count"],
            log_interval=options["log_interval"],
        )
        try:
            datalogger.run()
            if isinstance(sink, Forwarder):
                sink.drain()
        except KeyboardInterrupt:
            pass  # what is queued stays on disk for the next start
        finally:
            sink.close()
        self.stdout.write(counts.line())

    def _sink(self, counts: Counts, options: dict[str, Any]) -> Sink:
        spec = options["spec"]
        if options["forward"] is None:
            meter = None
            if options["meter"]:
                try:
                    meter = meter_get(meter_id=options["meter"])
                except MeterNotFoundError as exc:
                    raise CommandError(exc.message) from None
            return LocalStore(counts=counts, meter=meter, spec=spec)
        token = options["token"] or os.environ.get(TOKEN_VARIABLE)
        if not token:
            raise CommandError(f"Remote mode needs --token or ${TOKEN_VARIABLE}.")
        if options["meter"]:
            raise CommandError("--meter is for local mode; the token names the meter remotely.")
        queue = DiskQueue(options["queue"], max_age=timedelta(days=options["queue_days"]))
        try:
            forwarder = Forwarder(
                counts=counts,
                base_url=options["forward"],
                token=token,
                queue=queue,
                spec=spec,
                linger=options["linger"],
            )
        except ValueError as exc:
            queue.close()
            raise CommandError(str(exc)) from None
        return forwarder.start()
