"""Cutting telegrams out of a byte stream, checking their CRC and parsing them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from metering.dsmr.exceptions import (
    CrcMismatchError,
    TelegramIncompleteError,
    TelegramUnsupportedError,
)
from metering.dsmr.telegrams import (
    ParsedTelegram,
    TelegramCutter,
    crc16,
    spec_detect,
    telegram_parse,
    telegrams_split,
)
from tests.metering.p1 import EXPECTED, at, corrupted, sample, telegram

D = Decimal


@pytest.mark.parametrize("name", ["dsmr5", "fluvius"])
def test_the_samples_parse_with_every_register(name: str) -> None:
    assert telegram_parse(sample(name)) == ParsedTelegram(**EXPECTED[name])


def test_the_crc_of_the_samples_is_the_one_they_carry() -> None:
    raw = sample("dsmr5")
    assert crc16(raw[: raw.index(b"!") + 1]) == 0x6EEE
    raw = sample("fluvius")
    assert crc16(raw[: raw.index(b"!") + 1]) == 0x3AD7


def test_the_spec_is_read_from_the_version_line() -> None:
    assert spec_detect(sample("dsmr5").decode()) == "v5"
    assert spec_detect(sample("fluvius").decode()) == "fluvius"
    dsmr4 = sample("dsmr5").decode().replace("1-3:0.2.8(50)", "1-3:0.2.8(42)")
    assert spec_detect(dsmr4) == "v4"
    dsmr3 = "/ISk5\\2MT382-1004\r\n\r\n0-0:96.1.1(4B38)\r\n!\r\n"
    assert spec_detect(dsmr3) == "v3"


def test_one_changed_digit_is_a_crc_mismatch() -> None:
    with pytest.raises(CrcMismatchError) as caught:
        telegram_parse(corrupted(sample("dsmr5")))
    assert caught.value.extra["expected"] == "6EEE"


@pytest.mark.parametrize(
    "raw",
    [
        sample("dsmr5")[:300],  # cut short
        sample("dsmr5").replace(b"!6EEE", b"!"),  # no CRC
        sample("dsmr5")[1:],  # no start
        b"",
    ],
)
def test_a_truncated_telegram_is_incomplete(raw: bytes) -> None:
    with pytest.raises(TelegramIncompleteError):
        telegram_parse(raw)


@pytest.mark.parametrize(
    ("lines", "missing"),
    [
        ({"p0_0_96_1_1": "()"}, ["equipment_id"]),
        ({"p0_0_1_0_0": "(171302192002W)"}, ["time"]),  # month 13
        ({"p1_0_1_7_0": "()", "p1_0_2_7_0": "()"}, ["power_delivered_kw", "power_returned_kw"]),
    ],
)
def test_a_telegram_without_what_it_must_carry_is_incomplete(
    lines: dict[str, str], missing: list[str]
) -> None:
    with pytest.raises(TelegramIncompleteError) as caught:
        telegram_parse(telegram("dsmr5", **lines))
    assert caught.value.extra["missing"] == missing


def test_a_telegram_without_time_needs_a_reception_time() -> None:
    dsmr3 = (
        b"/ISk5\\2MT382-1004\r\n\r\n0-0:96.1.1(4B384547303034303436333935353037)\r\n"
        b"1-0:1.8.1(00123.456*kWh)\r\n1-0:1.8.2(00001.000*kWh)\r\n1-0:2.8.1(00000.500*kWh)\r\n"
        b"1-0:2.8.2(00000.000*kWh)\r\n0-0:96.14.0(0001)\r\n1-0:1.7.0(0001.20*kW)\r\n"
        b"1-0:2.7.0(0000.00*kW)\r\n!\r\n"
    )
    with pytest.raises(TelegramUnsupportedError):
        telegram_parse(dsmr3)
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    parsed = telegram_parse(dsmr3, received_at=now)
    assert (parsed.spec, parsed.time, parsed.import_tariff1_kwh) == ("v3", now, D("123.456"))
    assert parsed.net_power_kw == pytest.approx(1.2)


def test_autumn_dst_telegrams_map_to_distinct_utc_times() -> None:
    # 27 October 2024, 03:00 CEST becomes 02:00 CET: 02:xx happens twice, told apart by S/W.
    summer = telegram_parse(at("241027025959S"))
    winter = telegram_parse(at("241027020001W"))
    later = telegram_parse(at("241027025959W"))
    assert summer.time == datetime(2024, 10, 27, 0, 59, 59, tzinfo=UTC)
    assert winter.time == datetime(2024, 10, 27, 1, 0, 1, tzinfo=UTC)
    assert later.time == datetime(2024, 10, 27, 1, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("size", [1, 3, 7, 61, 509, 4096])
def test_the_cutter_finds_telegrams_however_the_bytes_are_chunked(size: int) -> None:
    dsmr5, fluvius = sample("dsmr5"), sample("fluvius")
    stream = b"9.2.0(00000)\r\n!1A2B\r\n" + dsmr5 + fluvius + dsmr5[:200] + fluvius + dsmr5
    cutter = TelegramCutter()
    found = []
    for start in range(0, len(stream), size):
        found += cutter.feed(stream[start : start + size])
    assert found == [dsmr5, fluvius, fluvius, dsmr5]
    assert cutter.fragments == 1  # the telegram interrupted by the next one
    assert cutter.pending == b""


def test_a_body_of_several_telegrams_splits_and_a_fragment_refuses_it() -> None:
    dsmr5, fluvius = sample("dsmr5"), sample("fluvius")
    assert list(telegrams_split(dsmr5 + fluvius)) == [dsmr5, fluvius]
    assert list(telegrams_split(dsmr5.rstrip(b"\r\n"))) == [dsmr5]
    with pytest.raises(TelegramIncompleteError):
        list(telegrams_split(dsmr5 + fluvius[:100]))
