"""Storing telegrams: registers, the grid meter's reading, gas and water, meter swaps, and the
energy between two instants from register differences."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from metering.choices import MeterKind
from metering.dsmr.exceptions import EquipmentMismatchError, EquipmentUnknownError
from metering.dsmr.selectors import RegisterEnergy, register_energy_between
from metering.dsmr.services import equipment_link, telegram_refusal_count, telegrams_store
from metering.dsmr.telegrams import telegram_parse
from metering.exceptions import ConflictingReadingError
from metering.models import DsmrEquipment, DsmrRegister, DsmrVolumeRegister, Meter
from tests.metering.factories import MeterFactory, stored
from tests.metering.p1 import at, sample

pytestmark = pytest.mark.django_db

D = Decimal
T_DSMR5 = datetime(2017, 1, 2, 18, 20, 2, tzinfo=UTC)


def registers(meter: Meter) -> list[tuple[str, datetime, Decimal, Decimal]]:
    rows = DsmrRegister.objects.filter(meter=meter).order_by("time")
    return list(
        rows.values_list(
            "equipment__equipment_id", "time", "import_tariff1_kwh", "export_tariff1_kwh"
        )
    )


def test_a_telegram_stores_its_registers_a_reading_and_the_gas_meter() -> None:
    grid = MeterFactory.create(meter_id="home-1")
    result = telegrams_store(telegrams=[telegram_parse(sample("dsmr5"))], meter=grid)
    assert (result.stored, result.duplicates) == (1, 0)
    row = DsmrRegister.objects.get()
    assert (row.meter, row.equipment.equipment_id, row.time) == (grid, "K8EG004046395507", T_DSMR5)
    assert (row.import_tariff1_kwh, row.import_tariff2_kwh) == (D("4.426"), D("2.399"))
    assert (row.export_tariff1_kwh, row.export_tariff2_kwh) == (D("2.444"), D("0.000"))
    assert (row.tariff, row.power_delivered_kw, row.power_returned_kw) == (2, D("0.244"), D(0))
    assert (row.voltage_l1_v, row.voltage_l3_v, row.current_l3_a) == (
        D("230.0"),
        D("229.0"),
        D("0.86"),
    )
    assert row.power_l3_delivered_kw == D("0.142")
    assert stored(grid) == [(T_DSMR5, 0.244)]
    gas = Meter.objects.get(meter_id="home-1-gas")
    assert (gas.kind, gas.household) == (MeterKind.GAS, grid.household)
    volume = DsmrVolumeRegister.objects.get()
    assert (volume.meter, volume.equipment.equipment_id) == (gas, "2222ABCD123456789")
    assert (volume.time, volume.volume_m3) == (
        datetime(2017, 1, 2, 15, 10, 5, tzinfo=UTC),
        D("0.107"),
    )


def test_fluvius_stores_demand_peak_gas_and_water() -> None:
    grid = MeterFactory.create(meter_id="maison")
    telegrams_store(telegrams=[telegram_parse(sample("fluvius"))], meter=grid)
    row = DsmrRegister.objects.get()
    assert (row.average_demand_kw, row.month_peak_kw) == (D("2.351"), D("2.589"))
    assert row.month_peak_at == datetime(2020, 5, 9, 11, 45, 58, tzinfo=UTC)
    volumes = {
        v.meter.meter_id: (v.meter.kind, v.volume_m3)
        for v in DsmrVolumeRegister.objects.select_related("meter")
    }
    assert volumes == {
        "maison-gas": (MeterKind.GAS, D("112.384")),
        "maison-water": (MeterKind.WATER, D("872.234")),
    }


def test_a_repeated_telegram_is_a_duplicate_and_nothing_is_written_twice() -> None:
    grid = MeterFactory.create()
    telegrams = [telegram_parse(at("241120100000W")), telegram_parse(at("241120100001W"))]
    telegrams_store(telegrams=telegrams[:1], meter=grid)
    result = telegrams_store(telegrams=telegrams, meter=grid)
    assert (result.stored, result.duplicates) == (1, 1)
    assert DsmrRegister.objects.count() == 2
    assert len(stored(grid)) == 2
    assert DsmrVolumeRegister.objects.count() == 1  # the gas value of both is the same


def test_a_repeat_with_another_power_is_refused_whole() -> None:
    grid = MeterFactory.create()
    telegrams_store(telegrams=[telegram_parse(at("241120100000W"))], meter=grid)
    other = telegram_parse(at("241120100000W", p1_0_1_7_0="(01.500*kW)"))
    later = telegram_parse(at("241120100005W"))
    with pytest.raises(ConflictingReadingError):
        telegrams_store(telegrams=[later, other], meter=grid)
    assert DsmrRegister.objects.count() == 1


def test_equipment_of_another_meter_is_refused_and_nothing_is_stored() -> None:
    grid, neighbour = MeterFactory.create(), MeterFactory.create()
    equipment_link(equipment_id="K8EG004046395507", kind="electricity", meter=neighbour)
    with pytest.raises(EquipmentMismatchError):
        telegrams_store(telegrams=[telegram_parse(sample("dsmr5"))], meter=grid)
    assert DsmrRegister.objects.count() == 0
    assert stored(grid) == stored(neighbour) == []


def test_without_a_meter_the_equipment_must_be_linked_already() -> None:
    with pytest.raises(EquipmentUnknownError):
        telegrams_store(telegrams=[telegram_parse(sample("dsmr5"))])
    grid = MeterFactory.create()
    equipment_link(equipment_id="K8EG004046395507", kind="electricity", meter=grid)
    assert telegrams_store(telegrams=[telegram_parse(sample("dsmr5"))]).stored == 1
    assert stored(grid) == [(T_DSMR5, 0.244)]


def test_a_new_equipment_id_on_the_same_meter_starts_a_new_series() -> None:
    grid = MeterFactory.create()
    old = telegram_parse(at("241120100000W", p1_0_1_8_1="(012345.000*kWh)"))
    new = telegram_parse(at("241120100010W", p0_0_96_1_1="(4E4557)", p1_0_1_8_1="(000000.100*kWh)"))
    telegrams_store(telegrams=[old, new], meter=grid)
    assert [e.equipment_id for e in DsmrEquipment.objects.filter(meter=grid)] == [
        "K8EG004046395507",
        "NEW",
    ]
    assert registers(grid) == [
        ("K8EG004046395507", old.time, D("12345.000"), D("2.444")),
        ("NEW", new.time, D("0.100"), D("2.444")),
    ]


def test_telegram_refusals_are_counted_per_meter_and_code() -> None:
    grid = MeterFactory.create()
    telegram_refusal_count(meter=grid, code="crc_mismatch", message="bad")
    telegram_refusal_count(meter=grid, code="crc_mismatch", message="bad again")
    telegram_refusal_count(meter=grid, code="telegram_incomplete", message="short")
    counts = grid.dsmr_refusals.order_by("code").values_list("code", "count", "last_message")
    assert list(counts) == [("crc_mismatch", 2, "bad again"), ("telegram_incomplete", 1, "short")]


# --- energy from register differences ------------------------------------------------------------

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def store_series(grid: Meter, equipment_hex: str, points: list[tuple[int, str, str]]) -> None:
    """Telegrams at T0 + minutes with import tariff 1 and export tariff 1 (tariff 2 stays)."""
    telegrams = []
    for minutes, imported, exported in points:
        local = (T0 + timedelta(minutes=minutes)).astimezone(UTC) + timedelta(hours=1)
        telegrams.append(
            telegram_parse(
                at(
                    local.strftime("%y%m%d%H%M%S") + "W",
                    p0_0_96_1_1=f"({equipment_hex})",
                    p1_0_1_8_1=f"({imported}*kWh)",
                    p1_0_2_8_1=f"({exported}*kWh)",
                )
            )
        )
    telegrams_store(telegrams=telegrams, meter=grid)


def energy(grid: Meter, start_minute: int, end_minute: int) -> RegisterEnergy:
    return register_energy_between(
        meter=grid,
        start=T0 + timedelta(minutes=start_minute),
        end=T0 + timedelta(minutes=end_minute),
    )


def test_register_energy_is_the_counters_difference_and_windows_add_up() -> None:
    grid = MeterFactory.create()
    store_series(
        grid,
        "4F4C44",
        [
            (0, "100.000", "5.000"),
            (5, "100.250", "5.000"),
            (14, "100.400", "5.100"),
            (16, "100.500", "5.300"),
        ],
    )
    assert energy(grid, 0, 15) == RegisterEnergy(D("0.400"), D("0.100"))
    assert energy(grid, 15, 30) == RegisterEnergy(D("0.100"), D("0.200"))
    assert energy(grid, 0, 30) == RegisterEnergy(D("0.500"), D("0.300"))
    assert energy(grid, 30, 45) == RegisterEnergy(D("0.000"), D("0.000"))
    assert energy(grid, -15, 0) == RegisterEnergy(D("0.000"), D("0.000"))


def test_register_energy_across_a_meter_swap_is_never_negative_nor_counted_twice() -> None:
    grid = MeterFactory.create()
    store_series(grid, "4F4C44", [(0, "9000.000", "50.000"), (10, "9000.300", "50.000")])
    # The new meter starts near zero at minute 20, inside the second window.
    store_series(
        grid, "4E4557", [(20, "0.010", "0.000"), (25, "0.210", "0.050"), (35, "0.310", "0.050")]
    )
    first, second, third = energy(grid, 0, 15), energy(grid, 15, 30), energy(grid, 30, 45)
    assert first == RegisterEnergy(D("0.300"), D("0.000"))
    assert second == RegisterEnergy(D("0.200"), D("0.050"))
    assert third == RegisterEnergy(D("0.100"), D("0.000"))
    whole = energy(grid, 0, 45)
    assert whole.import_kwh == first.import_kwh + second.import_kwh + third.import_kwh
    assert whole.export_kwh == first.export_kwh + second.export_kwh + third.export_kwh


def test_telegrams_in_the_repeated_autumn_hour_are_stored_at_distinct_utc_times() -> None:
    grid = MeterFactory.create()
    summer = telegram_parse(at("241027023000S", p1_0_1_7_0="(01.000*kW)"))
    winter = telegram_parse(at("241027023000W", p1_0_1_7_0="(02.000*kW)"))
    result = telegrams_store(telegrams=[summer, winter], meter=grid)
    assert (result.stored, result.duplicates) == (2, 0)
    first, second = (
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 30, tzinfo=UTC),
    )
    assert list(DsmrRegister.objects.order_by("time").values_list("time", flat=True)) == [
        first,
        second,
    ]
    assert stored(grid) == [(first, 1.0), (second, 2.0)]
