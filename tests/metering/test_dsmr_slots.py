"""A P1 meter's slots take their energy from register differences, not from its power."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from metering.choices import SlotSource
from metering.dsmr.services import telegrams_store
from metering.dsmr.telegrams import telegram_parse
from metering.models import EnergySlot
from metering.services.rollup import slots_rollup
from tests.metering.factories import MeterFactory
from tests.metering.p1 import at

pytestmark = pytest.mark.django_db

# Local winter time (W): 19:00 in Brussels is 18:00 UTC.
TELEGRAMS = [  # (time, import tariff 1 kWh, power kW)
    ("170102190000W", "000010.000", "00.500"),
    ("170102190500W", "000010.100", "00.500"),
    ("170102191000W", "000010.200", "00.500"),
    ("170102191500W", "000010.900", "00.500"),
    ("170102192000W", "000011.000", "00.500"),
]
SLOT_1 = datetime(2017, 1, 2, 18, 0, tzinfo=UTC)


def test_p1_slot_energy_is_the_register_difference() -> None:
    grid = MeterFactory.create()
    telegrams_store(
        telegrams=[
            telegram_parse(at(stamp, p1_0_1_8_1=f"({kwh}*kWh)", p1_0_1_7_0=f"({kw}*kW)"))
            for stamp, kwh, kw in TELEGRAMS
        ],
        meter=grid,
    )
    slots_rollup(now=SLOT_1 + timedelta(days=1))
    slots = {
        s.start: (s.import_kwh, s.export_kwh, s.source, s.samples)
        for s in EnergySlot.objects.filter(meter=grid)
    }
    # 18:00–18:15: 10.000 → 10.200 (the last register before 18:15 is at 18:10).
    assert slots[SLOT_1] == (Decimal("0.2"), Decimal(0), SlotSource.REGISTER, 3)
    # 18:15–18:30: 10.200 → 11.000, though the power alone would say 0.5 kW × 5 min.
    assert slots[SLOT_1 + timedelta(minutes=15)] == (
        Decimal("0.8"),
        Decimal(0),
        SlotSource.REGISTER,
        2,
    )
