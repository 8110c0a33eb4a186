from datetime import time
from decimal import Decimal

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from pricing.choices import Weekday
from tests.pricing.factories import PricePlanFactory, RateBandFactory, WeekdayMultiplierFactory

pytestmark = pytest.mark.django_db


def test_price_plans_list_their_versions(
    api_client: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    plan = PricePlanFactory.create(
        plan_id="plan-a", supplier__name="Acme", unit_rate=Decimal("0.25")
    )
    version = plan.versions.get()
    WeekdayMultiplierFactory.create(
        version=version, weekday=Weekday.SUNDAY, multiplier=Decimal("0.5")
    )
    RateBandFactory.create(version=version, name="night", starts_at=time(23), ends_at=time(6))
    PricePlanFactory.create_batch(3)
    with django_assert_num_queries(5):  # count, plans, versions, bands, multipliers
        response = api_client.get("/api/v1/price-plans/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert body["results"][0] == {
        "plan_id": "plan-a",
        "supplier": "Acme",
        "description": "",
        "versions": [
            {
                "valid_from": "2020-01-01",
                "energy_rate": "0.250000",
                "bands": [
                    {
                        "name": "night",
                        "rate": "0.100000",
                        "weekdays": "0123456",
                        "starts_at": "23:00:00",
                        "ends_at": "06:00:00",
                    }
                ],
                "multipliers": [{"weekday": "Sunday", "multiplier": "0.5000"}],
                "standing_charge_per_day": "0.000000",
                "feed_in_rate": "0.000000",
                "capacity_rate_per_kw": "0.000000",
                "vat_rate": "0.0000",
            }
        ],
    }


def test_one_price_plan_by_its_public_id(api_client: APIClient) -> None:
    PricePlanFactory.create(plan_id="plan-b")
    assert api_client.get("/api/v1/price-plans/plan-b/").json()["plan_id"] == "plan-b"
    missing = api_client.get("/api/v1/price-plans/nope/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_the_schema_and_docs_describe_the_joi_endpoints(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/readings/store", "/price-plans/compare-all/{smart_meter_id}"} <= set(paths)
    assert "/api/v1/price-plans/" in paths
    assert api_client.get("/api/docs/").status_code == 200
