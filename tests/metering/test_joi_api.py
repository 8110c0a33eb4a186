"""JOI-compatible reading endpoints: POST /readings/store, GET /readings/read/<id>."""

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from metering.models import Meter, Reading
from tests.metering.factories import MeterFactory, token_for

pytestmark = pytest.mark.django_db

EPOCH = 1_795_000_000  # 2026-11-18, in the past


def store(client: APIClient, body: Any) -> Any:
    return client.post("/readings/store", data=orjson.dumps(body), content_type="application/json")


def test_store_echoes_the_body_and_stores_the_readings(api_client: APIClient) -> None:
    meter = MeterFactory.create(meter_id="smart-meter-7")
    body = {
        "smartMeterId": "smart-meter-7",
        "electricityReadings": [
            {"time": EPOCH, "reading": 0.5},
            {"time": EPOCH + 60, "reading": 1},
        ],
    }
    response = store(api_client, body)
    assert response.status_code == 200
    assert response.json() == body
    assert list(
        Reading.objects.filter(meter=meter).order_by("time").values_list("time", "power_kw")
    ) == [
        (datetime.fromtimestamp(EPOCH, UTC), 0.5),
        (datetime.fromtimestamp(EPOCH + 60, UTC), 1.0),
    ]


def test_a_reading_already_stored_with_the_same_value_is_not_stored_twice(
    api_client: APIClient,
) -> None:
    body = {"smartMeterId": "m-1", "electricityReadings": [{"time": EPOCH, "reading": 0.5}]}
    assert store(api_client, body).status_code == 200
    assert store(api_client, body).status_code == 200
    assert Reading.objects.filter(meter__meter_id="m-1").count() == 1


def test_an_unseen_meter_id_becomes_a_meter_with_no_household(api_client: APIClient) -> None:
    body = {"smartMeterId": "brand-new", "electricityReadings": [{"time": EPOCH, "reading": 2.0}]}
    assert store(api_client, body).status_code == 200
    meter = Meter.objects.get(meter_id="brand-new")
    assert meter.household is None
    assert meter.readings.count() == 1


def test_an_empty_list_stores_nothing(api_client: APIClient) -> None:
    body = {"smartMeterId": "quiet-meter", "electricityReadings": []}
    response = store(api_client, body)
    assert response.status_code == 200
    assert response.json() == body
    assert not Meter.objects.filter(meter_id="quiet-meter").exists()
    assert Reading.objects.count() == 0


GOOD = {"time": EPOCH, "reading": 1.0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"electricityReadings": [GOOD]}, "smartMeterId"),
        ({"smartMeterId": "", "electricityReadings": [GOOD]}, "smartMeterId"),
        ({"smartMeterId": 12, "electricityReadings": [GOOD]}, "smartMeterId"),
        ({"smartMeterId": "m"}, "electricityReadings"),
        ({"smartMeterId": "m", "electricityReadings": {"time": 1}}, "electricityReadings"),
        ({"smartMeterId": "m", "electricityReadings": [GOOD, 5]}, "electricityReadings[1]"),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"time": 1.5, "reading": 1}]},
            "electricityReadings[1].time",
        ),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"time": "1", "reading": 1}]},
            "electricityReadings[1].time",
        ),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"reading": 1}]},
            "electricityReadings[1].time",
        ),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"time": EPOCH, "reading": -1}]},
            "electricityReadings[1].reading",
        ),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"time": EPOCH, "reading": "1"}]},
            "electricityReadings[1].reading",
        ),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"time": EPOCH, "reading": True}]},
            "electricityReadings[1].reading",
        ),
        (
            {"smartMeterId": "m", "electricityReadings": [GOOD, {"time": EPOCH}]},
            "electricityReadings[1].reading",
        ),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(
    api_client: APIClient, body: dict[str, Any], field: str
) -> None:
    response = store(api_client, body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "invalid_reading"
    assert payload["extra"]["field"] == field
    assert field in payload["message"]
    assert Reading.objects.count() == 0
    assert Meter.objects.count() == 0


def test_a_non_finite_reading_is_refused(api_client: APIClient) -> None:
    raw = b'{"smartMeterId": "m", "electricityReadings": [{"time": 1795000000, "reading": 1e999}]}'
    response = api_client.post("/readings/store", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert Reading.objects.count() == 0


def test_malformed_json_is_refused(api_client: APIClient) -> None:
    response = api_client.post("/readings/store", data=b"{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_a_time_in_the_far_future_is_refused(api_client: APIClient) -> None:
    body = {"smartMeterId": "m", "electricityReadings": [{"time": 4_000_000_000, "reading": 1}]}
    response = store(api_client, body)
    assert response.status_code == 400
    assert "more than 5 minutes in the future" in response.json()["message"]
    assert Meter.objects.count() == 0


def test_read_returns_the_readings_newest_first(api_client: APIClient) -> None:
    body = {
        "smartMeterId": "m-2",
        "electricityReadings": [
            {"time": EPOCH + 60, "reading": 2.0},
            {"time": EPOCH, "reading": 1.0},
            {"time": EPOCH + 120, "reading": 3.0},
        ],
    }
    store(api_client, body)
    response = api_client.get("/readings/read/m-2")
    assert response.status_code == 200
    assert response.json() == [
        {"time": EPOCH + 120, "reading": 3.0},
        {"time": EPOCH + 60, "reading": 2.0},
        {"time": EPOCH, "reading": 1.0},
    ]


def test_read_of_an_unknown_meter_is_404(api_client: APIClient) -> None:
    response = api_client.get("/readings/read/nobody")
    assert response.status_code == 404
    assert response.json()["code"] == "meter_not_found"


def test_read_of_a_meter_without_readings_is_404(api_client: APIClient) -> None:
    MeterFactory.create(meter_id="silent")
    response = api_client.get("/readings/read/silent")
    assert response.status_code == 404
    assert response.json()["code"] == "no_readings"


@override_settings(JOI_OPEN=False)
def test_production_refuses_writes_without_a_token(api_client: APIClient) -> None:
    body = {"smartMeterId": "m", "electricityReadings": [GOOD]}
    response = store(api_client, body)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Reading.objects.count() == 0


@override_settings(JOI_OPEN=False)
def test_production_stores_with_the_meters_token_and_refuses_others(
    api_client: APIClient,
) -> None:
    own = MeterFactory.create(meter_id="own-meter")
    MeterFactory.create(meter_id="their-meter")
    _token, key = token_for(own)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    ok = store(api_client, {"smartMeterId": "own-meter", "electricityReadings": [GOOD]})
    assert ok.status_code == 200
    refused = store(api_client, {"smartMeterId": "their-meter", "electricityReadings": [GOOD]})
    assert refused.status_code == 403
    assert api_client.get("/readings/read/own-meter").status_code == 200
    assert api_client.get("/readings/read/their-meter").status_code == 403
    assert list(Reading.objects.values_list("meter__meter_id", flat=True)) == ["own-meter"]


@override_settings(METERING_MAX_BODY_BYTES=100)
def test_store_refuses_a_body_over_the_limit_with_413_and_stores_nothing(
    api_client: APIClient,
) -> None:
    readings = [{"time": EPOCH + minute * 60, "reading": 0.5} for minute in range(10)]
    response = store(api_client, {"smartMeterId": "smart-meter-8", "electricityReadings": readings})
    assert response.status_code == 413
    assert response.json() == {
        "code": "body_too_large",
        "message": "The body is larger than 100 bytes.",
        "extra": {"limit": 100},
    }
    assert not Meter.objects.filter(meter_id="smart-meter-8").exists()
    assert not Reading.objects.exists()
