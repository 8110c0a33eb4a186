"""Query-string parameters, one parser per kind (date, instant, year, month, id, count), each
bounded.

Every query parameter of the API and the pages goes through one of these: a value that does not
parse, or lies outside [FIRST_DAY, LAST_DAY], is a 400 naming the parameter as the caller sent
it. The bounds keep calendar arithmetic (a day more, a year more, a time zone) far from Python's
year 1 and 9999, where it overflows.
"""

from datetime import UTC, date, datetime, time

from core.exceptions import InvalidParameterError

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
_FIRST_INSTANT = datetime.combine(FIRST_DAY, time.min, tzinfo=UTC)
_LAST_INSTANT = datetime.combine(LAST_DAY, time.max, tzinfo=UTC)
MAX_ID = 2**63 - 1  # a bigint primary key


def _invalid(name: str, problem: str) -> InvalidParameterError:
    return InvalidParameterError(f"{name} {problem}.", extra={"field": name})


def _range() -> str:
    return f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def parse_date(raw: str, name: str) -> date:
    """A calendar date, YYYY-MM-DD."""
    try:
        day = date.fromisoformat(raw) if raw.isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise _invalid(name, f"must be a date (YYYY-MM-DD), not {raw!r}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _invalid(name, f"must be a date {_range()}, not {raw!r}")
    return day


def parse_instant(raw: str, name: str) -> datetime:
    """An ISO 8601 time with a time zone offset."""
    try:
        moment = datetime.fromisoformat(raw) if raw.isascii() else None
    except ValueError:
        moment = None
    if moment is None:
        raise _invalid(name, f"must be an ISO 8601 time with offset, not {raw!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _invalid(name, "needs a time zone offset")
    if not _FIRST_INSTANT <= moment <= _LAST_INSTANT:
        raise _invalid(name, f"must be a time {_range()}, not {raw!r}")
    # In UTC: Python takes offsets up to ±23:59, PostgreSQL only to ±15:59.
    return moment.astimezone(UTC)


def parse_year(raw: str, name: str) -> int:
    """A year, four ASCII digits (no sign, exponent or separator)."""
    if not (raw.isascii() and raw.isdigit()):
        raise _invalid(name, f"must be a year (YYYY), not {raw!r}")
    if len(raw) > len("YYYY") or not FIRST_DAY.year <= int(raw) <= LAST_DAY.year:
        raise _invalid(name, f"must be a year between {FIRST_DAY.year} and {LAST_DAY.year}")
    return int(raw)


def parse_month(raw: str, name: str) -> date:
    """A calendar month, YYYY-MM (or a date in it, YYYY-MM-DD), as its first day."""
    text = f"{raw}-01" if len(raw) == len("YYYY-MM") else raw
    try:
        day = date.fromisoformat(text) if text.isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise _invalid(name, f"must be a month (YYYY-MM), not {raw!r}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _invalid(name, f"must be a month {_range()}, not {raw!r}")
    return day.replace(day=1)


def parse_id(raw: str, name: str) -> int:
    """A record id: a positive integer in ASCII digits."""
    if not _is_integer(raw) or int(raw) == 0:
        raise _invalid(name, f"must be an id (a positive integer), not {raw!r}")
    return int(raw)


def parse_count(raw: str, name: str) -> int:
    """A count: a non-negative integer in ASCII digits."""
    if not _is_integer(raw):
        raise _invalid(name, f"must be a non-negative integer, not {raw!r}")
    return int(raw)


def _is_integer(raw: str) -> bool:
    """ASCII digits of at most a bigint (int() takes other scripts' digits, and refuses more
    than 4,300 of them with a ValueError)."""
    return raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_ID)) and int(raw) <= MAX_ID
