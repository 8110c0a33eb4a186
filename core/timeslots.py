"""Time rules of the platform: UTC storage, 15-minute settlement slots, local calendar days.

A slot is the interval [start, start + 15 min) aligned on the quarter hour. Calendar logic
(days, months) uses ``settings.TIME_ZONE``; on DST days a local day has 92 or 100 slots.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

SLOT = timedelta(minutes=15)
_SLOT_SECONDS = int(SLOT.total_seconds())
SLOTS_PER_HOUR = Decimal(3600) / Decimal(_SLOT_SECONDS)  # kWh in a slot × this = average kW


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return moment


def slot_start(moment: datetime) -> datetime:
    """The start (UTC) of the slot that contains ``moment``."""
    epoch = int(require_aware(moment).timestamp())
    return datetime.fromtimestamp(epoch - epoch % _SLOT_SECONDS, tz=UTC)


def utc_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def local_date(moment: datetime, zone: ZoneInfo | None = None) -> date:
    return require_aware(moment).astimezone(zone or local_zone()).date()


def local_day_start(day: date, zone: ZoneInfo | None = None) -> datetime:
    """Local midnight of ``day`` as a UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=zone or local_zone()).astimezone(UTC)


@lru_cache(maxsize=262_144)
def local_parts(epoch: float) -> tuple[date, int, int]:
    """(local date, weekday with Monday = 0, minute of the day) of an instant in epoch seconds.

    Cached: the same slot starts recur for every household of a run."""
    local = datetime.fromtimestamp(epoch, UTC).astimezone(local_zone())
    return local.date(), local.weekday(), local.hour * 60 + local.minute


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
