"""`manage.py simulate` through every path, against real Redis, RabbitMQ and Mosquitto: the
platform stores exactly the readings the simulator generated, even when the consumer is killed
in the middle; CSV files match what was stored; bad messages are counted, not fatal."""

import csv
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
from django.core.management import call_command
from django.db import connection
from kombu import Connection
from paho.mqtt.client import Client
from paho.mqtt.enums import CallbackAPIVersion

from metering.ingest.connections import readings_exchange, readings_queue
from metering.models import IngestFailure, Reading
from simulator.engine import TownRun
from simulator.town import town_build, town_extend, town_houses
from tests.services import service_required

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"
MQTT_HOST, MQTT_PORT = "127.0.0.1", 1883
RABBITMQ_ENABLE = "apt-get install rabbitmq-server && rabbitmq-server -detached (.ci/run does)"
MOSQUITTO_ENABLE = "apt-get install mosquitto && mosquitto -d (.ci/run does)"

Readings = dict[tuple[str, int], float]


def expected(households: int, steps: int, interval: int, seed: int = 1) -> Readings:
    """What the simulator generates, straight from the engine."""
    town = town_build(town_houses(households=households), seed=seed)
    chunk = TownRun(town, start_s=int(START.timestamp()), interval_s=interval).next_chunk(steps)
    times = chunk.times.tolist()
    return {
        (meter.meter_id, t): power
        for meter, row in zip(town.meters, chunk.power_kw.tolist(), strict=True)
        for t, power in zip(times, row, strict=True)
    }


def stored() -> Readings:
    rows = Reading.objects.values_list("meter__meter_id", "time", "power_kw")
    return {(meter_id, int(moment.timestamp())): power for meter_id, moment, power in rows}


def checksum(readings: Readings) -> float:
    return round(sum(readings.values()), 6)


def simulate_args(households: int, hours: float, interval: int = 60) -> list[str]:
    return [
        "--households", str(households),
        "--start", START.isoformat(),
        "--days", str(hours / 24),
        "--interval", str(interval),
    ]  # fmt: skip


def subprocess_env(**extra: str) -> dict[str, str]:
    """This test's database for the processes the test starts."""
    db = connection.settings_dict
    env = dict(os.environ)
    host = quote(str(db["HOST"]), safe="")  # a socket folder is a path
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{host}:{db['PORT']}/{db['NAME']}"
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return output.decode()


def assert_exactly(generated: Readings) -> None:
    got = stored()
    assert len(got) == len(generated)
    assert checksum(got) == checksum(generated)
    assert got == generated


# --- service and CSV -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_path_stores_exactly_what_was_generated(tmp_path: Path) -> None:
    call_command("simulate", *simulate_args(8, 26, 300), "--speed", "max", "--via", "service")
    assert_exactly(expected(8, 26 * 12, 300))


@pytest.mark.django_db
def test_csv_files_match_the_stored_readings_and_are_appended_to(tmp_path: Path) -> None:
    call_command(
        "simulate", *simulate_args(4, 30, 900), "--speed", "max", "--csv-dir", str(tmp_path)
    )
    readings = stored()
    files = sorted(tmp_path.iterdir())
    # 04:00 UTC on 1 June for 30 h: local (UTC+2) days 1 and 2 June, one file per meter each.
    assert {f.name for f in files} >= {"sim-grid-0-2026-06-01.csv", "sim-grid-0-2026-06-02.csv"}
    assert len(files) == 2 * 8
    rows = []
    for path in files:
        lines = path.read_text().splitlines()
        assert lines[0] == "meter_id,time_s,meter_power_value_w,pv_power_value_kw,sum_meter_pv_w"
        assert all(not line.startswith("meter_id") for line in lines[1:])
        rows += list(csv.DictReader(lines))
    assert len(rows) == len(readings)
    for row in rows:
        power_kw = readings[row["meter_id"], int(row["time_s"])]
        assert float(row["meter_power_value_w"]) / 1000 == power_kw
        expected_sum = round(power_kw * 1000 + float(row["pv_power_value_kw"]) * 1000)
        assert abs(float(row["sum_meter_pv_w"]) - expected_sum) <= 1
    solar = [r for r in rows if r["meter_id"].startswith("sim-production")]
    assert all(
        float(r["meter_power_value_w"]) / 1000 == float(r["pv_power_value_kw"]) for r in solar
    )
    # A second run on the same day appends under the same header.
    later = datetime(2026, 6, 2, 20, 0, tzinfo=UTC).isoformat()
    call_command(
        "simulate", "--households", "4", "--start", later, "--days", "0.125",
        "--interval", "900", "--speed", "max", "--csv-dir", str(tmp_path),
    )  # fmt: skip
    day_file = tmp_path / "sim-grid-0-2026-06-02.csv"
    lines = day_file.read_text().splitlines()
    assert sum(line.startswith("meter_id") for line in lines) == 1
    # Local 2 June: the first run's 00:00-12:00 (48), then the second's 22:00-24:00 (8).
    assert len(lines) == 1 + 48 + 8


