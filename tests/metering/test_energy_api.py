"""The household energy, autarky, daily-totals, notifications and usage-overview APIs."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from households.models import Household, Notification
from metering.choices import MeterKind
from metering.services.rollup import slots_rollup
from tests.households.factories import (
    CommunityFactory,
    HouseholdFactory,
    MembershipFactory,
    UserFactory,
)
from tests.metering.factories import MeterFactory, feed, two_hours_with_solar
from tests.pricing.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

# Monday 2 November 2026, 10:00 UTC = 11:00 in Brussels.
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def household() -> Household:
    """Two hours: 1 kW from the grid and 3 kW of solar (4 kW used), then 2 kW exported."""
    household = HouseholdFactory.create(community=CommunityFactory.create())
    two_hours_with_solar(household, T0)
    return household


def member_client(household: Household) -> APIClient:
    client = APIClient()
    client.force_authenticate(MembershipFactory.create(household=household).user)
    return client


def test_energy_per_hour_in_the_local_calendar(household: Household) -> None:
    response = member_client(household).get(
        f"/api/v1/households/{household.pk}/energy",
        {"from": "2026-11-02", "to": "2026-11-02", "resolution": "hour"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == "2026-11-02T00:00:00+01:00"
    first, second = body["buckets"][:2]
    assert first["start"] == "2026-11-02T11:00:00+01:00"
    assert (first["import_kwh"], first["production_kwh"], first["consumption_kwh"]) == (1, 3, 4)
    assert (first["slots"], first["complete_slots"]) == (4, 4)
    # 11:00 → 11:01 UTC ramps from 1 kW import to 2 kW export, crossing zero after 20 s.
    assert second["export_kwh"] == pytest.approx((118 + 2 / 3) / 60, abs=1e-6)


def test_energy_per_day_and_per_slot(household: Household) -> None:
    client = member_client(household)
    url = f"/api/v1/households/{household.pk}/energy"
    day = client.get(url, {"from": "2026-11-02", "resolution": "day"}).json()["buckets"]
    assert len(day) == 1
    assert day[0]["production_kwh"] == pytest.approx(6.0, abs=1e-5)
    slots = client.get(url, {"from": "2026-11-02", "resolution": "slot"}).json()["buckets"]
    assert len(slots) == 9  # 8 quarter hours plus the slot of the last reading
    assert slots[0]["import_kwh"] == 0.25


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"resolution": "week"}, "resolution", "invalid_parameter"),
        ({"from": "yesterday"}, "from", "invalid_parameter"),
        ({"from": "2026-11-02T10:00:00"}, "from", "invalid_parameter"),
        ({"from": "2026-11-03", "to": "2026-11-01"}, "to", "invalid_period"),
        ({"from": "2026-01-01", "to": "2026-12-31", "resolution": "slot"}, "to", "invalid_period"),
    ],
)
def test_bad_periods_are_400_naming_the_parameter(
    household: Household, query: dict[str, str], field: str, code: str
) -> None:
    response = member_client(household).get(f"/api/v1/households/{household.pk}/energy", query)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["extra"]["field"] == field


def test_autarky_of_the_household_and_its_community(household: Household) -> None:
    client = member_client(household)
    mine = client.get(f"/api/v1/households/{household.pk}/autarky", {"from": "2026-11-02"})
    assert mine.status_code == 200
    body = mine.json()
    # About 1 kWh imported of about 5 used; the 11:00 ramp adds a twentieth of a minute's import.
    imported = 1 + 1 / 6 / 60
    assert body["import_kwh"] == pytest.approx(imported, abs=1e-6)
    assert body["ratio"] == pytest.approx(1 - imported / float(body["consumption_kwh"]))
    assert body["ratio"] == pytest.approx(0.8, abs=1e-3)
    community = household.community
    assert community is not None
    theirs = client.get(f"/api/v1/communities/{community.pk}/autarky", {"from": "2026-11-02"})
    assert theirs.status_code == 200
    # Alone in its community, but netted slot by slot: the 11:00 slot's import and export cancel.
    assert theirs.json()["ratio"] == pytest.approx(1 - 1 / float(body["consumption_kwh"]))
    assert theirs.json()["ratio"] > body["ratio"]


def test_daily_totals_price_the_day_with_the_households_plan(household: Household) -> None:
    SubscriptionFactory.create(household=household, price_plan__unit_rate=Decimal("0.30"))
    response = member_client(household).get(
        f"/api/v1/households/{household.pk}/daily-totals", {"date": "2026-11-02"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["imported_kwh"] == pytest.approx(1.002778, abs=1e-6)
    assert body["solar_kwh"] == pytest.approx(6.0, abs=1e-5)
    assert body["estimated_cost"] == 0.30  # 1.003 kWh × €0.30
    # Without the panels all 5.025 kWh used would come from the grid: €1.51 − €0.30.
    assert body["consumption_kwh"] == pytest.approx(5.025, abs=1e-5)
    assert body["solar_profit"] == 1.21
    bad = member_client(household).get(
        f"/api/v1/households/{household.pk}/daily-totals", {"date": "2/11"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/households/{h}/energy",
        "/api/v1/households/{h}/autarky",
        "/api/v1/households/{h}/daily-totals",
        "/api/v1/communities/{c}/autarky",
    ],
)
def test_another_household_answers_404_like_a_missing_one(household: Household, path: str) -> None:
    stranger = member_client(HouseholdFactory.create(community=CommunityFactory.create()))
    community = household.community
    assert community is not None
    other = stranger.get(path.format(h=household.pk, c=community.pk))
    missing = stranger.get(path.format(h=999_999, c=999_999))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_staff_see_every_household(household: Household) -> None:
    client = APIClient()
    client.force_authenticate(UserFactory.create(is_staff=True))
    assert client.get(f"/api/v1/households/{household.pk}/energy").status_code == 200


def test_anonymous_is_refused(household: Household) -> None:
    response = APIClient().get(f"/api/v1/households/{household.pk}/energy")
    assert response.status_code in {401, 403}


def test_notifications_are_listed_and_marked_read() -> None:
    household = HouseholdFactory.create()
    me = MembershipFactory.create(household=household).user
    someone = MembershipFactory.create().user
    for n in range(3):
        Notification.objects.create(
            user=me,
            household=household,
            kind="autarky",
            title=f"t{n}",
            body="b",
            dedupe_key=f"k{n}",
        )
    Notification.objects.create(
        user=someone,
        household=household,
        kind="autarky",
        title="theirs",
        body="b",
        dedupe_key="x",
    )
    client = APIClient()
    client.force_authenticate(me)
    listing = client.get("/api/v1/notifications/").json()
    assert listing["count"] == 3
    assert listing["unread"] == 3
    first = listing["results"][0]["id"]
    assert client.post(f"/api/v1/notifications/{first}/read").json()["read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2
    theirs = Notification.objects.get(user=someone).pk
    assert client.post(f"/api/v1/notifications/{theirs}/read").status_code == 404
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert Notification.objects.get(user=someone).read_at is None


def test_usage_overview_for_staff_only(household: Household) -> None:
    quiet = HouseholdFactory.create(community=household.community, name="Quiet home")
    feed(MeterFactory.create(household=quiet, kind=MeterKind.GRID), 0.5, T0, 60)
    slots_rollup(now=T0 + timedelta(hours=3))
    staff = APIClient()
    staff.force_authenticate(UserFactory.create(is_staff=True))
    response = staff.get("/api/v1/usage-overview", {"from": "2026-11-02"})
    assert response.status_code == 200
    body = response.json()
    ranking = [(h["rank"], h["id"]) for h in body["households"]]
    assert ranking == [(1, household.pk), (2, quiet.pk)]
    top = body["households"][0]
    assert top["peak_kw"] == 4.0  # 1 kW grid + 3 kW solar, in a full quarter hour
    assert len(top["profile_kwh"]) == 24
    assert top["profile_kwh"][11] == 4.0  # 11:00–12:00 local
    (community,) = body["communities"]
    assert community["consumption_kwh"] == pytest.approx(5.025 + 0.5, abs=1e-3)
    assert member_client(household).get("/api/v1/usage-overview").status_code == 403


def test_usage_overview_page(household: Household) -> None:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    response = client.get("/admin/usage-overview/", {"from": "2026-11-02", "to": "2026-11-02"})
    assert response.status_code == 200
    assert household.name in response.content.decode()
    member = Client()
    member.force_login(MembershipFactory.create(household=household).user)
    assert member.get("/admin/usage-overview/").status_code == 302  # to the admin login
