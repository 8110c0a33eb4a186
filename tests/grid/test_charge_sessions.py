"""Plug-in, change, unplug: validated, and each followed by a plan made by a real worker."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grid.models import ChargeSession, ChargeSessionSource, ChargeSessionState, Feeder, Plan
from grid.services.sessions import (
    charge_session_plug_in,
    charge_session_unplug,
    charge_session_update,
)
from tests.grid.test_charging_plan import _car
from tests.households.factories import HouseholdFactory


def _wait_for_plans(count: int, timeout_s: float = 30.0) -> list[Plan]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        plans = list(Plan.objects.order_by("created_at"))
        if len(plans) >= count:
            return plans
        time.sleep(0.2)
    raise AssertionError(f"{count} plan(s) expected, {Plan.objects.count()} made")


@pytest.mark.usefixtures("celery_worker")
def test_a_plug_in_and_a_changed_departure_each_make_a_plan() -> None:
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(20))
    car, _ = _car(HouseholdFactory.create(), feeder)
    now = timezone.now()
    session = charge_session_plug_in(
        vehicle=car,
        departure_at=now + timedelta(hours=10),
        energy_needed_kwh=Decimal(12),
        source=ChargeSessionSource.PORTAL,
    )
    first = _wait_for_plans(1)[0]
    assert first.trigger == "plug-in"
    assert first.vehicles == 1
    assert first.delivered_kwh == Decimal("12.000")

    charge_session_update(session=session, energy_needed_kwh=Decimal(20))
    second = _wait_for_plans(2)[1]
    assert second.trigger == "session-changed"
    assert second.delivered_kwh == Decimal("20.000")

    charge_session_unplug(session=session)
    session.refresh_from_db()
    assert session.state == ChargeSessionState.DONE
    time.sleep(1)
    assert Plan.objects.count() == 2  # nothing plugged in: no plan


@pytest.mark.django_db
def test_a_car_plugged_in_twice_or_departing_before_it_arrives_is_refused() -> None:
    car, _ = _car(HouseholdFactory.create(), None)
    now = timezone.now()
    with pytest.raises(ValidationError, match="departure must be after"):
        charge_session_plug_in(
            vehicle=car,
            departure_at=now - timedelta(hours=1),
            energy_needed_kwh=Decimal(5),
            source=ChargeSessionSource.PARTNER,
            now=now,
        )
    charge_session_plug_in(
        vehicle=car,
        departure_at=now + timedelta(hours=1),
        energy_needed_kwh=Decimal(5),
        source=ChargeSessionSource.PARTNER,
    )
    with pytest.raises(ValidationError, match="already plugged in"):
        charge_session_plug_in(
            vehicle=car,
            departure_at=now + timedelta(hours=2),
            energy_needed_kwh=Decimal(5),
            source=ChargeSessionSource.PARTNER,
        )
    assert ChargeSession.objects.count() == 1
