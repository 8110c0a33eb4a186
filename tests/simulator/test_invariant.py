"""The simulator and the platform agree: what a simulated town generated is, slot by slot and
household by household, what the platform reports after the real ingestion service and the real
slot rollup.

The contract checked here:
- power in kW, energy in kWh; a slot is [start, start + 15 min), named by its start, in UTC;
- signs (ARCHITECTURE): grid + import / − export; solar + producing; battery + charging /
  − discharging; EV + charging;
- a home's balance: grid = load + EV − solar + battery, so what it uses (load + EV) is
  import + production + battery out − export − battery in;
- energy is the trapezoid of the power between samples, split at slot edges and at zero
  crossings (metering.energy).

The truth is computed here from the physics' outputs (the chunks' flows, not the meter
readings), so a sign flipped anywhere between the physics and the reported numbers shows.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from rest_framework.test import APIClient

from households.models import Community, FlexibleLoadKind, Household
from metering.choices import MeterKind
from metering.energy import energy_by_bucket
from metering.models import EnergySlot
from metering.services.rollup import slots_rollup
from simulator.delivery import ServiceSink
from simulator.engine import Chunk, TownRun
from simulator.physics import FloatArray
from simulator.services import town_simulate
from simulator.town import town_build, town_houses
from tests.households.factories import (
    CommunityFactory,
    ElectricVehicleFactory,
    FlexibleLoadFactory,
    HomeBatteryFactory,
    HouseholdFactory,
    SolarArrayFactory,
    UserFactory,
)
from tests.metering.factories import MeterFactory

pytestmark = pytest.mark.django_db

SEED = 1
START = datetime(2026, 6, 1, 22, 0, tzinfo=UTC)  # local midnight of Tuesday 2 June (UTC+2)
DAYS = 2  # two nights and two sunny middays
INTERVAL_S = 300
SLOT_S = 900
SLOTS = DAYS * 96
PERIOD = {"from": "2026-06-02", "to": "2026-06-03"}  # the same two days, local, both included
TOLERANCE_KWH = 1e-3
# Every kind of home: (name, its meters besides the grid meter).
HOMES = {
    "plain": (),
    "solar": (MeterKind.PRODUCTION,),
    "solar-battery": (MeterKind.PRODUCTION, MeterKind.BATTERY),
    "everything": (MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV),
    "car": (MeterKind.EV,),
    "battery-only": (MeterKind.BATTERY,),
    # Stored assets (the others fall back to the drawn ones): two arrays, one facing east,
    # clipped by its inverter; a battery; a car with its habits; a heat pump and a water heater.
    "stored": (MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV),
}
HOMES_INDEX = {name: index for index, name in enumerate(HOMES)}
FLOW_FIELDS = (
    "import_kwh",
    "export_kwh",
    "production_kwh",
    "charge_kwh",
    "discharge_kwh",
    "consumption_kwh",
)


class Recorder:
    """Delivers through the service path (as seed_demo does) and keeps what it delivered."""

    def __init__(self, sink: ServiceSink) -> None:
        self.sink = sink
        self.chunks: list[Chunk] = []

    def send(self, chunk: Chunk) -> None:
        self.chunks.append(chunk)
        self.sink.send(chunk)

    def close(self) -> None:
        self.sink.close()


@dataclass(frozen=True)
class SimulatedTown:
    community: Community
    households: list[Household]  # in the simulator's order
    truth: list[dict[str, FloatArray]]  # per household: kWh per slot, each FLOW_FIELDS + ev_kwh


def slot_energy(times: FloatArray, power_kw: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Positive and negative kWh of each slot from START, by the platform's rule."""
    edges = START.timestamp() + SLOT_S * np.arange(SLOTS + 1, dtype=np.float64)
    energy = energy_by_bucket(times, power_kw, edges)
    positive, negative = np.zeros(SLOTS), np.zeros(SLOTS)
    positive[energy.bucket] = energy.positive_kwh
    negative[energy.bucket] = energy.negative_kwh
    return positive, negative


