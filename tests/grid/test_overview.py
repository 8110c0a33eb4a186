"""The grid operator's overview: per community, now and over the last day."""

from datetime import UTC, datetime, timedelta

import pytest

from grid.selectors.overview import grid_overview
from metering.choices import MeterKind
from metering.services.rollup import slots_rollup
from tests.households.factories import CommunityFactory
from tests.metering.factories import MeterFactory, feed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 12, 7, tzinfo=UTC)


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
