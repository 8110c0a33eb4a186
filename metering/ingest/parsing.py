"""Samples out of request bodies, fast: orjson and a plain typed loop, no per-sample serializer
(PERFORMANCE.md: a DRF serializer would cap the API at ~55k readings/s).

Times are ISO 8601 with an offset, or epoch seconds; power is a number in kW. The ingestion
service checks the values (future, finite, bound); this module checks the types and names the
sample and field that are wrong.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from core.api.parsing import json_body
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
    document = json_body(body)
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


# An ASCII decimal number: float() also takes the digits of other scripts (full-width,
# Arabic-Indic...) and underscores (1_0 is 10), which no meter writes.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


@dataclass(frozen=True, slots=True)
class CsvSamples:
    samples: list[Sample]
    rows: list[int]  # the line number of each sample (blank lines are skipped)

    def field_name(self, index: int, field: str) -> str:
        """How a CSV body names a sample's field: ``row 2 time``."""
        return f"row {self.rows[index]} {field}"


def samples_from_csv(text: str) -> CsvSamples:
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
    # Checked as a whole in C: a body of ASCII without underscores holds nothing float() takes
    # that is not an ASCII decimal number (inf and nan are refused later, as not finite).
    check_each = not text.isascii() or "_" in text
    parsed = CsvSamples([], [])
    for index, row in enumerate(iterator):
        if not row:
            continue
        line = index + 2
        where = f"row {line}"
        if len(row) != len(CSV_COLUMNS):
            raise _invalid(where, f"has {len(row)} columns instead of 2")
        raw_time, raw_power = row[0].strip(), row[1].strip()
        if check_each and not _DECIMAL.fullmatch(raw_power):
            raise _invalid(f"{where} power_kw", "is not a decimal number in ASCII digits")
        try:
            power = float(raw_power)
        except ValueError:
            raise _invalid(f"{where} power_kw", "is not a number") from None
        moment: object = raw_time
        try:
            if not check_each or _DECIMAL.fullmatch(raw_time):
                moment = float(raw_time)
        except ValueError:
            pass  # not epoch seconds: an ISO 8601 time, or refused as neither
        parsed.samples.append((parse_time(moment, f"{where} time"), power))
        parsed.rows.append(line)
    return parsed
