"""What a household's meters say now."""

from datetime import UTC, datetime, timedelta

import pytest

from metering.choices import MeterKind
from metering.selectors.power import household_power_now
from tests.households.factories import HouseholdFactory
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
