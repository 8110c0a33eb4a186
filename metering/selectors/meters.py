"""Reads of meters and their readings."""

from datetime import datetime

from django.db.models import QuerySet

from metering.energy import Sample
from metering.exceptions import MeterNotFoundError
from metering.models import Meter, Reading

METER_ID_MAX = Meter._meta.get_field("meter_id").max_length or 64


def meter_get(*, meter_id: str) -> Meter:
    # An id no column can hold (too long, or with a NUL PostgreSQL refuses) is just not there.
    storable = len(meter_id) <= METER_ID_MAX and "\x00" not in meter_id
    try:
        if not storable:
            raise Meter.DoesNotExist
        return Meter.objects.select_related("household").get(meter_id=meter_id)
    except Meter.DoesNotExist:
        raise MeterNotFoundError(f"No meter with id {meter_id!r}.") from None


def meter_reading_list(*, meter: Meter) -> QuerySet[Reading]:
    """The meter's readings, newest first."""
    return Reading.objects.filter(meter=meter).order_by("-time")


def meter_samples(
    *, meter: Meter, start: datetime | None = None, end: datetime | None = None
) -> list[Sample]:
    """(time, power_kw) of the meter in time order, within [start, end) when given."""
    readings = Reading.objects.filter(meter=meter)
    if start is not None:
        readings = readings.filter(time__gte=start)
    if end is not None:
        readings = readings.filter(time__lt=end)
    return list(readings.order_by("time").values_list("time", "power_kw"))
