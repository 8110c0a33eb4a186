"""Periods in query strings: ``from``/``to`` as local dates (YYYY-MM-DD, whole days in the local
calendar) or ISO 8601 instants with an offset; a bad one is a 400 that names the parameter
(``invalid_parameter``), a period that does not hold together too (``invalid_period``)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from core.api.query import parse_date, parse_instant
from core.exceptions import InvalidPeriodError
from core.timeslots import local_date, local_day_start

# What parse_instant reads, for the OpenAPI schema of ``from``/``to`` query parameters.
INSTANT_SCHEMA = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        return (self.end - self.start) / timedelta(days=1)


def period_bound(raw: str, name: str, *, end: bool = False) -> datetime:
    """A local date means its midnight (for ``to``, the midnight that ends it); anything else
    must be an ISO 8601 time with offset. Both are bounded (core.api.query)."""
    if len(raw) == len("YYYY-MM-DD"):
        day = parse_date(raw, name)
        return local_day_start(day + timedelta(days=1) if end else day)
    return parse_instant(raw, name)


def period_from_query(params: Mapping[str, str], *, max_days: float = 3660) -> Period:
    """The period [from, to) of a request; by default, today in the local calendar."""
    today = local_date(timezone.now())
    start = period_bound(params["from"], "from") if params.get("from") else local_day_start(today)
    end = (
        period_bound(params["to"], "to", end=True)
        if params.get("to")
        else local_day_start(local_date(start) + timedelta(days=1))
    )
    if end <= start:
        raise InvalidPeriodError("to must come after from.", extra={"field": "to"})
    period = Period(start, end)
    if period.days > max_days:
        raise InvalidPeriodError(
            f"The period is longer than {max_days:g} days at this resolution.",
            extra={"field": "to", "max_days": max_days},
        )
    return period
