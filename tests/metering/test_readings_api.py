"""POST /api/v1/meters/<meter_id>/readings: device tokens, JSON and CSV, exact counts."""

import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from metering.models import DeviceToken, Meter
from metering.services.tokens import device_token_revoke
from tests.metering.factories import MeterFactory, stored, token_client, token_for

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def meter() -> Meter:
    return MeterFactory.create(meter_id="meter-a")


@pytest.fixture
def client_for(meter: Meter) -> APIClient:
    return token_client(meter)


def post_json(client: APIClient, meter_id: str, readings: list[Any]) -> Any:
    return client.post(
        f"/api/v1/meters/{meter_id}/readings",
        data=orjson.dumps({"readings": readings}),
        content_type="application/json",
    )


def test_json_readings_with_iso_and_epoch_times_are_stored(
    client_for: APIClient, meter: Meter
) -> None:
    readings = [
        {"time": "2026-11-01T13:00:00+01:00", "power_kw": 1.25},
        {"time": int((T0 + timedelta(minutes=1)).timestamp()), "power_kw": -0.5},
    ]
    response = post_json(client_for, "meter-a", readings)
    assert response.status_code == 200
    assert response.json() == {"inserted": 2, "duplicates": 0}
    assert stored(meter) == [(T0, 1.25), (T0 + timedelta(minutes=1), -0.5)]


def test_a_second_post_counts_duplicates(client_for: APIClient, meter: Meter) -> None:
    readings = [{"time": T0.isoformat(), "power_kw": 1.0}]
    post_json(client_for, "meter-a", readings)
    more = [*readings, {"time": (T0 + timedelta(minutes=1)).isoformat(), "power_kw": 2.0}]
    response = post_json(client_for, "meter-a", more)
    assert response.json() == {"inserted": 1, "duplicates": 1}
    assert len(stored(meter)) == 2


