"""The grid operator's overview: per community and in total, consumption and production now
(the meters' latest readings) and over the last day (from HouseholdSlots, like everything
downstream of the rollup)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Sum

from core.units import ZERO
from households.models import Community
from metering.choices import MeterKind
from metering.models import HouseholdSlot, Meter
from metering.selectors.power import LIVE_KINDS, last_readings, silent_after

HOUR = timedelta(hours=1)
GRID_WINDOW_HOURS = 24


@dataclass
class CommunityGrid:
    id: int
    name: str
    consumption_kw: float = 0.0  # now, from the meters reporting
    production_kw: float = 0.0
    meters_reporting: int = 0
    consumption_kwh: Decimal = ZERO  # over the window
    production_kwh: Decimal = ZERO
    hourly_consumption_kwh: list[Decimal] = field(
        default_factory=lambda: [ZERO] * GRID_WINDOW_HOURS
    )
    hourly_production_kwh: list[Decimal] = field(default_factory=lambda: [ZERO] * GRID_WINDOW_HOURS)


@dataclass(frozen=True, slots=True)
class GridOverview:
    start: datetime  # the window: GRID_WINDOW_HOURS whole hours, the current one last
    end: datetime
    hours: list[datetime]
    communities: list[CommunityGrid]
    total: CommunityGrid


def grid_overview(*, now: datetime) -> GridOverview:
    """Per community (and in total): consumption and production now, over the last 24 hours
    and per hour of them."""
    end = now.replace(minute=0, second=0, microsecond=0) + HOUR
    start = end - GRID_WINDOW_HOURS * HOUR
    grids = {c.pk: CommunityGrid(c.pk, c.name) for c in Community.objects.all()}
    total = CommunityGrid(0, "All communities")

    live = last_readings(
        Meter.objects.filter(household__community__isnull=False, kind__in=LIVE_KINDS),
        newer_than=now - silent_after(),
    )
    for reading in live:
        kind, power_kw = reading.kind, reading.power_kw
        for grid in (grids[reading.community_id or 0], total):
            grid.meters_reporting += 1
            if kind == MeterKind.PRODUCTION:
                grid.production_kw += power_kw
                grid.consumption_kw += power_kw
            elif kind == MeterKind.GRID:
                grid.consumption_kw += power_kw
            else:  # a battery charging takes power away from the home's use
                grid.consumption_kw -= power_kw

    per_slot = (
        HouseholdSlot.objects.filter(
            start__gte=start, start__lt=end, household__community__isnull=False
        )
        .values("household__community_id", "start")
        .annotate(used=Sum("consumption_kwh"), made=Sum("production_kwh"))
        .order_by()
    )
    for row in per_slot:
        hour = int((row["start"] - start) // HOUR)
        used, made = row["used"] or ZERO, row["made"] or ZERO
        for grid in (grids[row["household__community_id"]], total):
            grid.consumption_kwh += used
            grid.production_kwh += made
            grid.hourly_consumption_kwh[hour] += used
            grid.hourly_production_kwh[hour] += made
    for grid in (*grids.values(), total):
        grid.consumption_kw = max(grid.consumption_kw, 0.0)
    hours = [start + i * HOUR for i in range(GRID_WINDOW_HOURS)]
    return GridOverview(start, end, hours, list(grids.values()), total)
