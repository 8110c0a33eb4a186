"""Periods in query strings."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from core.api.query import parse_instant
from tests.households.factories import HouseholdFactory, UserFactory


def test_an_instant_is_read_in_utc_whatever_its_offset() -> None:
    moment = parse_instant("2026-06-01T23:00:00+22:35", "from")
    assert moment == datetime(2026, 6, 1, 0, 25, tzinfo=UTC)
    assert moment.tzinfo is UTC


@pytest.mark.django_db
def test_an_offset_postgres_cannot_store_still_answers(api_client: APIClient) -> None:
    # Python accepts offsets up to ±23:59, PostgreSQL only to ±15:59: this was a 500.
    household = HouseholdFactory.create()
    api_client.force_login(UserFactory.create(is_staff=True))
    response = api_client.get(
        f"/api/v1/households/{household.pk}/energy",
        {"from": "2026-06-01T23:00:00+22:35", "to": "2026-06-02T23:00:00+22:35"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-06-01T02:25:00+02:00", "2026-06-02T02:25:00+02:00")
    assert body["buckets"] == []  # no slots stored
