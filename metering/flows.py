"""Reads of household and community energy: flows per bucket and autarky over a period.

Everything here reads HouseholdSlots (never raw readings). Buckets follow the local calendar.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncMonth

from core.timeslots import local_zone
from households.models import Community, Household
from metering.models import HouseholdSlot

ZERO = Decimal(0)
FLOW_FIELDS = (
    "import_kwh",
    "export_kwh",
    "production_kwh",
    "charge_kwh",
    "discharge_kwh",
    "consumption_kwh",
    "self_consumed_kwh",
    "direct_solar_kwh",
)


class Resolution(StrEnum):
    SLOT = "slot"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class FlowBucket:
    start: datetime
    import_kwh: Decimal
    export_kwh: Decimal
    production_kwh: Decimal
    charge_kwh: Decimal
    discharge_kwh: Decimal
    consumption_kwh: Decimal
    self_consumed_kwh: Decimal
    direct_solar_kwh: Decimal
    slots: int
    complete_slots: int


@dataclass(frozen=True, slots=True)
class Autarky:
    """1 − Σ import / Σ consumption (clamped to 0–1), with the kWh beside it; None when
    nothing was consumed. Self-consumption: the share of production not exported."""

    ratio: float | None
    import_kwh: Decimal
    consumption_kwh: Decimal
    production_kwh: Decimal
    export_kwh: Decimal
    self_consumption_ratio: float | None


def household_slots(
    *, household: Household, start: datetime, end: datetime
) -> QuerySet[HouseholdSlot]:
    return HouseholdSlot.objects.filter(household=household, start__gte=start, start__lt=end)


def household_flows(
    *, household: Household, start: datetime, end: datetime, resolution: Resolution
) -> list[FlowBucket]:
    """The household's flows per bucket in [start, end), in its local calendar."""
    slots = household_slots(household=household, start=start, end=end)
    zone = local_zone()
    truncate = {
        Resolution.HOUR: TruncHour("start", tzinfo=zone),
        Resolution.DAY: TruncDay("start", tzinfo=zone),
        Resolution.MONTH: TruncMonth("start", tzinfo=zone),
    }.get(resolution)
    bucket = truncate if truncate is not None else F("start")
    rows: Iterable[Mapping[str, Any]] = (
        slots.annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            **{field: Sum(field) for field in FLOW_FIELDS},
            slots=Count("start"),
            complete_slots=Count("start", filter=Q(complete=True)),
        )
        .order_by("bucket")
    )
    return [
        FlowBucket(
            start=row["bucket"],
            **{field: row[field] or ZERO for field in FLOW_FIELDS},
            slots=row["slots"],
            complete_slots=row["complete_slots"],
        )
        for row in rows
    ]


def household_autarky(*, household: Household, start: datetime, end: datetime) -> Autarky:
    sums = household_slots(household=household, start=start, end=end).aggregate(
        imp=Sum("import_kwh"),
        used=Sum("consumption_kwh"),
        prod=Sum("production_kwh"),
        exp=Sum("export_kwh"),
    )
    return _autarky(sums["imp"], sums["used"], sums["prod"], sums["exp"])


def community_autarky(*, community: Community, start: datetime, end: datetime) -> Autarky:
    """Members are netted inside each slot: one member's export covers another's import."""
    per_slot = (
        HouseholdSlot.objects.filter(
            household__community=community, start__gte=start, start__lt=end
        )
        .values("start")
        .annotate(
            imp=Sum("import_kwh"),
            exp=Sum("export_kwh"),
            used=Sum("consumption_kwh"),
            prod=Sum("production_kwh"),
        )
        .order_by()
    )
    return community_autarky_of(per_slot)


def community_autarky_of(per_slot: Iterable[Mapping[str, Any]]) -> Autarky:
    imported = exported = used = produced = ZERO
    for row in per_slot:
        net = (row["imp"] or ZERO) - (row["exp"] or ZERO)
        imported += max(net, ZERO)
        exported += max(-net, ZERO)
        used += row["used"] or ZERO
        produced += row["prod"] or ZERO
    return _autarky(imported, used, produced, exported)


def _autarky(
    imported: Decimal | None,
    used: Decimal | None,
    produced: Decimal | None,
    exported: Decimal | None,
) -> Autarky:
    imported, used = imported or ZERO, used or ZERO
    produced, exported = produced or ZERO, exported or ZERO
    ratio = None if used <= 0 else min(max(1.0 - float(imported / used), 0.0), 1.0)
    self_use = None if produced <= 0 else min(max(1.0 - float(exported / produced), 0.0), 1.0)
    return Autarky(ratio, imported, used, produced, exported, self_use)


@dataclass(frozen=True, slots=True)
class SlotArrays:
    """A household's slots as arrays (epoch seconds and floats), for pricing in bulk."""

    starts: npt.NDArray[np.float64]
    imports: npt.NDArray[np.float64]
    exports: npt.NDArray[np.float64]
    consumption: npt.NDArray[np.float64]
    complete: npt.NDArray[np.bool_]


def household_slot_arrays(*, household_id: int, start: datetime, end: datetime) -> SlotArrays:
    """The household's slots in [start, end), in time order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM start)::float8, import_kwh::float8, "
            "export_kwh::float8, consumption_kwh::float8, complete "
            "FROM metering_householdslot WHERE household_id = %s AND start >= %s "
            "AND start < %s ORDER BY start",
            [household_id, start, end],
        )
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return SlotArrays(
        starts=np.array(columns[0], dtype=np.float64),
        imports=np.array(columns[1], dtype=np.float64),
        exports=np.array(columns[2], dtype=np.float64),
        consumption=np.array(columns[3], dtype=np.float64),
        complete=np.array(columns[4], dtype=bool),
    )
