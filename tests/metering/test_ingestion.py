"""The ingestion service: exact counts, whole-batch refusal, nothing half-written."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from metering.exceptions import BatchTooLargeError, ConflictingReadingError, InvalidReadingError
from metering.services.ingestion import meter_readings_record, readings_record
from tests.metering.factories import MeterFactory, stored

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def minute(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def test_a_new_batch_is_stored_whole() -> None:
    meter = MeterFactory.create()
    result = meter_readings_record(meter=meter, samples=[(minute(0), 1.5), (minute(1), 2.0)])
    assert (result.inserted, result.duplicates) == (2, 0)
    assert stored(meter) == [(minute(0), 1.5), (minute(1), 2.0)]


def test_a_repeat_with_the_same_value_is_a_duplicate() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(minute(0), 1.5)])
    result = meter_readings_record(
        meter=meter, samples=[(minute(0), 1.5), (minute(1), 2.0), (minute(1), 2.0)]
    )
    assert (result.inserted, result.duplicates) == (1, 2)
    assert stored(meter) == [(minute(0), 1.5), (minute(1), 2.0)]


def test_a_stored_time_with_another_value_refuses_the_whole_batch() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(minute(0), 1.5)])
    with pytest.raises(ConflictingReadingError) as caught:
        meter_readings_record(meter=meter, samples=[(minute(1), 2.0), (minute(0), 9.9)])
    assert caught.value.extra["conflicts"] == [
        {
            "meter_id": meter.meter_id,
            "time": minute(0).isoformat(),
            "stored_kw": 1.5,
            "received_kw": 9.9,
        }
    ]
    assert stored(meter) == [(minute(0), 1.5)]


def test_a_conflict_inside_one_batch_refuses_it() -> None:
    meter = MeterFactory.create()
    with pytest.raises(ConflictingReadingError):
        meter_readings_record(meter=meter, samples=[(minute(0), 1.0), (minute(0), 2.0)])
    assert stored(meter) == []


def test_the_same_instant_in_another_zone_is_the_same_sample() -> None:
    meter = MeterFactory.create()
    brussels = minute(0).astimezone(timezone.get_fixed_timezone(60))
    result = meter_readings_record(meter=meter, samples=[(minute(0), 1.0), (brussels, 1.0)])
    assert (result.inserted, result.duplicates) == (1, 1)


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        ((datetime(2026, 11, 1, 12, 0), 1.0), "readings[1].time has no time zone"),  # noqa: DTZ001
        ((minute(5), float("nan")), "readings[1].power_kw is not a finite number"),
        ((minute(5), float("inf")), "readings[1].power_kw is not a finite number"),
        ((minute(5), 1000.5), "readings[1].power_kw is beyond ±1000 kW"),
        ((minute(5), -1000.5), "readings[1].power_kw is beyond ±1000 kW"),
    ],
)
def test_bad_samples_are_named_and_nothing_is_stored(
    sample: tuple[datetime, float], message: str
) -> None:
    meter = MeterFactory.create()
    with pytest.raises(InvalidReadingError) as caught:
        meter_readings_record(meter=meter, samples=[(minute(0), 1.0), sample])
    assert str(caught.value).startswith(message)
    assert caught.value.extra["index"] == 1
    assert stored(meter) == []


def test_a_sample_beyond_five_minutes_ahead_is_refused_and_nothing_is_stored() -> None:
    # The instant is taken when the test runs: a parameter would be fixed at collection,
    # and a long suite reaches it before the test does.
    meter = MeterFactory.create()
    ahead = timezone.now() + timedelta(minutes=6)
    with pytest.raises(InvalidReadingError) as caught:
        meter_readings_record(meter=meter, samples=[(minute(0), 1.0), (ahead, 1.0)])
    assert str(caught.value).startswith("readings[1].time is more than 5 minutes")
    assert stored(meter) == []


def test_negative_power_within_the_bound_is_injection_and_is_stored() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(minute(0), -3.2)])
    assert stored(meter) == [(minute(0), -3.2)]


@override_settings(METERING_MAX_BATCH=3)
def test_a_batch_over_the_limit_is_refused() -> None:
    meter = MeterFactory.create()
    with pytest.raises(BatchTooLargeError) as caught:
        meter_readings_record(meter=meter, samples=[(minute(n), 1.0) for n in range(4)])
    assert caught.value.http_status == 413
    assert stored(meter) == []


def test_a_batch_of_several_meters_is_all_or_nothing() -> None:
    first, second = MeterFactory.create(), MeterFactory.create()
    meter_readings_record(meter=second, samples=[(minute(0), 4.0)])
    with pytest.raises(ConflictingReadingError):
        readings_record(samples_by_meter={first: [(minute(0), 1.0)], second: [(minute(0), 5.0)]})
    assert stored(first) == []
    result = readings_record(
        samples_by_meter={first: [(minute(0), 1.0)], second: [(minute(0), 4.0), (minute(1), 4.5)]}
    )
    assert (result.inserted, result.duplicates) == (2, 1)
    assert stored(first) == [(minute(0), 1.0)]
    assert stored(second) == [(minute(0), 4.0), (minute(1), 4.5)]


def test_a_bad_sample_in_a_multi_meter_batch_names_its_meter() -> None:
    first, second = MeterFactory.create(), MeterFactory.create()
    with pytest.raises(InvalidReadingError) as caught:
        readings_record(
            samples_by_meter={first: [(minute(0), 1.0)], second: [(minute(0), float("nan"))]}
        )
    assert caught.value.extra == {
        "index": 0,
        "field": "readings[0].power_kw",
        "meter_id": second.meter_id,
    }
    assert stored(first) == []
