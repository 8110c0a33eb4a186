"""Malfunction alerts for the grid operator, derived from the data as it is: meters that
stopped reporting, and rollup blocks that failed (FAULTY, with their error)."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from grid.models import Plan
from metering.choices import BlockState
from metering.models import Meter, SlotBlock
from metering.selectors.power import LIVE_KINDS, last_readings, silent_after

# A plan the feeder-aware greedy made because HiGHS failed or ran out of time.
FALLBACK_STATUSES = ("time_limit_fallback", "solver_fallback")


class AlertKind(StrEnum):
    METER_SILENT = "meter_silent"
    ROLLUP_FAULTY = "rollup_faulty"
    PLAN_FALLBACK = "plan_fallback"


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    meter_id: str
    household: str | None
    since: datetime
    message: str


def alert_list(*, now: datetime) -> list[Alert]:
    """Newest first. A meter of a household is silent when its last reading is older than
    ``METERING_SILENT_AFTER_MINUTES`` (a meter with no reading left at all is not watched:
    it never reported, or its readings are past the retention)."""
    alerts: list[Alert] = []
    silent = last_readings(
        Meter.objects.filter(household__isnull=False, kind__in=LIVE_KINDS),
        older_than=now - silent_after(),
    )
    for reading in silent:
        minutes = int((now - reading.time).total_seconds() // 60)
        alerts.append(
            Alert(
                AlertKind.METER_SILENT,
                reading.meter_id,
                reading.household,
                reading.time,
                f"No reading for {minutes} minutes.",
            )
        )
    faulty = SlotBlock.objects.filter(state=BlockState.FAULTY).select_related("meter__household")
    for block in faulty.order_by("day", "meter_id"):
        household = block.meter.household
        alerts.append(
            Alert(
                AlertKind.ROLLUP_FAULTY,
                block.meter.meter_id,
                household.name if household else None,
                block.updated_at,
                f"Slots of {block.day} (UTC) failed {block.attempts} times: {block.error}",
            )
        )
    latest = Plan.objects.order_by("-created_at", "-pk").first()
    if latest is not None and latest.status in FALLBACK_STATUSES:
        alerts.append(
            Alert(
                AlertKind.PLAN_FALLBACK,
                "",
                None,
                latest.created_at,
                f"The charging plan of {latest.start:%Y-%m-%d %H:%M} UTC came from the "
                f"fallback ({latest.status}): safe, but not the cheapest.",
            )
        )
    return sorted(alerts, key=lambda alert: alert.since, reverse=True)
