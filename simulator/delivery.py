"""Where a run's readings go: each sink delivers a chunk by one of the paths a real meter uses,
and every path ends in ``metering.services.ingestion.readings_record``.

- ``ServiceSink``: direct calls, in batches of several meters (the fastest; backfills).
- ``ApiSink``: the native HTTP API, each meter with its own device token.
- ``BrokerSink``: kombu messages, routing key = meter id, for ``manage.py ingest_broker``.
- ``MqttSink``: JSON on ``<prefix>/<meter_id>/readings`` (QoS 1), for ``manage.py ingest_mqtt``.
- ``CsvSink``: files in the PV simulator seeds' format, alongside any of the above.

A message (broker, MQTT) or request body (API) is the native API's JSON body:
``{"readings": [{"time": <epoch seconds>, "power_kw": <kW>}, ...]}`` for one meter.
"""

import csv
import http.client
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import numpy as np
import orjson
from django.conf import settings

from core.transient import with_backoff
from metering.energy import Sample
from metering.ingest.connections import (
    broker_connection,
    mqtt_client,
    mqtt_topic,
    readings_exchange,
)
from metering.models import Meter, Reading
from metering.services.ingestion import readings_record
from metering.services.tokens import device_token_create, device_token_revoke
from simulator.engine import Chunk

logger = logging.getLogger(__name__)

API_CLIENTS = 4  # concurrent HTTP connections
API_RETRIES = 5  # attempts of a request answered 429 (rate limit)
MQTT_WINDOW_MESSAGES = 400  # Mosquitto keeps at most 1,000 queued QoS 1 messages per client
STORED_WAIT_S = 300.0  # how long the MQTT sink waits without progress before giving up


class Sink(Protocol):
    def send(self, chunk: Chunk) -> None: ...

    def close(self) -> None: ...


def readings_body(times: Sequence[int], powers: Sequence[float]) -> bytes:
    """The native API's JSON body for one meter."""
    return orjson.dumps(
        {"readings": [{"time": t, "power_kw": p} for t, p in zip(times, powers, strict=True)]}
    )


def chunk_datetimes(chunk: Chunk) -> list[datetime]:
    return [datetime.fromtimestamp(t, tz=UTC) for t in chunk.times.tolist()]


