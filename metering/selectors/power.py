"""What the meters say now: the latest reading of each power meter, if it is recent
(``METERING_SILENT_AFTER``). An older one says nothing about now; the operator's alerts list its
meter as silent instead."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from households.models import Household
from metering.choices import MeterKind
from metering.models import Meter, Reading

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
