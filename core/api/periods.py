"""Periods in query strings: ``from``/``to`` as local dates (YYYY-MM-DD, whole days in the local
calendar) or ISO 8601 instants with an offset; a bad one is a 400 that names the parameter."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from core.exceptions import ApplicationError
from core.timeslots import local_date, local_day_start

# What parse_instant reads, for the OpenAPI schema of ``from``/``to`` query parameters.
INSTANT_SCHEMA = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}


class InvalidPeriodError(ApplicationError):
    code = "invalid_period"


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        return (self.end - self.start) / timedelta(days=1)


def parse_instant(raw: str, name: str, *, end: bool = False) -> datetime:
    """A local date means its midnight (for ``to``, the midnight that ends it)."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        pass
    else:
        return local_day_start(day + timedelta(days=1) if end else day)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidPeriodError(
            f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 time with offset, not {raw!r}.",
            extra={"field": name},
        ) from None
    if moment.tzinfo is None:
        raise InvalidPeriodError(f"{name} needs a time zone offset.", extra={"field": name})
    # In UTC: Python takes offsets up to ±23:59, PostgreSQL only to ±15:59.
    return moment.astimezone(UTC)


def period_from_query(params: Mapping[str, str], *, max_days: float = 3660) -> Period:
    """The period [from, to) of a request; by default, today in the local calendar."""
    today = local_date(timezone.now())
    start = parse_instant(params["from"], "from") if params.get("from") else local_day_start(today)
    end = (
        parse_instant(params["to"], "to", end=True)
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
