"""A member plugs the car in from My installation, changes the departure, unplugs it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grid.models import ChargeSession, ChargeSessionSource, ChargeSessionState
from tests.grid.test_charging_plan import _car
from tests.households.factories import HouseholdFactory, MembershipFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def _member_and_car():  # type: ignore[no-untyped-def]
    household = HouseholdFactory.create()
    member = MembershipFactory.create(household=household).user
    car, _ = _car(household, None)
    url = f"/households/{household.pk}/installation/vehicles/{car.pk}/session"
    return client_for(member), car, url


def _local(moment) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_member_plugs_in_changes_and_unplugs_the_car() -> None:
    client, car, url = _member_and_car()
    prefix = f"session-{car.pk}"
    leaving = timezone.now() + timedelta(hours=10)
    plugged = client.post(url, {"action": "plug-in", f"{prefix}-departure_at": _local(leaving),
                                f"{prefix}-energy_needed_kwh": "12"})  # fmt: skip
    assert plugged.status_code == 302
    session = ChargeSession.objects.get(vehicle=car)
    assert session.source == ChargeSessionSource.PORTAL
    assert session.energy_needed_kwh == Decimal(12)
    assert abs((session.departure_at - leaving).total_seconds()) < 60

    later = leaving + timedelta(hours=1)
    client.post(url, {"action": "change", f"{prefix}-departure_at": _local(later),
                      f"{prefix}-energy_needed_kwh": "15"})  # fmt: skip
    session.refresh_from_db()
    assert session.energy_needed_kwh == Decimal(15)
    assert abs((session.departure_at - later).total_seconds()) < 60

    client.post(url, {"action": "unplug"})
    session.refresh_from_db()
    assert session.state == ChargeSessionState.DONE
    assert session.unplugged_at is not None


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written() -> None:
    client, car, url = _member_and_car()
    prefix = f"session-{car.pk}"
    past = _local(timezone.now() - timedelta(hours=2))

    def plug(departure: str, need: str) -> dict[str, str]:
        return {
            "action": "plug-in",
            f"{prefix}-departure_at": departure,
            f"{prefix}-energy_needed_kwh": need,
        }

    cases = [
        (plug("soon", "5"), "Leaving at"),
        (plug(past, "5"), "Leaving at"),
        (plug(past, "-1"), "Energy needed"),
        ({"action": "fly"}, "unknown action"),
    ]
    for body, message in cases:
        page = client.post(url, body)
        assert page.status_code == 400, body
        assert message in page.content.decode(), body
    assert not ChargeSession.objects.exists()


def test_another_households_member_gets_404() -> None:
    _, car, url = _member_and_car()
    stranger = MembershipFactory.create().user
    page = client_for(stranger).post(url, {"action": "unplug"})
    assert page.status_code == 404
    assert car.pk
