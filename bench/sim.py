"""Simulator benchmark: readings generated per second (models only) and ingested per second
through each path, for a town of 1,000 households × 1 day at 60 s.

    make bench-sim        (or: .venv/bin/python -m bench.sim [--quick])

Prints a table: the models alone; the ingestion service's own figure on the same batches
(pre-built) and the simulator's service path, with their ratio; the HTTP API (gunicorn, each
meter with its own token); the broker on Redis and on RabbitMQ (`manage.py ingest_broker`);
MQTT through Mosquitto (`manage.py ingest_mqtt`). Each path writes another simulated day, so
every reading is new. A path's figure runs from the first reading sent to the last one stored.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from bench.common import ROOT, Row, print_table, setup_django
from bench.ingest import free_port, start_gunicorn

DAY0 = datetime(2026, 3, 2, tzinfo=UTC)
INTERVAL = 60
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


def rate(readings: int, seconds: float) -> float:
    return readings / seconds if seconds else 0.0


def stored_between(first: datetime, days: int) -> int:
    from metering.models import Reading

    return Reading.objects.filter(time__gte=first, time__lt=first + timedelta(days=days)).count()


def wait_stored(first: datetime, days: int, expected: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while stored_between(first, days) < expected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{stored_between(first, days)} of {expected} readings stored")
        time.sleep(0.05)


def bench_models(town, steps: int) -> Row:  # type: ignore[no-untyped-def]
    from simulator.engine import TownRun
    from simulator.services import CHUNK_READINGS

    run = TownRun(town, start_s=int(DAY0.timestamp()), interval_s=INTERVAL)
    per_chunk = max(1, CHUNK_READINGS // len(town.meters))
    started, readings, done = time.perf_counter(), 0, 0
    while done < steps:
        readings += run.next_chunk(min(per_chunk, steps - done)).readings
        done += per_chunk
    figure = rate(readings, time.perf_counter() - started)
    return Row(
        f"models only ({readings:,} readings)",
        f"{figure:,.0f} readings/s",
        "≥ 1,000,000/s",
        figure >= 1_000_000,
    )


def bench_service(town, steps: int) -> list[Row]:  # type: ignore[no-untyped-def]
    """The ingestion service on pre-built batches, then the simulator's service path on the
    same batches; the table is emptied before each."""
    from django.db import connection

    from metering.services.ingestion import readings_record
    from simulator.delivery import ServiceSink, chunk_datetimes
    from simulator.engine import TownRun
    from simulator.services import town_simulate

    start = int(DAY0.timestamp())
    run = TownRun(town, start_s=start, interval_s=INTERVAL)
    per_chunk = max(1, 100_000 // len(town.meters))
    batches, done = [], 0
    while done < steps:
        chunk = run.next_chunk(min(per_chunk, steps - done))
        done += per_chunk
        moments = chunk_datetimes(chunk)
        rows = chunk.power_kw.tolist()
        batches.append(
            {meter: list(zip(moments, rows[i], strict=True)) for i, meter in enumerate(town.meters)}
        )
    readings = sum(len(s) for batch in batches for s in batch.values())
    figures = {}
    for label in ("service", "simulator", "service ", "simulator "):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE metering_reading")
            cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        if label.strip() == "service":
            for batch in batches:
                readings_record(samples_by_meter=batch)
        else:
            run = TownRun(town, start_s=start, interval_s=INTERVAL)
            town_simulate(run=run, steps=steps, sink=ServiceSink(town.meters))
        figures[label] = rate(readings, time.perf_counter() - started)
    service = max(figures["service"], figures["service "])
    simulator = max(figures["simulator"], figures["simulator "])
    return [
        Row(
            "ingestion service alone, the same batches pre-built (best of 2)",
            f"{service:,.0f} readings/s",
        ),
        Row(
            "simulate --via service (generate + ingest, best of 2)",
            f"{simulator:,.0f} readings/s",
            "≥ 0.8 × the service",
            simulator >= 0.8 * service,
        ),
        Row(
            "simulator ÷ service",
            f"{simulator / service:.2f}",
            "≥ 0.80",
            simulator >= 0.8 * service,
        ),
    ]


def simulate(env: dict[str, str], day: int, days: int, households: int, *extra: str) -> None:
    start = (DAY0 + timedelta(days=day)).isoformat()
    subprocess.run(  # noqa: S603 - our manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "simulate",
            "--households",
            str(households),
            "--start",
            start,
            "--days",
            str(days),
            "--interval",
            str(INTERVAL),
            "--speed",
            "max",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def consumer(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(60)


def bench_api(env: dict[str, str], town, households: int, day: int) -> Row:  # type: ignore[no-untyped-def]
    port = free_port()
    server = start_gunicorn(env, port)
    expected = len(town.meters) * 1440
    try:
        started = time.perf_counter()
        simulate(env, day, 1, households, "--via", "api", "--api-url", f"http://127.0.0.1:{port}")
        wait_stored(DAY0 + timedelta(days=day), 1, expected)
        figure = rate(expected, time.perf_counter() - started)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    return Row(
        "simulate --via api (gunicorn 2 workers, a token per meter)", f"{figure:,.0f} readings/s"
    )


def bench_broker(env: dict[str, str], town, households: int, day: int, url: str, name: str) -> Row:  # type: ignore[no-untyped-def]
    from kombu import Connection

    from metering.ingest.connections import readings_exchange, readings_queue

    exchange, queue = f"bench-{uuid.uuid4().hex}", f"bench-{uuid.uuid4().hex}"
    with Connection(url) as conn:
        readings_queue(exchange=exchange, queue=queue)(conn.channel()).declare()
    worker = consumer(env, "ingest_broker", "--url", url, "--exchange", exchange, "--queue", queue)
    expected = len(town.meters) * 1440
    try:
        started = time.perf_counter()
        simulate(env, day, 1, households, "--via", "broker", "--broker-url", url,
                 "--exchange", exchange)  # fmt: skip
        wait_stored(DAY0 + timedelta(days=day), 1, expected)
        figure = rate(expected, time.perf_counter() - started)
    finally:
        stop(worker)
        with Connection(url) as conn:
            channel = conn.channel()
            readings_queue(exchange=exchange, queue=queue)(channel).delete()
            readings_exchange(exchange)(channel).delete()
    return Row(
        f"simulate --via broker, {name} → ingest_broker",
        f"{figure:,.0f} readings/s",
        "≥ 20,000/s",
        figure >= 20_000,
    )


def bench_mqtt(env: dict[str, str], town, households: int, day: int) -> Row:  # type: ignore[no-untyped-def]
    from paho.mqtt.client import Client
    from paho.mqtt.enums import CallbackAPIVersion

    prefix, client_id = f"bench-{uuid.uuid4().hex}/meters", f"bench-{uuid.uuid4().hex}"
    worker = consumer(env, "ingest_mqtt", "--topic-prefix", prefix, "--client-id", client_id)
    time.sleep(3)  # Django starts and subscribes
    expected = len(town.meters) * 1440
    try:
        started = time.perf_counter()
        simulate(env, day, 1, households, "--via", "mqtt", "--topic-prefix", prefix)
        wait_stored(DAY0 + timedelta(days=day), 1, expected)
        figure = rate(expected, time.perf_counter() - started)
    finally:
        stop(worker)
        session = Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        session.connect("127.0.0.1", 1883)
        session.disconnect()
    return Row(
        "simulate --via mqtt, Mosquitto → ingest_mqtt (QoS 1)",
        f"{figure:,.0f} readings/s",
        "≥ 20,000/s",
        figure >= 20_000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 households instead of 1,000")
    args = parser.parse_args()
    households = 100 if args.quick else 1000
    env = setup_django()
    from simulator.town import town_build, town_extend, town_houses

    town_extend(households=households)
    town = town_build(town_houses(households=households), seed=1)
    steps = 1440
    rows = [bench_models(town, steps), *bench_service(town, steps)]
    rows.append(bench_api(env, town, households, day=1))
    redis_url = env.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    rows.append(bench_broker(env, town, households, 2, redis_url, "Redis"))
    rows.append(bench_broker(env, town, households, 3, RABBITMQ_URL, "RabbitMQ"))
    rows.append(bench_mqtt(env, town, households, day=4))
    print_table(
        f"Simulator benchmark: {households:,} households ({len(town.meters):,} meters) × 1 day "
        f"at {INTERVAL} s ({os.cpu_count()} cores, PostgreSQL)",
        rows,
    )


if __name__ == "__main__":
    main()
