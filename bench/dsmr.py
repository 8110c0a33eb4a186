"""DSMR benchmark: telegrams parsed and stored per second, in local mode and through the API.

    make bench-dsmr        (or: .venv/bin/python -m bench.dsmr [--quick])

Prints a table: parsing alone (CRC + dsmr-parser); local mode end to end (the datalogger
reading a socket:// port that streams telegrams, storing through the services); the cost of
one telegram stored on its own, as a household at 1 Hz does; the telegram API through gunicorn
(2 workers) with one telegram per request, ten (a datalogger with ``--linger 10``), and a
backlog after an outage (100 a request).
"""

import argparse
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import Row, Stopwatch, http_post, median, percentile, print_table, setup_django
from bench.ingest import free_port, start_gunicorn

LOCAL = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 1, 5, tzinfo=LOCAL)  # winter time: every stamp ends in W
TARGET = 1000.0


def telegram(household: int, second: int) -> bytes:
    """A valid DSMR 5 telegram of household ``household``, ``second`` seconds after START."""
    from metering.dsmr.telegrams import crc16

    moment = START + timedelta(seconds=second)
    gas_moment = START + timedelta(seconds=second - second % 300)
    power = 0.2 + (second * 7 + household) % 50 / 10
    imported = 1000 + household + second * 0.0005
    lines = [
        "/ISk5\\2MT382-1000",
        "",
        "1-3:0.2.8(50)",
        f"0-0:1.0.0({moment:%y%m%d%H%M%S}W)",
        f"0-0:96.1.1({f'BENCH{household:06d}'.encode().hex().upper()})",
        f"1-0:1.8.1({imported:010.3f}*kWh)",
        f"1-0:1.8.2({imported / 2:010.3f}*kWh)",
        "1-0:2.8.1(000120.250*kWh)",
        "1-0:2.8.2(000000.000*kWh)",
        "0-0:96.14.0(0001)",
        f"1-0:1.7.0({power:06.3f}*kW)",
        "1-0:2.7.0(00.000*kW)",
        "0-0:96.7.21(00003)",
        "0-0:96.7.9(00001)",
        "1-0:32.7.0(0230.1*V)",
        "1-0:52.7.0(0229.8*V)",
        "1-0:72.7.0(0231.0*V)",
        "1-0:31.7.0(001.20*A)",
        "1-0:51.7.0(000.40*A)",
        "1-0:71.7.0(000.90*A)",
        f"1-0:21.7.0({power / 2:06.3f}*kW)",
        f"1-0:41.7.0({power / 4:06.3f}*kW)",
        f"1-0:61.7.0({power / 4:06.3f}*kW)",
        "1-0:22.7.0(00.000*kW)",
        "1-0:42.7.0(00.000*kW)",
        "1-0:62.7.0(00.000*kW)",
        "0-1:24.1.0(003)",
        f"0-1:96.1.0({f'GAS{household:06d}'.encode().hex().upper()})",
        f"0-1:24.2.1({gas_moment:%y%m%d%H%M%S}W)({500 + second / 3600:09.3f}*m3)",
        "!",
    ]
    signed = "\r\n".join(lines).encode("ascii")
    return signed + f"{crc16(signed):04X}\r\n".encode("ascii")


def bench_parse(count: int) -> Row:
    from metering.dsmr.telegrams import telegram_parse

    telegrams = [telegram(0, second) for second in range(count)]
    started = time.perf_counter()
    for raw in telegrams:
        telegram_parse(raw)
    rate = count / (time.perf_counter() - started)
    return Row(f"parse only (CRC + dsmr-parser), {count:,} telegrams", f"{rate:,.0f}/s")


