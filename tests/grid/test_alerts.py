"""The grid operator's alerts: silent meters and faulty rollup blocks."""

from datetime import UTC, datetime, timedelta

import pytest

from grid.selectors.alerts import AlertKind, alert_list
from metering.choices import BlockState
from metering.models import SlotBlock
from tests.households.factories import HouseholdFactory
from tests.metering.factories import MeterFactory, feed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 12, 7, tzinfo=UTC)


def test_alerts_name_silent_meters_and_faulty_blocks() -> None:
    household = HouseholdFactory.create(name="Quiet home")
    quiet = MeterFactory.create(household=household, meter_id="quiet")
    chatty = MeterFactory.create(household=household, meter_id="chatty")
    MeterFactory.create(household=household, meter_id="never")  # no reading: not watched
    feed(quiet, 1.0, NOW - timedelta(minutes=40), 0)
    feed(chatty, 1.0, NOW - timedelta(minutes=1), 0)
    SlotBlock.objects.filter(meter=chatty).update(
        state=BlockState.FAULTY, attempts=2, error="boom", updated_at=NOW
    )

    alerts = alert_list(now=NOW)

    assert [(a.kind, a.meter_id, a.household) for a in alerts] == [
        (AlertKind.ROLLUP_FAULTY, "chatty", "Quiet home"),
        (AlertKind.METER_SILENT, "quiet", "Quiet home"),
    ]
    assert alerts[1].message == "No reading for 40 minutes."
    assert alerts[0].message == "Slots of 2026-11-02 (UTC) failed 2 times: boom"


def test_a_plan_from_the_fallback_is_an_alert_until_a_solved_plan_replaces_it() -> None:
    from grid.models import Plan

    def plan(status: str) -> Plan:
        return Plan.objects.create(
            start=NOW, slots=4, trigger="beat", status=status, objective="min_cost", cost_eur=0,
            demand_kwh=0, delivered_kwh=0, solve_seconds=30.0, build_seconds=0, rows=0, cols=0,
            nonzeros=0, vehicles=1, batteries=0,
        )  # fmt: skip

    plan("time_limit_fallback")
    (alert,) = alert_list(now=NOW)
    assert alert.kind == AlertKind.PLAN_FALLBACK
    assert "time_limit_fallback" in alert.message
    plan("optimal")
    assert alert_list(now=NOW) == []
