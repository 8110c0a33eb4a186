"""A car's plug-in, its changed departure or need, its unplugging: each a new plan soon after
(the plan task is sent once the change is committed)."""

from datetime import datetime
from decimal import Decimal

from celery import current_app
from django.db import transaction
from django.utils import timezone

from grid.models import ChargeSession, ChargeSessionSource, ChargeSessionState
from households.models import ElectricVehicle

# Sent by name: grid.tasks runs services, so importing it here would close an import cycle.
CHARGING_PLAN_TASK = "grid.charging_plan_run"


def _replan_after_commit(trigger: str) -> None:
    transaction.on_commit(
        lambda: current_app.send_task(CHARGING_PLAN_TASK, kwargs={"trigger": trigger})
    )


def charge_session_plug_in(
    *,
    vehicle: ElectricVehicle,
    departure_at: datetime,
    energy_needed_kwh: Decimal,
    source: ChargeSessionSource,
    now: datetime | None = None,
) -> ChargeSession:
    """Opens the car's session (refused by validation when it is already plugged in)."""
    with transaction.atomic():
        session = ChargeSession(
            vehicle=vehicle,
            plugged_in_at=now or timezone.now(),
            departure_at=departure_at,
            energy_needed_kwh=energy_needed_kwh,
            source=source,
        )
        session.full_clean()
        session.save()
        _replan_after_commit("plug-in")
    return session


def charge_session_update(
    *,
    session: ChargeSession,
    departure_at: datetime | None = None,
    energy_needed_kwh: Decimal | None = None,
) -> ChargeSession:
    with transaction.atomic():
        if departure_at is not None:
            session.departure_at = departure_at
        if energy_needed_kwh is not None:
            session.energy_needed_kwh = energy_needed_kwh
        session.full_clean()
        session.save(update_fields=["departure_at", "energy_needed_kwh", "updated_at"])
        _replan_after_commit("session-changed")
    return session


def charge_session_unplug(*, session: ChargeSession, now: datetime | None = None) -> ChargeSession:
    with transaction.atomic():
        session.unplugged_at = now or timezone.now()
        session.state = ChargeSessionState.DONE
        session.save(update_fields=["unplugged_at", "state", "updated_at"])
        _replan_after_commit("unplug")
    return session
