"""The household's admin page: its members, and the rows higher apps contribute (meters, plan)."""

import pytest
from django.test import Client

from metering.models import DsmrEquipment
from tests.households.factories import HouseholdFactory, MembershipFactory, UserFactory
from tests.metering.factories import MeterFactory
from tests.pricing.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_the_household_page_shows_its_members_meters_and_plan(admin_client: Client) -> None:
    household = HouseholdFactory.create()
    member = MembershipFactory.create(household=household)
    meter = MeterFactory.create(household=household, meter_id="smart-meter-77")
    subscription = SubscriptionFactory.create(household=household)

    page = admin_client.get(f"/admin/households/household/{household.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert member.user.username in html
    assert f'value="{meter.meter_id}"' in html
    assert f'<option value="{subscription.price_plan_id}" selected>' in html


def test_the_meter_page_shows_its_dsmr_equipment(admin_client: Client) -> None:
    meter = MeterFactory.create()
    DsmrEquipment.objects.create(meter=meter, equipment_id="E0044007141234567", kind="electricity")

    page = admin_client.get(f"/admin/metering/meter/{meter.pk}/change/")

    assert page.status_code == 200
    assert "E0044007141234567" in page.content.decode()
    assert "refused telegrams" in page.content.decode().lower()
