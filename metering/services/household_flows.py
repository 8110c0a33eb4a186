"""The flows of a household in one slot, from its meters' energy (the formulas of
ARCHITECTURE.md). The Postgres rollup computes the same in SQL (slot_storage); both paths are
run by the same tests."""

from dataclasses import asdict, dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class SlotFlows:
    import_kwh: Decimal
    export_kwh: Decimal
    production_kwh: Decimal
    charge_kwh: Decimal
    discharge_kwh: Decimal
    consumption_kwh: Decimal
    self_consumed_kwh: Decimal
    direct_solar_kwh: Decimal

    def as_fields(self) -> dict[str, Decimal]:
        return asdict(self)


def flows_of_slot(
    *,
    import_kwh: Decimal,
    export_kwh: Decimal,
    production_kwh: Decimal,
    charge_kwh: Decimal,
    discharge_kwh: Decimal,
) -> SlotFlows:
    """consumption = import + production + battery_out − export − battery_in (never below 0);
    self-consumed solar = production not exported; direct solar = production neither exported
    nor stored (the battery is assumed to charge from solar first), at most the consumption."""
    consumption = max(import_kwh + production_kwh + discharge_kwh - export_kwh - charge_kwh, ZERO)
    return SlotFlows(
        import_kwh=import_kwh,
        export_kwh=export_kwh,
        production_kwh=production_kwh,
        charge_kwh=charge_kwh,
        discharge_kwh=discharge_kwh,
        consumption_kwh=consumption,
        self_consumed_kwh=max(min(production_kwh - export_kwh, production_kwh), ZERO),
        direct_solar_kwh=max(min(production_kwh - export_kwh - charge_kwh, consumption), ZERO),
    )
