"""The charging plan on the pages: the household sees its car's plan and its cost against
charging on arrival; the operator sees each feeder's planned load against its limit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grid.models import Feeder, MarketPrice
from grid.services.charging import charging_plan_run
from tests.grid.test_charging_plan import _car, _plug
from tests.households.factories import HouseholdFactory, MembershipFactory, UserFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db
SLOT = timedelta(minutes=15)


def _plugged_in_car():  # type: ignore[no-untyped-def]
    now = timezone.now()
    start = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
    # Dear for the next two hours, cheap after: the plan waits, arrival charging would not.
    MarketPrice.objects.bulk_create(
        MarketPrice(slot_start=start + i * SLOT, price=Decimal("0.40" if i < 8 else "0.10"))
        for i in range(40)
    )
    feeder = Feeder.objects.create(name="Mill Street", limit_kw=Decimal(20))
    household = HouseholdFactory.create()
    car, _ = _car(household, feeder, name="family car")
    session = _plug(car, "9", now + timedelta(hours=8))
    session.plugged_in_at = now - timedelta(minutes=1)
    session.save()
    assert charging_plan_run(now=now) is not None
    return household


def test_the_household_sees_when_its_car_charges_and_what_it_saves() -> None:
    household = _plugged_in_car()
    member = MembershipFactory.create(household=household).user
    page = client_for(member).get(f"/households/{household.pk}/installation/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tonight&#x27;s charging" in html or "Tonight's charging" in html
    assert "9.0 of 9.0 kWh" in html
    # 10 kWh bought at 0.10 by the plan, against 0.40 from plug-in.
    assert "1.00 EUR, against 4.00 EUR charging on arrival" in html


def test_the_operator_sees_each_feeders_planned_load_against_its_limit() -> None:
    _plugged_in_car()
    operator = UserFactory.create(username="nikola", is_staff=True)
    page = client_for(operator).get("/operator/charging/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-feeder="Mill Street"' in html
    assert "limit 20 kW" in html
    assert 'data-figure="delivered">9.0 kWh' in html
    member = MembershipFactory.create().user
    assert client_for(member).get("/operator/charging/").status_code == 403


def test_without_a_plan_the_operator_is_told_so() -> None:
    operator = UserFactory.create(username="nikola", is_staff=True)
    page = client_for(operator).get("/operator/charging/")
    assert 'id="plan-empty"' in page.content.decode()
