"""Reads of DSMR registers: exact energy from register differences."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from metering.dsmr.choices import EquipmentKind
from metering.dsmr.models import DsmrEquipment, DsmrRegister
from metering.models import Meter

_ZERO = Decimal("0.000")


@dataclass(frozen=True, slots=True)
class RegisterEnergy:
    import_kwh: Decimal
    export_kwh: Decimal


def register_energy_between(*, meter: Meter, start: datetime, end: datetime) -> RegisterEnergy:
    """Energy imported and exported by a P1 meter in [start, end), from its registers.

    Per register series (one per equipment: a swapped meter starts a new one), the energy is the
    last register before ``end`` minus the last register before ``start`` — or, when the series
    begins inside the window, minus its first register. Consecutive windows therefore add up to
    exactly the counters' increase: nothing is counted twice across boundaries or swaps, and a
    series never contributes less than zero (a counter that went back adds nothing).
    """
    import_kwh = export_kwh = _ZERO
    equipment = DsmrEquipment.objects.filter(meter=meter, kind=EquipmentKind.ELECTRICITY)
    for item in equipment:
        series = DsmrRegister.objects.filter(equipment=item, meter=meter)
        last = _totals(series.filter(time__lt=end).order_by("-time"))
        if last is None:
            continue
        before = series.filter(time__lt=start).order_by("-time")
        baseline = _totals(before) or _totals(series.filter(time__lt=end).order_by("time")) or last
        import_kwh += max(_ZERO, last[0] - baseline[0])
        export_kwh += max(_ZERO, last[1] - baseline[1])
    return RegisterEnergy(import_kwh=import_kwh, export_kwh=export_kwh)


def _totals(registers: QuerySet[DsmrRegister]) -> tuple[Decimal, Decimal] | None:
    row = registers.values_list(
        "import_tariff1_kwh", "import_tariff2_kwh", "export_tariff1_kwh", "export_tariff2_kwh"
    ).first()
    if row is None:
        return None
    return row[0] + row[1], row[2] + row[3]
