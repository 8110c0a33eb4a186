"""Samples out of request bodies, fast: orjson and a plain typed loop, no per-sample serializer
(PERFORMANCE.md: a DRF serializer would cap the API at ~55k readings/s).

Times are ISO 8601 with an offset, or epoch seconds; power is a number in kW. The ingestion
service checks the values (future, finite, bound); this module checks the types and names the
sample and field that are wrong.
"""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import orjson

from metering.energy import Sample
from metering.exceptions import InvalidReadingError

CSV_COLUMNS = ["time", "power_kw"]


def _invalid(where: str, problem: str) -> InvalidReadingError:
    return InvalidReadingError(f"{where} {problem}.", extra={"field": where})


def parse_time(value: object, where: str) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _invalid(where, "is not an ISO 8601 time or epoch seconds") from None
        if moment.tzinfo is None:
            raise _invalid(where, "has no time zone offset")
        return moment
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise _invalid(where, "is out of range") from None
    raise _invalid(where, "is not an ISO 8601 time or epoch seconds")


def samples_from_json(body: bytes) -> list[Sample]:
    """Samples of a ``{"readings": [{"time": ..., "power_kw": ...}, ...]}`` body."""
    try:
        document: Any = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidReadingError(
            f"The body is not valid JSON: {exc}.", code="malformed_json"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("readings"), list):
        raise _invalid("readings", "must be a list of {time, power_kw} objects")
    samples: list[Sample] = []
    append = samples.append
    for index, item in enumerate(document["readings"]):
        if not isinstance(item, dict):
            raise _invalid(f"readings[{index}]", "is not an object with time and power_kw")
        power = item.get("power_kw")
        if not isinstance(power, float | int) or isinstance(power, bool):
            raise _invalid(f"readings[{index}].power_kw", "is not a number")
        append((parse_time(item.get("time"), f"readings[{index}].time"), float(power)))
    return samples


def samples_from_csv(text: str) -> list[Sample]:
    """Samples of a CSV body with a ``time,power_kw`` header, for backfills."""
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)  # the csv module refuses some bodies (a bare CR in a field)
    except csv.Error as exc:
        raise _invalid(f"row {reader.line_num}", f"is not CSV ({exc})") from None
    iterator = iter(rows)
    header = [column.strip() for column in next(iterator, [])]
    if header != CSV_COLUMNS:
        raise _invalid("header", f"must be {','.join(CSV_COLUMNS)}, not {','.join(header)!r}")
    samples: list[Sample] = []
    for index, row in enumerate(iterator):
        if not row:
            continue
        where = f"row {index + 2}"
        if len(row) != len(CSV_COLUMNS):
            raise _invalid(where, f"has {len(row)} columns instead of 2")
        raw_time, raw_power = row[0].strip(), row[1].strip()
        try:
            power = float(raw_power)
        except ValueError:
            raise _invalid(f"{where} power_kw", "is not a number") from None
        try:
            moment: object = float(raw_time)
        except ValueError:
            moment = raw_time
        append_time = parse_time(moment, f"{where} time")
        samples.append((append_time, power))
    return samples
