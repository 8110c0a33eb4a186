"""Query parameters out of range or malformed: a 400 naming the parameter, never a 500, on every
endpoint that reads one (core.api.query), and on the pages a clear message."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from households.models import Household
from tests.digits import arabic_indic, full_width
from tests.households.factories import (
    CommunityFactory,
    HouseholdFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOUSEHOLD_PATHS = [
    "/api/v1/households/{h}/energy",
    "/api/v1/households/{h}/autarky",
    "/api/v1/communities/{c}/autarky",
    "/api/v1/households/{h}/price-plans/compare",
]
BAD_DAYS = [
    "9999-12-31",
    "0001-01-01",
    "3000-01-01",
    "1899-12-31",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59-14:00",
    full_width("2026-11-02"),
    "yesterday",
]


@pytest.fixture
def household() -> Household:
    return HouseholdFactory.create(community=CommunityFactory.create())


def member_client(household: Household) -> APIClient:
    client = APIClient()
    client.force_authenticate(MembershipFactory.create(household=household).user)
    return client


def staff_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory.create(is_staff=True))
    return client


def assert_names(response: object, field: str) -> None:
    assert response.status_code == 400  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "invalid_parameter"
    assert body["extra"]["field"] == field
    assert body["message"].startswith(field)


@pytest.mark.parametrize(
    ("path", "raw"),
    # compare takes dates only: its instants are refused below
    [(p, raw) for p in HOUSEHOLD_PATHS for raw in BAD_DAYS if "compare" not in p or "T" not in raw],
)
@pytest.mark.parametrize("field", ["from", "to"])
def test_period_bounds_out_of_range_are_400_naming_them(
    household: Household, path: str, field: str, raw: str
) -> None:
    community = household.community
    assert community is not None
    url = path.format(h=household.pk, c=community.pk)
    assert_names(member_client(household).get(url, {field: raw}), field)


@pytest.mark.parametrize("raw", ["0001-01-01T00:00:00+00:00", "2026-11-02T10:00"])
def test_compare_takes_dates_only(household: Household, raw: str) -> None:
    url = f"/api/v1/households/{household.pk}/price-plans/compare"
    assert_names(member_client(household).get(url, {"from": raw}), "from")


@pytest.mark.parametrize("raw", [*BAD_DAYS, "2026-02-30"])
def test_daily_totals_date_out_of_range_is_400(household: Household, raw: str) -> None:
    url = f"/api/v1/households/{household.pk}/daily-totals"
    assert_names(member_client(household).get(url, {"date": raw}), "date")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "9999-12-31"}, "from"),
        ({"from": "0001-01-01"}, "from"),
        ({"from": "2026-11-01", "to": "9999-12-31"}, "to"),
        ({"community": arabic_indic("1")}, "community"),  # int() would take it
        ({"community": "9" * 5000}, "community"),  # int() refuses more than 4300 digits
        ({"community": "0"}, "community"),
    ],
)
def test_usage_overview_bad_parameters_are_400(query: dict[str, str], field: str) -> None:
    assert_names(staff_client().get("/api/v1/usage-overview", query), field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "10000"}, "year"),
        ({"year": "0"}, "year"),
        ({"year": "-1"}, "year"),
        ({"year": "1e5"}, "year"),
        ({"year": full_width("2026")}, "year"),
        ({"month": "9999-12-31"}, "month"),
        ({"month": "0001-01"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"household": "1e5"}, "household"),
        ({"household": "9" * 30}, "household"),
    ],
)
def test_invoice_filters_out_of_range_are_400(
    household: Household, query: dict[str, str], field: str
) -> None:
    assert_names(member_client(household).get("/api/v1/invoices/", query), field)


def test_invoice_filters_in_range_answer_200(household: Household) -> None:
    client = member_client(household)
    for query in ({"year": "2026"}, {"month": "2026-11"}, {"month": "2026-11-01"}):
        response = client.get("/api/v1/invoices/", query)
        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_another_households_invoices_answer_as_a_missing_one(household: Household) -> None:
    """No existence oracle: another household's id and an id that exists nowhere both answer
    an empty list (the filter narrows what the caller may see; it never says what exists)."""
    other = HouseholdFactory.create()
    client = member_client(household)
    theirs = client.get("/api/v1/invoices/", {"household": str(other.pk)})
    missing = client.get("/api/v1/invoices/", {"household": "999999"})
    assert theirs.status_code == missing.status_code == 200
    assert theirs.json() == missing.json()
    assert theirs.json()["count"] == 0


@pytest.mark.parametrize(
    "raw", ["9999-12-31", "0001-01-01", "yesterday", arabic_indic("2026-11-02")]
)
def test_the_dashboard_says_a_bad_date_is_bad_and_shows_today(
    household: Household, raw: str
) -> None:
    client = Client()
    client.force_login(MembershipFactory.create(household=household).user)
    response = client.get(f"/households/{household.pk}/", {"date": raw})
    assert response.status_code == 200
    assert "date must be a date" in response.content.decode()
    assert "Showing today." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "9999-12-31"}, "from must be a date between"),
        ({"from": "0001-01-01"}, "from must be a date between"),
        ({"community": "9" * 5000}, "community must be an id"),
    ],
)
def test_the_usage_page_says_a_bad_parameter_is_bad(query: dict[str, str], message: str) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    response = client.get("/admin/usage-overview/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