def bench_local(count: int) -> list[Row]:
    """The datalogger end to end: a socket:// port streaming telegrams, the local store."""
    from metering.dsmr.datalogger import Counts, Datalogger, LocalStore
    from metering.models import Meter

    grid = Meter.objects.create(meter_id="bench-local", kind="grid")
    stream = b"".join(telegram(1, second) for second in range(count))
    server = socket.create_server(("127.0.0.1", 0))
    sent = threading.Event()

    def serve() -> None:
        client, _address = server.accept()
        time.sleep(0.3)  # pyserial discards what arrives while it opens the port
        sent.set()
        client.sendall(stream)
        time.sleep(60)
        client.close()

    threading.Thread(target=serve, daemon=True).start()
    counts = Counts()
    datalogger = Datalogger(
        port=f"socket://127.0.0.1:{server.getsockname()[1]}",
        sink=LocalStore(counts=counts, meter=grid),
        counts=counts,
        limit=count,
    )
    started = time.perf_counter()
    datalogger.run()
    sent.wait()
    wall = time.perf_counter() - started - 0.3
    server.close()
    if (counts.stored, counts.rejected) != (count, 0):
        raise RuntimeError(f"local mode: {counts.line()}")
    rate = count / wall
    rows = [
        Row(
            f"local mode: datalogger on socket://, {count:,} telegrams parsed + stored",
            f"{rate:,.0f}/s",
            f"≥ {TARGET:,.0f}/s",
            rate >= TARGET,
        )
    ]
    # One household at 1 Hz: every telegram parsed and stored in its own transaction.
    single = Stopwatch()
    sink = LocalStore(counts=counts, meter=grid)
    for second in range(count, count + min(count, 2000)):
        raw = telegram(1, second)
        with single.lap():
            sink.accept([raw])
    cost = median(single.laps) * 1000
    rows.append(
        Row(
            "one telegram in a transaction of its own (a household at 1 Hz), median latency",
            f"{cost:.2f} ms",
        )
    )
    return rows


def post(port: int, key: str, body: bytes) -> tuple[int, float]:
    headers = {"Authorization": f"Token {key}", "Content-Type": "text/plain"}
    return http_post(port, "/api/v1/telegrams", body, headers)


def bench_api(env: dict[str, str], households: int, per_household: int, backlog: int) -> list[Row]:
    from metering.models import Meter
    from metering.services.tokens import device_token_create

    keys = []
    for household in range(households):
        meter = Meter.objects.create(meter_id=f"bench-api-{household}", kind="grid")
        keys.append(device_token_create(meters=[meter], name="bench")[1])
    port = free_port()
    server = start_gunicorn(env, port)
    rows = []
    try:
        for household, key in enumerate(keys):  # first telegrams link the equipment (warm-up)
            post(port, key, telegram(household + 10, 0))

        def household_posts(household: int) -> list[tuple[int, float]]:
            key = keys[household]
            return [
                post(port, key, telegram(household + 10, second))
                for second in range(1, per_household + 1)
            ]

        started = time.perf_counter()
        with ThreadPoolExecutor(households) as pool:
            results = [r for rs in pool.map(household_posts, range(households)) for r in rs]
        wall = time.perf_counter() - started
        if any(status != 201 for status, _ in results):
            raise RuntimeError(f"statuses {sorted({s for s, _ in results})}")
        rate = len(results) / wall
        latencies = [elapsed for _, elapsed in results]
        rows += [
            Row(
                f"telegram API, gunicorn 2 workers, {households} households × "
                f"{per_household:,} requests of 1 telegram",
                f"{rate:,.0f}/s",
                f"≥ {TARGET:,.0f}/s",
                rate >= TARGET,
            ),
            Row(
                "telegram API latency p50 / p99",
                f"{percentile(latencies, 0.5) * 1000:.1f} ms / "
                f"{percentile(latencies, 0.99) * 1000:.1f} ms",
            ),
        ]

        first = per_household + 1
        for size, label in ((10, "a datalogger with --linger 10"), (100, "a backlog")):
            rate = _batched_rate(port, keys, first, backlog, size)
            first += backlog
            rows.append(
                Row(
                    f"telegram API, {label}: {households} households × {backlog:,} telegrams, "
                    f"{size} a request",
                    f"{rate:,.0f}/s",
                    f"≥ {TARGET:,.0f}/s",
                    rate >= TARGET,
                )
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    return rows


def _batched_rate(port: int, keys: list[str], first: int, count: int, size: int) -> float:
    """Telegrams/s when each household posts ``count`` telegrams, ``size`` a request."""

    def posts(household: int) -> list[tuple[int, float]]:
        bodies = [
            b"".join(telegram(household + 10, s) for s in range(start, start + size))
            for start in range(first, first + count, size)
        ]
        return [post(port, keys[household], body) for body in bodies]

    started = time.perf_counter()
    with ThreadPoolExecutor(len(keys)) as pool:
        results = [r for rs in pool.map(posts, range(len(keys))) for r in rs]
    wall = time.perf_counter() - started
    if any(status != 201 for status, _ in results):
        raise RuntimeError(f"statuses {sorted({s for s, _ in results})}")
    return len(keys) * count / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the volume")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    env = setup_django()
    rows = [bench_parse(5000 // scale)]
    rows += bench_local(20_000 // scale)
    rows += bench_api(env, households=4, per_household=2000 // scale, backlog=5000 // scale)
    print_table(f"DSMR benchmark ({os.cpu_count()} cores, PostgreSQL)", rows)


if __name__ == "__main__":
    main()
