"""Telegrams for tests: the shared samples, and valid variants of them (new time, new values,
the CRC recomputed)."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from metering.dsmr.telegrams import VolumeReading, crc16

SAMPLES = Path(__file__).resolve().parent / "telegrams"


D = Decimal

# Every value of the samples, as parsed and stored.
DSMR5: dict[str, Any] = {
    "spec": "v5",
    "equipment_id": "K8EG004046395507",
    "time": datetime(2017, 1, 2, 18, 20, 2, tzinfo=UTC),  # 19:20:02 winter time
    "import_tariff1_kwh": D("4.426"),
    "import_tariff2_kwh": D("2.399"),
    "export_tariff1_kwh": D("2.444"),
    "export_tariff2_kwh": D("0.000"),
    "tariff": 2,
    "power_delivered_kw": D("0.244"),
    "power_returned_kw": D("0.000"),
    "voltage_l1_v": D("230.0"),
    "voltage_l2_v": D("230.0"),
    "voltage_l3_v": D("229.0"),
    "current_l1_a": D("0.48"),
    "current_l2_a": D("0.44"),
    "current_l3_a": D("0.86"),
    "power_l1_delivered_kw": D("0.070"),
    "power_l2_delivered_kw": D("0.032"),
    "power_l3_delivered_kw": D("0.142"),
    "power_l1_returned_kw": D("0.000"),
    "power_l2_returned_kw": D("0.000"),
    "power_l3_returned_kw": D("0.000"),
    "average_demand_kw": None,
    "month_peak_kw": None,
    "month_peak_at": None,
    "volumes": (
        VolumeReading(
            "gas", "2222ABCD123456789", datetime(2017, 1, 2, 15, 10, 5, tzinfo=UTC), D("0.107")
        ),
    ),
}
FLUVIUS: dict[str, Any] = {
    "spec": "fluvius",
    "equipment_id": "1SAG3101021605",
    "time": datetime(2020, 5, 12, 11, 54, 9, tzinfo=UTC),  # 13:54:09 summer time
    "import_tariff1_kwh": D("0.034"),
    "import_tariff2_kwh": D("15.758"),
    "export_tariff1_kwh": D("0.000"),
    "export_tariff2_kwh": D("0.011"),
    "tariff": 1,
    "power_delivered_kw": D("0.000"),
    "power_returned_kw": D("0.000"),
    "voltage_l1_v": D("234.7"),
    "voltage_l2_v": D("234.7"),
    "voltage_l3_v": D("234.7"),
    "current_l1_a": D("0.00"),
    "current_l2_a": D("0.00"),
    "current_l3_a": D("0.00"),
    "power_l1_delivered_kw": D("0.000"),
    "power_l2_delivered_kw": D("0.000"),
    "power_l3_delivered_kw": D("0.000"),
    "power_l1_returned_kw": D("0.000"),
    "power_l2_returned_kw": D("0.000"),
    "power_l3_returned_kw": D("0.000"),
    "average_demand_kw": D("2.351"),
    "month_peak_kw": D("2.589"),
    "month_peak_at": datetime(2020, 5, 9, 11, 45, 58, tzinfo=UTC),
    "volumes": (
        VolumeReading(
            "gas", "7FLO2119033733", datetime(2020, 5, 12, 11, 45, 58, tzinfo=UTC), D("112.384")
        ),
        VolumeReading(
            "water", "8SAG1234567890", datetime(2020, 5, 12, 11, 45, 58, tzinfo=UTC), D("872.234")
        ),
    ),
}
EXPECTED = {"dsmr5": DSMR5, "fluvius": FLUVIUS}


def sample(name: str) -> bytes:
    """A sample telegram byte for byte: ``dsmr5`` or ``fluvius``."""
    return (SAMPLES / f"{name}.txt").read_bytes()


def telegram(base: str = "dsmr5", **lines: str) -> bytes:
    """The sample ``base`` with some lines replaced, keyed by OBIS code with ``_`` for ``-``,
    ``:`` and ``.`` (``p0_0_1_0_0="(241027025959S)"``), and its CRC recomputed."""
    replacements = {_obis(key): value for key, value in lines.items()}
    text = sample(base).decode("ascii")
    body = text[: text.rindex("!")]
    out = []
    for line in body.split("\r\n"):
        obis = line.split("(", 1)[0]
        out.append(obis + replacements.pop(obis) if obis in replacements else line)
    assert not replacements, f"lines not in the sample: {replacements}"
    signed = ("\r\n".join(out) + "!").encode("ascii")
    return signed + f"{crc16(signed):04X}\r\n".encode("ascii")


def at(stamp: str, base: str = "dsmr5", **lines: str) -> bytes:
    """A valid telegram of ``base`` at the DSMR time ``stamp`` (YYMMDDhhmmss + S or W)."""
    return telegram(base, p0_0_1_0_0=f"({stamp})", **lines)


def corrupted(raw: bytes) -> bytes:
    """A copy with one digit changed and the CRC left alone."""
    index = raw.index(b"1-0:1.8.1(") + len(b"1-0:1.8.1(") + 5
    digit = raw[index : index + 1]
    return raw[:index] + (b"1" if digit != b"1" else b"2") + raw[index + 1 :]


def _obis(key: str) -> str:
    # p0_0_1_0_0 -> 0-0:1.0.0 ; p1_0_1_8_1 -> 1-0:1.8.1
    digits = key.removeprefix("p").split("_")
    return f"{digits[0]}-{digits[1]}:{'.'.join(digits[2:])}"
