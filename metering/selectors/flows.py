"""Reads of a household's energy flows: per bucket of the local calendar, or as arrays of its
slots for pricing in bulk. Everything here reads HouseholdSlots (never raw readings)."""

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
from core.units import ZERO
from households.models import Household
from metering.models import HouseholdSlot

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
