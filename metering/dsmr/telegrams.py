"""DSMR P1 telegrams: cut out of a byte stream, checked (framing, CRC) and parsed.

A telegram runs from ``/`` (the identification line) to ``!`` followed by the CRC16 of
everything from ``/`` to ``!`` inclusive (4 hex digits; DSMR 2.2 and 3 have none) and CRLF.
Parsing is dsmr-parser's; the CRC is checked here first, with a table-driven CRC16/ARC that
costs a fraction of the library's, and the spec is read from the telegram's version line.
"""

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from dsmr_parser import telegram_specifications
from dsmr_parser.exceptions import ParseError
from dsmr_parser.parsers import TelegramParser

from metering.dsmr.choices import EquipmentKind
from metering.dsmr.exceptions import (
    CrcMismatchError,
    TelegramIncompleteError,
    TelegramUnsupportedError,
)

# The --spec names and the dsmr-parser specifications they stand for.
SPECS: dict[str, dict[str, Any]] = {
    "v2.2": telegram_specifications.V2_2,
    "v3": telegram_specifications.V3,
    "v4": telegram_specifications.V4,
    "v5": telegram_specifications.V5,
    "fluvius": telegram_specifications.BELGIUM_FLUVIUS,
    "smarty": telegram_specifications.LUXEMBOURG_SMARTY,
}
AUTO = "auto"
SPEC_CHOICES = [AUTO, *SPECS]

# A telegram is a few kB at most; anything longer without an end is noise, not a telegram.
MAX_TELEGRAM_BYTES = 16 * 1024
# M-Bus device types (EN 13757-3) the registers are kept for.
MBUS_KINDS = {3: EquipmentKind.GAS, 7: EquipmentKind.WATER}

_END = re.compile(rb"!([0-9A-Fa-f]{0,4})\r?\n?\Z")
_DSMR_VERSION = re.compile(r"^\d-\d:0\.2\.8\((\d+)\)", re.MULTILINE)
_FLUVIUS_VERSION = re.compile(r"^0-0:96\.1\.4\(", re.MULTILINE)
_DSMR22_GAS = re.compile(r"^0-\d:24\.3\.0\(", re.MULTILINE)


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """CRC16/ARC (polynomial 0x8005 reflected, initial 0), the checksum of DSMR 4 and later."""
    crc = 0
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


