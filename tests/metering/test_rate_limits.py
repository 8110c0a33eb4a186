"""Rate limits of the device-facing reads and of refused keys: 429 with Retry-After past the
limit, for that token or address only."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from metering.models import Meter
from metering.services.ingestion import meter_readings_record
from tests.metering.factories import MeterFactory, token_for
from tests.pricing.factories import PricePlanFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
READS = [
    "/readings/read/{}",
    "/price-plans/compare-all/{}",
    "/price-plans/recommend/{}?limit=1",
]


@pytest.fixture
def meter() -> Meter:
    meter = MeterFactory.create(meter_id="meter-a")
    meter_readings_record(meter=meter, samples=[(T0 + timedelta(minutes=n), 1.0) for n in (0, 5)])
    PricePlanFactory.create(plan_id="plan-a")
    return meter


def from_address(address: str, key: str | None = None) -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


@pytest.mark.parametrize("url", READS)
@override_settings(METERING_READ_RATE="3/min", JOI_OPEN=False)
def test_reads_are_limited_per_token(meter: Meter, url: str) -> None:
    _token, key = token_for(meter)
    _other, other_key = token_for(meter)
    client = from_address("10.0.0.1", key)
    statuses = [client.get(url.format("meter-a")).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert_throttled(client.get(url.format("meter-a")))
    # Another token, even from the same address, still reads.
    assert from_address("10.0.0.1", other_key).get(url.format("meter-a")).status_code == 200


@pytest.mark.parametrize("url", READS)
@override_settings(METERING_READ_RATE="3/min", JOI_OPEN=True)
def test_open_reads_are_limited_per_client_address(meter: Meter, url: str) -> None:
    client = from_address("10.0.0.1")
    assert [client.get(url.format("meter-a")).status_code for _ in range(3)] == [200] * 3
    assert_throttled(client.get(url.format("meter-a")))
    assert from_address("10.0.0.2").get(url.format("meter-a")).status_code == 200


@override_settings(METERING_REFUSED_TOKEN_RATE="3/hour", JOI_OPEN=False)
def test_unknown_tokens_are_limited_per_client_address(meter: Meter) -> None:
    _token, key = token_for(meter)
    guesser = [from_address("10.0.0.1", f"smx_guess{n}") for n in range(4)]
    statuses = [client.get("/readings/read/meter-a") for client in guesser]
    assert [r.status_code for r in statuses[:3]] == [401, 401, 401]
    assert_throttled(statuses[3])
    # Past the limit even a valid key from that address waits: guessing gains nothing.
    assert_throttled(from_address("10.0.0.1", key).get("/readings/read/meter-a"))
    # Other clients are unaffected, with a good key or a bad one.
    assert from_address("10.0.0.2", key).get("/readings/read/meter-a").status_code == 200
    assert from_address("10.0.0.3", "smx_typo").get("/readings/read/meter-a").status_code == 401


@override_settings(METERING_REFUSED_TOKEN_RATE="2/hour")
def test_refused_keys_count_on_every_device_endpoint(meter: Meter) -> None:
    client = from_address("10.0.0.1", "smx_unknown")
    body = {"readings": [{"time": T0.isoformat(), "power_kw": 1}]}
    statuses = [
        client.post("/api/v1/meters/meter-a/readings", data=body, format="json").status_code
        for _ in range(2)
    ]
    assert statuses == [401, 401]
    assert_throttled(client.post("/api/v1/meters/meter-a/readings", data=body, format="json"))
    assert meter.readings.count() == 2  # the fixture's


@override_settings(METERING_REFUSED_TOKEN_RATE="1/hour")
def test_a_forged_forwarded_for_header_does_not_give_new_attempts(meter: Meter) -> None:
    first = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    first.credentials(HTTP_AUTHORIZATION="Token smx_a")
    assert first.get("/readings/read/meter-a").status_code == 401
    second = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2")
    second.credentials(HTTP_AUTHORIZATION="Token smx_b")
    assert_throttled(second.get("/readings/read/meter-a"))
