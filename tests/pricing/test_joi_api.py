"""JOI-compatible price plan endpoints, with hand-computed costs."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from metering.services.ingestion import meter_readings_record
from pricing.choices import Weekday
from tests.metering.factories import MeterFactory
from tests.pricing.factories import PricePlanFactory, SubscriptionFactory, WeekdayMultiplierFactory

pytestmark = pytest.mark.django_db

# Wednesday 2026-11-18, 10:00 UTC (11:00 in Brussels).
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def minute(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def plans() -> None:
    PricePlanFactory.create(plan_id="price-plan-0", unit_rate=Decimal("0.50"))
    PricePlanFactory.create(plan_id="price-plan-1", unit_rate=Decimal("0.20"))
    PricePlanFactory.create(plan_id="price-plan-2", unit_rate=Decimal("0.10"))


def comparisons(client: APIClient, meter_id: str) -> dict[str, float]:
    response = client.get(f"/price-plans/compare-all/{meter_id}")
    assert response.status_code == 200
    return {k: v for item in response.json()["pricePlanComparisons"] for k, v in item.items()}


@pytest.mark.usefixtures("plans")
def test_evenly_spaced_samples(api_client: APIClient) -> None:
    meter = MeterFactory.create(meter_id="m")
    # 3 kW for 20 minutes = 1 kWh
    meter_readings_record(meter=meter, samples=[(minute(n), 3.0) for n in range(0, 21, 5)])
    assert comparisons(api_client, "m") == {
        "price-plan-2": 0.1,
        "price-plan-1": 0.2,
        "price-plan-0": 0.5,
    }


@pytest.mark.usefixtures("plans")
def test_unevenly_spaced_samples_posted_out_of_order(api_client: APIClient) -> None:
    meter = MeterFactory.create(meter_id="m")
    # 0→6 min: 1→3 kW = 0.2 kWh; 6→15 min: 3 kW = 0.45 kWh; total 0.65 kWh
    meter_readings_record(meter=meter, samples=[(minute(15), 3.0), (minute(0), 1.0)])
    meter_readings_record(meter=meter, samples=[(minute(6), 3.0)])
    assert comparisons(api_client, "m") == {
        "price-plan-2": 0.065,
        "price-plan-1": 0.13,
        "price-plan-0": 0.325,
    }


@pytest.mark.usefixtures("plans")
def test_a_gap_over_fifteen_minutes_costs_nothing(api_client: APIClient) -> None:
    meter = MeterFactory.create(meter_id="m")
    # 0→12: 5 kW = 1 kWh; 12→28 (16 min) not bridged; 28→40: 5 kW = 1 kWh
    samples = [(minute(0), 5.0), (minute(12), 5.0), (minute(28), 5.0), (minute(40), 5.0)]
    meter_readings_record(meter=meter, samples=samples)
    assert comparisons(api_client, "m")["price-plan-1"] == 0.4


def test_a_weekday_multiplier_applies_to_that_days_energy(api_client: APIClient) -> None:
    plan = PricePlanFactory.create(plan_id="weekday-plan", unit_rate=Decimal("0.10"))
    WeekdayMultiplierFactory.create(
        version=plan.versions.get(), weekday=Weekday.THURSDAY, multiplier=Decimal(3)
    )
    meter = MeterFactory.create(meter_id="m")
    # 2 kW from 22:30 UTC Wednesday to 23:30 UTC: local midnight (Thursday) is at 23:00 UTC.
    start = datetime(2026, 11, 18, 22, 30, tzinfo=UTC)
    meter_readings_record(
        meter=meter, samples=[(start + timedelta(minutes=m), 2.0) for m in range(0, 61, 15)]
    )
    # Wednesday: 1 kWh × 0.10 = 0.10; Thursday: 1 kWh × 0.10 × 3 = 0.30
    assert comparisons(api_client, "m") == {"weekday-plan": 0.4}


@pytest.mark.usefixtures("plans")
def test_compare_all_names_the_households_plan_cheapest_first(api_client: APIClient) -> None:
    meter = MeterFactory.create(meter_id="m")
    SubscriptionFactory.create(
        household=meter.household,
        price_plan__plan_id="own-plan",
        price_plan__unit_rate=Decimal("0.15"),
    )
    meter_readings_record(meter=meter, samples=[(minute(0), 1.0), (minute(1), 1.0)])
    body = api_client.get("/price-plans/compare-all/m").json()
    assert body["pricePlanId"] == "own-plan"
    assert [next(iter(item)) for item in body["pricePlanComparisons"]] == [
        "price-plan-2",
        "own-plan",
        "price-plan-1",
        "price-plan-0",
    ]


@pytest.mark.usefixtures("plans")
def test_compare_all_of_a_meter_without_household_names_no_plan(api_client: APIClient) -> None:
    meter = MeterFactory.create(meter_id="m", household=None)
    meter_readings_record(meter=meter, samples=[(minute(0), 1.0), (minute(1), 1.0)])
    assert api_client.get("/price-plans/compare-all/m").json()["pricePlanId"] is None


@pytest.mark.usefixtures("plans")
def test_compare_all_of_unknown_meter_or_no_readings_is_404(api_client: APIClient) -> None:
    MeterFactory.create(meter_id="silent")
    assert api_client.get("/price-plans/compare-all/nobody").status_code == 404
    assert api_client.get("/price-plans/compare-all/silent").status_code == 404


@pytest.fixture
def meter_with_an_hour_of_use() -> None:
    meter = MeterFactory.create(meter_id="m")
    meter_readings_record(meter=meter, samples=[(minute(n), 1.0) for n in range(0, 61, 15)])


@pytest.mark.usefixtures("plans", "meter_with_an_hour_of_use")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [{"price-plan-2": 0.1}, {"price-plan-1": 0.2}, {"price-plan-0": 0.5}]),
        ("?limit=2", [{"price-plan-2": 0.1}, {"price-plan-1": 0.2}]),
        ("?limit=0", []),
        ("?limit=10", [{"price-plan-2": 0.1}, {"price-plan-1": 0.2}, {"price-plan-0": 0.5}]),
    ],
)
def test_recommend_lists_the_cheapest_first_up_to_the_limit(
    api_client: APIClient, query: str, expected: list[dict[str, float]]
) -> None:
    response = api_client.get(f"/price-plans/recommend/m{query}")
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.usefixtures("plans", "meter_with_an_hour_of_use")
@pytest.mark.parametrize("limit", ["-1", "1.5", "abc", "", "²", "9" * 5000, str(2**63)])
def test_recommend_refuses_a_limit_that_is_not_a_non_negative_integer(
    api_client: APIClient, limit: str
) -> None:
    response = api_client.get("/price-plans/recommend/m", {"limit": limit})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_limit"
    assert response.json()["extra"]["field"] == "limit"


@pytest.mark.usefixtures("plans")
def test_recommend_for_an_unknown_meter_is_404(api_client: APIClient) -> None:
    response = api_client.get("/price-plans/recommend/nobody?limit=1")
    assert response.status_code == 404
    assert response.json() == {
        "code": "meter_not_found",
        "message": "No meter with id 'nobody'.",
        "extra": {},
    }
