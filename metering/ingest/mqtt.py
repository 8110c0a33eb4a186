"""The MQTT ingest worker: JSON readings on ``<prefix>/<meter_id>/readings`` (QoS 1), batched
across meters into the ingestion service and acknowledged only after the write.

The session is persistent (a fixed client id, clean_session off), so Mosquitto keeps the
messages published while the worker is away and hands back those it had not acknowledged.
paho's network loop reconnects by itself; messages received before a reconnection are still
written, but their acknowledgements belong to the old connection and are not sent (the broker
delivers them again, and the second write counts them as duplicates).
"""

import logging
import queue
import threading
from typing import Any

from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from metering.choices import IngestSource
from metering.ingest.batching import ReadingsBatcher, Totals
from metering.ingest.connections import mqtt_client, mqtt_meter_id, mqtt_topic

logger = logging.getLogger(__name__)

IDLE_S = 0.01  # a pause this long in the stream flushes the batch (Mosquitto sends at most 20
# unacknowledged QoS 1 messages, so waiting longer would only wait)
KEEPALIVE_S = 30


def mqtt_consume(
    *,
    host: str,
    port: int,
    prefix: str,
    client_id: str,
    stop: threading.Event,
    linger_s: float = 0.5,
) -> Totals:
    """Consumes until ``stop`` is set; pending messages are written and acknowledged first."""
    inbox: queue.Queue[tuple[int, MQTTMessage]] = queue.Queue()
    session = [0]  # bumped at each connection: older messages are not acknowledged

    def on_connect(
        client: Client, _data: Any, _flags: ConnectFlags, reason: ReasonCode, _p: Properties | None
    ) -> None:
        if reason.is_failure:
            logger.warning("MQTT connection refused: %s", reason)
            return
        session[0] += 1
        topic = mqtt_topic(prefix, "+")
        client.subscribe(topic, qos=1)
        logger.info("consuming readings from %s", topic)

    def on_disconnect(
        _client: Client, _data: Any, _flags: DisconnectFlags, reason: ReasonCode, _p: Any
    ) -> None:
        if not stop.is_set():
            logger.warning("MQTT connection lost (%s); reconnecting", reason)

    def on_message(_client: Client, _data: Any, message: MQTTMessage) -> None:
        inbox.put((session[0], message))

    client = mqtt_client(client_id=client_id, clean_session=False, manual_ack=True)
    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.on_message = on_message
    client.connect_async(host, port, keepalive=KEEPALIVE_S)
    client.loop_start()
    batcher = ReadingsBatcher(source=IngestSource.MQTT, linger_s=linger_s)
    try:
        while not stop.is_set():
            try:
                received_in, message = inbox.get(timeout=IDLE_S)
            except queue.Empty:
                batcher.flush()
                continue
            meter_id = mqtt_meter_id(prefix, message.topic) or message.topic
            batcher.add(
                meter_id,
                bytes(message.payload),
                _acknowledge(client, message, received_in, session),
            )
            if batcher.due():
                batcher.flush()
        batcher.flush()
    finally:
        client.disconnect()
        client.loop_stop()
    return batcher.totals


def _acknowledge(client: Client, message: MQTTMessage, received_in: int, session: list[int]) -> Any:
    def ack() -> None:
        if received_in == session[0]:
            client.ack(message.mid, message.qos)

    return ack
