"""The live charging plan: open sessions and the database's feeders, prices and history in,
a stored Plan with setpoints out, the sessions told what they will get."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grid.models import (
    ChargeSession,
    ChargeSessionSource,
    ChargeSessionState,
    Feeder,
    FeederConnection,
    MarketPrice,
    Plan,
    Setpoint,
)
from grid.selectors.forecast import feeder_base_load_kw
from grid.selectors.setpoints import setpoints_current
from grid.services.charging import charging_plan_run
from households.models import ElectricVehicle, Household, Notification
from metering.choices import MeterKind
from metering.models import EnergySlot, HouseholdSlot, Meter
from tests.households.factories import HouseholdFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)  # 18:00 in Brussels
SLOT = timedelta(minutes=15)
CHEAPEST = NOW + timedelta(hours=9)  # 03:00 local: four slots at 0.05
CHEAP = CHEAPEST + timedelta(hours=1)  # 04:00 local: four slots at 0.10


def _prices() -> None:
    MarketPrice.objects.bulk_create(
        MarketPrice(
            slot_start=NOW + i * SLOT,
            price=Decimal("0.05")
            if CHEAPEST <= NOW + i * SLOT < CHEAP
            else Decimal("0.10")
            if CHEAP <= NOW + i * SLOT < CHEAP + timedelta(hours=1)
            else Decimal("0.30"),
        )
        for i in range(96)
    )


def _car(
    household: Household, feeder: Feeder | None, *, max_kw: str = "7.4", name: str = "car"
) -> tuple[ElectricVehicle, Meter]:
    if feeder is not None:
        FeederConnection.objects.get_or_create(household=household, defaults={"feeder": feeder})
    car = ElectricVehicle.objects.create(
        household=household, name=name, battery_kwh=Decimal(60), charger_max_kw=Decimal(max_kw)
    )
    meter = Meter.objects.create(
        meter_id=f"ev-{name}", kind=MeterKind.EV, household=household, electric_vehicle=car
    )
    return car, meter


def _plug(car: ElectricVehicle, need: str, departs: datetime) -> ChargeSession:
    return ChargeSession.objects.create(
        vehicle=car,
        plugged_in_at=NOW - timedelta(minutes=5),
        departure_at=departs,
        energy_needed_kwh=Decimal(need),
        source=ChargeSessionSource.PORTAL,
    )


def test_two_cars_share_the_feeder_in_the_cheapest_slots() -> None:
    _prices()
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(12))
    departs = NOW + timedelta(hours=14)  # 07:00 local
    cars = [_car(HouseholdFactory.create(), feeder, name=n) for n in ("a", "b")]
    for car, _ in cars:
        _plug(car, "9", departs)  # 10 kWh from the grid each at 0.9

    plan = charging_plan_run(now=NOW)

    assert plan is not None
    assert plan.status == "optimal"
    assert plan.slots == 56
    assert plan.vehicles == 2
    # 12 kW fills the 0.05 hour (12 kWh), the other 8 kWh go to the 0.10 hour.
    assert plan.cost_eur == Decimal("1.4000")
    assert plan.delivered_kwh == Decimal("18.000")
    per_slot: dict[datetime, float] = {}
    for setpoint in Setpoint.objects.filter(plan=plan):
        per_slot[setpoint.slot_start] = per_slot.get(setpoint.slot_start, 0.0) + setpoint.power_kw
    hour_kwh = {"0.05": 0.0, "0.10": 0.0, "dear": 0.0}
    for start, kw in per_slot.items():
        assert kw <= 12.0 + 1e-6  # never over the feeder
        if CHEAPEST <= start < CHEAP:
            assert kw == pytest.approx(12.0)
            hour_kwh["0.05"] += kw / 4
        elif CHEAP <= start < CHEAP + timedelta(hours=1):
            hour_kwh["0.10"] += kw / 4
        else:
            hour_kwh["dear"] += kw / 4
    assert hour_kwh == pytest.approx({"0.05": 12.0, "0.10": 8.0, "dear": 0.0})
    for car, meter in cars:
        session = ChargeSession.objects.get(vehicle=car)
        assert session.state == ChargeSessionState.PLANNED
        assert session.expected_kwh == Decimal("9.000")
        energy = sum(s.power_kw for s in Setpoint.objects.filter(plan=plan, meter=meter)) * 0.25
        assert energy * 0.9 == pytest.approx(9.0)


def test_a_car_that_cannot_be_full_is_told_once() -> None:
    _prices()
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(20))
    household = HouseholdFactory.create()
    MembershipFactory(household=household)
    car, _ = _car(household, feeder, max_kw="3.7")
    session = _plug(car, "20", NOW + timedelta(hours=2))  # 2 h × 3.7 kW × 0.9 = 6.66 kWh

    charging_plan_run(now=NOW)
    charging_plan_run(now=NOW + SLOT)

    session.refresh_from_db()
    assert session.state == ChargeSessionState.SHORT
    assert session.expected_kwh == Decimal("5.827")  # a slot less at the second run
    notes = Notification.objects.filter(household=household, kind="ev_short")
    assert notes.count() == 1
    assert "6.7 kWh of 20.0 kWh" in notes.get().body
    assert Plan.objects.count() == 2


def test_energy_already_metered_is_not_planned_again() -> None:
    _prices()
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(20))
    car, meter = _car(HouseholdFactory.create(), feeder)
    _plug(car, "9", NOW + timedelta(hours=14))
    EnergySlot.objects.create(meter=meter, start=NOW - SLOT, charge_kwh=Decimal(5))  # 4.5 kWh

    plan = charging_plan_run(now=NOW)

    assert plan is not None
    assert plan.demand_kwh == Decimal("4.500")
    session = ChargeSession.objects.get()
    assert session.delivered_kwh == Decimal("4.500")
    assert session.expected_kwh == Decimal("9.000")


def test_no_car_plugged_in_stores_no_plan() -> None:
    car, _ = _car(HouseholdFactory.create(), None)
    session = _plug(car, "9", NOW + timedelta(hours=3))
    session.unplugged_at = NOW
    session.save()
    assert charging_plan_run(now=NOW) is None
    assert not Plan.objects.exists()


def test_a_device_gets_its_setpoints_from_the_current_slot_zeros_included() -> None:
    _prices()
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(20))
    car, meter = _car(HouseholdFactory.create(), feeder)
    _plug(car, "9", NOW + timedelta(hours=14))
    other = Meter.objects.create(meter_id="not-planned", kind=MeterKind.EV)
    assert setpoints_current(meter=meter, now=NOW).plan is None

    plan = charging_plan_run(now=NOW)

    later = NOW + timedelta(hours=1, minutes=7)
    current = setpoints_current(meter=meter, now=later)
    assert current.plan == plan
    assert current.setpoints[0].slot_start == NOW + 4 * SLOT
    assert len(current.setpoints) == 56 - 4
    assert current.setpoints[0].power_kw == 0.0
    charging = [s for s in current.setpoints if s.power_kw > 0]
    # 10 kWh at 7.4 kW: the 0.05 hour whole, then the 0.10 hour's first slots.
    assert [s.slot_start for s in charging] == [CHEAPEST + i * SLOT for i in range(6)]
    assert sum(s.power_kw for s in charging) / 4 == pytest.approx(10.0)
    assert setpoints_current(meter=other, now=later).plan is None
    assert setpoints_current(meter=meter, now=NOW + timedelta(hours=15)).setpoints == []


def test_the_base_load_forecast_is_the_same_slot_of_the_week_less_the_cars() -> None:
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(50))
    household = HouseholdFactory.create()
    FeederConnection.objects.create(household=household, feeder=feeder)
    _, meter = _car(household, None)
    for weeks in (1, 2):
        start = NOW - timedelta(weeks=weeks)
        HouseholdSlot.objects.create(
            household=household, start=start, import_kwh=Decimal(weeks), consumption_kwh=Decimal(1)
        )
        EnergySlot.objects.create(meter=meter, start=start, charge_kwh=Decimal("0.5"))
    alone = HouseholdFactory.create()  # on no feeder
    HouseholdSlot.objects.create(
        household=alone, start=NOW - timedelta(weeks=1), import_kwh=Decimal("0.25")
    )

    forecast = feeder_base_load_kw(starts=[NOW, NOW + SLOT], now=NOW)

    # Mean of 1 and 2 kWh a slot, less 0.5 kWh of car: 1 kWh a slot = 4 kW.
    assert forecast[feeder.pk] == pytest.approx([4.0, 0.0])
    assert forecast[None] == pytest.approx([1.0, 0.0])
