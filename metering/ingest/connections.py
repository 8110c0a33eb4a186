"""Connections to the message brokers devices (and the simulator) publish readings on."""

from django.conf import settings
from kombu import Connection, Exchange, Queue
from paho.mqtt.client import Client
from paho.mqtt.enums import CallbackAPIVersion


def broker_connection(url: str) -> Connection:
    """A kombu connection. Kombu's filesystem transport (the embedded default) gets the same
    folders as Celery; on Redis, a message a dead worker took is handed out again after
    METERING_BROKER_VISIBILITY_TIMEOUT seconds (RabbitMQ does so as soon as it goes)."""
    options: dict[str, object] = {}
    if url.startswith("filesystem"):
        options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))
    elif url.startswith(("redis", "rediss")):
        options = {"visibility_timeout": settings.METERING_BROKER_VISIBILITY_TIMEOUT}
    return Connection(url, transport_options=options)


def readings_exchange(name: str) -> Exchange:
    return Exchange(name, type="topic", durable=True)


def readings_queue(*, exchange: str, queue: str) -> Queue:
    """A durable queue of every meter's readings (routing keys are meter ids)."""
    return Queue(queue, readings_exchange(exchange), routing_key="#", durable=True)


def mqtt_client(*, client_id: str, clean_session: bool, manual_ack: bool = False) -> Client:
    """A paho-mqtt client (MQTT 3.1.1) that reconnects by itself after a lost connection."""
    client = Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean_session,
        manual_ack=manual_ack,
    )
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def mqtt_topic(prefix: str, meter_id: str) -> str:
    """Where a meter's readings are published (``+`` for every meter, to subscribe)."""
    return f"{prefix}/{meter_id}/readings"


def mqtt_meter_id(prefix: str, topic: str) -> str | None:
    """The meter id of a ``<prefix>/<meter_id>/readings`` topic, or None."""
    head, _, rest = topic.partition(prefix + "/")
    meter_id, _, tail = rest.partition("/")
    return meter_id if not head and meter_id and tail == "readings" else None
