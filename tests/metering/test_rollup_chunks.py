"""How the rollup cuts its work: the live days first and alone, chunks sized to a time budget."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

import metering.services.rollup as rollup
from metering.choices import BlockState
from metering.models import SlotBlock
from metering.services.ingestion import meter_readings_record
from metering.services.rollup import slots_rollup
from tests.metering.factories import MeterFactory

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def day_of_readings(meter: object, day: datetime) -> None:
    samples = [(day + timedelta(minutes=15 * i), 1.0) for i in range(8)]
    meter_readings_record(meter=meter, samples=samples)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_live_days_are_computed_first_in_a_chunk_of_their_own() -> None:
    meters = MeterFactory.create_batch(3)
    for meter in meters:
        for days_ago in (0, 5, 6, 7):
            day_of_readings(meter, NOW.replace(hour=1) - timedelta(days=days_ago))
    assert SlotBlock.objects.filter(state=BlockState.TODO).count() == 12

    report = slots_rollup(now=NOW, max_chunks=1)

    done = SlotBlock.objects.filter(state=BlockState.DONE)
    assert report.blocks_done == 3
    assert set(done.values_list("day", flat=True)) == {NOW.date()}
    slots_rollup(now=NOW)
    assert not SlotBlock.objects.filter(state=BlockState.TODO).exists()


@pytest.mark.django_db
def test_a_small_time_budget_cuts_the_work_into_small_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rollup, "FIRST_CHUNK_BLOCKS", 2)
    meter = MeterFactory.create()
    for days_ago in range(3, 9):
        day_of_readings(meter, NOW.replace(hour=1) - timedelta(days=days_ago))
    with override_settings(SLOTS_ROLLUP_CHUNK_SECONDS=1e-6):
        report = slots_rollup(now=NOW, max_chunks=3)
    assert report.blocks_done == 2 + 1 + 1  # after the first chunk, one block fits the budget


@pytest.mark.django_db
def test_no_new_chunk_after_max_seconds_but_always_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rollup, "FIRST_CHUNK_BLOCKS", 1)
    meter = MeterFactory.create()
    for days_ago in range(3, 6):
        day_of_readings(meter, NOW.replace(hour=1) - timedelta(days=days_ago))
    assert slots_rollup(now=NOW, max_seconds=0.0).blocks_done == 1
    assert slots_rollup(now=NOW, max_seconds=60.0).blocks_done == 2


@override_settings(SLOTS_ROLLUP_CHUNK_SECONDS=5.0, SLOTS_ROLLUP_CHUNK_BLOCKS=500)
@pytest.mark.parametrize(
    ("blocks", "seconds", "expected"),
    [
        (100, 10.0, 40),  # too slow: 40 blocks take 80% of 5 s
        (50, 0.5, 200),  # fast: grows, at most fourfold
        (400, 0.1, 500),  # never above the block limit
        (10, 60.0, 1),  # at least one block
    ],
)
def test_a_chunk_is_sized_from_the_pace_of_the_one_before(
    blocks: int, seconds: float, expected: int
) -> None:
    assert rollup._next_chunk_size(blocks, seconds) == expected
