"""Inputs every ingestion path refuses with a 4xx naming the field as the caller sent it, and
nothing written: times before METERING_EARLIEST_READING (year 1 among them), digits float()
takes but no meter writes, DSMR values wider than their columns. And marking only the days
that hold readings, however far apart they are."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from metering.choices import IngestSource
from metering.dsmr.datalogger import Counts, LocalStore
from metering.ingest.batching import ReadingsBatcher
from metering.models import (
    DsmrEquipment,
    DsmrRefusalCount,
    DsmrRegister,
    DsmrVolumeRegister,
    EnergySlot,
    IngestFailure,
    Meter,
    Reading,
    SlotBlock,
)
from metering.services.ingestion import meter_readings_record
from metering.services.rollup import slots_rollup
from tests.digits import arabic_indic, full_width
from tests.metering.factories import MeterFactory, token_client
from tests.metering.p1 import at, telegram

pytestmark = pytest.mark.django_db

YEAR_1 = "0001-01-01T00:00:00+00:00"
YEAR_1_EPOCH = -62_135_596_800
BEFORE_EARLIEST = "1999-12-31T23:59:59+00:00"  # METERING_EARLIEST_READING is 2000-01-01
RECENT = 1_795_000_000  # 2026-11-18


@pytest.fixture
def meter() -> Meter:
    return MeterFactory.create(meter_id="meter-a")


def nothing_written() -> bool:
    return not (
        Reading.objects.exists()
        or SlotBlock.objects.exists()
        or DsmrRegister.objects.exists()
        or DsmrVolumeRegister.objects.exists()
        or DsmrEquipment.objects.exists()
    )


def assert_refused(response: Any, field: str, code: str = "invalid_reading") -> None:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == code
    assert body["extra"]["field"] == field
    assert body["message"].startswith(field)
    assert nothing_written()


# --- native JSON and CSV ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("readings", "field"),
    [
        ([{"time": YEAR_1, "power_kw": 1.0}], "readings[0].time"),
        ([{"time": YEAR_1_EPOCH, "power_kw": 1.0}], "readings[0].time"),
        (
            [{"time": RECENT, "power_kw": 1.0}, {"time": BEFORE_EARLIEST, "power_kw": 1}],
            "readings[1].time",
        ),
        (
            [{"time": full_width("2026-11-01") + "T12:00:00+00:00", "power_kw": 1}],
            "readings[0].time",
        ),
    ],
)
def test_native_json_refuses_times_out_of_range(
    meter: Meter, readings: list[dict[str, Any]], field: str
) -> None:
    response = token_client(meter).post(
        "/api/v1/meters/meter-a/readings",
        data=orjson.dumps({"readings": readings}),
        content_type="application/json",
    )
    assert_refused(response, field)


GOOD_ROW = "2026-11-01T12:00:00+00:00,1.5"


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([f"{YEAR_1},1"], "row 2 time"),
        ([f"{YEAR_1_EPOCH},1"], "row 2 time"),
        ([GOOD_ROW, "", f"{BEFORE_EARLIEST},1"], "row 4 time"),  # blank lines still count
        ([GOOD_ROW, f"2026-11-01T12:01:00+00:00,{full_width('1796')}"], "row 3 power_kw"),
        ([f"2026-11-01T12:00:00+00:00,{arabic_indic('1')}.{arabic_indic('5')}"], "row 2 power_kw"),
        (["2026-11-01T12:00:00+00:00,1_0"], "row 2 power_kw"),
        ([f"{full_width(str(RECENT))},1"], "row 2 time"),
        ([f"{RECENT // 10}_0,1"], "row 2 time"),
        (["2026-11-01T12:00:00+00:00,nan"], "row 2 power_kw"),
        ([f"{(timezone.now() + timedelta(days=1)).isoformat()},1"], "row 2 time"),
        (["2026-11-01T12:00:00+00:00,5000"], "row 2 power_kw"),
    ],
)
def test_csv_refuses_by_row_and_field(meter: Meter, rows: list[str], field: str) -> None:
    response = token_client(meter).post(
        "/api/v1/meters/meter-a/readings",
        data="\n".join(["time,power_kw", *rows]) + "\n",
        content_type="text/csv",
    )
    assert_refused(response, field)


def test_csv_takes_ascii_decimal_numbers_in_every_notation(meter: Meter) -> None:
    body = "time,power_kw\n" + "\n".join(
        f"{RECENT + 60 * n},{power}" for n, power in enumerate(["1.5e0", "+2", "-.5", "3.", "7"])
    )
    response = token_client(meter).post(
        "/api/v1/meters/meter-a/readings", data=body, content_type="text/csv"
    )
    assert response.status_code == 200
    assert list(Reading.objects.order_by("time").values_list("power_kw", flat=True)) == [
        1.5,
        2.0,
        -0.5,
        3.0,
        7.0,
    ]


# --- JOI ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("readings", "field"),
    [
        ([{"time": YEAR_1_EPOCH, "reading": 1.0}], "electricityReadings[0].time"),
        (
            [{"time": RECENT, "reading": 1}, {"time": 946_684_799, "reading": 1}],  # 1999
            "electricityReadings[1].time",
        ),
        (
            [{"time": int(timezone.now().timestamp()) + 3600, "reading": 1}],  # an hour ahead
            "electricityReadings[0].time",
        ),
        ([{"time": RECENT, "reading": 5000}], "electricityReadings[0].reading"),
    ],
)
def test_joi_names_its_own_fields(
    api_client: APIClient, readings: list[dict[str, Any]], field: str
) -> None:
    body = {"smartMeterId": "joi-meter", "electricityReadings": readings}
    response = api_client.post(
        "/readings/store", data=orjson.dumps(body), content_type="application/json"
    )
    assert_refused(response, field)
    assert not Meter.objects.filter(meter_id="joi-meter").exists()


# --- DSMR telegrams ----------------------------------------------------------------------------

WIDE_ID = "41" * 150  # 300 hex characters: 150 ASCII "A"s, wider than the 96 of the column


WIDE = "telegram_value_out_of_range"


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        (at("991231235959W"), "telegrams[0].time", "invalid_reading"),  # 1999, before 2000
        (telegram(p0_0_96_1_1=f"({WIDE_ID})"), "telegrams[0].equipment_id", WIDE),
        (telegram(p1_0_1_8_1="(1000000000.000*kWh)"), "telegrams[0].import_tariff1_kwh", WIDE),
        # rounded to its 3 places, it would need a tenth digit
        (telegram(p1_0_2_8_2="(999999999.9999*kWh)"), "telegrams[0].export_tariff2_kwh", WIDE),
        (telegram(p1_0_32_7_0="(100000.0*V)"), "telegrams[0].voltage_l1_v", WIDE),
        (telegram(p1_0_1_7_0="(100000.000*kW)"), "telegrams[0].power_delivered_kw", WIDE),
        (
            telegram(p0_1_24_2_1="(170102161005W)(1000000000.000*m3)"),
            "telegrams[0].volumes[0].volume_m3",
            WIDE,
        ),
        (telegram(p0_1_96_1_0=f"({WIDE_ID})"), "telegrams[0].volumes[0].equipment_id", WIDE),
    ],
)
def test_dsmr_refuses_and_counts(meter: Meter, raw: bytes, field: str, code: str) -> None:
    response = token_client(meter).post("/api/v1/telegrams", data=raw, content_type="text/plain")
    assert_refused(response, field, code)
    assert dict(DsmrRefusalCount.objects.values_list("code", "count")) == {code: 1}


def test_the_local_datalogger_counts_a_wide_telegram_and_stores_the_others(meter: Meter) -> None:
    counts = Counts()
    LocalStore(counts=counts, meter=meter).accept(
        [telegram(p1_0_1_8_1="(1000000000.000*kWh)"), at("170102192002W")]
    )
    assert (counts.stored, counts.rejected) == (1, 1)
    assert dict(DsmrRefusalCount.objects.values_list("code", "count")) == {WIDE: 1}
    assert DsmrRegister.objects.get().import_tariff1_kwh == Decimal("4.426")


def test_dsmr_names_the_telegram_of_a_backlog(meter: Meter) -> None:
    body = at("170102192002W") + telegram(p1_0_1_8_1="(1000000000.000*kWh)")
    response = token_client(meter).post("/api/v1/telegrams", data=body, content_type="text/plain")
    assert_refused(response, "telegrams[1].import_tariff1_kwh", WIDE)


# --- broker and MQTT ---------------------------------------------------------------------------


def test_the_consumers_record_a_time_before_the_earliest_as_a_failure(meter: Meter) -> None:
    acks: list[int] = []
    batcher = ReadingsBatcher(source=IngestSource.MQTT)
    body = orjson.dumps({"readings": [{"time": YEAR_1, "power_kw": 1.0}]})
    batcher.add("meter-a", body, lambda: acks.append(1))
    batcher.flush()
    failure = IngestFailure.objects.get()
    assert (failure.code, failure.meter_id) == ("invalid_reading", "meter-a")
    assert failure.message.startswith("readings[0].time is before 2000-01-01")
    assert acks == [1]
    assert nothing_written()


def test_the_consumers_record_a_topic_naming_no_storable_meter_as_a_failure() -> None:
    batcher = ReadingsBatcher(source=IngestSource.MQTT)
    body = orjson.dumps({"readings": [{"time": RECENT, "power_kw": 1.0}]})
    batcher.add("nul\x00byte", body, lambda: None)
    failure = IngestFailure.objects.get()
    assert (failure.code, failure.meter_id) == ("meter_not_found", "nul\ufffdbyte")
    assert nothing_written()


def test_the_consumers_keep_a_payload_with_a_nul_byte(meter: Meter) -> None:
    batcher = ReadingsBatcher(source=IngestSource.BROKER)
    batcher.add("meter-a", b'{"readings": [\x00]}', lambda: None)
    failure = IngestFailure.objects.get()
    assert (failure.code, failure.payload) == ("malformed_json", '{"readings": [\ufffd]}')
    assert nothing_written()


# --- marking: the days that hold readings, not the days between --------------------------------


def test_one_request_spanning_two_thousand_years_is_refused_at_once(meter: Meter) -> None:
    readings = [
        {"time": "0001-01-02T00:00:00+00:00", "power_kw": 1.0},
        {"time": (timezone.now() - timedelta(hours=2)).isoformat(), "power_kw": 1.0},
    ]
    response = token_client(meter).post(
        "/api/v1/meters/meter-a/readings",
        data=orjson.dumps({"readings": readings}),
        content_type="application/json",
    )
    assert_refused(response, "readings[0].time")


def test_distant_readings_mark_their_own_days_only(meter: Meter) -> None:
    old, recent = datetime(2000, 1, 2, 12, tzinfo=UTC), datetime(2026, 11, 18, 12, tzinfo=UTC)
    meter_readings_record(meter=meter, samples=[(old, 1.0), (recent, 2.0)])
    blocks = SlotBlock.objects.order_by("day").values_list("day", "dirty_from")
    assert list(blocks) == [
        (old.date(), old - timedelta(minutes=15)),
        (recent.date(), recent - timedelta(minutes=15)),
    ]


def test_a_reading_near_midnight_marks_the_neighbour_day_it_reaches(meter: Meter) -> None:
    late = datetime(2020, 3, 1, 23, 55, tzinfo=UTC)
    early = datetime(2020, 3, 10, 0, 5, tzinfo=UTC)
    meter_readings_record(meter=meter, samples=[(early, 1.0), (late, 1.0)])
    blocks = SlotBlock.objects.order_by("day").values_list("day", "dirty_from")
    assert list(blocks) == [
        (late.date(), late - timedelta(minutes=15)),
        (late.date() + timedelta(days=1), datetime(2020, 3, 2, tzinfo=UTC)),
        (early.date() - timedelta(days=1), early - timedelta(minutes=15)),
        (early.date(), datetime(2020, 3, 10, tzinfo=UTC)),
    ]


def test_a_backfill_of_scattered_days_rolls_up_as_from_scratch(meter: Meter) -> None:
    """Three separate days of a minute's readings each: only their slots are computed, and
    equal those of each day recorded alone."""
    days = [datetime(2026, 10, d, 8, tzinfo=UTC) for d in (3, 12, 27)]
    samples = [(day + timedelta(minutes=m), 1.2) for day in days for m in range(31)]
    meter_readings_record(meter=meter, samples=samples)
    assert sorted(SlotBlock.objects.values_list("day", flat=True)) == [d.date() for d in days]
    slots_rollup(now=datetime(2026, 11, 1, tzinfo=UTC))
    slots = EnergySlot.objects.filter(meter=meter).order_by("start")
    assert sorted({slot.start.date() for slot in slots}) == [d.date() for d in days]
    # 30 minutes at 1.2 kW a day: 0.6 kWh, in two full slots (the last reading opens a third)
    assert [float(slot.import_kwh) for slot in slots] == pytest.approx([0.3, 0.3, 0.0] * 3)


# --- meter ids in paths ------------------------------------------------------------------------


@pytest.mark.parametrize("meter_id", ["%00", "nul%00byte", "m" * 65])
@pytest.mark.parametrize("path", ["/readings/read/{}", "/price-plans/compare-all/{}"])
def test_a_meter_id_no_column_holds_is_not_found(
    api_client: APIClient, path: str, meter_id: str
) -> None:
    response = api_client.get(path.format(meter_id))
    assert response.status_code == 404
    assert response.json()["code"] == "meter_not_found"
