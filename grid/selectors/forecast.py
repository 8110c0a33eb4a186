"""What each feeder will draw without the flexible loads the planner moves: its households'
net import in the same slot of the week (local time) over the last weeks, less what their cars
drew then (the planner places the cars itself)."""

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute

from grid.models import FeederConnection
from metering.choices import MeterKind
from metering.models import EnergySlot, HouseholdSlot

HISTORY_WEEKS = 4
SLOT_HOURS = 0.25

WeekSlot = tuple[int, int, int]  # ISO weekday, local hour, local minute


def _week_slot(moment: datetime, zone: ZoneInfo) -> WeekSlot:
    local = moment.astimezone(zone)
    return local.isoweekday(), local.hour, local.minute


def feeder_base_load_kw(*, starts: list[datetime], now: datetime) -> dict[int | None, list[float]]:
    """Per feeder id (None: households on no feeder), the forecast base load (kW) of each slot
    in ``starts``; a feeder with no history forecasts 0 kW."""
    zone = ZoneInfo(settings.TIME_ZONE)
    since = now - timedelta(weeks=HISTORY_WEEKS)
    by_slot: dict[int | None, dict[WeekSlot, float]] = defaultdict(dict)

    def feeder_of(household: str) -> Subquery:
        return Subquery(
            FeederConnection.objects.filter(household_id=OuterRef(household)).values("feeder_id")[
                :1
            ]
        )

    def grouped(queryset: object, energy: object, household: str) -> object:
        return (
            queryset.filter(start__gte=since, start__lt=now)  # type: ignore[attr-defined]
            .annotate(
                feeder=feeder_of(household),
                dow=ExtractIsoWeekDay("start", tzinfo=zone),
                hour=ExtractHour("start", tzinfo=zone),
                minute=ExtractMinute("start", tzinfo=zone),
            )
            .values("feeder", "dow", "hour", "minute")
            .annotate(kwh=Sum(energy), days=Count("start", distinct=True))
        )

    net = grouped(HouseholdSlot.objects, F("import_kwh") - F("export_kwh"), "household_id")
    cars = grouped(
        EnergySlot.objects.filter(meter__kind=MeterKind.EV, meter__household__isnull=False),
        F("charge_kwh"),
        "meter__household_id",
    )
    for sign, rows in ((1.0, net), (-1.0, cars)):
        for row in rows:  # type: ignore[attr-defined]
            key = (row["dow"], row["hour"], row["minute"])
            # kWh over the weeks seen → mean kW of one slot.
            mean_kw = float(row["kwh"]) / max(row["days"], 1) / SLOT_HOURS
            feeder_slots = by_slot[row["feeder"]]
            feeder_slots[key] = feeder_slots.get(key, 0.0) + sign * mean_kw
    wanted = [_week_slot(start, zone) for start in starts]
    return {feeder: [slots.get(key, 0.0) for key in wanted] for feeder, slots in by_slot.items()}
