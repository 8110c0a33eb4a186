"""The P1 datalogger: reads a meter's port, cuts telegrams out of the bytes and hands them to a
sink — this installation's database (local mode), or the telegram API of a server (remote mode)
through a bounded on-disk queue, so nothing is lost while the server is unreachable.

The port is anything pyserial's ``serial_for_url`` opens: a device, ``socket://host:port``
(ser2net, a Wi-Fi P1 dongle), ``rfc2217://…``, ``loop://``. A dropped port is reopened by
itself; one log line a minute gives the counts.
"""

import http.client
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol, Self
from urllib.parse import urlsplit

import orjson
import serial
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from core.exceptions import ApplicationError
from metering.dsmr.constants import FORWARD_BATCH
from metering.dsmr.services import telegram_refusal_count, telegrams_store
from metering.dsmr.telegrams import AUTO, ParsedTelegram, TelegramCutter, telegram_parse
from metering.models import Meter

log = logging.getLogger(__name__)

# Reads return after this long with what has arrived (a telegram takes ~90 ms at 115200 baud).
READ_TIMEOUT = 0.05
READ_CHUNK = 64 * 1024
API_PATH = "/api/v1/telegrams"
# Refusals of a telegram itself: it will never be accepted, so it leaves the queue. Any other
# answer (a wrong token, a server error, a rate limit) keeps it for a later try.
DROPPED_CODES = {
    "crc_mismatch",
    "telegram_incomplete",
    "telegram_unsupported",
    "equipment_mismatch",
    "equipment_unknown",
    "conflicting_reading",
    "too_many_telegrams",
    "body_too_large",
    "invalid_reading",
}


@dataclass(frozen=True, slots=True)
class SerialSettings:
    baudrate: int
    bytesize: int
    parity: str
    stopbits: float


DSMR4_SERIAL = SerialSettings(115200, serial.EIGHTBITS, serial.PARITY_NONE, serial.STOPBITS_ONE)
DSMR2_SERIAL = SerialSettings(9600, serial.SEVENBITS, serial.PARITY_EVEN, serial.STOPBITS_ONE)


