"""The slot layer: energy per 15-minute slot, blocks and their states, household slots."""

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import override_settings

from core.locks import advisory_xact_locks
from metering.choices import BlockState, MeterKind
from metering.models import EnergySlot, HouseholdSlot, Meter, SlotBlock
from metering.services import slot_storage
from metering.services.ingestion import meter_readings_record
from metering.services.rollup import HOUSEHOLD_LOCK_NAMESPACE, slots_rollup
from tests.concurrency import run_at_once
from tests.households.factories import HouseholdFactory
from tests.metering.factories import MeterFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def kwh(value: float) -> object:
    """Slots keep kWh to 6 decimals."""
    return pytest.approx(value, abs=1e-6)


def slots_of(meter: Meter) -> dict[datetime, tuple[object, ...]]:
    return {
        s.start: (
            float(s.import_kwh),
            float(s.export_kwh),
            float(s.production_kwh),
            float(s.charge_kwh),
            float(s.discharge_kwh),
            s.samples,
            s.complete,
        )
        for s in EnergySlot.objects.filter(meter=meter).order_by("start")
    }


def test_slot_energy_is_split_exactly_at_the_boundary() -> None:
    meter = MeterFactory.create()
    # 10:10 → 10:20 rising 0 → 6 kW: 10:15 sees 3 kW.
    meter_readings_record(meter=meter, samples=[(at(10), 0.0), (at(20), 6.0)])
    report = slots_rollup(now=NOW)
    assert report.blocks_done == 1
    assert slots_of(meter) == {
        at(0): (kwh(0.125), 0.0, 0.0, 0.0, 0.0, 1, False),
        at(15): (kwh(0.375), 0.0, 0.0, 0.0, 0.0, 1, False),
    }


def test_a_full_slot_of_minute_readings_is_complete_and_exact() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(at(m), 2.0) for m in range(31)])
    slots_rollup(now=NOW)
    slots = slots_of(meter)
    assert slots[at(0)] == (kwh(0.5), 0.0, 0.0, 0.0, 0.0, 15, True)
    assert slots[at(15)] == (kwh(0.5), 0.0, 0.0, 0.0, 0.0, 15, True)
    assert slots[at(30)][5:] == (1, False)  # one reading, nothing bridged beyond it


def test_import_and_export_of_a_grid_meter_split_at_the_zero_crossing() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(at(0), 2.0), (at(10), -2.0), (at(15), -2.0)])
    slots_rollup(now=NOW)
    imported, exported = slots_of(meter)[at(0)][:2]
    assert imported == kwh(2 / 2 * 5 / 60)
    assert exported == kwh(2 / 2 * 5 / 60 + 2 * 5 / 60)


def test_a_gap_over_fifteen_minutes_leaves_slots_incomplete() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(at(0), 1.0), (at(5), 1.0), (at(25), 1.0)])
    slots_rollup(now=NOW)
    slots = slots_of(meter)
    assert slots[at(0)][0] == kwh(1 / 12)
    assert slots[at(0)][6] is False
    assert slots[at(15)][0] == 0.0


def test_a_late_reading_reopens_a_closed_block_and_matches_a_fresh_rollup() -> None:
    meter = MeterFactory.create()
    samples = [(at(m), 1.0 + m / 10) for m in range(0, 60, 2)]
    late = [(at(m), 5.0) for m in range(1, 60, 10)]
    meter_readings_record(meter=meter, samples=samples)
    slots_rollup(now=NOW + timedelta(days=5))  # old enough: DONE then CLOSED
    assert SlotBlock.objects.get(meter=meter).state == BlockState.CLOSED
    meter_readings_record(meter=meter, samples=late)
    assert SlotBlock.objects.get(meter=meter).state == BlockState.TODO
    slots_rollup(now=NOW)
    incremental = slots_of(meter)

    fresh = MeterFactory.create()
    meter_readings_record(meter=fresh, samples=samples + late)
    slots_rollup(now=NOW)
    assert slots_of(fresh) == incremental


def test_a_reading_just_after_midnight_updates_the_previous_days_last_slot() -> None:
    meter = MeterFactory.create()
    midnight = datetime(2026, 11, 3, tzinfo=UTC)
    meter_readings_record(meter=meter, samples=[(midnight - timedelta(minutes=5), 2.0)])
    slots_rollup(now=NOW)
    meter_readings_record(meter=meter, samples=[(midnight + timedelta(minutes=5), 2.0)])
    assert set(SlotBlock.objects.filter(meter=meter).values_list("day", "state")) == {
        (midnight.date() - timedelta(days=1), BlockState.TODO),
        (midnight.date(), BlockState.TODO),
    }
    slots_rollup(now=NOW)
    slots = slots_of(meter)
    assert slots[midnight - timedelta(minutes=15)][0] == kwh(2 * 5 / 60)
    assert slots[midnight][0] == kwh(2 * 5 / 60)


def test_running_twice_changes_nothing() -> None:
    meter = MeterFactory.create()
    meter_readings_record(meter=meter, samples=[(at(m), 1.5) for m in range(0, 90, 3)])
    slots_rollup(now=NOW)
    first = slots_of(meter)
    assert slots_rollup(now=NOW).blocks_done == 0
    assert slots_of(meter) == first