def truth_of(chunks: list[Chunk], house: int) -> dict[str, FloatArray]:
    """A household's flows per slot, from what the physics generated."""
    times = np.concatenate([chunk.times for chunk in chunks]).astype(np.float64)

    def series(name: str) -> FloatArray:
        return np.concatenate([getattr(chunk.flows, name)[house] for chunk in chunks])

    load, pv, ev, battery, flexible = (
        series(n) for n in ("load_kw", "pv_kw", "ev_kw", "battery_kw", "flexible_kw")
    )
    load = load + flexible  # what the home uses besides its car
    imported, exported = slot_energy(times, load + ev - pv + battery)
    charged, discharged = slot_energy(times, battery)
    return {
        "import_kwh": imported,
        "export_kwh": exported,
        "production_kwh": slot_energy(times, pv)[0],
        "charge_kwh": charged,
        "discharge_kwh": discharged,
        "consumption_kwh": slot_energy(times, load + ev)[0],
        "ev_kwh": slot_energy(times, ev)[0],
    }


def stored_assets(household: Household) -> None:
    SolarArrayFactory.create(household=household, kwp=Decimal(3), inverter_kw=Decimal(3))
    SolarArrayFactory.create(
        household=household, kwp=Decimal(4), inverter_kw=Decimal("2.5"), azimuth_degrees=90
    )
    HomeBatteryFactory.create(
        household=household,
        capacity_kwh=Decimal(7),
        max_charge_kw=Decimal(3),
        max_discharge_kw=Decimal("1.5"),
        efficiency=Decimal("0.93"),
    )
    ElectricVehicleFactory.create(
        household=household,
        charger_min_kw=Decimal("4.14"),
        charger_max_kw=Decimal(11),
        usual_departure=time(6, 15),
        usual_energy_need_kwh=Decimal(15),
    )
    FlexibleLoadFactory.create(household=household, kind=FlexibleLoadKind.HEAT_PUMP)
    FlexibleLoadFactory.create(household=household, kind=FlexibleLoadKind.WATER_HEATER)


@pytest.fixture
def town() -> SimulatedTown:
    community = CommunityFactory.create(name="PowerDale test")
    for name, kinds in HOMES.items():
        household = HouseholdFactory.create(name=name, community=community)
        for kind in (MeterKind.GRID, *kinds):
            # Fixed ids: the simulator draws a home's parameters from its grid meter's id.
            MeterFactory.create(household=household, kind=kind, meter_id=f"{name}-{kind}")
        if name == "stored":
            stored_assets(household)
    houses = town_houses()
    built = town_build(houses, seed=SEED)
    run = TownRun(built, start_s=int(START.timestamp()), interval_s=INTERVAL_S)
    recorder = Recorder(ServiceSink(built.meters))
    steps = DAYS * 86_400 // INTERVAL_S + 1  # up to the end of the last slot, included
    town_simulate(run=run, steps=steps, sink=recorder)
    slots_rollup(now=START + timedelta(days=DAYS + 1))
    households = list(community.households.order_by("pk"))  # the simulator's order too
    assert [household.name for household in households] == list(HOMES)
    truth = [truth_of(recorder.chunks, index) for index in range(len(houses))]
    return SimulatedTown(community, households, truth)


@pytest.fixture
def staff() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory.create(is_staff=True))
    return client


def reported_slots(client: APIClient, household: Household) -> dict[str, FloatArray]:
    """The household's flows per slot as the portal's energy API reports them."""
    response = client.get(
        f"/api/v1/households/{household.pk}/energy", {**PERIOD, "resolution": "slot"}
    )
    assert response.status_code == 200
    buckets = response.json()["buckets"]
    starts = [datetime.fromisoformat(bucket["start"]).astimezone(UTC) for bucket in buckets]
    assert starts == [START + i * timedelta(seconds=SLOT_S) for i in range(SLOTS)]
    assert all(bucket["complete_slots"] == 1 for bucket in buckets), household.name
    return {field: np.array([bucket[field] for bucket in buckets]) for field in FLOW_FIELDS}


