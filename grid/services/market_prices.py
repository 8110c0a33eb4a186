"""Day-ahead market prices from a file: the ENTSO-E Transparency Platform's CSV export (hourly
or 15-minute MTUs in local time, EUR/MWh) or a plain ``start,price`` CSV (ISO start, EUR/kWh).

A file is taken whole or not at all: a gap, an overlap, a slot twice or a price that is not a
number refuses it, naming the line."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from grid.exceptions import MarketPriceFileError
from grid.models import MarketPrice

SLOT = timedelta(minutes=15)
MWH = Decimal(1000)
PRICE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class PriceRow:
    line: int
    start: datetime
    end: datetime
    price: Decimal  # EUR/kWh


def _refuse(line: int, message: str) -> MarketPriceFileError:
    return MarketPriceFileError(f"Line {line}: {message}", extra={"line": line})


def _number(text: str, line: int) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise _refuse(line, f"the price {text!r} is not a number.") from None
    if not value.is_finite():
        raise _refuse(line, f"the price {text!r} is not a number.")
    return value


def _entsoe_rows(rows: list[list[str]], header: list[str]) -> list[PriceRow]:
    mtu = next((i for i, name in enumerate(header) if name.strip().startswith("MTU")), None)
    price = next(
        (i for i, name in enumerate(header) if name.strip().startswith("Day-ahead Price")), None
    )
    if mtu is None or price is None:
        raise _refuse(1, "no 'MTU' and 'Day-ahead Price [EUR/MWh]' columns.")
    zone = ZoneInfo(settings.TIME_ZONE)
    parsed: list[PriceRow] = []
    previous_end_utc: datetime | None = None
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            start_text, end_text = (part.strip() for part in row[mtu].split(" - "))
            start_local = datetime.strptime(start_text[:16], "%d.%m.%Y %H:%M")  # noqa: DTZ007
            end_local = datetime.strptime(end_text[:16], "%d.%m.%Y %H:%M")  # noqa: DTZ007
        except (ValueError, IndexError):
            raise _refuse(
                number,
                f"the period {row[mtu] if row else ''!r} is not 'dd.mm.yyyy HH:MM - "
                "dd.mm.yyyy HH:MM'.",
            ) from None
        start = start_local.replace(tzinfo=zone)
        # The autumn's repeated hour: the second time, the later (standard-time) instant.
        if previous_end_utc is not None and start.astimezone(ZoneInfo("UTC")) < previous_end_utc:
            later = start_local.replace(tzinfo=zone, fold=1)
            if later.astimezone(ZoneInfo("UTC")) >= previous_end_utc:
                start = later
        length = end_local - start_local
        if length <= timedelta(0):
            length += timedelta(hours=1) if length == timedelta(0) else timedelta(days=1)
        start_utc = start.astimezone(ZoneInfo("UTC"))
        end_utc = start_utc + length
        parsed.append(PriceRow(number, start_utc, end_utc, _number(row[price], number) / MWH))
        previous_end_utc = end_utc
    return parsed


def _plain_rows(rows: list[list[str]]) -> list[PriceRow]:
    parsed: list[PriceRow] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise _refuse(number, "expected 'start,price'.")
        try:
            start = datetime.fromisoformat(row[0].strip())
        except ValueError:
            raise _refuse(number, f"the start {row[0]!r} is not an ISO date and time.") from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        start = start.astimezone(ZoneInfo("UTC"))
        parsed.append(PriceRow(number, start, start + SLOT, _number(row[1], number)))
    return parsed


def market_prices_parse(text: str) -> dict[datetime, Decimal]:
    """The 15-minute prices (EUR/kWh) of a file, or MarketPriceFileError naming the line."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise _refuse(1, "the file is empty.")
    header = [cell.strip() for cell in rows[0]]
    if any(name.startswith("MTU") for name in header):
        parsed = _entsoe_rows(rows[1:], header)
    elif [name.lower() for name in header[:2]] == ["start", "price"]:
        parsed = _plain_rows(rows[1:])
    else:
        raise _refuse(
            1, "the header is neither ENTSO-E's ('MTU …','Day-ahead Price …') nor 'start,price'."
        )
    if not parsed:
        raise _refuse(2, "the file has no prices.")
    slots: dict[datetime, Decimal] = {}
    previous: PriceRow | None = None
    for row in sorted(parsed, key=lambda r: (r.start, r.line)):
        if row.start.minute % 15 or row.start.second or (row.end - row.start) % SLOT:
            raise _refuse(row.line, "the period is not made of whole 15-minute slots.")
        if previous is not None:
            if row.start == previous.start:
                raise _refuse(
                    row.line,
                    f"the slot {row.start:%Y-%m-%d %H:%M} UTC is already on line {previous.line}.",
                )
            if row.start < previous.end:
                raise _refuse(row.line, f"the period overlaps line {previous.line}.")
            if row.start > previous.end:
                raise _refuse(
                    row.line,
                    f"a gap after line {previous.line} "
                    f"({previous.end:%Y-%m-%d %H:%M} UTC has no price).",
                )
        slot = row.start
        while slot < row.end:
            slots[slot] = row.price.quantize(PRICE_PLACES)
            slot += SLOT
        previous = row
    return slots


def market_prices_import(*, text: str, source: str = "") -> int:
    """Stores (or replaces) the file's slot prices in one transaction; returns how many."""
    slots = market_prices_parse(text)
    with transaction.atomic():
        MarketPrice.objects.bulk_create(
            [
                MarketPrice(slot_start=start, price=price, source=source)
                for start, price in slots.items()
            ],
            update_conflicts=True,
            unique_fields=["slot_start"],
            update_fields=["price", "source"],
        )
    return len(slots)