class ServiceSink:
    """Calls the ingestion service with as many meters per batch as its limit allows; with
    ``after`` (meter → epoch seconds), delivers only the readings later than that meter's
    instant, and none of the meters left out (seed_demo resumes the history where it stopped)."""

    def __init__(
        self, meters: Sequence[Meter], *, after: Mapping[Meter, int | None] | None = None
    ) -> None:
        self.meters = meters
        self.rows = [row for row, meter in enumerate(meters) if after is None or meter in after]
        self.after = after or {}
        self.inserted = 0

    def send(self, chunk: Chunk) -> None:
        if not self.rows:
            return
        times = chunk.times.tolist()
        moments = chunk_datetimes(chunk)
        per_batch = max(1, settings.METERING_MAX_BATCH // len(moments))
        for first in range(0, len(self.rows), per_batch):
            batch: dict[Meter, list[Sample]] = {}
            for row in self.rows[first : first + per_batch]:
                meter = self.meters[row]
                since = self.after.get(meter)
                samples = zip(moments, chunk.power_kw[row].tolist(), strict=True)
                if since is None:
                    batch[meter] = list(samples)
                elif times[-1] > since:
                    later = [s for t, s in zip(times, samples, strict=True) if t > since]
                    batch[meter] = later
            if batch:
                self.inserted += readings_record(samples_by_meter=batch).inserted

    def close(self) -> None:
        """Nothing to release."""


class PatientSink:
    """A sink that waits out transient errors (database, broker, connection refused): the chunk
    is sent again after a back-off until it goes through, so the run keeps its place. Sending a
    chunk twice stores nothing twice: what arrived the first time comes back as duplicates."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def send(self, chunk: Chunk) -> None:
        with_backoff(lambda: self.sink.send(chunk), what="sending readings")

    def close(self) -> None:
        self.sink.close()


class ApiSink:
    """Posts each meter's readings to ``/api/v1/meters/<id>/readings`` with a token of its own,
    created for the run and revoked at its end."""

    def __init__(self, meters: Sequence[Meter], *, base_url: str) -> None:
        self.meters = meters
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.tokens = []
        self.keys = []
        for meter in meters:
            token, key = device_token_create(meters=[meter], name=f"simulator {meter.meter_id}")
            self.tokens.append(token)
            self.keys.append(key)
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(API_CLIENTS)

    def send(self, chunk: Chunk) -> None:
        times = chunk.times.tolist()
        jobs = [
            (row, readings_body(times, chunk.power_kw[row].tolist()))
            for row in range(len(self.meters))
        ]
        for _ in self.pool.map(self._post, jobs):
            pass

    def _post(self, job: tuple[int, bytes]) -> None:
        row, body = job
        meter_id = self.meters[row].meter_id
        headers = {"Authorization": f"Token {self.keys[row]}", "Content-Type": "application/json"}
        for _attempt in range(API_RETRIES):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=120
                )
            try:
                connection.request(
                    "POST", f"/api/v1/meters/{meter_id}/readings", body=body, headers=headers
                )
                response = connection.getresponse()
                answer = response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                raise
            if response.status == 200:
                return
            if response.status != 429:
                raise RuntimeError(f"POST readings of {meter_id}: {response.status} {answer!r}")
            time.sleep(float(response.getheader("Retry-After") or "1"))
        raise RuntimeError(f"POST readings of {meter_id}: still rate-limited")

    def close(self) -> None:
        self.pool.shutdown()
        for token in self.tokens:
            device_token_revoke(token=token)


class BrokerSink:
    """Publishes one persistent message per meter and chunk on the readings exchange, with the
    meter id as routing key."""

    def __init__(self, meters: Sequence[Meter], *, url: str, exchange: str) -> None:
        self.meters = meters
        self.connection = broker_connection(url)
        self.exchange = readings_exchange(exchange)
        self.producer = self.connection.Producer(exchange=self.exchange, serializer=None)

    def send(self, chunk: Chunk) -> None:
        times = chunk.times.tolist()
        publish = self.connection.ensure(self.producer, self.producer.publish, max_retries=5)
        for row, meter in enumerate(self.meters):
            publish(
                readings_body(times, chunk.power_kw[row].tolist()),
                routing_key=meter.meter_id,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                declare=[self.exchange],
            )

    def close(self) -> None:
        self.connection.release()


class MqttSink:
    """Publishes one QoS 1 message per meter and chunk on ``<prefix>/<meter_id>/readings``.

    Mosquitto drops QoS 1 messages beyond 1,000 queued for a subscriber (one that is down or
    slow included), so the sink publishes at most MQTT_WINDOW_MESSAGES ahead of what the
    platform has stored, which it reads from the database: a fast run, or a consumer that is
    restarted, never loses a message."""

    def __init__(self, meters: Sequence[Meter], *, host: str, port: int, prefix: str) -> None:
        self.meters = meters
        self.prefix = prefix
        self.client = mqtt_client(client_id="", clean_session=True)
        self.client.connect(host, port)
        self.client.loop_start()
        self.pending: list[tuple[list[int], int, int, int]] = []  # (meter pks, t0, t1, count)

    def send(self, chunk: Chunk) -> None:
        times = chunk.times.tolist()
        for first in range(0, len(self.meters), MQTT_WINDOW_MESSAGES):
            rows = range(first, min(first + MQTT_WINDOW_MESSAGES, len(self.meters)))
            infos = [
                self.client.publish(
                    mqtt_topic(self.prefix, self.meters[row].meter_id),
                    readings_body(times, chunk.power_kw[row].tolist()),
                    qos=1,
                )
                for row in rows
            ]
            for info in infos:
                info.wait_for_publish(timeout=60)
            pks = [self.meters[row].pk for row in rows]
            self.pending.append((pks, times[0], times[-1], len(pks) * len(times)))
            while sum(len(entry[0]) for entry in self.pending) > MQTT_WINDOW_MESSAGES:
                self._await_stored(*self.pending.pop(0))

    def _await_stored(self, pks: list[int], first: int, last: int, expected: int) -> None:
        window = Reading.objects.filter(
            meter_id__in=pks,
            time__gte=datetime.fromtimestamp(first, tz=UTC),
            time__lte=datetime.fromtimestamp(last, tz=UTC),
        )
        seen, since = -1, time.monotonic()
        while (count := window.count()) < expected:
            if count != seen:
                seen, since = count, time.monotonic()
            elif time.monotonic() - since > STORED_WAIT_S:
                raise RuntimeError(
                    f"{count} of {expected} readings stored after {STORED_WAIT_S:.0f} s without "
                    "progress: is `manage.py ingest_mqtt` running?"
                )
            time.sleep(0.02)

    def close(self) -> None:
        while self.pending:
            self._await_stored(*self.pending.pop(0))
        self.client.loop_stop()
        self.client.disconnect()


class CsvSink:
    """One file per meter per local day, ``<meter_id>-<YYYY>-<MM>-<DD>.csv``, in the PV
    simulator seeds' format: the meter's power in W, its household's solar production in kW,
    and their sum in W. The header is written when a file is created; an existing file is
    appended to."""

    HEADER = ("meter_id", "time_s", "meter_power_value_w", "pv_power_value_kw", "sum_meter_pv_w")

    def __init__(self, meters: Sequence[Meter], *, directory: Path) -> None:
        self.meters = meters
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def send(self, chunk: Chunk) -> None:
        times = chunk.times.tolist()
        days = [datetime.fromtimestamp(t, tz=self.zone).date().isoformat() for t in times]
        watts = np.round(chunk.power_kw * 1000.0) + 0.0
        sums = np.round((chunk.power_kw + chunk.pv_kw) * 1000.0) + 0.0
        for row, meter in enumerate(self.meters):
            rows = zip(
                days,
                times,
                watts[row].tolist(),
                chunk.pv_kw[row].tolist(),
                sums[row].tolist(),
                strict=True,
            )
            for day, group in groupby(rows, key=itemgetter(0)):
                with self._file(meter.meter_id, day) as writer:
                    writer.writerows(
                        (meter.meter_id, t, f"{w:.0f}", f"{p:.3f}", f"{s:.0f}")
                        for _day, t, w, p, s in group
                    )

    @contextmanager
    def _file(self, meter_id: str, day: str) -> Iterator[Any]:
        path = self.directory / f"{meter_id}-{day}.csv"
        new = not path.exists()
        with path.open("a", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            if new:
                writer.writerow(self.HEADER)
            yield writer

    def close(self) -> None:
        """Every file is closed after each write."""


class Sinks:
    """Several sinks fed the same chunks (a path, and the CSV files beside it)."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self.sinks = sinks

    def send(self, chunk: Chunk) -> None:
        for sink in self.sinks:
            sink.send(chunk)

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()
