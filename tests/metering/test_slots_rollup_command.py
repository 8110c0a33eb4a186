"""`manage.py slots_rollup`: every open block computed, and what it did printed."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metering.choices import BlockState
from metering.models import EnergySlot, SlotBlock
from metering.services import rollup
from tests.metering.factories import MeterFactory, feed

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


def test_it_runs_until_no_block_is_open_and_says_what_it_did() -> None:
    meters = MeterFactory.create_batch(3)
    for meter in meters:
        feed(meter, 1.0, T0, 60)
    out = StringIO()
    call_command("slots_rollup", "--max-chunks", "5", stdout=out)
    assert out.getvalue().strip() == (
        "3 blocks computed, 15 slots written, 0 blocks faulty; 0 blocks still open."
    )
    # Computed, and final too: June is long enough ago.
    assert set(SlotBlock.objects.values_list("state", flat=True)) == {BlockState.CLOSED}
    assert EnergySlot.objects.filter(meter=meters[0]).count() == 5  # 10:00 to 11:00 included


def test_a_block_that_fails_is_named_and_the_command_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meter = MeterFactory.create(meter_id="m-broken")
    feed(meter, 1.0, T0, 60)

    def broken(blocks: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(rollup, "_compute", broken)
    out = StringIO()
    with pytest.raises(CommandError, match="meter m-broken on 2026-06-10: RuntimeError: disk"):
        call_command("slots_rollup", stdout=out)
    assert "0 blocks computed, 0 slots written, 1 blocks faulty; 1 blocks still open." in (
        out.getvalue()
    )


def test_max_chunks_must_be_positive() -> None:
    with pytest.raises(CommandError, match="--max-chunks"):
        call_command("slots_rollup", "--max-chunks", "0", stdout=StringIO())
