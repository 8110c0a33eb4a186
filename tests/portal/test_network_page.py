"""The operator's network page: staff only; the tree network_tree() returns, with limits."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.grid.factories import (
    FeederConnectionFactory,
    FeederFactory,
    InterconnectionFactory,
    InterconnectionLimitFactory,
)
from tests.households.factories import (
    ElectricVehicleFactory,
    HouseholdFactory,
    MembershipFactory,
    SolarArrayFactory,
    UserFactory,
)
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/operator/network/"


@pytest.fixture
def operator() -> User:
    return UserFactory.create(username="nikola", is_staff=True)


def test_the_network_page_is_for_staff(client: Client, operator: User) -> None:
    member = MembershipFactory.create().user
    assert client.get(URL)["Location"] == f"/accounts/login/?next={URL}"
    assert client_for(member).get(URL).status_code == 403
    assert client_for(operator).get(URL).status_code == 200


def test_the_network_page_shows_the_tree_with_limits(operator: User) -> None:
    substation = FeederFactory.create(name="Riverside substation", limit_kw=Decimal(900))
    feeder = FeederFactory.create(name="Mill Lane", limit_kw=Decimal(180), parent=substation)
    link = InterconnectionFactory.create(name="PowerDale–national", feeder=substation)
    InterconnectionLimitFactory.create(
        interconnection=link,
        valid_from=timezone.now() - timedelta(days=1),
        import_kw=Decimal(2500),
        export_kw=Decimal(1200),
    )
    home = HouseholdFactory.create()
    FeederConnectionFactory.create(feeder=feeder, household=home)
    SolarArrayFactory.create(household=home, kwp=Decimal("4.20"))
    ElectricVehicleFactory.create(household=home, charger_max_kw=Decimal("11.00"))
    SolarArrayFactory.create(household__name="Off the map", kwp=Decimal(3))

    response = client_for(operator).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="import-kw">2500 kW' in html
    assert 'data-figure="export-kw">1200 kW' in html
    assert '<tr data-node="Mill Lane"><th scope="row" class="depth-1">Mill Lane</th>' in html
    row = html.split('data-node="Mill Lane"', 1)[1].split("</tr>", 1)[0]
    assert 'data-figure="limit">180</td>' in row
    assert 'data-figure="households">1</td>' in row
    assert 'data-figure="kwp">4.2</td>' in row
    assert 'data-figure="ev-kw">11.0</td>' in row
    top = html.split('data-node="Riverside substation"', 1)[1].split("</tr>", 1)[0]
    assert "<td>Substation</td>" in top
    assert 'data-figure="limit">900</td>' in top
    assert "Off the map" in html
    assert 'href="/operator/grid/"' in html
    grid_page = client_for(operator).get("/operator/grid/").content.decode()
    assert 'href="/operator/network/"' in grid_page


def test_the_network_page_says_when_no_network_is_stored(operator: User) -> None:
    html = client_for(operator).get(URL).content.decode()
    assert 'id="network-empty"' in html
    assert "No network is stored yet" in html
    assert "Every household is on a feeder." in html
