"""What partners register at the households shared with them: the reads (``partner_asset_*``
selectors) and writes (``partner_asset_register`` / ``partner_asset_update``) the partner API
calls.

A partner sees and writes only its own rows (the installer of a solar array, the supplier of a
battery, the maker of a car) at households still shared with it (a ``PartnerGrant``); anything
else answers as missing. Which fields a partner writes is fixed here: what the household decides
(a battery's reserve and VPP participation, a car's departure and energy need) is not among them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from households.exceptions import PartnerAssetNotFoundError, PartnerKindError
from households.models import (
    ElectricVehicle,
    HomeBattery,
    Household,
    Partner,
    PartnerGrant,
    PartnerKind,
    SolarArray,
)

type PartnerAsset = SolarArray | HomeBattery | ElectricVehicle

HOUSEHOLD_NOT_SHARED = "No household with this id is shared with you."


@dataclass(frozen=True, slots=True)
class AssetRules:
    model: type[PartnerAsset]
    label: str  # plural, for messages
    partner_field: str  # the asset's foreign key to the partner that owns the row
    registered_by: frozenset[str]  # PartnerKind values that may register it
    writable: tuple[str, ...]  # fields a partner sets, at registration and later


class AssetKind(Enum):
    SOLAR_ARRAY = AssetRules(
        model=SolarArray,
        label="solar arrays",
        partner_field="installed_by",
        registered_by=frozenset({PartnerKind.INSTALLER}),
        writable=("kwp", "tilt_degrees", "azimuth_degrees", "inverter_kw", "commissioned_on"),
    )
    HOME_BATTERY = AssetRules(
        model=HomeBattery,
        label="home batteries",
        partner_field="supplier",
        registered_by=frozenset({PartnerKind.INSTALLER, PartnerKind.BATTERY_SUPPLIER}),
        writable=(
            "capacity_kwh",
            "max_charge_kw",
            "max_discharge_kw",
            "efficiency",
            "commissioned_on",
        ),
    )
    ELECTRIC_VEHICLE = AssetRules(
        model=ElectricVehicle,
        label="electric vehicles",
        partner_field="maker",
        registered_by=frozenset({PartnerKind.EV_MAKER}),
        writable=(
            "name",
            "battery_kwh",
            "charger_max_kw",
            "charger_min_kw",
            "charging_efficiency",
        ),
    )

    @property
    def rules(self) -> AssetRules:
        rules: AssetRules = self.value
        return rules


# --- reads ----------------------------------------------------------------------------------


def partner_household_list(*, partner: Partner) -> QuerySet[Household]:
    """The households shared with the partner (its customers), oldest grant first."""
    return Household.objects.filter(partner_grants__partner=partner).order_by(
        "partner_grants__created_at", "pk"
    )


def partner_asset_list(*, partner: Partner, kind: AssetKind) -> QuerySet[Any]:
    """The partner's own assets of this kind at households still shared with it."""
    rules = kind.rules
    return rules.model.objects.filter(
        **{rules.partner_field: partner}, household__partner_grants__partner=partner
    ).order_by("pk")


def partner_asset_get(*, partner: Partner, kind: AssetKind, asset_id: int) -> PartnerAsset:
    """One of the partner's own assets; another partner's answers exactly as a missing id."""
    asset: PartnerAsset | None = (
        partner_asset_list(partner=partner, kind=kind).filter(pk=asset_id).first()
    )
    if asset is None:
        raise PartnerAssetNotFoundError("Not found.")
    return asset


# --- writes ---------------------------------------------------------------------------------


def _check_fields(kind: AssetKind, values: Mapping[str, object]) -> None:
    unknown = set(values) - set(kind.rules.writable)
    if unknown:  # the API's serializers name only writable fields: a caller's mistake
        raise ValueError(f"Partners do not write {', '.join(sorted(unknown))} of {kind.name}.")


def partner_asset_register(
    *, partner: Partner, kind: AssetKind, household_id: int, values: Mapping[str, object]
) -> PartnerAsset:
    """A new asset at a household shared with the partner, which becomes its owner (installer,
    supplier or maker). Validated whole (the model's rules, the household's connection for a
    battery); nothing is written when anything is refused."""
    rules = kind.rules
    _check_fields(kind, values)
    if partner.kind not in rules.registered_by:
        raise PartnerKindError(
            f"A {partner.get_kind_display().lower()} does not register {rules.label}.",
            extra={"partner_kind": partner.kind},
        )
    with transaction.atomic():
        # The grant row locked: it cannot be withdrawn between this check and the insert.
        grant = (
            PartnerGrant.objects.select_for_update(of=("self",))
            .select_related("household")
            .filter(partner=partner, household_id=household_id)
            .first()
        )
        if grant is None:
            raise ValidationError({"household": HOUSEHOLD_NOT_SHARED})
        household = grant.household
        asset = rules.model(household=household, **{rules.partner_field: partner}, **values)
        asset.full_clean()
        asset.save()
    return asset


def partner_asset_update(
    *, partner: Partner, kind: AssetKind, asset_id: int, values: Mapping[str, object]
) -> PartnerAsset:
    """Changes some of the partner's writable fields of its own asset (its commissioning date,
    a corrected rating), validated whole; 404 for anything not its own."""
    _check_fields(kind, values)
    with transaction.atomic():
        asset: PartnerAsset | None = (
            partner_asset_list(partner=partner, kind=kind)
            .select_for_update(of=("self",))
            .filter(pk=asset_id)
            .first()
        )
        if asset is None:
            raise PartnerAssetNotFoundError("Not found.")
        if not values:
            return asset
        for name, value in values.items():
            setattr(asset, name, value)
        asset.full_clean()
        asset.save(update_fields=[*values, "updated_at"])
    return asset
