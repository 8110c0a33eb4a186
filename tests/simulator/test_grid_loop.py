"""The closed loop across the seams: the simulator's car plugs in (a ChargeSession), the
planner plans it (setpoints), the simulator charges it as planned and the readings show it:
nothing in the dear evening once planned, full by departure."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from grid.models import ChargeSession, ChargeSessionSource, Feeder, FeederConnection, MarketPrice
from grid.services.charging import charging_plan_run
from households.models import ElectricVehicle
from metering.choices import MeterKind
from metering.models import Meter
from simulator.engine import TownRun
from simulator.grid_link import PlannedSchedule, SessionReporter
from simulator.town import town_build, town_houses
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 14, 14, 0, tzinfo=UTC)  # 15:00 in Brussels
CHEAP_FROM = datetime(2026, 1, 15, 0, 0, tzinfo=UTC)  # 01:00 local
SLOT = timedelta(minutes=15)
STEP_S = 60


def test_a_simulated_car_is_planned_and_charges_as_planned() -> None:
    household = HouseholdFactory.create()
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(30))
    FeederConnection.objects.create(household=household, feeder=feeder)
    Meter.objects.create(meter_id="grid-1", kind=MeterKind.GRID, household=household)
    car = ElectricVehicle.objects.create(
        household=household, battery_kwh=Decimal(60), charger_max_kw=Decimal("7.4")
    )
    Meter.objects.create(
        meter_id="ev-1", kind=MeterKind.EV, household=household, electric_vehicle=car
    )
    MarketPrice.objects.bulk_create(
        MarketPrice(
            slot_start=START + i * SLOT,
            price=Decimal("0.08") if START + i * SLOT >= CHEAP_FROM else Decimal("0.35"),
        )
        for i in range(96)
    )
    town = town_build(town_houses(), seed=1)
    schedule = PlannedSchedule(refresh_s=0)
    run = TownRun(town, start_s=int(START.timestamp()), interval_s=STEP_S, schedule=schedule)
    reporter = SessionReporter(town)
    ev_row = [m.meter_id for m in town.meters].index("ev-1")
    times, power, planned_from = [], [], None
    for _ in range(4 * 18):  # 18 hours in 15-minute chunks
        chunk = run.next_chunk(15)
        times.append(chunk.times)
        power.append(chunk.power_kw[ev_row])
        plugged, _ = reporter.report(int(chunk.times[-1]))
        if plugged:
            now = datetime.fromtimestamp(int(chunk.times[-1]) + STEP_S, tz=UTC)
            assert charging_plan_run(now=now, trigger="plug-in") is not None
            planned_from = int(chunk.times[-1]) + STEP_S
    t, kw = np.concatenate(times), np.concatenate(power)

    session = ChargeSession.objects.get(vehicle=car)
    assert session.source == ChargeSessionSource.METER
    assert planned_from is not None
    cheap = int(CHEAP_FROM.timestamp())
    # Once planned, nothing in the dear evening; then the cheap night.
    assert kw[(t >= planned_from) & (t < cheap)].max() == 0.0
    assert kw[t >= cheap].max() > 0.0
    # Full by departure: what reached the car is what it wanted when it came home.
    departure = int(session.departure_at.timestamp())
    delivered = kw[t < departure].sum() * STEP_S / 3600 * 0.9
    assert delivered == pytest.approx(float(session.energy_needed_kwh), abs=0.01)