def ev_slots(household: Household) -> FloatArray:
    """What the platform stored as the household's car charging, per slot (0 without a car)."""
    stored = dict(
        EnergySlot.objects.filter(meter__household=household, meter__kind=MeterKind.EV)
        .filter(start__gte=START, start__lt=START + timedelta(days=DAYS))
        .values_list("start", "charge_kwh")
    )
    return np.array(
        [float(stored.get(START + i * timedelta(seconds=SLOT_S), 0)) for i in range(SLOTS)]
    )


def test_the_town_exercises_every_flow(town: SimulatedTown) -> None:
    """The check below means something only if the run has nights, exports, batteries both
    charging and discharging, and cars charging."""
    total = {
        field: sum(truth[field].sum() for truth in town.truth) for field in (*FLOW_FIELDS, "ev_kwh")
    }
    assert all(value > 1.0 for value in total.values()), total
    night = town.truth[HOMES_INDEX["solar"]]["production_kwh"] == 0
    assert 30 < night.sum() < SLOTS - 30
    stored = town.truth[HOMES_INDEX["stored"]]
    assert stored["production_kwh"].max() <= 5.5 * SLOT_S / 3600 + TOLERANCE_KWH  # clipped
    assert stored["charge_kwh"].sum() > 1.0
    assert stored["ev_kwh"].sum() == pytest.approx(2 * 15 / 0.9, abs=1.0)  # two nights' need


def test_every_households_reported_slots_are_what_the_simulator_generated(
    town: SimulatedTown, staff: APIClient
) -> None:
    for household, truth in zip(town.households, town.truth, strict=True):
        reported = reported_slots(staff, household)
        for field in FLOW_FIELDS:
            assert reported[field] == pytest.approx(truth[field], abs=TOLERANCE_KWH), (
                f"{household.name}: {field}"
            )
        assert ev_slots(household) == pytest.approx(truth["ev_kwh"], abs=TOLERANCE_KWH), (
            f"{household.name}: ev"
        )


def test_batteries_charge_only_from_the_sun_and_give_only_what_the_home_uses(
    town: SimulatedTown, staff: APIClient
) -> None:
    """Self-consumption, physically: a battery's charge comes from the panels, its discharge
    goes into the home (at night it can only discharge)."""
    for household in town.households:
        reported = reported_slots(staff, household)
        slack = reported["production_kwh"] + TOLERANCE_KWH - reported["charge_kwh"]
        assert (slack >= 0).all(), f"{household.name} charged beyond its solar"
        slack = reported["consumption_kwh"] + TOLERANCE_KWH - reported["discharge_kwh"]
        assert (slack >= 0).all(), f"{household.name} discharged beyond its use"


def autarky_of(imported: float, used: float) -> float:
    return min(max(1.0 - imported / used, 0.0), 1.0)


def test_autarky_is_the_simulators(town: SimulatedTown, staff: APIClient) -> None:
    for household, truth in zip(town.households, town.truth, strict=True):
        response = staff.get(f"/api/v1/households/{household.pk}/autarky", PERIOD)
        assert response.status_code == 200
        body = response.json()
        imported, used = float(truth["import_kwh"].sum()), float(truth["consumption_kwh"].sum())
        assert body["import_kwh"] == pytest.approx(imported, abs=SLOTS * TOLERANCE_KWH)
        assert body["consumption_kwh"] == pytest.approx(used, abs=SLOTS * TOLERANCE_KWH)
        assert body["ratio"] == pytest.approx(autarky_of(imported, used), abs=1e-3), household.name
    # The community nets its members inside each slot.
    net = np.sum([truth["import_kwh"] - truth["export_kwh"] for truth in town.truth], axis=0)
    everyone = float(sum(truth["consumption_kwh"].sum() for truth in town.truth))
    response = staff.get(f"/api/v1/communities/{town.community.pk}/autarky", PERIOD)
    assert response.status_code == 200
    assert response.json()["ratio"] == pytest.approx(
        autarky_of(float(np.maximum(net, 0).sum()), everyone), abs=1e-3
    )