@pytest.mark.django_db
def test_the_same_seed_and_arguments_write_byte_identical_files(tmp_path: Path) -> None:
    for name in ("first", "second"):
        Reading.objects.all().delete()
        call_command(
            "simulate", *simulate_args(6, 12), "--speed", "max", "--seed", "5",
            "--csv-dir", str(tmp_path / name),
        )  # fmt: skip
    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert first
    assert first == second


# --- the HTTP API -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_api_path_posts_each_meter_with_its_own_token(live_server: object) -> None:
    from metering.models import DeviceToken

    call_command(
        "simulate", *simulate_args(5, 6), "--speed", "max", "--via", "api",
        "--api-url", str(live_server.url),  # type: ignore[attr-defined]
    )  # fmt: skip
    generated = expected(5, 360, 60)
    assert_exactly(generated)
    meters = {meter_id for meter_id, _ in generated}
    tokens = DeviceToken.objects.filter(name__startswith="simulator ")
    assert tokens.count() == len(meters)
    assert all(t.meters.count() == 1 and t.revoked_at is not None for t in tokens)


# --- the broker ---------------------------------------------------------------------------------


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if request.param == "rabbitmq":
        service_required("RabbitMQ", "127.0.0.1", 5672, RABBITMQ_ENABLE)
    names = {
        "kind": request.param,
        "url": url if request.param == "redis" else RABBITMQ_URL,
        "exchange": f"test-readings-{uuid.uuid4().hex}",
        "queue": f"test-readings-{uuid.uuid4().hex}",
    }
    with Connection(names["url"]) as conn:
        readings_queue(exchange=names["exchange"], queue=names["queue"])(conn.channel()).declare()
    yield names
    with Connection(names["url"]) as conn:
        channel = conn.channel()
        readings_queue(exchange=names["exchange"], queue=names["queue"])(channel).delete()
        readings_exchange(names["exchange"])(channel).delete()