class TelegramCutter:
    """Cuts whole telegrams out of a byte stream, however the bytes arrive chunked.

    Bytes before a ``/`` (the tail of a telegram whose start was missed) are dropped; a telegram
    cut short by the start of the next one is kept apart in ``fragments``, to be counted.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.fragments = 0

    def feed(self, data: bytes) -> list[bytes]:
        buffer = self._buffer
        buffer += data
        telegrams: list[bytes] = []
        while True:
            start = buffer.find(b"/")
            if start < 0:
                buffer.clear()
                break
            if start:
                del buffer[:start]
            bang = buffer.find(b"!", 1)
            restart = buffer.find(b"/", 1)
            if restart >= 0 and (bang < 0 or restart < bang):
                self.fragments += 1  # a telegram interrupted by the next one
                del buffer[:restart]
                continue
            if bang < 0:
                self._bound()
                break
            line_end = buffer.find(b"\n", bang)
            if line_end < 0:
                if len(buffer) - bang > 7:  # "!XXXX\r\n" at most: not a telegram end
                    self.fragments += 1
                    del buffer[: bang + 1]
                    continue
                break
            telegrams.append(bytes(buffer[: line_end + 1]))
            del buffer[: line_end + 1]
        return telegrams

    @property
    def pending(self) -> bytes:
        """Bytes kept for the next feed: the start of a telegram still arriving."""
        return bytes(self._buffer)

    def _bound(self) -> None:
        if len(self._buffer) > MAX_TELEGRAM_BYTES:
            self.fragments += 1
            self._buffer.clear()


def telegrams_split(data: bytes) -> list[bytes]:
    """The telegrams of a body of one or more whole telegrams (the telegram API's body); a
    trailing telegram without its end, or bytes that are no telegram, are refused."""
    cutter = TelegramCutter()
    telegrams = cutter.feed(data if data.endswith(b"\n") else data + b"\r\n")
    if cutter.fragments or cutter.pending.strip() or not telegrams:
        raise TelegramIncompleteError(
            "The body must hold whole telegrams, from '/' to '!' and the CRC."
        )
    return telegrams


@dataclass(frozen=True, slots=True)
class VolumeReading:
    """The cumulative volume of an M-Bus gas or water meter at its own capture time."""

    kind: str
    equipment_id: str
    time: datetime
    volume_m3: Decimal


@dataclass(frozen=True, slots=True)
class ParsedTelegram:
    spec: str
    equipment_id: str
    time: datetime
    import_tariff1_kwh: Decimal
    import_tariff2_kwh: Decimal
    export_tariff1_kwh: Decimal
    export_tariff2_kwh: Decimal
    power_delivered_kw: Decimal
    power_returned_kw: Decimal
    tariff: int | None = None
    voltage_l1_v: Decimal | None = None
    voltage_l2_v: Decimal | None = None
    voltage_l3_v: Decimal | None = None
    current_l1_a: Decimal | None = None
    current_l2_a: Decimal | None = None
    current_l3_a: Decimal | None = None
    power_l1_delivered_kw: Decimal | None = None
    power_l2_delivered_kw: Decimal | None = None
    power_l3_delivered_kw: Decimal | None = None
    power_l1_returned_kw: Decimal | None = None
    power_l2_returned_kw: Decimal | None = None
    power_l3_returned_kw: Decimal | None = None
    average_demand_kw: Decimal | None = None
    month_peak_kw: Decimal | None = None
    month_peak_at: datetime | None = None
    volumes: tuple[VolumeReading, ...] = field(default=())

    @property
    def net_power_kw(self) -> float:
        """Power drawn from the grid minus power injected: the grid meter's reading."""
        return float(self.power_delivered_kw - self.power_returned_kw)


# Register fields of ParsedTelegram (and DsmrRegister) and the dsmr-parser names they come from.
_REQUIRED = {
    "power_delivered_kw": "CURRENT_ELECTRICITY_USAGE",
    "power_returned_kw": "CURRENT_ELECTRICITY_DELIVERY",
}
_TARIFFS = {
    "import_tariff1_kwh": "ELECTRICITY_USED_TARIFF_1",
    "import_tariff2_kwh": "ELECTRICITY_USED_TARIFF_2",
    "export_tariff1_kwh": "ELECTRICITY_DELIVERED_TARIFF_1",
    "export_tariff2_kwh": "ELECTRICITY_DELIVERED_TARIFF_2",
}
# A meter that gives totals only (Smarty) has them as tariff 1, with tariff 2 at zero.
_TOTALS = {
    "import_tariff1_kwh": "ELECTRICITY_IMPORTED_TOTAL",
    "export_tariff1_kwh": "ELECTRICITY_EXPORTED_TOTAL",
}
_OPTIONAL = {
    "voltage_l1_v": "INSTANTANEOUS_VOLTAGE_L1",
    "voltage_l2_v": "INSTANTANEOUS_VOLTAGE_L2",
    "voltage_l3_v": "INSTANTANEOUS_VOLTAGE_L3",
    "current_l1_a": "INSTANTANEOUS_CURRENT_L1",
    "current_l2_a": "INSTANTANEOUS_CURRENT_L2",
    "current_l3_a": "INSTANTANEOUS_CURRENT_L3",
    "power_l1_delivered_kw": "INSTANTANEOUS_ACTIVE_POWER_L1_POSITIVE",
    "power_l2_delivered_kw": "INSTANTANEOUS_ACTIVE_POWER_L2_POSITIVE",
    "power_l3_delivered_kw": "INSTANTANEOUS_ACTIVE_POWER_L3_POSITIVE",
    "power_l1_returned_kw": "INSTANTANEOUS_ACTIVE_POWER_L1_NEGATIVE",
    "power_l2_returned_kw": "INSTANTANEOUS_ACTIVE_POWER_L2_NEGATIVE",
    "power_l3_returned_kw": "INSTANTANEOUS_ACTIVE_POWER_L3_NEGATIVE",
    "average_demand_kw": "BELGIUM_CURRENT_AVERAGE_DEMAND",
}


def spec_detect(text: str) -> str:
    """The spec of a telegram from its version line: DSMR 4/5 (1-3:0.2.8), Fluvius (0-0:96.1.4);
    without one, DSMR 4 if it carries a CRC, else DSMR 3 (or 2.2 by its gas line)."""
    if _FLUVIUS_VERSION.search(text):
        return "fluvius"
    version = _DSMR_VERSION.search(text)
    if version:
        return "v5" if version.group(1).startswith("5") else "v4"
    end = _END.search(text.encode("latin-1"))
    if end and end.group(1):
        return "v4"
    return "v2.2" if _DSMR22_GAS.search(text) else "v3"


@cache
def _has_clock(spec: str) -> bool:
    """Whether telegrams of this spec carry their time (DSMR 4 and later)."""
    return any(item["value_name"] == "P1_MESSAGE_TIMESTAMP" for item in SPECS[spec]["objects"])


@cache
def _parser(spec: str) -> TelegramParser:
    # The CRC is checked before parsing (crc16 above), so the library's slower check is off.
    return TelegramParser(SPECS[spec], apply_checksum_validation=False)


def telegram_check(raw: bytes, *, spec: str = AUTO) -> str:
    """Checks a telegram's framing and CRC; returns its spec (read from it when ``auto``)."""
    end = _END.search(raw)
    if not raw.startswith(b"/") or end is None:
        raise TelegramIncompleteError(
            "The telegram is incomplete: it must run from '/' to '!' and its CRC."
        )
    text = raw.decode("latin-1")
    spec = spec_detect(text) if spec == AUTO else spec
    if SPECS[spec]["checksum_support"]:
        expected = end.group(1)
        if len(expected) != 4:
            raise TelegramIncompleteError("The telegram is incomplete: its CRC is missing.")
        actual = crc16(raw[: end.start() + 1])
        if actual != int(expected, 16):
            raise CrcMismatchError(
                f"The telegram's CRC is {expected.decode().upper()}, its content's {actual:04X}.",
                extra={"expected": expected.decode().upper(), "computed": f"{actual:04X}"},
            )
    return spec


def telegram_parse(
    raw: bytes, *, spec: str = AUTO, received_at: datetime | None = None
) -> ParsedTelegram:
    """Checks and parses one telegram. A telegram without a time (DSMR 2.2/3) takes
    ``received_at``; without one either, it is refused."""
    spec = telegram_check(raw, spec=spec)
    try:
        telegram = _parser(spec).parse(raw.decode("latin-1"), throw_ex=True)
    except (ParseError, ValueError, ArithmeticError) as exc:
        raise TelegramIncompleteError(f"A line of the telegram cannot be read: {exc}") from None
    values = {name: obj.value for name, obj in telegram if hasattr(obj, "value")}
    if _has_clock(spec):
        moment = values.get("P1_MESSAGE_TIMESTAMP")  # None when missing or unreadable
    elif received_at is not None:
        moment = received_at
    else:
        raise TelegramUnsupportedError(
            "The telegram carries no time (DSMR 2.2/3); only the datalogger's local mode "
            "stores those."
        )
    equipment_id = values.get("EQUIPMENT_IDENTIFIER") or values.get("BELGIUM_EQUIPMENT_IDENTIFIER")
    fields: dict[str, Any] = {"spec": spec, "time": moment, "equipment_id": equipment_id}
    for name, source in _REQUIRED.items():
        fields[name] = values.get(source)
    tariffs = {name: values.get(source) for name, source in _TARIFFS.items()}
    if any(value is None for value in tariffs.values()):
        tariffs = {name: Decimal(0) for name in _TARIFFS}
        tariffs.update({name: values.get(source) for name, source in _TOTALS.items()})
    fields.update(tariffs)
    missing = sorted(name for name, value in fields.items() if value is None)
    if missing:
        raise TelegramIncompleteError(
            f"The telegram lacks {', '.join(missing)}.", extra={"missing": missing}
        )
    fields["equipment_id"] = equipment_id_text(str(equipment_id))
    for name, source in _OPTIONAL.items():
        fields[name] = values.get(source)
    tariff = values.get("ELECTRICITY_ACTIVE_TARIFF")
    fields["tariff"] = int(tariff) if tariff and tariff.isascii() and tariff.isdigit() else None
    peak = getattr(telegram, "BELGIUM_MAXIMUM_DEMAND_MONTH", None)
    if peak is not None:
        fields["month_peak_kw"], fields["month_peak_at"] = peak.value, peak.datetime
    fields["volumes"] = tuple(_volumes(telegram))
    return ParsedTelegram(**fields)


def _volumes(telegram: Any) -> Iterator[VolumeReading]:
    for device in getattr(telegram, "MBUS_DEVICES", ()):
        kind_obj = getattr(device, "MBUS_DEVICE_TYPE", None) or getattr(device, "DEVICE_TYPE", None)
        id_obj = getattr(device, "MBUS_EQUIPMENT_IDENTIFIER", None) or getattr(
            device, "EQUIPMENT_IDENTIFIER_GAS", None
        )
        reading = (
            getattr(device, "MBUS_METER_READING", None)
            or getattr(device, "HOURLY_GAS_METER_READING", None)
            or getattr(device, "GAS_METER_READING", None)
        )
        kind = MBUS_KINDS.get(int(kind_obj.value)) if kind_obj and kind_obj.value else None
        if kind is None or id_obj is None or not id_obj.value or reading is None:
            continue
        moment, volume = reading.datetime, reading.value
        if isinstance(moment, datetime) and isinstance(volume, Decimal):
            yield VolumeReading(kind, equipment_id_text(id_obj.value), moment, volume)


def equipment_id_text(value: str) -> str:
    """An equipment id as printed on the meter: telegrams give it as hex-encoded ASCII."""
    try:
        text = binascii.unhexlify(value).decode("ascii")
    except (binascii.Error, ValueError):
        return value
    return text if text.isprintable() and text.strip() == text and text else value