@pytest.mark.parametrize(("day", "slots"), [("2026-03-29", 92), ("2026-10-25", 100)])
def test_dst_days_have_92_and_100_slots(day: str, slots: int) -> None:
    brussels = ZoneInfo("Europe/Brussels")
    household = HouseholdFactory.create()
    meter = MeterFactory.create(household=household)
    local_midnight = datetime.fromisoformat(day).replace(tzinfo=brussels).astimezone(UTC)
    next_midnight = (
        (datetime.fromisoformat(day) + timedelta(days=1)).replace(tzinfo=brussels).astimezone(UTC)
    )
    minutes = int((next_midnight - local_midnight).total_seconds() // 60)
    meter_readings_record(
        meter=meter,
        samples=[(local_midnight + timedelta(minutes=m), 1.0) for m in range(minutes + 1)],
    )
    slots_rollup(now=next_midnight + timedelta(days=3))
    day_slots = HouseholdSlot.objects.filter(
        household=household, start__gte=local_midnight, start__lt=next_midnight
    )
    assert day_slots.count() == slots
    assert day_slots.filter(complete=True).count() == slots
    total = sum(s.import_kwh for s in day_slots)
    assert total == pytest.approx(Decimal(minutes) / 60, abs=Decimal("0.00001"))


def test_a_crash_makes_the_block_faulty_and_the_next_run_fixes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good, bad = MeterFactory.create(), MeterFactory.create()
    for meter in (good, bad):
        meter_readings_record(meter=meter, samples=[(at(0), 1.0), (at(10), 1.0)])
    real_upsert = slot_storage.meter_slots_upsert

    def crash_on_bad(rows: list[slot_storage.SlotRow]) -> int:
        if any(row.meter_pk == bad.pk for row in rows):
            raise RuntimeError("disk on fire")
        return real_upsert(rows)

    monkeypatch.setattr(slot_storage, "meter_slots_upsert", crash_on_bad)
    report = slots_rollup(now=NOW)
    assert (report.blocks_done, report.blocks_faulty) == (1, 1)
    faulty = SlotBlock.objects.get(meter=bad)
    assert faulty.state == BlockState.FAULTY
    assert faulty.error == "RuntimeError: disk on fire"
    assert faulty.attempts == 1
    assert slots_of(bad) == {}
    assert slots_of(good) != {}

    monkeypatch.setattr(slot_storage, "meter_slots_upsert", real_upsert)
    assert slots_rollup(now=NOW).blocks_done == 1
    fixed = SlotBlock.objects.get(meter=bad)
    assert (fixed.state, fixed.error, fixed.attempts) == (BlockState.DONE, "", 0)
    assert slots_of(bad) == slots_of(good)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_give_the_same_rows() -> None:
    meters = MeterFactory.create_batch(40)
    for n, meter in enumerate(meters):
        meter_readings_record(meter=meter, samples=[(at(m), n + m / 7) for m in range(0, 120, 2)])
    with override_settings(SLOTS_ROLLUP_CHUNK_BLOCKS=3):
        assert run_at_once(lambda: slots_rollup(now=NOW)) == []
    assert set(SlotBlock.objects.values_list("state", flat=True)) == {BlockState.DONE}
    together = {m.pk: slots_of(m) for m in meters}
    EnergySlot.objects.all().delete()
    SlotBlock.objects.update(state=BlockState.TODO, dirty_from=None)
    slots_rollup(now=NOW)
    assert {m.pk: slots_of(m) for m in meters} == together


def test_household_slots_combine_grid_solar_and_battery() -> None:
    household = HouseholdFactory.create()
    grid = MeterFactory.create(household=household, kind=MeterKind.GRID)
    solar = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    battery = MeterFactory.create(household=household, kind=MeterKind.BATTERY)
    minutes = range(16)
    meter_readings_record(meter=grid, samples=[(at(m), -1.0) for m in minutes])  # exports 1 kW
    meter_readings_record(meter=solar, samples=[(at(m), 4.0) for m in minutes])  # produces 4 kW
    meter_readings_record(meter=battery, samples=[(at(m), 2.0) for m in minutes])  # charges 2 kW
    slots_rollup(now=NOW)
    slot = HouseholdSlot.objects.get(household=household, start=at(0))
    quarter = Decimal("0.25")
    assert slot.export_kwh == 1 * quarter
    assert slot.production_kwh == 4 * quarter
    assert slot.charge_kwh == 2 * quarter
    assert slot.consumption_kwh == 1 * quarter  # 0 + 4 + 0 − 1 − 2
    assert slot.self_consumed_kwh == 3 * quarter
    assert slot.direct_solar_kwh == 1 * quarter
    assert slot.complete is True


def test_a_backfill_far_in_the_past_is_rolled_up() -> None:
    meter = MeterFactory.create()
    year_ago = at(0) - timedelta(days=365)
    meter_readings_record(
        meter=meter, samples=[(year_ago + timedelta(minutes=m), 2.0) for m in range(16)]
    )
    slots_rollup(now=NOW)
    assert slots_of(meter)[year_ago][0] == kwh(0.5)


@pytest.mark.django_db(transaction=True)
def test_workers_sharing_households_take_turns_without_a_deadlock(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Chunks of 5 blocks split households' meters between workers, as the live tick and the
    # history's chunks do: every chunk refreshes households another chunk is refreshing.
    households = HouseholdFactory.create_batch(12)
    meters = [
        MeterFactory.create(household=household, kind=kind)
        for kind in (MeterKind.GRID, MeterKind.PRODUCTION, MeterKind.BATTERY)
        for household in households[:: 1 if kind != MeterKind.PRODUCTION else -1]
    ]
    for n, meter in enumerate(meters):
        samples = [(at(m), 1 + n % 5 + m / 50) for m in range(-60 * 24 * 3, 120, 15)]
        meter_readings_record(meter=meter, samples=samples)
    with override_settings(SLOTS_ROLLUP_CHUNK_BLOCKS=5):
        assert run_at_once(lambda: slots_rollup(now=NOW), workers=4) == []
    assert "failed; retrying" not in caplog.text
    assert not SlotBlock.objects.filter(state__in=(BlockState.TODO, BlockState.FAULTY)).exists()
    together = set(
        HouseholdSlot.objects.values_list(
            "household_id", "start", "import_kwh", "production_kwh", "charge_kwh", "consumption_kwh"
        )
    )
    HouseholdSlot.objects.all().delete()
    SlotBlock.objects.update(state=BlockState.TODO, dirty_from=None)
    slots_rollup(now=NOW)
    assert (
        set(
            HouseholdSlot.objects.values_list(
                "household_id",
                "start",
                "import_kwh",
                "production_kwh",
                "charge_kwh",
                "consumption_kwh",
            )
        )
        == together
    )


@pytest.mark.django_db(transaction=True)
def test_a_rollup_goes_on_with_the_households_another_one_is_not_holding() -> None:
    busy, free = HouseholdFactory.create_batch(2)
    busy_meter = MeterFactory.create(household=busy)
    free_meter = MeterFactory.create(household=free)
    for meter in (busy_meter, free_meter):
        meter_readings_record(meter=meter, samples=[(at(0), 1.0), (at(15), 1.0)])
    seen_while_held: list[tuple[str, str]] = []
    holding, checked = threading.Event(), threading.Event()

    def other_rollup() -> None:  # holds the busy household as a chunk at work on it would
        with transaction.atomic():
            advisory_xact_locks(HOUSEHOLD_LOCK_NAMESPACE, [busy.pk])
            holding.set()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not free_done():
                time.sleep(0.05)
            seen_while_held.append((block_state(busy_meter), block_state(free_meter)))
        checked.set()
        connection.close()

    thread = threading.Thread(target=other_rollup)
    thread.start()
    holding.wait(5)
    report = slots_rollup(now=NOW)  # the free household at once, the busy one once released
    thread.join()
    assert checked.is_set()
    assert seen_while_held == [(BlockState.TODO, BlockState.DONE)]
    assert report.blocks_done == 2
    assert block_state(busy_meter) == BlockState.DONE


@pytest.mark.django_db(transaction=True)
def test_the_minutes_rollup_leaves_held_households_to_their_holder_and_ends() -> None:
    household = HouseholdFactory.create()
    meter = MeterFactory.create(household=household)
    meter_readings_record(meter=meter, samples=[(at(0), 1.0), (at(15), 1.0)])
    holding, release = threading.Event(), threading.Event()

    def other_rollup() -> None:
        with transaction.atomic():
            advisory_xact_locks(HOUSEHOLD_LOCK_NAMESPACE, [household.pk])
            holding.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_rollup)
    thread.start()
    holding.wait(5)
    started = time.monotonic()
    report = slots_rollup(now=NOW, waits=False)
    ended_s = time.monotonic() - started
    release.set()
    thread.join()
    assert (report.blocks_done, block_state(meter)) == (0, BlockState.TODO)
    assert ended_s < 5
    assert slots_rollup(now=NOW).blocks_done == 1


def block_state(meter: Meter) -> str:
    return SlotBlock.objects.get(meter=meter).state


def free_done() -> bool:
    return SlotBlock.objects.filter(meter__household__isnull=False, state=BlockState.DONE).exists()


def test_deleting_a_meter_or_a_household_deletes_its_slots() -> None:
    # Slots have no database-side foreign key: the delete cascades in Django.
    household = HouseholdFactory.create()
    kept, removed = MeterFactory.create_batch(2, household=household)
    for meter in (kept, removed):
        meter_readings_record(meter=meter, samples=[(at(0), 1.0), (at(15), 1.0)])
    slots_rollup(now=NOW)
    assert HouseholdSlot.objects.filter(household=household).exists()
    removed.delete()
    assert not EnergySlot.objects.filter(meter_id=removed.pk).exists()
    assert EnergySlot.objects.filter(meter=kept).exists()
    household_id = household.pk
    household.delete()  # its meters stay, with their own slots
    assert EnergySlot.objects.filter(meter=kept).exists()
    assert not HouseholdSlot.objects.filter(household_id=household_id).exists()
