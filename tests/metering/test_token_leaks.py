"""A key sent in a URL is revoked on sight, its household told, and no log line shows it."""

import io
import logging
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from rest_framework.test import APIClient

from core.redaction import RedactSecretsFilter
from households.models import Notification
from metering.models import DeviceToken, Meter
from tests.households.factories import MembershipFactory
from tests.metering.factories import MeterFactory, stored, token_for

pytestmark = pytest.mark.django_db

READING = [{"time": "2026-11-01T12:00:00+00:00", "power_kw": 1.0}]


@pytest.fixture
def meter() -> Meter:
    return MeterFactory.create(meter_id="meter-a")


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING) writes, redaction included."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def post(client: APIClient, url: str) -> Any:
    body = orjson.dumps({"readings": READING})
    return client.post(url, data=body, content_type="application/json")


def test_a_key_in_the_query_string_is_revoked_and_the_household_told(meter: Meter) -> None:
    members = MembershipFactory.create_batch(2, household=meter.household)
    token, key = token_for(meter)

    response = post(APIClient(), f"/api/v1/meters/meter-a/readings?token={key}")
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]

    token.refresh_from_db()
    assert token.revoked_at is not None
    header = APIClient()
    header.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = post(header, "/api/v1/meters/meter-a/readings")
    assert refused.status_code == 401
    assert stored(meter) == []
    told = Notification.objects.filter(kind="device_token_revoked")
    assert sorted(n.user_id for n in told) == sorted(m.user_id for m in members)
    assert all(token.key_prefix in n.title and key not in n.body for n in told)


def test_a_second_leak_of_the_same_key_tells_no_one_again(meter: Meter) -> None:
    MembershipFactory.create(household=meter.household)
    _token, key = token_for(meter)
    for _ in range(2):
        post(APIClient(), f"/readings/read/meter-a?api_key={key}")
    assert Notification.objects.filter(kind="device_token_revoked").count() == 1


def test_an_unknown_key_in_the_query_string_revokes_nothing(meter: Meter) -> None:
    token, _key = token_for(meter)
    response = APIClient().get("/readings/read/meter-a?key=smx_not-a-key")
    assert response.status_code == 401
    assert DeviceToken.objects.get(pk=token.pk).revoked_at is None
    assert not Notification.objects.exists()


def test_no_log_line_shows_the_key(meter: Meter, log_lines: io.StringIO) -> None:
    _token, key = token_for(meter)
    post(APIClient(), f"/api/v1/meters/meter-a/readings?token={key}")
    # The line runserver writes for that request (django.server logs the full request line).
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"POST /api/v1/meters/meter-a/readings?token={key} HTTP/1.1", "401", "97"
    )
    logging.getLogger("metering").warning("device sent Authorization: Token %s", key)

    written = log_lines.getvalue()
    assert "revoked: its key was sent in a URL" in written
    assert "Unauthorized: /api/v1/meters/meter-a/readings" in written
    assert "readings?token=[redacted] HTTP/1.1" in written
    assert "Token [redacted]" in written
    assert key not in written
    assert key[len("smx_") :] not in written


def test_a_badly_formatted_log_record_passes_the_filter_unchanged() -> None:
    # Reporting a bad format is the handler's business (handleError); the filter must not raise
    # in the caller. Called directly: pytest's own capture handler re-raises format errors.
    bad = logging.LogRecord("metering", logging.WARNING, __file__, 1, "%s and %s", ("one",), None)
    assert RedactSecretsFilter().filter(bad) is True
    assert (bad.msg, bad.args) == ("%s and %s", ("one",))
    leaky = logging.LogRecord(
        "metering", logging.WARNING, __file__, 1, "next line with ?token=%s", ("smx_abc",), None
    )
    assert RedactSecretsFilter().filter(leaky) is True
    assert leaky.getMessage() == "next line with ?token=[redacted]"
