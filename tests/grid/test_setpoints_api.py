"""Devices get their setpoints: over the API with their meter's token, and as a retained MQTT
message on smartrix/devices/<meter id>/setpoints."""

import json
import queue
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from grid.models import Feeder
from grid.services.charging import charging_plan_run
from grid.services.setpoints_mqtt import setpoints_publish, setpoints_topic
from metering.ingest.connections import mqtt_client
from tests.grid.test_charging_plan import _car, _plug
from tests.households.factories import HouseholdFactory
from tests.metering.factories import MeterFactory, token_for

pytestmark = pytest.mark.django_db


def _planned_car():  # type: ignore[no-untyped-def]
    feeder = Feeder.objects.create(name="F1", limit_kw=20)
    car, meter = _car(HouseholdFactory.create(), feeder)
    session = _plug(car, "9", timezone.now() + timedelta(hours=3))
    session.plugged_in_at = timezone.now() - timedelta(minutes=1)
    session.save()
    plan = charging_plan_run()
    assert plan is not None
    return meter, plan


def test_a_device_reads_its_setpoints_with_its_own_token() -> None:
    meter, plan = _planned_car()
    _, key = token_for(meter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get(f"/api/v1/devices/{meter.meter_id}/setpoints")

    assert response.status_code == 200
    body = response.json()
    assert body["plan_id"] == plan.pk
    assert body["plan_status"] == "optimal"
    assert len(body["setpoints"]) == plan.slots
    delivered = sum(s["power_kw"] for s in body["setpoints"]) * 0.25 * 0.9
    assert delivered == pytest.approx(9.0)


def test_another_meters_token_no_token_and_an_unknown_meter_are_refused() -> None:
    meter, _ = _planned_car()
    _, other_key = token_for(MeterFactory.create())
    client = APIClient()
    assert client.get(f"/api/v1/devices/{meter.meter_id}/setpoints").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {other_key}")
    refused = client.get(f"/api/v1/devices/{meter.meter_id}/setpoints")
    assert refused.status_code == 403
    assert meter.meter_id in refused.json()["message"]


def test_a_meter_no_plan_covers_gets_an_empty_list() -> None:
    meter = MeterFactory.create()
    _, key = token_for(meter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = client.get(f"/api/v1/devices/{meter.meter_id}/setpoints").json()
    assert body == {
        "meter_id": meter.meter_id,
        "plan_id": None,
        "plan_status": None,
        "setpoints": [],
    }


def test_the_plan_is_retained_on_the_devices_topic() -> None:
    meter, plan = _planned_car()
    assert setpoints_publish(plan=plan) == 1

    received: queue.Queue[bytes | bytearray] = queue.Queue()
    client = mqtt_client(client_id="", clean_session=True)
    client.on_message = lambda _c, _u, message: received.put(message.payload)
    client.connect(settings.METERING_MQTT_HOST, settings.METERING_MQTT_PORT)
    client.subscribe(setpoints_topic(meter.meter_id), qos=1)
    client.loop_start()
    try:
        payload = json.loads(received.get(timeout=10))  # retained: sent to a late subscriber
    finally:
        client.loop_stop()
        client.disconnect()
    assert payload["plan_id"] == plan.pk
    assert payload["meter_id"] == meter.meter_id
    assert sum(s["power_kw"] for s in payload["setpoints"]) * 0.25 * 0.9 == pytest.approx(9.0)
