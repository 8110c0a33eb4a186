"""The energy company's usage overview and the grid operator's page: staff only, and their
numbers are the selectors' numbers."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from grid.selectors.alerts import AlertKind
from grid.selectors.overview import grid_overview
from households.models import Household
from metering.choices import BlockState, MeterKind
from metering.models import SlotBlock
from metering.services.rollup import slots_rollup
from tests.metering.factories import MeterFactory, feed
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_grid_page_is_for_staff(client: Client, member: User, staff: User) -> None:
    assert client.get("/operator/grid/")["Location"] == "/accounts/login/?next=/operator/grid/"
    assert client_for(member).get("/operator/grid/").status_code == 403
    assert client_for(staff).get("/operator/grid/").status_code == 200


def test_the_grid_page_shows_the_overview_and_the_alerts(staff: User, home: Household) -> None:
    now = timezone.now()
    grid = home.meters.get(kind=MeterKind.GRID)
    solar = home.meters.get(kind=MeterKind.PRODUCTION)
    start = now.replace(second=0, microsecond=0) - timedelta(hours=2)
    feed(grid, 0.5, start, 118)
    feed(solar, 2.0, start, 118)
    slots_rollup(now=now)
    silent = MeterFactory.create(household=home, kind=MeterKind.BATTERY, meter_id="battery-7")
    feed(silent, 1.0, now - timedelta(hours=1), 10)
    SlotBlock.objects.filter(meter=grid, day=date(2026, 11, 2)).update(
        state=BlockState.FAULTY, attempts=3, error="division by zero", updated_at=now
    )

    response = client_for(staff).get("/operator/grid/")

    assert response.status_code == 200
    shown = response.context["grid"]
    expected = grid_overview(now=timezone.now())
    assert shown.total == expected.total
    assert shown.communities == expected.communities
    assert shown.total.consumption_kw == pytest.approx(2.5)  # 0.5 drawn + 2.0 solar
    assert shown.total.production_kw == pytest.approx(2.0)
    assert shown.total.meters_reporting == 2
    html = response.content.decode()
    assert f'data-grid="consumption-kwh">{expected.total.consumption_kwh:.1f} kWh' in html
    assert f'data-grid="production-kwh">{expected.total.production_kwh:.1f} kWh' in html
    assert '<th scope="row">Hilltop</th>' in html
    kinds = [(alert.kind, alert.meter_id) for alert in response.context["alerts"]]
    assert (AlertKind.METER_SILENT, "battery-7") in kinds
    assert (AlertKind.ROLLUP_FAULTY, grid.meter_id) in kinds
    assert "division by zero" in html
    assert len(response.context["chart"]["labels"]) == 24


def test_the_usage_overview_is_for_staff_with_a_chart_per_community(
    client: Client, member: User, staff: User, home: Household
) -> None:
    url = "/admin/usage-overview/"
    assert client.get(url).status_code == 302
    assert client_for(member).get(url).status_code == 302  # to the admin's login
    response = client_for(staff).get(url, {"from": "2026-11-02", "to": "2026-11-02"})
    assert response.status_code == 200
    (community,) = response.context["overview"].communities
    (chart,) = response.context["charts"]
    assert chart["name"] == "Hilltop"
    assert chart["spec"]["series"][0]["data"] == [float(kwh) for kwh in community.profile_kwh]
    html = response.content.decode()
    assert f'id="{chart["id"]}"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_a_bad_community_in_the_usage_overview_is_ignored(staff: User) -> None:
    response = client_for(staff).get("/admin/usage-overview/", {"community": "abc"})
    assert response.status_code == 200
    assert response.context["community"] is None


def test_the_admin_links_the_staff_pages(staff: User) -> None:
    staff.is_superuser = True
    staff.save()
    html = client_for(staff).get("/admin/").content.decode()
    assert 'href="/admin/usage-overview/"' in html
    assert 'href="/operator/grid/"' in html