def broker_consumer(broker: dict[str, str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return manage(
        "ingest_broker", "--url", broker["url"], "--exchange", broker["exchange"],
        "--queue", broker["queue"], env=env,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_broker_path_survives_a_killed_consumer(broker: dict[str, str]) -> None:
    town_extend(households=5)
    generated = expected(5, 240, 60)
    env = subprocess_env(METERING_BROKER_VISIBILITY_TIMEOUT="2")
    consumer = broker_consumer(broker, env)
    simulator = manage(
        "simulate", *simulate_args(5, 4), "--speed", "2400", "--via", "broker",
        "--broker-url", broker["url"], "--exchange", broker["exchange"], env=env,
    )  # fmt: skip
    try:
        wait_for(lambda: Reading.objects.count() > 500, 60, "the first readings")
        # In the middle of the stream. RabbitMQ: killed outright, maybe between a write and its
        # acks. Redis: stopped (SIGTERM), since kombu's Redis transport loses a message popped
        # by BRPOP but not yet read by a process that is killed (see docs/simulator.md).
        if broker["kind"] == "rabbitmq":
            consumer.kill()
        else:
            consumer.terminate()
        consumer.wait()
        assert Reading.objects.count() < len(generated)
        consumer = broker_consumer(broker, env)
        assert simulator.wait(timeout=120) == 0, simulator.stdout.read()  # type: ignore[union-attr]
        wait_for(lambda: Reading.objects.count() >= len(generated), 60, "every reading")
        time.sleep(0.5)
    finally:
        output = stop(consumer)
        if simulator.poll() is None:
            simulator.kill()
    assert_exactly(generated)
    assert "refused" in output
    assert IngestFailure.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_bad_broker_messages_are_counted_and_the_consumer_goes_on(
    broker: dict[str, str],
) -> None:
    town_extend(households=2)
    generated = expected(2, 60, 60)
    consumer = broker_consumer(broker, subprocess_env())
    now = int(time.time())
    good_meter, good_time = next(iter(generated))
    bad = [
        (good_meter, b"this is not JSON"),
        ("no-such-meter", orjson.dumps({"readings": [{"time": now, "power_kw": 1.0}]})),
        (good_meter, orjson.dumps({"readings": [{"time": now + 3600, "power_kw": 1.0}]})),
        (good_meter, orjson.dumps({"readings": [{"time": good_time, "power_kw": 999.0}]})),
    ]
    try:
        call_command(
            "simulate", *simulate_args(2, 1), "--speed", "max", "--via", "broker",
            "--broker-url", broker["url"], "--exchange", broker["exchange"],
        )  # fmt: skip
        wait_for(lambda: Reading.objects.count() >= len(generated), 60, "the good readings")
        with Connection(broker["url"]) as conn:
            producer = conn.Producer(exchange=readings_exchange(broker["exchange"]))
            for meter_id, body in bad:
                producer.publish(body, routing_key=meter_id, content_type="application/json")
        wait_for(lambda: IngestFailure.objects.count() >= len(bad), 60, "the failures")
        call_command(
            "simulate", "--households", "2", "--start", START.replace(hour=6).isoformat(),
            "--days", "0.01", "--speed", "max", "--via", "broker",
            "--broker-url", broker["url"], "--exchange", broker["exchange"],
        )  # fmt: skip
        wait_for(lambda: Reading.objects.count() > len(generated), 60, "readings after")
    finally:
        stop(consumer)
    codes = sorted(IngestFailure.objects.values_list("code", flat=True))
    assert codes == ["conflicting_reading", "invalid_reading", "malformed_json", "meter_not_found"]
    assert stored()[good_meter, good_time] == generated[good_meter, good_time]


# --- MQTT ---------------------------------------------------------------------------------------


@pytest.fixture
def mqtt_names() -> Iterator[dict[str, str]]:
    service_required("Mosquitto", MQTT_HOST, MQTT_PORT, MOSQUITTO_ENABLE)
    names = {"prefix": f"test-{uuid.uuid4().hex}/meters", "client": f"test-{uuid.uuid4().hex}"}
    yield names
    # Drop the persistent session the consumer left on the broker.
    client = Client(CallbackAPIVersion.VERSION2, client_id=names["client"], clean_session=True)
    client.connect(MQTT_HOST, MQTT_PORT)
    client.disconnect()


def mqtt_consumer(names: dict[str, str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = manage(
        "ingest_mqtt", "--host", MQTT_HOST, "--port", str(MQTT_PORT),
        "--topic-prefix", names["prefix"], "--client-id", names["client"], env=env,
    )  # fmt: skip
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    seen = b""

    def subscribed() -> bool:
        nonlocal seen
        seen += process.stdout.read() or b""  # type: ignore[union-attr]
        return b"consuming readings" in seen

    wait_for(subscribed, 30, "the MQTT consumer to subscribe")
    os.set_blocking(process.stdout.fileno(), True)
    return process


def mqtt_simulate(names: dict[str, str], *args: str) -> list[str]:
    return [
        "simulate", *args, "--via", "mqtt", "--mqtt-host", MQTT_HOST,
        "--mqtt-port", str(MQTT_PORT), "--topic-prefix", names["prefix"],
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_mqtt_path_at_full_speed_stores_exactly_what_was_generated(
    mqtt_names: dict[str, str],
) -> None:
    town_extend(households=30)
    generated = expected(30, 720, 60)
    consumer = mqtt_consumer(mqtt_names, subprocess_env())
    try:
        call_command(*mqtt_simulate(mqtt_names, *simulate_args(30, 12), "--speed", "max"))
    finally:
        stop(consumer)
    assert_exactly(generated)


@pytest.mark.django_db(transaction=True)
def test_the_mqtt_path_survives_a_killed_consumer(mqtt_names: dict[str, str]) -> None:
    town_extend(households=4)
    generated = expected(4, 180, 60)
    env = subprocess_env()
    consumer = mqtt_consumer(mqtt_names, env)
    simulator = manage(*mqtt_simulate(mqtt_names, *simulate_args(4, 3), "--speed", "1800"), env=env)
    try:
        wait_for(lambda: Reading.objects.count() > 100, 60, "the first readings")
        consumer.kill()
        consumer.wait()
        assert Reading.objects.count() < len(generated)
        consumer = mqtt_consumer(mqtt_names, env)
        # Bounds that a loaded 2-core machine meets: the simulator waits for the new consumer
        # (it never runs further ahead of what is stored than Mosquitto's queue holds).
        assert simulator.wait(timeout=300) == 0, simulator.stdout.read()  # type: ignore[union-attr]
        wait_for(lambda: Reading.objects.count() >= len(generated), 240, "every reading")
        time.sleep(0.5)
    finally:
        stop(consumer)
        if simulator.poll() is None:
            simulator.kill()
    assert_exactly(generated)


@pytest.mark.django_db(transaction=True)
def test_bad_mqtt_messages_are_counted_and_the_consumer_goes_on(
    mqtt_names: dict[str, str],
) -> None:
    town_extend(households=2)
    generated = expected(2, 60, 60)
    consumer = mqtt_consumer(mqtt_names, subprocess_env())
    good_meter = next(iter(generated))[0]
    publisher = Client(CallbackAPIVersion.VERSION2)
    publisher.connect(MQTT_HOST, MQTT_PORT)
    publisher.loop_start()
    try:
        for topic, body in [
            (f"{mqtt_names['prefix']}/{good_meter}/readings", b"{not json"),
            (f"{mqtt_names['prefix']}/{good_meter}/readings", b'{"readings": [{"time": 1}]}'),
        ]:
            publisher.publish(topic, body, qos=1).wait_for_publish(10)
        call_command(*mqtt_simulate(mqtt_names, *simulate_args(2, 1), "--speed", "max"))
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        output = stop(consumer)
    assert IngestFailure.objects.filter(source="mqtt").count() == 2
    assert "2 refused" in output
    assert_exactly(generated)
