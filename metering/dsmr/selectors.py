"""Reads of DSMR registers: exact energy from register differences."""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from core.timeslots import SLOT
from metering.dsmr.choices import EquipmentKind
from metering.models import DsmrEquipment, DsmrRegister, Meter

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


def register_energy_by_slot(
    *, meter_pk: int, start: datetime, end: datetime
) -> dict[float, tuple[Decimal, Decimal]]:
    """``register_energy_between`` for every slot in [start, end) at once (keyed by the slot's
    epoch seconds), from one read of the registers: the slot rollup's bulk form."""
    edges = [start + SLOT * n for n in range(int((end - start) / SLOT) + 1)]
    totals: dict[float, list[Decimal]] = {e.timestamp(): [_ZERO, _ZERO] for e in edges[:-1]}
    for item in DsmrEquipment.objects.filter(meter_id=meter_pk, kind=EquipmentKind.ELECTRICITY):
        series = DsmrRegister.objects.filter(equipment=item, meter_id=meter_pk)
        before = _totals(series.filter(time__lt=start).order_by("-time"))
        rows = list(
            series.filter(time__gte=start, time__lt=end)
            .order_by("time")
            .values_list(
                "time",
                "import_tariff1_kwh",
                "import_tariff2_kwh",
                "export_tariff1_kwh",
                "export_tariff2_kwh",
            )
        )
        if not rows and before is None:
            continue
        times = [row[0] for row in rows]
        counters = [(row[1] + row[2], row[3] + row[4]) for row in rows]
        first = before or (counters[0] if counters else None)
        # The last register strictly before each edge (the series' start before its first one).
        at_edge = []
        for edge in edges:
            index = bisect_left(times, edge)
            at_edge.append(counters[index - 1] if index else first)
        for n, edge in enumerate(edges[:-1]):
            low, high = at_edge[n], at_edge[n + 1]
            if low is None or high is None:
                continue
            slot = totals[edge.timestamp()]
            slot[0] += max(_ZERO, high[0] - low[0])
            slot[1] += max(_ZERO, high[1] - low[1])
    return {key: (value[0], value[1]) for key, value in totals.items()}
