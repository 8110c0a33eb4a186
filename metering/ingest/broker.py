"""The broker ingest worker: readings messages from a kombu queue (RabbitMQ, Redis or the
embedded filesystem transport), batched across meters into the ingestion service."""

import logging
import threading

from kombu.message import Message as KombuMessage

from metering.choices import IngestSource
from metering.ingest.batching import ReadingsBatcher, Totals
from metering.ingest.connections import broker_connection, readings_queue

logger = logging.getLogger(__name__)

PREFETCH_MESSAGES = 2000  # unacknowledged messages the broker may hand over ahead of a write
POLL_S = 0.05


def broker_consume(
    *, url: str, exchange: str, queue: str, stop: threading.Event, linger_s: float = 0.5
) -> Totals:
    """Consumes until ``stop`` is set, reconnecting after a lost connection; pending messages
    are written and acknowledged before it returns."""
    batcher = ReadingsBatcher(source=IngestSource.BROKER, linger_s=linger_s)

    def on_message(message: KombuMessage) -> None:
        raw = message.body
        body = raw if isinstance(raw, bytes) else str(raw or "").encode()
        batcher.add(message.delivery_info.get("routing_key", ""), body, message.ack)

    while not stop.is_set():
        connection = broker_connection(url)
        try:
            # None: retry for ever (kombu's documented value; its stubs say int).
            connection.ensure_connection(max_retries=None, interval_start=1, interval_max=30)  # type: ignore[arg-type]
            with connection.Consumer(
                [readings_queue(exchange=exchange, queue=queue)], on_message=on_message
            ) as consumer:
                consumer.qos(prefetch_count=PREFETCH_MESSAGES)
                logger.info("consuming readings from queue %s", queue)
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=POLL_S)
                    except TimeoutError:
                        batcher.flush()  # nothing more waiting: write what we have
                    if batcher.due():
                        batcher.flush()
                batcher.flush()
        except connection.recoverable_connection_errors as error:
            logger.warning("broker connection lost (%s); reconnecting", error)
            batcher.drop()
        finally:
            connection.release()
    return batcher.totals