def test_a_conflict_is_409_with_the_conflicts_and_nothing_is_stored(
    client_for: APIClient, meter: Meter
) -> None:
    post_json(client_for, "meter-a", [{"time": T0.isoformat(), "power_kw": 1.0}])
    response = post_json(
        client_for,
        "meter-a",
        [
            {"time": (T0 + timedelta(minutes=5)).isoformat(), "power_kw": 3.0},
            {"time": T0.isoformat(), "power_kw": 9.0},
        ],
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflicting_reading"
    assert body["extra"]["conflicts"] == [
        {"meter_id": "meter-a", "time": T0.isoformat(), "stored_kw": 1.0, "received_kw": 9.0}
    ]
    assert stored(meter) == [(T0, 1.0)]


@pytest.mark.parametrize(
    ("readings", "field"),
    [
        ([{"time": "yesterday", "power_kw": 1}], "readings[0].time"),
        ([{"time": "2026-11-01T12:00:00", "power_kw": 1}], "readings[0].time"),
        ([{"power_kw": 1}], "readings[0].time"),
        ([{"time": 1_795_000_000, "power_kw": "1"}], "readings[0].power_kw"),
        ([{"time": 1_795_000_000, "power_kw": 1}, {"time": 1_795_000_060}], "readings[1].power_kw"),
        ([{"time": 1_795_000_000, "power_kw": 5000}], "readings[0].power_kw"),
        ([{"time": 4_000_000_000, "power_kw": 1}], "readings[0].time"),
        ([7], "readings[0]"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_stored(
    client_for: APIClient, meter: Meter, readings: list[Any], field: str
) -> None:
    response = post_json(client_for, "meter-a", readings)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_reading"
    assert body["extra"]["field"] == field
    assert stored(meter) == []


def test_a_body_that_is_not_a_readings_object_is_400(client_for: APIClient, meter: Meter) -> None:
    response = client_for.post(
        "/api/v1/meters/meter-a/readings", data=b"[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["field"] == "readings"


def test_csv_backfill(client_for: APIClient, meter: Meter) -> None:
    a_minute_later = int(T0.timestamp()) + 60
    csv_body = f"time,power_kw\r\n2026-11-01T12:00:00+00:00,1.5\r\n{a_minute_later},2.5\r\n\r\n"
    response = client_for.post(
        "/api/v1/meters/meter-a/readings", data=csv_body, content_type="text/csv"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"inserted": 2, "duplicates": 0}
    assert stored(meter) == [(T0, 1.5), (T0 + timedelta(minutes=1), 2.5)]


@pytest.mark.parametrize(
    ("csv_body", "field"),
    [
        ("when,kw\n2026-11-01T12:00:00+00:00,1\n", "header"),
        ("time,power_kw\n2026-11-01T12:00:00+00:00,lots\n", "row 2 power_kw"),
        ("time,power_kw\n2026-11-01T12:00:00+00:00,1\nnoon,2\n", "row 3 time"),
        ("time,power_kw\n2026-11-01T12:00:00+00:00,1,3\n", "row 2"),
    ],
)
def test_bad_csv_is_400_naming_the_row(
    client_for: APIClient, meter: Meter, csv_body: str, field: str
) -> None:
    response = client_for.post(
        "/api/v1/meters/meter-a/readings", data=csv_body, content_type="text/csv"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["field"] == field
    assert stored(meter) == []


def test_another_media_type_is_415(client_for: APIClient, meter: Meter) -> None:
    response = client_for.post(
        "/api/v1/meters/meter-a/readings", data="x", content_type="application/xml"
    )
    assert response.status_code == 415
    assert stored(meter) == []


@override_settings(METERING_MAX_BODY_BYTES=200)
def test_a_body_over_the_size_limit_is_413(client_for: APIClient, meter: Meter) -> None:
    readings = [{"time": 1_795_000_000 + 60 * i, "power_kw": 1.0} for i in range(20)]
    response = post_json(client_for, "meter-a", readings)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert stored(meter) == []


@override_settings(METERING_MAX_BATCH=5)
def test_a_batch_over_the_limit_is_413(client_for: APIClient, meter: Meter) -> None:
    readings = [{"time": 1_795_000_000 + 60 * i, "power_kw": 1.0} for i in range(6)]
    response = post_json(client_for, "meter-a", readings)
    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"
    assert stored(meter) == []


# --- tokens -------------------------------------------------------------------------------------

READING = [{"time": T0.isoformat(), "power_kw": 1.0}]


def test_a_token_for_meter_a_cannot_write_meter_b(client_for: APIClient) -> None:
    other = MeterFactory.create(meter_id="meter-b")
    response = post_json(client_for, "meter-b", READING)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert stored(other) == []


def test_no_token_is_401(meter: Meter) -> None:
    response = post_json(APIClient(), "meter-a", READING)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert stored(meter) == []


def test_an_unknown_token_is_401(meter: Meter) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token smx_not-a-real-key")
    assert post_json(client, "meter-a", READING).status_code == 401
    assert stored(meter) == []


def test_a_revoked_token_is_401(meter: Meter) -> None:
    token, key = token_for(meter)
    device_token_revoke(token=token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = post_json(client, "meter-a", READING)
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]
    assert stored(meter) == []


def test_a_token_in_the_query_string_is_refused(meter: Meter) -> None:
    _token, key = token_for(meter)
    response = APIClient().post(
        f"/api/v1/meters/meter-a/readings?token={key}",
        data=orjson.dumps({"readings": READING}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "Authorization header" in response.json()["message"]
    assert stored(meter) == []


def test_a_gateway_token_writes_its_meters_only(meter: Meter) -> None:
    second = MeterFactory.create(meter_id="meter-c")
    outsider = MeterFactory.create(meter_id="meter-d")
    _token, key = token_for(meter, second, gateway=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert post_json(client, "meter-a", READING).status_code == 200
    assert post_json(client, "meter-c", READING).status_code == 200
    assert post_json(client, "meter-d", READING).status_code == 403
    assert (len(stored(meter)), len(stored(second)), len(stored(outsider))) == (1, 1, 0)


def test_tokens_are_stored_hashed(meter: Meter) -> None:
    token, key = token_for(meter)
    assert key.startswith("smx_")
    assert not DeviceToken.objects.filter(key_hash=key).exists()
    assert key not in {token.key_hash, token.key_prefix}
    assert key.startswith(token.key_prefix)


@override_settings(METERING_TOKEN_RATE="3/min")
def test_the_rate_limit_answers_429_with_retry_after(client_for: APIClient, meter: Meter) -> None:
    statuses = [
        post_json(
            client_for,
            "meter-a",
            [{"time": (T0 + timedelta(minutes=i)).isoformat(), "power_kw": 1}],
        )
        for i in range(4)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert int(statuses[-1]["Retry-After"]) > 0
    assert statuses[-1].json()["code"] == "throttled"
    assert len(stored(meter)) == 3


# --- nothing lost, nothing twice -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_clients_with_overlapping_batches(live_server: Any) -> None:
    meter = MeterFactory.create(meter_id="busy-meter")
    _token, key = token_for(meter)
    clients, posts_each, batch, stride = 4, 50, 40, 10  # batches overlap by 30 samples
    results: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for post in range(posts_each):
            start = (post * clients + number) * stride
            readings = [
                {"time": int(T0.timestamp()) + 60 * (start + i), "power_kw": (start + i) / 10}
                for i in range(batch)
            ]
            request = urllib.request.Request(  # noqa: S310 - the test's own live server
                f"{live_server.url}/api/v1/meters/busy-meter/readings",
                data=json.dumps({"readings": readings}).encode(),
                headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    inserted = json.loads(response.read())["inserted"]
            except urllib.error.HTTPError as exc:
                with lock:
                    errors.append(f"{exc.code} {exc.read()!r}")
                continue
            with lock:
                results.append(inserted)

    with override_settings(METERING_TOKEN_RATE="10000/min"):
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert len(results) == clients * posts_each
    distinct = (clients * posts_each - 1) * stride + batch
    rows = stored(meter)
    assert len(rows) == distinct
    assert sum(results) == distinct
    assert all(power == ((moment - T0) // timedelta(minutes=1)) / 10 for moment, power in rows)


def test_a_body_the_csv_module_refuses_is_400_naming_the_row(
    client_for: APIClient, meter: Meter
) -> None:
    csv_body = "time,power_kw\n2026-11-01T12:00:00+00:00,1\nx\ry,2\n"  # a bare CR: was a 500
    response = client_for.post(
        "/api/v1/meters/meter-a/readings", data=csv_body, content_type="text/csv"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_reading"
    assert response.json()["extra"]["field"] == "row 3"
    assert stored(meter) == []
