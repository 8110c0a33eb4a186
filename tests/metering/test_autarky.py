"""Autarky of households and communities, from real readings through the rollup."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from households.models import Household
from metering.choices import MeterKind
from metering.selectors.autarky import community_autarky, household_autarky
from metering.services.rollup import slots_rollup
from tests.households.factories import CommunityFactory, HouseholdFactory
from tests.metering.factories import MeterFactory, feed

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
HOUR = 60
START, END = T0, T0 + timedelta(hours=1)


def home(
    *,
    grid: float,
    solar: float | None = None,
    battery: float | None = None,
    household: Household | None = None,
) -> Household:
    """A household whose meters hold constant power for an hour."""
    household = household or HouseholdFactory.create()
    feed(MeterFactory.create(household=household, kind=MeterKind.GRID), grid, T0, HOUR)
    if solar is not None:
        feed(MeterFactory.create(household=household, kind=MeterKind.PRODUCTION), solar, T0, HOUR)
    if battery is not None:
        feed(MeterFactory.create(household=household, kind=MeterKind.BATTERY), battery, T0, HOUR)
    return household


def test_solar_without_battery() -> None:
    household = home(grid=1.0, solar=3.0)  # uses 4 kW: 3 from the roof, 1 from the grid
    slots_rollup(now=T0 + timedelta(hours=2))
    autarky = household_autarky(household=household, start=START, end=END)
    assert autarky.import_kwh == Decimal("1.000000")
    assert autarky.consumption_kwh == Decimal("4.000000")
    assert autarky.ratio == pytest.approx(0.75)
    assert autarky.self_consumption_ratio == pytest.approx(1.0)


def test_battery_charged_from_solar() -> None:
    # 5 kW of solar: 2 kW into the battery, 1 kW exported, 2 kW used; nothing imported.
    household = home(grid=-1.0, solar=5.0, battery=2.0)
    slots_rollup(now=T0 + timedelta(hours=2))
    autarky = household_autarky(household=household, start=START, end=END)
    assert autarky.consumption_kwh == Decimal("2.000000")
    assert autarky.ratio == 1.0
    assert autarky.self_consumption_ratio == pytest.approx(0.8)


def test_battery_charged_from_the_grid_stays_within_bounds() -> None:
    # 3 kW imported of which 2.5 kW charge the battery: 0.5 kW used, all from the grid.
    household = home(grid=3.0, battery=2.5)
    slots_rollup(now=T0 + timedelta(hours=2))
    autarky = household_autarky(household=household, start=START, end=END)
    assert autarky.consumption_kwh == Decimal("0.500000")
    assert autarky.import_kwh == Decimal("3.000000")
    assert autarky.ratio == 0.0  # 1 − 3 / 0.5 = −5, clamped to 0


def test_a_battery_discharging_makes_a_home_autarkic() -> None:
    household = home(grid=0.0, battery=-1.5)  # the battery covers the whole 1.5 kW load
    slots_rollup(now=T0 + timedelta(hours=2))
    assert household_autarky(household=household, start=START, end=END).ratio == 1.0


def test_a_community_nets_its_members_inside_each_slot() -> None:
    community = CommunityFactory.create()
    exporter = home(grid=-2.0, solar=3.0, household=HouseholdFactory.create(community=community))
    importer = home(grid=2.0, household=HouseholdFactory.create(community=community))
    slots_rollup(now=T0 + timedelta(hours=2))
    # Alone, the importer draws everything from the grid...
    assert household_autarky(household=importer, start=START, end=END).ratio == 0.0
    assert household_autarky(household=exporter, start=START, end=END).ratio == 1.0
    # ...but in the community the exporter's surplus covers it in the same slots.
    together = community_autarky(community=community, start=START, end=END)
    assert together.import_kwh == Decimal(0)
    assert together.consumption_kwh == Decimal("3.000000")
    assert together.ratio == 1.0


def test_surplus_in_another_slot_does_not_count() -> None:
    community = CommunityFactory.create()
    morning = HouseholdFactory.create(community=community)
    evening = HouseholdFactory.create(community=community)
    feed(MeterFactory.create(household=morning, kind=MeterKind.GRID), -2.0, T0, 30)
    feed(MeterFactory.create(household=morning, kind=MeterKind.PRODUCTION), 2.0, T0, 30)
    later = T0 + timedelta(hours=2)
    feed(MeterFactory.create(household=evening, kind=MeterKind.GRID), 2.0, later, 30)
    slots_rollup(now=T0 + timedelta(hours=4))
    together = community_autarky(community=community, start=T0, end=T0 + timedelta(hours=3))
    assert together.import_kwh == Decimal("1.000000")
    assert together.ratio == 0.0


def test_nothing_consumed_has_no_ratio() -> None:
    household = HouseholdFactory.create()
    assert household_autarky(household=household, start=START, end=END).ratio is None
