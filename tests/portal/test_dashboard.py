"""The household dashboard: who may see it, and that its numbers are the services' numbers."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from core.timeslots import local_date, local_day_start
from households.models import Household
from metering.choices import AutarkyLevel, MeterKind
from metering.models import AutarkyState
from metering.selectors.autarky import community_autarky, household_autarky
from metering.selectors.flows import Resolution, household_flows
from metering.selectors.power import household_power_now
from portal.dashboard import autarky_periods
from pricing.daily_totals import household_daily_totals
from tests.households.factories import HouseholdFactory, MembershipFactory
from tests.metering.factories import MeterFactory, feed
from tests.portal.conftest import DAY, client_for

pytestmark = pytest.mark.django_db


def dashboard_url(household: Household, day: str | None = None) -> str:
    return f"/households/{household.pk}/" + (f"?date={day}" if day else "")


def test_anonymous_is_sent_to_log_in(client: Client, home: Household) -> None:
    response = client.get(dashboard_url(home))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/households/{home.pk}/"


def test_another_households_id_is_404_like_a_missing_one(member: User, home: Household) -> None:
    other = HouseholdFactory.create()
    client = client_for(member)
    for url in (dashboard_url(other), f"/households/{other.pk}/live", "/households/999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.get(dashboard_url(home)).status_code == 200


def test_staff_may_look_at_any_household(staff: User, home: Household) -> None:
    assert client_for(staff).get(dashboard_url(home, DAY)).status_code == 200


def test_the_days_totals_are_household_daily_totals(member: User, home: Household) -> None:
    response = client_for(member).get(dashboard_url(home, DAY))
    assert response.status_code == 200
    totals = household_daily_totals(household=home, day=date(2026, 11, 2))
    assert response.context["dashboard"].totals == totals
    assert totals.estimated_cost is not None
    assert totals.solar_profit is not None
    html = response.content.decode()
    for figure in (
        f'data-total="imported">{totals.imported_kwh:.2f} kWh',
        f'data-total="exported">{totals.exported_kwh:.2f} kWh',
        f'data-total="direct-solar">{totals.direct_solar_kwh:.2f} kWh',
        f'data-total="solar">{totals.solar_kwh:.2f} kWh',
        f'data-total="cost">€ {totals.estimated_cost:.2f}',
        f'data-total="solar-profit">€ {totals.solar_profit:.2f}',
    ):
        assert figure in html


def test_the_graph_has_every_slot_of_the_local_day(member: User, home: Household) -> None:
    response = client_for(member).get(dashboard_url(home, DAY))
    spec = response.context["day_chart"]
    assert len(spec["labels"]) == 96
    assert spec["labels"][44] == "11:00"  # 10:00 UTC in Brussels
    consumption, solar = (series["data"] for series in spec["series"])
    flows = household_flows(
        household=home,
        start=local_day_start(date(2026, 11, 2)),
        end=local_day_start(date(2026, 11, 3)),
        resolution=Resolution.SLOT,
    )
    assert [c for c in consumption if c is not None] == [float(b.consumption_kwh) for b in flows]
    assert [s for s in solar if s is not None] == [float(b.production_kwh) for b in flows]
    assert consumption[44] == 1.0  # 4 kW for a quarter hour
    assert consumption[0] is None
    assert 'id="day-chart-data"' in response.content.decode()


def test_a_daylong_dst_change_has_100_slots(member: User, home: Household) -> None:
    response = client_for(member).get(dashboard_url(home, "2026-10-25"))
    assert len(response.context["day_chart"]["labels"]) == 100
    assert "No energy measured on this day." in response.content.decode()


def test_previous_today_and_next_day_buttons(member: User, home: Household) -> None:
    html = client_for(member).get(dashboard_url(home, DAY)).content.decode()
    today = local_date(timezone.now())
    assert 'href="?date=2026-11-01"' in html
    assert 'href="?date=2026-11-03"' in html
    assert f'href="?date={today:%Y-%m-%d}"' in html
    html = client_for(member).get(dashboard_url(home)).content.decode()
    assert f'href="?date={today - timedelta(days=1):%Y-%m-%d}"' in html
    assert 'aria-disabled="true">Next day' in html  # no tomorrow yet


def test_a_bad_date_says_so_and_shows_today(member: User, home: Household) -> None:
    response = client_for(member).get(dashboard_url(home, "yesterday"))
    assert response.status_code == 200
    assert response.context["dashboard"].day == local_date(timezone.now())
    assert "date must be a date (YYYY-MM-DD)" in response.content.decode()


def test_autarky_is_the_services_for_today_this_month_and_this_year(
    member: User, home: Household
) -> None:
    community = home.community
    assert community is not None
    AutarkyState.objects.create(household=home, level=AutarkyLevel.AUTARKIC, ratio=0.97)
    response = client_for(member).get(dashboard_url(home, DAY))
    rows = response.context["dashboard"].autarky
    periods = autarky_periods(local_date(timezone.now()))
    assert [row.label for row in rows] == ["Today", "This month", "This year"]
    for row, (_, start, end) in zip(rows, periods, strict=True):
        assert row.household == household_autarky(household=home, start=start, end=end)
        assert row.community == community_autarky(community=community, start=start, end=end)
    html = response.content.decode()
    assert 'data-state="autarkic">Autarkic' in html
    assert "not evaluated yet" in html  # the community has no state yet


def test_live_figures_are_the_latest_readings(member: User, home: Household) -> None:
    now = timezone.now()
    grid = home.meters.get(kind=MeterKind.GRID)
    solar = home.meters.get(kind=MeterKind.PRODUCTION)
    battery = MeterFactory.create(household=home, kind=MeterKind.BATTERY)
    feed(grid, -1.25, now - timedelta(minutes=3), 2)
    feed(solar, 2.5, now - timedelta(minutes=3), 2)
    feed(battery, 0.75, now - timedelta(minutes=3), 2)
    client = client_for(member)
    response = client.get(f"/households/{home.pk}/live", headers={"HX-Request": "true"})
    assert response.status_code == 200
    live = household_power_now(household=home, now=timezone.now())
    assert (live.grid_kw, live.solar_kw, live.battery_kw) == (-1.25, 2.5, 0.75)
    html = response.content.decode()
    assert "Fed to the grid" in html
    assert 'data-figure="grid">1.25 kW' in html
    assert 'data-figure="solar">2.50 kW' in html
    assert 'data-figure="battery">0.75 kW' in html
    assert 'data-figure="consumption">0.50 kW' in html
    assert 'hx-trigger="every 10s"' in html
    # The dashboard shows the same block, which polls the partial.
    assert 'data-figure="grid">1.25 kW' in client.get(dashboard_url(home)).content.decode()


@pytest.mark.parametrize(
    ("battery_kw", "label", "figure"),
    [(-0.22, "Battery (discharging)", "0.22 kW"), (0.0, "Battery (idle)", "0.00 kW")],
)
def test_the_battery_figure_says_which_way_it_flows(
    member: User, home: Household, battery_kw: float, label: str, figure: str
) -> None:
    """At night a battery discharges into the home (negative power) or sits empty."""
    now = timezone.now()
    feed(home.meters.get(kind=MeterKind.GRID), 0.0, now - timedelta(minutes=3), 2)
    battery = MeterFactory.create(household=home, kind=MeterKind.BATTERY)
    feed(battery, battery_kw, now - timedelta(minutes=3), 2)
    html = client_for(member).get(f"/households/{home.pk}/live").content.decode()
    assert f"<dt>{label}</dt>" in html
    assert f'data-figure="battery">{figure}' in html
    assert f'data-figure="consumption">{abs(battery_kw):.2f} kW' in html


def test_stale_readings_say_nothing_about_now(member: User, home: Household) -> None:
    html = client_for(member).get(f"/households/{home.pk}/live").content.decode()
    assert 'data-figure="grid">—' in html
    assert "No meter reported in the last minutes." in html


def test_home_goes_straight_to_the_only_household(member: User, home: Household) -> None:
    response = client_for(member).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{home.pk}/"


def test_home_lists_the_households_of_a_member_of_several(member: User, home: Household) -> None:
    second = MembershipFactory.create(user=member).household
    HouseholdFactory.create(name="Not theirs")
    response = client_for(member).get("/")
    assert response.status_code == 200
    assert set(response.context["households"]) == {home, second}
    assert "Not theirs" not in response.content.decode()
