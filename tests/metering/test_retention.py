"""Retention: raw readings past it are deleted, their slots kept; open blocks keep theirs."""

from datetime import timedelta

import pytest
from django.test import override_settings

from metering.choices import BlockState
from metering.models import Reading, SlotBlock
from metering.services.ingestion import meter_readings_record
from metering.services.retention import readings_prune
from metering.services.rollup import slots_rollup
from tests.metering.factories import MeterFactory
from tests.metering.test_rollup import NOW, at, slots_of

pytestmark = pytest.mark.django_db


@override_settings(READINGS_RETENTION_DAYS=30)
def test_old_readings_are_pruned_but_slots_kept() -> None:
    meter = MeterFactory.create()
    old = [(at(m) - timedelta(days=40), 1.0) for m in range(30)]
    recent = [(at(m), 1.0) for m in range(30)]
    meter_readings_record(meter=meter, samples=old + recent)
    slots_rollup(now=NOW)
    slots_before = slots_of(meter)
    assert readings_prune(now=NOW, batch_size=7) == 30
    assert sorted(Reading.objects.filter(meter=meter).values_list("time", flat=True)) == [
        t for t, _ in recent
    ]
    assert slots_of(meter) == slots_before


@override_settings(READINGS_RETENTION_DAYS=30)
def test_readings_whose_slots_are_not_computed_yet_are_not_pruned() -> None:
    meter = MeterFactory.create()
    old = [(at(m) - timedelta(days=40), 1.0) for m in range(9)]
    meter_readings_record(meter=meter, samples=old)  # its block is open: rollup first
    assert readings_prune(now=NOW) == 0
    assert Reading.objects.filter(meter=meter).count() == 9


@override_settings(READINGS_RETENTION_DAYS=30)
def test_a_late_reading_for_a_pruned_day_leaves_its_slots_alone() -> None:
    meter = MeterFactory.create()
    old = [(at(m) - timedelta(days=40), 1.0) for m in range(31)]
    meter_readings_record(meter=meter, samples=old)
    slots_rollup(now=NOW)
    readings_prune(now=NOW)
    before = slots_of(meter)
    meter_readings_record(meter=meter, samples=[(at(7.5) - timedelta(days=40), 9.0)])
    slots_rollup(now=NOW)
    block = SlotBlock.objects.get(meter=meter, day=(at(0) - timedelta(days=40)).date())
    assert block.state == BlockState.CLOSED
    assert "after the raw retention" in block.error
    assert slots_of(meter) == before
