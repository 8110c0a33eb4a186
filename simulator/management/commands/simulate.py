"""`manage.py simulate`: the PowerDale town's meters, sending readings by any device path."""

import os
from argparse import ArgumentParser, ArgumentTypeError, BooleanOptionalAction
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, override

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from simulator.delivery import (
    ApiSink,
    BrokerSink,
    CsvSink,
    MqttSink,
    PatientSink,
    ServiceSink,
    Sink,
    Sinks,
)
from simulator.engine import TownRun
from simulator.grid_link import GridLinkedSink, PlannedSchedule, SessionReporter
from simulator.services import town_simulate
from simulator.town import town_build, town_extend, town_houses

PATHS = ("service", "api", "broker", "mqtt")


def aware(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not an ISO 8601 date or time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def speed(value: str) -> float | None:
    if value == "max":
        return None
    try:
        factor = float(value)
    except ValueError:
        raise ArgumentTypeError("--speed is a factor (1 = real time) or max") from None
    if factor <= 0:
        raise ArgumentTypeError("--speed must be above 0")
    return factor


class Command(BaseCommand):
    help = (
        "Simulate the town's meters (consumption, solar, batteries, EVs) and send their "
        "readings through the ingestion service, the HTTP API, the broker or MQTT."
    )

    @override
    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--households",
            type=int,
            help="How many households (default: the seeded town); missing ones are created.",
        )
        parser.add_argument(
            "--start", type=aware, help="First instant (ISO 8601, UTC if no offset; default now)."
        )
        end = parser.add_mutually_exclusive_group()
        end.add_argument("--days", type=float, help="How long to simulate.")
        end.add_argument("--until", type=aware, help="Simulate up to this instant (excluded).")
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between readings (default 60)."
        )
        parser.add_argument(
            "--speed",
            type=speed,
            default=1.0,
            help="Simulated seconds per wall-clock second (1 = real time, the default), or max.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed → same readings.")
        parser.add_argument(
            "--grid",
            action=BooleanOptionalAction,
            default=None,
            help="Cars plug in with the grid and charge as its plan says (default: on for a run "
            "from now, off for one from --start).",
        )
        parser.add_argument("--via", choices=PATHS, default="service", help="Delivery path.")
        parser.add_argument("--csv-dir", type=Path, help="Also write CSV files here.")
        port = os.environ.get("SMARTRIX_PORT", "8020")
        parser.add_argument("--api-url", default=f"http://127.0.0.1:{port}")
        parser.add_argument("--broker-url", default=settings.METERING_BROKER_URL)
        parser.add_argument("--exchange", default=settings.METERING_BROKER_EXCHANGE)
        parser.add_argument("--mqtt-host", default=settings.METERING_MQTT_HOST)
        parser.add_argument("--mqtt-port", type=int, default=settings.METERING_MQTT_PORT)
        parser.add_argument("--topic-prefix", default=settings.METERING_MQTT_TOPIC_PREFIX)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        interval: int = options["interval"]
        if interval <= 0:
            raise CommandError("--interval must be at least 1 second.")
        now = int(datetime.now(tz=UTC).timestamp())
        start = (
            int(options["start"].timestamp())
            if options["start"]
            else (now // interval + 1) * interval  # the next reading instant
        )
        steps = self._steps(options, start, interval)
        if steps is None and options["speed"] is None:
            raise CommandError("--speed max needs an end: --days or --until.")
        if options["households"] is not None:
            town_extend(households=options["households"], seed=options["seed"])
        houses = town_houses(households=options["households"])
        if not houses:
            raise CommandError("There is no town: run `manage.py seed_demo` or give --households.")
        town = town_build(houses, seed=options["seed"])
        grid = options["grid"] if options["grid"] is not None else options["start"] is None
        run = TownRun(
            town, start_s=start, interval_s=interval, schedule=PlannedSchedule() if grid else None
        )
        sink = self._sink(options, town.meters)
        if grid:
            sink = GridLinkedSink(sink, SessionReporter(town))
        self.stderr.write(
            f"Simulating {len(houses)} households ({len(town.meters)} meters) from "
            f"{datetime.fromtimestamp(start, tz=UTC).isoformat()} every {interval} s "
            f"via {options['via']}{', with the grid' if grid else ''}."
        )
        try:
            report = town_simulate(
                run=run, steps=steps, sink=sink, speed=options["speed"], progress=True
            )
        except KeyboardInterrupt:
            return
        rate = report.readings / report.seconds if report.seconds else 0.0
        self.stdout.write(
            f"{report.readings} readings ({report.steps} steps) in {report.seconds:.1f} s, "
            f"{rate:,.0f} readings/s."
        )

    def _steps(self, options: dict[str, Any], start: int, interval: int) -> int | None:
        if options["days"] is not None:
            return max(0, int(options["days"] * 86_400 // interval))
        if options["until"] is not None:
            return max(0, -(-(int(options["until"].timestamp()) - start) // interval))
        return None

    def _sink(self, options: dict[str, Any], meters: list[Any]) -> Sink:
        via = options["via"]
        sink: Sink
        if via == "service":
            sink = ServiceSink(meters)
        elif via == "api":
            sink = ApiSink(meters, base_url=options["api_url"])
        elif via == "broker":
            sink = BrokerSink(meters, url=options["broker_url"], exchange=options["exchange"])
        else:
            sink = MqttSink(
                meters,
                host=options["mqtt_host"],
                port=options["mqtt_port"],
                prefix=options["topic_prefix"],
            )
        if options["csv_dir"] is not None:
            sink = Sinks([sink, CsvSink(meters, directory=options["csv_dir"])])
        # A live run outlasts a busy database or a broker restart: it waits and keeps its place.
        return PatientSink(sink)
