"""The simulator's cars obey the stored plan (planner ↔ simulator seam): no charging where the
plan says 0 kW, the plan's power where it says charge, free again after the plan's end."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from grid.models import Plan, Setpoint
from households.models import ElectricVehicle
from metering.choices import MeterKind
from metering.models import Meter
from simulator.engine import TownRun
from simulator.grid_link import PlannedSchedule
from simulator.town import town_build, town_houses
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 14, 14, 0, tzinfo=UTC)  # 15:00 in Brussels, before any car is home
PLAN_SLOTS = 60  # to 06:00 local
CHARGE_FROM = datetime(2026, 1, 15, 0, 0, tzinfo=UTC)  # 01:00 local, one hour at 3.7 kW
SLOT = timedelta(minutes=15)


def _town_with_a_car() -> tuple[Meter, Meter]:
    household = HouseholdFactory.create()
    grid = Meter.objects.create(meter_id="grid-1", kind=MeterKind.GRID, household=household)
    car = ElectricVehicle.objects.create(
        household=household, battery_kwh=Decimal(60), charger_max_kw=Decimal("7.4")
    )
    ev = Meter.objects.create(
        meter_id="ev-1", kind=MeterKind.EV, household=household, electric_vehicle=car
    )
    return grid, ev


def _plan(ev: Meter) -> Plan:
    plan = Plan.objects.create(
        start=START, slots=PLAN_SLOTS, trigger="test", status="optimal", objective="min_cost",
        cost_eur=0, demand_kwh=0, delivered_kwh=0, solve_seconds=0, build_seconds=0, rows=0,
        cols=0, nonzeros=0, vehicles=1, batteries=0,
    )  # fmt: skip
    rows = [Setpoint(plan=plan, meter=ev, slot_start=START, power_kw=0.0)]
    rows += [
        Setpoint(plan=plan, meter=ev, slot_start=CHARGE_FROM + i * SLOT, power_kw=3.7)
        for i in range(4)
    ]
    Setpoint.objects.bulk_create(rows)
    return plan


def _ev_power(schedule: PlannedSchedule | None) -> tuple[np.ndarray, np.ndarray]:
    town = town_build(town_houses(), seed=1)
    run = TownRun(town, start_s=int(START.timestamp()), interval_s=300, schedule=schedule)
    chunk = run.next_chunk(12 * 20)  # 20 hours, every 5 minutes
    ev_row = [m.meter_id for m in town.meters].index("ev-1")
    return chunk.times, chunk.power_kw[ev_row]


def test_a_planned_car_charges_only_when_and_as_the_plan_says() -> None:
    _, ev = _town_with_a_car()
    times, free = _ev_power(None)
    assert free[times < int(CHARGE_FROM.timestamp())].max() >= 3.7  # on arrival, full power

    _plan(ev)
    times, planned = _ev_power(PlannedSchedule())

    charge_from = int(CHARGE_FROM.timestamp())
    plan_end = int((START + PLAN_SLOTS * SLOT).timestamp())
    assert planned[times < charge_from].max() == 0.0  # waits for its slots
    in_slots = (times >= charge_from) & (times < charge_from + 3600)
    assert planned[in_slots] == pytest.approx(3.7)  # the car wants at least 4 kWh
    after = (times >= charge_from + 3600) & (times < plan_end)
    assert planned[after].max() == 0.0
    assert planned[times >= plan_end].max() > 0  # free again: it still wants energy


def test_a_car_the_plan_does_not_cover_charges_on_arrival() -> None:
    _, ev = _town_with_a_car()
    other = Meter.objects.create(meter_id="ev-other", kind=MeterKind.EV)
    _plan(other)
    _, free = _ev_power(None)
    _, with_schedule = _ev_power(PlannedSchedule())
    assert with_schedule == pytest.approx(free)
    assert ev.meter_id == "ev-1"
