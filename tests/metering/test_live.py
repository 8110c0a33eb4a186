"""Power now, the grid overview and the operator's alerts, from real readings and slots."""

from datetime import UTC, datetime, timedelta

import pytest

from grid.selectors.alerts import AlertKind, alert_list
from grid.selectors.overview import grid_overview
from metering.choices import BlockState, MeterKind
from metering.models import SlotBlock
from metering.selectors.power import household_power_now
from metering.services.rollup import slots_rollup
from tests.households.factories import CommunityFactory, HouseholdFactory
from tests.metering.factories import MeterFactory, feed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 12, 7, tzinfo=UTC)


def test_power_now_takes_each_meters_latest_fresh_reading() -> None:
    household = HouseholdFactory.create()
    grid = MeterFactory.create(household=household, kind=MeterKind.GRID)
    solar = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    battery = MeterFactory.create(household=household, kind=MeterKind.BATTERY)
    feed(grid, 0.4, NOW - timedelta(minutes=10), 5)
    feed(grid, -1.0, NOW - timedelta(minutes=2), 0)
    feed(solar, 3.0, NOW - timedelta(minutes=1), 0)
    feed(battery, 0.5, NOW - timedelta(hours=1), 0)  # silent for an hour: not "now"

    power = household_power_now(household=household, now=NOW)

    assert (power.grid_kw, power.solar_kw, power.battery_kw) == (-1.0, 3.0, None)
    assert power.consumption_kw == 2.0
    assert power.at == NOW - timedelta(minutes=1)


def test_grid_overview_per_community_now_and_over_the_last_day() -> None:
    river, hill = CommunityFactory.create(name="River"), CommunityFactory.create(name="Hill")
    a = MeterFactory.create(household__community=river, kind=MeterKind.GRID)
    b = MeterFactory.create(household__community=hill, kind=MeterKind.GRID)
    sun = MeterFactory.create(household=b.household, kind=MeterKind.PRODUCTION)
    start = NOW - timedelta(hours=2, minutes=7)  # 10:00 UTC
    feed(a, 2.0, start, 127)
    feed(b, -1.0, start, 127)
    feed(sun, 3.0, start, 127)
    slots_rollup(now=NOW)

    overview = grid_overview(now=NOW)

    assert overview.end == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    assert overview.hours[-1] == datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    by_name = {c.name: c for c in overview.communities}
    assert by_name["River"].consumption_kw == 2.0
    assert (by_name["Hill"].consumption_kw, by_name["Hill"].production_kw) == (2.0, 3.0)
    assert overview.total.meters_reporting == 3
    assert float(by_name["River"].hourly_consumption_kwh[-3]) == pytest.approx(2.0)  # 10–11 h
    assert float(by_name["Hill"].hourly_production_kwh[-2]) == pytest.approx(3.0)
    assert overview.total.consumption_kwh == (
        by_name["River"].consumption_kwh + by_name["Hill"].consumption_kwh
    )
    assert overview.total.hourly_consumption_kwh[:-3] == [0] * 21


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