class Counts:
    """What the datalogger did, shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received = self.stored = self.duplicates = self.rejected = self.queued = 0

    def add(self, **amounts: int) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def line(self) -> str:
        return (
            f"received={self.received} stored={self.stored} duplicates={self.duplicates} "
            f"rejected={self.rejected} queued={self.queued}"
        )


class Sink(Protocol):
    def accept(self, telegrams: list[bytes]) -> None: ...

    def close(self) -> None: ...


class LocalStore:
    """Local mode: parses and stores through this installation's services. ``meter`` is the
    grid meter of the port (``--meter``); refusals are counted against it."""

    def __init__(self, *, counts: Counts, meter: Meter | None = None, spec: str = AUTO) -> None:
        self.counts, self.meter, self.spec = counts, meter, spec

    def accept(self, telegrams: list[bytes]) -> None:
        received_at = timezone.now()  # the time of DSMR 2.2/3 telegrams, which carry none
        parsed: list[ParsedTelegram] = []
        for raw in telegrams:
            try:
                parsed.append(telegram_parse(raw, spec=self.spec, received_at=received_at))
            except ApplicationError as exc:
                self._refuse(exc)
        try:
            self._store(parsed)
        except ApplicationError:  # one of them is refused: the others are stored on their own
            for telegram in parsed:
                try:
                    self._store([telegram])
                except ApplicationError as exc:
                    self._refuse(exc)
        except DatabaseError:
            log.exception("the database refused %d telegram(s)", len(parsed))
            self.counts.add(rejected=len(parsed))
            close_old_connections()

    def _store(self, parsed: list[ParsedTelegram]) -> None:
        result = telegrams_store(telegrams=parsed, meter=self.meter)
        self.counts.add(stored=result.stored, duplicates=result.duplicates)

    def _refuse(self, exc: ApplicationError) -> None:
        self.counts.add(rejected=1)
        log.warning("telegram refused (%s): %s", exc.code, exc.message)
        if self.meter is not None:
            telegram_refusal_count(meter=self.meter, code=exc.code, message=exc.message)

    def close(self) -> None:
        connection.close()  # this thread's database connection


class DiskQueue:
    """Telegrams waiting for the server, oldest first, in a SQLite file (durable across
    restarts). Bounded by age: a telegram older than ``max_age`` is dropped, and logged."""

    def __init__(self, path: Path, *, max_age: timedelta = timedelta(days=7)) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.max_age = max_age
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS telegram (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "queued_at REAL NOT NULL, raw BLOB NOT NULL)"
        )

    def put(self, raw: bytes) -> int:
        """Queues a telegram; returns how many too old were dropped to keep the bound."""
        now = time.time()
        with self._lock:
            self._db.execute("INSERT INTO telegram (queued_at, raw) VALUES (?, ?)", (now, raw))
            dropped = self._db.execute(
                "DELETE FROM telegram WHERE queued_at < ?", (now - self.max_age.total_seconds(),)
            ).rowcount
        if dropped:
            log.warning(
                "queue bound (%s): dropped the %d oldest telegram(s)", self.max_age, dropped
            )
        return dropped

    def peek(self, limit: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, raw FROM telegram ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [(int(row[0]), bytes(row[1])) for row in rows]

    def ack(self, up_to: int) -> None:
        """Removes every telegram up to and including id ``up_to``: they have been delivered."""
        with self._lock:
            self._db.execute("DELETE FROM telegram WHERE id <= ?", (up_to,))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM telegram").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _Outcome(StrEnum):
    DELIVERED = "delivered"
    REFUSED = "refused"  # the telegram itself is refused: it leaves the queue
    RETRY = "retry"


class Forwarder:
    """Remote mode: each telegram is checked (framing, CRC) and queued on disk; a thread sends
    the queue in order to the telegram API, in batches, and removes a telegram only once the
    server has answered for it. The server treats a telegram it has already stored as a
    duplicate, so a resend after a lost answer stores nothing twice.

    With ``linger``, a post waits up to that many seconds for more telegrams to travel with it
    (a full batch goes at once): ten telegrams a request cost the server far less than ten
    requests."""

    def __init__(
        self,
        *,
        counts: Counts,
        base_url: str,
        token: str,
        queue: DiskQueue,
        spec: str = AUTO,
        batch: int = FORWARD_BATCH,
        linger: float = 0.0,
        retry_max: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        url = urlsplit(base_url)
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise ValueError(f"{base_url!r} is not an http(s) URL")
        self.counts, self.queue, self.spec = counts, queue, spec
        self.batch, self.linger = batch, linger
        self.retry_max, self.timeout = retry_max, timeout
        self._last_post = 0.0
        self._url = url
        self._path = url.path.rstrip("/") + API_PATH
        self._headers = {"Authorization": f"Token {token}", "Content-Type": "text/plain"}
        self._connection: http.client.HTTPConnection | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._single_until = 0  # after a refused batch, its telegrams are sent one by one
        self._thread = threading.Thread(target=self._send_loop, name="dsmr-forwarder")
        self.counts.add(queued=len(queue))

    def start(self) -> Self:
        self._thread.start()
        return self

    def accept(self, telegrams: list[bytes]) -> None:
        for raw in telegrams:
            try:
                telegram_parse(raw, spec=self.spec)  # what the server would refuse stays here
            except ApplicationError as exc:
                self.counts.add(rejected=1)
                log.warning("telegram refused (%s): %s", exc.code, exc.message)
                continue
            dropped = self.queue.put(raw)
            self.counts.add(queued=1 - dropped, rejected=dropped)
        self._wake.set()

    def drain(self) -> None:
        """Waits until every queued telegram is delivered (or refused)."""
        while len(self.queue) and self._thread.is_alive():
            time.sleep(0.05)

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()
        self.queue.close()

    def _send_loop(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            head = self.queue.peek(1)
            if not head:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            size = 1 if head[0][0] <= self._single_until else self.batch
            batch = self.queue.peek(size)
            lingered = time.monotonic() - self._last_post
            if len(batch) < size and lingered < self.linger:  # let a few travel together
                self._stop.wait(self.linger - lingered)
                continue
            self._last_post = time.monotonic()
            outcome, wait = self._post(batch)
            if outcome == _Outcome.RETRY:
                delay = wait or min(self.retry_max, max(0.5, delay * 2))
                self._stop.wait(delay)
                continue
            delay = 0.0
            if outcome == _Outcome.REFUSED and len(batch) > 1:
                self._single_until = batch[-1][0]  # find the one the server refuses
                continue
            self.queue.ack(batch[-1][0])
            self.counts.add(queued=-len(batch))

    def _post(self, batch: list[tuple[int, bytes]]) -> tuple[str, float]:
        body = b"".join(raw for _id, raw in batch)
        try:
            connection = self._connect()
            connection.request("POST", self._path, body=body, headers=self._headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._disconnect()
            log.debug("server unreachable: %s", exc)
            return _Outcome.RETRY, 0.0
        if response.status in {200, 201}:
            try:
                answer = orjson.loads(payload)
                self.counts.add(stored=answer["stored"], duplicates=answer["duplicates"])
            except (orjson.JSONDecodeError, KeyError, TypeError):
                log.warning("the server accepted %d telegram(s) without a summary", len(batch))
            return _Outcome.DELIVERED, 0.0
        code = _error_code(payload)
        if code in DROPPED_CODES:
            if len(batch) == 1:
                self.counts.add(rejected=1)
                log.warning("the server refused a telegram (%s): dropped", code)
            return _Outcome.REFUSED, 0.0
        log.warning("the server answered %s (%s); retrying later", response.status, code)
        retry_after = response.getheader("Retry-After") or ""
        return _Outcome.RETRY, float(retry_after) if retry_after.isdigit() else 0.0

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            kind = (
                http.client.HTTPSConnection
                if self._url.scheme == "https"
                else http.client.HTTPConnection
            )
            self._connection = kind(self._url.hostname or "", self._url.port, timeout=self.timeout)
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _error_code(payload: bytes) -> str:
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


class Datalogger:
    """Reads the port, cuts telegrams and hands each batch of whole telegrams to the sink, until
    ``stop`` is set (or ``limit`` telegrams were received). Reconnects by itself."""

    def __init__(
        self,
        *,
        port: str,
        sink: Sink,
        counts: Counts,
        settings: SerialSettings = DSMR4_SERIAL,
        stop: threading.Event | None = None,
        limit: int | None = None,
        log_interval: float = 60.0,
        reconnect_max: float = 30.0,
    ) -> None:
        self.port, self.sink, self.counts, self.settings = port, sink, counts, settings
        self.stop = stop or threading.Event()
        self.limit, self.log_interval, self.reconnect_max = limit, log_interval, reconnect_max
        self._next_log = 0.0

    def run(self) -> Counts:
        delay = 0.0
        self._next_log = time.monotonic() + self.log_interval
        while not self._finished():
            try:
                self._read_port()
                delay = 0.0
            except (serial.SerialException, OSError) as exc:
                delay = min(self.reconnect_max, max(0.5, delay * 2))
                log.warning("port %s: %s; reconnecting in %.1f s", self.port, exc, delay)
                self.stop.wait(delay)
        log.info("stopped: %s", self.counts.line())
        return self.counts

    def _finished(self) -> bool:
        return self.stop.is_set() or (self.limit is not None and self.counts.received >= self.limit)

    def _read_port(self) -> None:
        port = serial.serial_for_url(
            self.port,
            baudrate=self.settings.baudrate,
            bytesize=self.settings.bytesize,
            parity=self.settings.parity,
            stopbits=self.settings.stopbits,
            timeout=READ_TIMEOUT,
        )
        log.info("reading %s", self.port)
        cutter = TelegramCutter()  # bytes of a dropped connection never make a telegram
        with port:
            while not self._finished():
                data = port.read(READ_CHUNK)
                if data:
                    fragments = cutter.fragments
                    telegrams = cutter.feed(data)
                    if self.limit is not None:
                        telegrams = telegrams[: self.limit - self.counts.received]
                    self.counts.add(received=len(telegrams), rejected=cutter.fragments - fragments)
                    if telegrams:
                        self.sink.accept(telegrams)
                if time.monotonic() >= self._next_log:
                    log.info(self.counts.line())
                    self._next_log += self.log_interval
