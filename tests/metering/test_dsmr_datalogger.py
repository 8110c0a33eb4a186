"""The datalogger end to end: a real pseudo-terminal and a real socket as the P1 port, the local
store, and the remote mode against a live telegram API that goes down and comes back."""

import io
import os
import socket
import threading
import time
import tty
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any, override

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import CommandError, call_command
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections

from metering.dsmr.datalogger import Counts, Datalogger, DiskQueue, Forwarder, LocalStore
from metering.dsmr.telegrams import telegrams_split
from metering.models import DsmrRefusalCount, DsmrRegister, DsmrVolumeRegister, Meter
from tests.metering.factories import MeterFactory, stored, token_for
from tests.metering.p1 import EXPECTED, at, corrupted, sample

pytestmark = pytest.mark.django_db(transaction=True)

ODD_SIZES = [1, 7, 13, 61, 509, 3, 97]
REGISTER_FIELDS = [name for name in EXPECTED["dsmr5"] if name not in {"spec", "volumes"}]


def odd_chunks(data: bytes) -> Iterator[bytes]:
    start, turn = 0, 0
    while start < len(data):
        size = ODD_SIZES[turn % len(ODD_SIZES)]
        yield data[start : start + size]
        start, turn = start + size, turn + 1


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def in_thread(target: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()  # this thread's own database connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class SocketPort:
    """A P1 dongle on TCP (what ser2net serves): sends what it is given to one client at a time;
    ``drop()`` closes the current connection, the next connection gets what follows."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"socket://127.0.0.1:{self._server.getsockname()[1]}"
        self._client: socket.socket | None = None
        self._connected = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._server.accept()
            except OSError:
                return
            time.sleep(0.2)  # pyserial discards what arrives while it opens the port
            self._client = client
            self._connected.set()

    def send(self, chunks: Iterable[bytes]) -> None:
        assert self._connected.wait(20), "the datalogger never connected"
        assert self._client is not None
        for chunk in chunks:
            self._client.sendall(chunk)
            time.sleep(0.001)

    def drop(self) -> None:
        self._connected.clear()
        if self._client is not None:
            self._client.close()

    def close(self) -> None:
        self.drop()
        self._server.close()


class PtyPort:
    """A real pseudo-terminal: the datalogger opens the terminal's device like a USB P1 cable."""

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no line discipline: CRLF reaches the reader untouched
        self.url = os.ttyname(self._slave)

    def send(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            os.write(self._master, chunk)
            time.sleep(0.001)

    def close(self) -> None:
        os.close(self._master)
        os.close(self._slave)


def check_every_register(grid: Meter) -> None:
    rows = {r.equipment.equipment_id: r for r in DsmrRegister.objects.select_related("equipment")}
    assert sorted(rows) == ["1SAG3101021605", "K8EG004046395507"]
    for name in ("dsmr5", "fluvius"):
        expected = EXPECTED[name]
        row = rows[expected["equipment_id"]]
        assert row.meter == grid
        for field in REGISTER_FIELDS:
            if field != "equipment_id":
                assert getattr(row, field) == expected[field], (name, field)
    volumes = {
        (v.meter.meter_id, v.equipment.equipment_id, v.time, v.volume_m3)
        for v in DsmrVolumeRegister.objects.select_related("meter", "equipment")
    }
    assert volumes == {
        (f"{grid.meter_id}-{v.kind}", v.equipment_id, v.time, v.volume_m3)
        for name in ("dsmr5", "fluvius")
        for v in EXPECTED[name]["volumes"]
    }
    assert stored(grid) == sorted(
        (EXPECTED[name]["time"], float(EXPECTED[name]["power_delivered_kw"]))
        for name in ("dsmr5", "fluvius")
    )


@pytest.mark.parametrize("port_kind", ["pty", "socket"])
def test_the_samples_in_odd_chunks_are_stored_and_a_corrupted_copy_is_refused(
    port_kind: str,
) -> None:
    grid = MeterFactory.create(meter_id="home")
    port = PtyPort() if port_kind == "pty" else SocketPort()
    counts = Counts()
    sink = LocalStore(counts=counts, meter=grid)
    bad = corrupted(at("241120100000W"))
    stream = b"(tail of a telegram)\r\n!1A2B\r\n" + sample("dsmr5") + bad + sample("fluvius")
    datalogger = Datalogger(port=port.url, sink=sink, counts=counts, limit=3)
    thread = in_thread(datalogger.run)
    try:
        port.send(odd_chunks(stream))
        thread.join(20)
    finally:
        port.close()
    assert not thread.is_alive()
    assert (counts.received, counts.stored, counts.rejected) == (3, 2, 1)
    check_every_register(grid)
    refusal = DsmrRefusalCount.objects.get(meter=grid)
    assert (refusal.code, refusal.count) == ("crc_mismatch", 1)
    assert DsmrRegister.objects.count() == 2  # nothing of the corrupted copy


def test_the_datalogger_reconnects_when_the_socket_drops_mid_telegram() -> None:
    grid = MeterFactory.create(meter_id="home")
    port = SocketPort()
    counts = Counts()
    sink = LocalStore(counts=counts, meter=grid)
    datalogger = Datalogger(port=port.url, sink=sink, counts=counts, limit=2, reconnect_max=0.5)
    thread = in_thread(datalogger.run)
    try:
        port.send(odd_chunks(sample("dsmr5") + sample("fluvius")[:300]))
        wait_until(lambda: counts.received == 1, "the first telegram")
        port.drop()
        port.send(odd_chunks(sample("fluvius")))  # on the new connection
        thread.join(20)
    finally:
        port.close()
    assert not thread.is_alive()
    assert (counts.received, counts.stored, counts.rejected) == (2, 2, 0)
    check_every_register(grid)


def test_the_command_stores_from_a_pty_in_local_mode() -> None:
    grid = MeterFactory.create(meter_id="home")
    port = PtyPort()
    out = StringIO()
    thread = in_thread(
        lambda: call_command(
            "dsmr_datalogger", "--port", port.url, "--meter", "home", "--count", "2", stdout=out
        )
    )
    try:
        time.sleep(0.3)  # the command opens the port
        port.send(odd_chunks(sample("fluvius") + sample("dsmr5")))
        thread.join(20)
    finally:
        port.close()
    assert not thread.is_alive()
    assert "received=2 stored=2" in out.getvalue()
    check_every_register(grid)


def test_the_command_refuses_remote_mode_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTRIX_DEVICE_TOKEN", raising=False)
    with pytest.raises(CommandError, match="--token"):
        call_command("dsmr_datalogger", "--port", "loop://", "--forward", "http://127.0.0.1:9")
    with pytest.raises(CommandError, match="No meter"):
        call_command("dsmr_datalogger", "--port", "loop://", "--meter", "nope")


# --- remote mode ---------------------------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    @override
    def log_message(self, format: str, *args: Any) -> None:
        pass


class TelegramServer:
    """The real telegram API (Django's WSGI application on a real socket) that can go down and
    come back on the same port. Records each telegram the API accepted, in arrival order."""

    def __init__(self) -> None:
        self.accepted: list[bytes] = []
        self.batches: list[int] = []  # telegrams per accepted request
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)

        def recording_start(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith(("200", "201")):
                telegrams = telegrams_split(body)
                self.accepted.extend(telegrams)
                self.batches.append(len(telegrams))
            return start_response(status, headers, exc_info)

        return WSGIHandler()(environ, recording_start)

    def up(self) -> None:
        server = WSGIServer(("127.0.0.1", self.port), QuietHandler)
        server.set_app(self._app)
        self._server = server
        self._thread = in_thread(server.serve_forever)

    def down(self) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def test_remote_mode_delivers_every_telegram_once_in_order_across_an_outage(
    tmp_path: Path,
) -> None:
    cache.clear()  # rate limits
    grid = MeterFactory.create(meter_id="home")
    _token, key = token_for(grid)
    telegrams = [
        at(f"2411201000{second:02d}W", p1_0_1_8_1=f"({4 + second / 1000:010.3f}*kWh)")
        for second in range(12)
    ]
    server, port, counts, stop = TelegramServer(), SocketPort(), Counts(), threading.Event()
    server.up()
    queue = DiskQueue(tmp_path / "queue.sqlite3")
    forwarder = Forwarder(
        counts=counts, base_url=server.url, token=key, queue=queue, retry_max=0.3
    ).start()
    datalogger = Datalogger(port=port.url, sink=forwarder, counts=counts, stop=stop)
    reader = in_thread(datalogger.run)
    try:
        port.send(odd_chunks(b"".join(telegrams[:4])))
        wait_until(lambda: len(server.accepted) == 4, "the first four at the server")
        server.down()
        port.send(odd_chunks(b"".join(telegrams[4:8])))
        wait_until(lambda: counts.received == 8, "four more read during the outage")
        time.sleep(1.0)  # the forwarder tries, fails, and keeps them
        assert len(queue) == 4
        assert len(server.accepted) == 4
        server.up()
        port.send(odd_chunks(b"".join(telegrams[8:])))
        wait_until(lambda: len(server.accepted) == 12 and len(queue) == 0, "all twelve")
    finally:
        stop.set()
        reader.join(10)
        forwarder.close()
        server.down()
        port.close()
    assert server.accepted == telegrams  # each once, in order
    assert (counts.received, counts.stored, counts.duplicates, counts.rejected) == (12, 12, 0, 0)
    rows = DsmrRegister.objects.filter(meter=grid).order_by("id")
    times = list(rows.values_list("time", flat=True))
    assert len(times) == 12
    assert times == sorted(times)


def test_with_linger_telegrams_travel_together(tmp_path: Path) -> None:
    cache.clear()
    grid = MeterFactory.create(meter_id="home")
    _token, key = token_for(grid)
    telegrams = [at(f"2411201000{second:02d}W") for second in range(5)]
    server, counts = TelegramServer(), Counts()
    server.up()
    queue = DiskQueue(tmp_path / "queue.sqlite3")
    forwarder = Forwarder(
        counts=counts, base_url=server.url, token=key, queue=queue, linger=0.5
    ).start()
    try:
        forwarder.accept(telegrams[:1])
        wait_until(lambda: len(server.accepted) == 1, "the first telegram")
        for raw in telegrams[1:]:
            forwarder.accept([raw])
        wait_until(lambda: len(server.accepted) == 5, "the four others")
    finally:
        forwarder.close()
        server.down()
    assert server.accepted == telegrams
    assert server.batches == [1, 4]
    assert DsmrRegister.objects.filter(meter=grid).count() == 5


def test_the_disk_queue_keeps_order_survives_reopening_and_is_bounded_by_age(
    tmp_path: Path,
) -> None:
    path = tmp_path / "queue.sqlite3"
    queue = DiskQueue(path)
    for number in range(5):
        queue.put(b"telegram %d" % number)
    first = queue.peek(2)
    assert [raw for _id, raw in first] == [b"telegram 0", b"telegram 1"]
    queue.ack(first[-1][0])
    queue.close()
    reopened = DiskQueue(path, max_age=timedelta(seconds=0.2))
    assert [raw for _id, raw in reopened.peek(10)] == [b"telegram 2", b"telegram 3", b"telegram 4"]
    time.sleep(0.3)
    assert reopened.put(b"telegram 5") == 3  # the three older than the bound are dropped
    assert [raw for _id, raw in reopened.peek(10)] == [b"telegram 5"]
    reopened.close()
