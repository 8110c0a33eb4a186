"""The demo's assets at home and the partners who installed, supplied and made them.

Each household's panels, battery, car and flexible loads are exactly what the simulator draws
for it (``simulator.assets.assets_drawn``), rounded to the fields' places, so that storing them
leaves the demo's readings as the physics gives them. Idempotent: a household that already has
an asset of a kind gets no second one."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User

from demo.world import ASSETS_COMMISSIONED_ON, PARTNERS, HouseholdSpec
from households.models import (
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Household,
    Partner,
    PartnerGrant,
    SolarArray,
)
from metering.models import Meter
from simulator.assets import HouseAssets, assets_drawn

KW = Decimal("0.01")
DEGREES = Decimal("0.1")
FRACTION = Decimal("0.0001")


def _decimal(value: float, places: Decimal) -> Decimal:
    return Decimal(repr(value)).quantize(places)


def drawn_assets(spec: HouseholdSpec, *, seed: int) -> HouseAssets:
    """What the simulator gives the household with the meters of its spec."""
    return assets_drawn(
        seed,
        spec.meter_id,
        panels=spec.solar_meter_id is not None,
        battery=spec.battery_meter_id is not None,
        car=spec.ev_meter_id is not None,
    )


def partners_seed() -> dict[str, Partner]:
    """The three partner companies, by the kind of asset they deal in."""
    return {
        spec.asset: Partner.objects.get_or_create(name=spec.name, defaults={"kind": spec.kind})[0]
        for spec in PARTNERS
    }


def partner_staff_seed(partners: dict[str, Partner], demo_user: Callable[..., User]) -> None:
    for spec in PARTNERS:
        user = demo_user(spec.staff_username, first_name=spec.staff_first_name)
        partners[spec.asset].staff.add(user)


def assets_seed(
    spec: HouseholdSpec, household: Household, partners: dict[str, Partner], *, seed: int
) -> None:
    """The household's assets (those it lacks), linked to their meters and shared with the
    partner that deals in them."""
    drawn = drawn_assets(spec, seed=seed)
    if drawn.panels and spec.solar_meter_id:
        panel = drawn.panels[0]
        array = household.solar_arrays.first() or SolarArray.objects.create(
            household=household,
            kwp=_decimal(panel.kwp, KW),
            tilt_degrees=_decimal(panel.tilt_deg, DEGREES),
            azimuth_degrees=_decimal(panel.azimuth_deg, DEGREES),
            inverter_kw=_decimal(panel.inverter_kw or panel.kwp, KW),
            installed_by=partners["solar"],
            commissioned_on=ASSETS_COMMISSIONED_ON,
        )
        _link(spec.solar_meter_id, solar_array=array)
        _grant(partners["solar"], household)
    if drawn.battery and spec.battery_meter_id:
        battery = drawn.battery
        stored = household.batteries.first() or HomeBattery.objects.create(
            household=household,
            capacity_kwh=_decimal(battery.capacity_kwh, KW),
            max_charge_kw=_decimal(battery.max_charge_kw, KW),
            max_discharge_kw=_decimal(battery.max_discharge_kw, KW),
            efficiency=_decimal(battery.efficiency, FRACTION),
            reserve_share=_decimal(battery.reserve_share, FRACTION),
            supplier=partners["battery"],
            commissioned_on=ASSETS_COMMISSIONED_ON,
        )
        _link(spec.battery_meter_id, home_battery=stored)
        _grant(partners["battery"], household)
    if drawn.car and spec.ev_meter_id:
        car = drawn.car
        # The usual departure and need stay empty, as drawn: the simulator's own morning and
        # trips draws then apply (what the history was made with); members set them.
        vehicle = household.vehicles.first() or ElectricVehicle.objects.create(
            household=household,
            name=f"Volt {int(car.battery_kwh)}",
            battery_kwh=_decimal(car.battery_kwh, KW),
            charger_max_kw=_decimal(car.charger_max_kw, KW),
            charger_min_kw=_decimal(car.charger_min_kw, KW),
            charging_efficiency=_decimal(car.efficiency, FRACTION),
            maker=partners["car"],
            usual_departure=car.usual_departure,
            usual_energy_need_kwh=(  # type: ignore[misc]  # the field is nullable
                None
                if car.usual_energy_need_kwh is None
                else _decimal(car.usual_energy_need_kwh, KW)
            ),
        )
        _link(spec.ev_meter_id, electric_vehicle=vehicle)
        _grant(partners["car"], household)
    kinds = set(household.flexible_loads.values_list("kind", flat=True))
    FlexibleLoad.objects.bulk_create(
        FlexibleLoad(
            household=household,
            kind=load.kind,
            rated_kw=_decimal(load.rated_kw, KW),
            curtailment_consent=load.curtailment_consent,
        )
        for load in drawn.flexible
        if load.kind not in kinds
    )


def _link(meter_id: str, **asset: object) -> None:
    """Names the asset on its meter, unless the meter already measures one."""
    (field,) = asset
    Meter.objects.filter(meter_id=meter_id, **{f"{field}__isnull": True}).update(**asset)


def _grant(partner: Partner, household: Household) -> None:
    PartnerGrant.objects.get_or_create(partner=partner, household=household)
