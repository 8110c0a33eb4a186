"""A plan's setpoints as retained MQTT messages, one per device, so a device that connects
later still gets the plan in force. Best effort: devices can always read them over the API."""

import json
import logging

from django.conf import settings

from grid.models import Plan
from grid.selectors.setpoints import plan_device_setpoints
from metering.ingest.connections import mqtt_client
from metering.models import Meter

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 10.0


def setpoints_topic(meter_id: str) -> str:
    return f"{settings.GRID_SETPOINTS_TOPIC_PREFIX}/{meter_id}/setpoints"


def setpoints_payload(*, meter: Meter, plan: Plan) -> str:
    """The API's body for this meter, from the plan's first slot."""
    setpoints = plan_device_setpoints(plan=plan, meter=meter, current=plan.start)
    return json.dumps(
        {
            "meter_id": meter.meter_id,
            "plan_id": plan.pk,
            "plan_status": plan.status,
            "setpoints": [
                {"slot_start": s.slot_start.isoformat(), "power_kw": s.power_kw} for s in setpoints
            ],
        },
        separators=(",", ":"),
    )


def setpoints_publish(*, plan: Plan) -> int:
    """Publishes the plan's setpoints (QoS 1, retained); returns how many devices got them, 0
    when the broker cannot be reached (logged)."""
    if not settings.GRID_SETPOINTS_MQTT:
        return 0
    meters = list(Meter.objects.filter(setpoints__plan=plan).distinct().order_by("meter_id"))
    client = mqtt_client(client_id="", clean_session=True)
    try:
        client.connect(settings.METERING_MQTT_HOST, settings.METERING_MQTT_PORT)
    except OSError as exc:
        logger.warning(
            "Setpoints of plan %s not published: MQTT broker unreachable (%s)", plan.pk, exc
        )
        return 0
    client.loop_start()
    try:
        sent = [
            client.publish(
                setpoints_topic(meter.meter_id),
                setpoints_payload(meter=meter, plan=plan),
                qos=1,
                retain=True,
            )
            for meter in meters
        ]
        for info in sent:
            info.wait_for_publish(timeout=PUBLISH_TIMEOUT_S)
        return sum(1 for info in sent if info.is_published())
    finally:
        client.disconnect()
        client.loop_stop()
