from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grid.models import Feeder
from households.models import HomeBattery
from tests.households.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client: Client) -> Client:
    user = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_admin_shows_a_loop_as_a_form_error(admin_client_logged_in: Client) -> None:
    top = Feeder.objects.create(name="Top", limit_kw=Decimal(500))
    child = Feeder.objects.create(name="Child", limit_kw=Decimal(100), parent=top)
    response = admin_client_logged_in.post(
        reverse("admin:grid_feeder_change", args=[top.pk]),
        {
            "name": "Top",
            "limit_kw": "500",
            "parent": str(child.pk),
            "connections-TOTAL_FORMS": "0",
            "connections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "parent chain loops" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_the_admin_refuses_a_battery_above_the_connection(admin_client_logged_in: Client) -> None:
    household = HouseholdFactory.create()
    response = admin_client_logged_in.post(
        reverse("admin:households_homebattery_add"),
        {
            "household": str(household.pk),
            "capacity_kwh": "10",
            "max_charge_kw": "12",
            "max_discharge_kw": "5",
            "efficiency": "0.95",
            "reserve_share": "0.2",
        },
    )
    assert response.status_code == 200
    assert "exceeds the household" in response.content.decode()
    assert not HomeBattery.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "admin:grid_feeder_changelist",
        "admin:grid_plant_changelist",
        "admin:grid_interconnection_changelist",
        "admin:grid_marketprice_changelist",
        "admin:households_solararray_changelist",
        "admin:households_homebattery_changelist",
        "admin:households_electricvehicle_changelist",
        "admin:households_flexibleload_changelist",
        "admin:households_partner_changelist",
        "admin:households_partnertoken_changelist",
    ],
)
def test_admin_lists_open(admin_client_logged_in: Client, name: str) -> None:
    assert admin_client_logged_in.get(reverse(name)).status_code == 200
