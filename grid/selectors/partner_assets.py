"""What a partner may see of the assets at its customers' homes: only its own rows, and only at
households still shared with it (anything else is the same 404 as an id that does not exist)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from grid.exceptions import PartnerAssetNotFoundError
from households.models import (
    ElectricVehicle,
    HomeBattery,
    Partner,
    PartnerKind,
    SolarArray,
)
from metering.choices import MeterKind

type Asset = SolarArray | HomeBattery | ElectricVehicle


@dataclass(frozen=True)
class PartnerAssetKind:
    """One kind of asset a partner registers: which model, which of its foreign keys names the
    partner, which partners may, and the meter that measures it (kind and link on Meter)."""

    model: type[Asset]
    label: str  # "solar array"
    partner_field: str  # the model's FK to the partner: installed_by, supplier, maker
    partner_kinds: frozenset[str]
    meter_kind: MeterKind
    meter_field: str  # Meter's FK to the asset
    fields: tuple[str, ...]  # what the partner writes


SOLAR_ARRAYS = PartnerAssetKind(
    model=SolarArray,
    label="solar array",
    partner_field="installed_by",
    partner_kinds=frozenset({PartnerKind.INSTALLER}),
    meter_kind=MeterKind.PRODUCTION,
    meter_field="solar_array",
    fields=("kwp", "tilt_degrees", "azimuth_degrees", "inverter_kw", "commissioned_on"),
)
# The issue: "an installer registers a SolarArray or HomeBattery"; battery suppliers too.
HOME_BATTERIES = PartnerAssetKind(
    model=HomeBattery,
    label="home battery",
    partner_field="supplier",
    partner_kinds=frozenset({PartnerKind.BATTERY_SUPPLIER, PartnerKind.INSTALLER}),
    meter_kind=MeterKind.BATTERY,
    meter_field="home_battery",
    fields=(
        "capacity_kwh",
        "max_charge_kw",
        "max_discharge_kw",
        "efficiency",
        "reserve_share",
        "commissioned_on",
    ),
)
VEHICLES = PartnerAssetKind(
    model=ElectricVehicle,
    label="vehicle",
    partner_field="maker",
    partner_kinds=frozenset({PartnerKind.EV_MAKER}),
    meter_kind=MeterKind.EV,
    meter_field="electric_vehicle",
    fields=(
        "name",
        "battery_kwh",
        "charger_max_kw",
        "charger_min_kw",
        "charging_efficiency",
        "usual_departure",
        "usual_energy_need_kwh",
    ),
)


def partner_asset_list(*, kind: PartnerAssetKind, partner: Partner) -> QuerySet[Asset]:
    """The partner's own assets of this kind at households shared with it, oldest first, with
    their meters."""
    return (
        kind.model.objects.filter(
            **{kind.partner_field: partner}, household__partner_grants__partner=partner
        )
        .prefetch_related("meters")
        .order_by("pk")
    )


def partner_asset_get(*, kind: PartnerAssetKind, partner: Partner, asset_id: int) -> Asset:
    """One of the partner's own assets; another's, or none, is the same 404."""
    asset = partner_asset_list(kind=kind, partner=partner).filter(pk=asset_id).first()
    if asset is None:
        raise PartnerAssetNotFoundError(f"No such {kind.label}.")
    return asset
