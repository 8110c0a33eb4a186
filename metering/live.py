"""What the meters say now, and the grid over the last day.

"Now" is the latest reading of each power meter, if it is recent (``METERING_SILENT_AFTER``):
an older one says nothing about now, and its meter shows up among the alerts instead. The last
day is read from HouseholdSlots, like everything downstream of the rollup.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum

from households.models import Community, Household
from metering.choices import MeterKind
from metering.models import HouseholdSlot, Meter, Reading

ZERO = Decimal(0)
HOUR = timedelta(hours=1)
GRID_WINDOW_HOURS = 24
# Meters whose power says what a home draws, makes or stores now (an EV's charge is part of
# what the grid meter draws).
LIVE_KINDS = (MeterKind.GRID, MeterKind.PRODUCTION, MeterKind.BATTERY)


def silent_after() -> timedelta:
    return timedelta(minutes=settings.METERING_SILENT_AFTER_MINUTES)


@dataclass(frozen=True, slots=True)
class LastReading:
    meter_id: str
    kind: str
    household: str | None
    community_id: int | None
    time: datetime
    power_kw: float


def last_readings(
    meters: QuerySet[Meter],
    *,
    newer_than: datetime | None = None,
    older_than: datetime | None = None,
) -> list[LastReading]:
    """The latest reading of each meter that has one (one index probe per meter), optionally
    only where it is at least ``newer_than`` or older than ``older_than``."""
    latest = Reading.objects.filter(meter=OuterRef("pk")).order_by("-time")
    rows = meters.annotate(
        last_time=Subquery(latest.values("time")[:1]),
        last_kw=Subquery(latest.values("power_kw")[:1]),
    ).filter(last_time__isnull=False)
    if newer_than is not None:
        rows = rows.filter(last_time__gte=newer_than)
    if older_than is not None:
        rows = rows.filter(last_time__lt=older_than)
    return [
        LastReading(*row)
        for row in rows.order_by("meter_id").values_list(
            "meter_id", "kind", "household__name", "household__community_id", "last_time", "last_kw"
        )
    ]


@dataclass(frozen=True, slots=True)
class PowerNow:
    """kW now: grid > 0 drawn, < 0 fed in; solar produced; battery > 0 charging, < 0
    discharging. None where the household has no such meter reporting now."""

    grid_kw: float | None
    solar_kw: float | None
    battery_kw: float | None
    at: datetime | None  # the newest reading used

    @property
    def consumption_kw(self) -> float | None:
        if self.grid_kw is None and self.solar_kw is None:
            return None
        used = (self.grid_kw or 0.0) + (self.solar_kw or 0.0) - (self.battery_kw or 0.0)
        return max(used, 0.0)


def household_power_now(*, household: Household, now: datetime) -> PowerNow:
    readings = last_readings(
        Meter.objects.filter(household=household, kind__in=LIVE_KINDS),
        newer_than=now - silent_after(),
    )
    by_kind: dict[str, float] = {}
    for reading in readings:
        by_kind[reading.kind] = by_kind.get(reading.kind, 0.0) + reading.power_kw
    return PowerNow(
        grid_kw=by_kind.get(MeterKind.GRID),
        solar_kw=by_kind.get(MeterKind.PRODUCTION),
        battery_kw=by_kind.get(MeterKind.BATTERY),
        at=max((reading.time for reading in readings), default=None),
    )


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
