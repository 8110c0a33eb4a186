"""Ingestion benchmark: the service, HTTP through gunicorn, and the same-run physical limit.

    make bench-ingest        (or: .venv/bin/python -m bench.ingest [--quick])

Prints a table: service readings/s (new, then all duplicates), the physical limit measured in
the same run (binary COPY into a staging table + INSERT … SELECT … ON CONFLICT DO NOTHING into
an identical table) and the service's ratio to it, HTTP readings/s with p50/p99 latency, and
the peak RSS of a web worker ingesting a 100,000-sample request.
"""

import argparse
import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from bench.common import (
    ROOT,
    Row,
    Stopwatch,
    http_post,
    median,
    percentile,
    print_table,
    setup_django,
)

T0 = datetime(2026, 1, 5, tzinfo=UTC)
STEP = timedelta(seconds=60)


def samples_for(meter_index: int, count: int, offset: int = 0) -> list[tuple[datetime, float]]:
    return [
        (T0 + STEP * (offset + i), round(0.2 + ((meter_index * 7 + i) % 50) / 10, 3))
        for i in range(count)
    ]


def bench_service(meters: int, per_meter: int, batch: int) -> tuple[list[Row], dict[str, float]]:
    from django.db import connection, transaction

    from metering.models import Meter
    from metering.services.ingestion import readings_record

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_limit (LIKE metering_reading INCLUDING ALL, "
            "FOREIGN KEY (meter_id) REFERENCES metering_meter (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    fleet = Meter.objects.bulk_create(
        [Meter(meter_id=f"bench-{i}", kind="grid") for i in range(meters)]
    )
    meters_per_batch = max(1, batch // per_meter)
    figures: dict[str, float] = {}
    for label in ("new", "duplicates"):
        service, limit = Stopwatch(), Stopwatch()
        total = 0
        for number, first in enumerate(range(0, meters, meters_per_batch)):
            group = fleet[first : first + meters_per_batch]
            batch_samples = {m: samples_for(first + k, per_meter) for k, m in enumerate(group)}
            rows = [(m.pk, t, p) for m, s in batch_samples.items() for t, p in s]
            total += len(rows)
            # Pairs alternate which goes first, so neither gains from the other's warm caches.
            for turn in (number % 2, 1 - number % 2):
                if turn == 0:
                    with limit.lap():
                        raw_limit_write(connection, rows)
                else:
                    with service.lap():
                        result = readings_record(samples_by_meter=batch_samples)
            expected = len(rows) if label == "new" else 0
            if result.inserted != expected:
                raise RuntimeError(f"{result} where {expected} were expected")
        figures[f"service_{label}"] = total / service.seconds
        figures[f"limit_{label}"] = total / limit.seconds
        # The ratio is the median of batch-by-batch ratios: robust to a checkpoint or an
        # autovacuum landing on one side of a pair on this shared, noisy machine.
        figures[f"ratio_{label}"] = median(
            [
                limit_s / service_s
                for service_s, limit_s in zip(service.laps, limit.laps, strict=True)
            ]
        )
    rows_out = []
    for label in ("new", "duplicates"):
        ratio = figures[f"ratio_{label}"]
        rows_out += [
            Row(
                f"service, {label} ({meters * per_meter:,} readings, batches of {batch:,})",
                f"{figures[f'service_{label}']:,.0f} readings/s",
                "≥ 150,000/s" if label == "new" else "",
                figures[f"service_{label}"] >= 150_000 if label == "new" else None,
            ),
            Row(
                f"physical limit, {label} (COPY → staging → INSERT … ON CONFLICT)",
                f"{figures[f'limit_{label}']:,.0f} rows/s",
            ),
            Row(
                f"service ÷ limit, {label} (median of paired batches)",
                f"{ratio:.3f}",
                "≥ 0.9" if label == "new" else "(the limit does not compare values)",
                ratio >= 0.9 if label == "new" else None,
            ),
        ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_limit")
    return rows_out, figures


def raw_limit_write(connection, rows) -> None:  # type: ignore[no-untyped-def]
    """The physical limit: the same rows, one transaction, COPY + one server-side INSERT."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_staging (meter_id bigint, time timestamptz, "
            "power_kw float8) ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy("COPY bench_staging FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "timestamptz", "float8"])
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            "INSERT INTO bench_limit (meter_id, time, power_kw) "
            "SELECT meter_id, time, power_kw FROM bench_staging ON CONFLICT DO NOTHING"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def post(port: int, meter_id: str, key: str, body: bytes) -> tuple[int, float]:
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    return http_post(port, f"/api/v1/meters/{meter_id}/readings", body, headers)


def json_body(samples: list[tuple[datetime, float]]) -> bytes:
    return orjson.dumps(
        {"readings": [{"time": int(t.timestamp()), "power_kw": p} for t, p in samples]}
    )


def bench_http(env: dict[str, str], requests: int, per_request: int, clients: int) -> list[Row]:
    from metering.models import Meter
    from metering.services.tokens import device_token_create

    meters = Meter.objects.bulk_create(
        [Meter(meter_id=f"http-{i}", kind="grid") for i in range(requests + 1)]
    )
    _token, key = device_token_create(meters=meters, name="bench gateway", gateway=True)
    bodies = [(m.meter_id, json_body(samples_for(i, per_request))) for i, m in enumerate(meters)]
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        post(port, bodies[-1][0], key, json_body(samples_for(0, 10)))  # warm both paths up
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(lambda b: post(port, b[0], key, b[1]), bodies[:requests]))
        wall = time.perf_counter() - started
        if any(status != 200 for status, _ in results):
            raise RuntimeError(f"statuses {sorted({s for s, _ in results})}")
        latencies = [elapsed for _, elapsed in results]
        big = json_body(samples_for(0, 100_000, offset=per_request + 20))
        status, _ = post(port, bodies[-1][0], key, big)
        if status != 200:
            raise RuntimeError(f"the 100,000-sample request answered {status}")
        rss = max(peak_rss_mb(pid) for pid in worker_pids(server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    rate = requests * per_request / wall
    return [
        Row(
            f"HTTP, gunicorn 2 workers, {requests} requests × {per_request:,} readings, "
            f"{clients} clients",
            f"{rate:,.0f} readings/s",
            "≥ 100,000/s",
            rate >= 100_000,
        ),
        Row(
            "HTTP latency p50 / p99",
            f"{percentile(latencies, 0.5) * 1000:.0f} ms / "
            f"{percentile(latencies, 0.99) * 1000:.0f} ms",
        ),
        Row(
            "peak RSS of a web worker after a 100,000-sample request",
            f"{rss:.0f} MB",
            "< 300 MB",
            rss < 300,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the volume")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    env = setup_django()
    rows, _ = bench_service(meters=2000 // scale, per_meter=1000, batch=10_000)
    rows += bench_http(env, requests=200 // scale, per_request=10_000, clients=4)
    print_table(f"Ingestion benchmark ({os.cpu_count()} cores, PostgreSQL)", rows)


if __name__ == "__main__":
    main()
