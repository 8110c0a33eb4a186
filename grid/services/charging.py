"""The live charging plan: the night's instance built from the database (open charge sessions,
batteries that take part, each feeder's forecast base load, the slot prices), solved by the
planner, stored as a Plan with its Setpoints, and the sessions told what they will get.

The previous plan stays in force until a new one is stored (one transaction), so devices are
never without setpoints; when HiGHS fails or runs out of time the planner's feeder-aware
greedy gives the plan and its status says so.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from celery import current_app
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.timeslots import slot_start
from grid.models import (
    ChargeSession,
    ChargeSessionState,
    Feeder,
    FeederConnection,
    Plan,
    Setpoint,
)
from grid.planning import Instance, PlanResult, instance_from_dict, night_plan, plan_cost
from grid.selectors.forecast import feeder_base_load_kw
from grid.selectors.prices import slot_prices
from households.models import HomeBattery, Household
from households.services import NotificationMessage, household_notify
from metering.choices import MeterKind
from metering.models import EnergySlot, Meter

logger = logging.getLogger(__name__)

SLOT = timedelta(minutes=15)
HORIZON_MAX = timedelta(hours=24)
# A car still plugged in after its departure keeps charging: planned over the next hour, again
# at every run, until it has its energy.
OVERDUE_WINDOW_SLOTS = 4
PLAN_TIME_LIMIT_S = 30.0
# Below this a car counts as having its energy (the planner's tolerance is 1e-6 kWh).
ENERGY_EPSILON_KWH = 0.001
# A battery's state of charge is not metered yet: planned from half its usable capacity,
# handed back at least as full.
BATTERY_START_SHARE = 0.5
UNASSIGNED_FEEDER = "unassigned"
SETPOINT_ZERO_KW = 1e-6  # the planner's tolerance: below it a device is off
# Sent by name: grid.tasks runs these services, so importing the task would close a cycle.
SETPOINTS_PUBLISH_TASK = "grid.setpoints_publish"


@dataclass(frozen=True)
class NightInstance:
    data: dict[str, Any]  # smartrix-grid-instance/1
    feeder_names: dict[str, str]  # the instance's feeder ids → the feeders' names
    start: datetime
    sessions: list[ChargeSession]  # in the instance's EV order
    ev_meters: list[Meter]
    batteries: list[HomeBattery]
    battery_meters: list[Meter]
    remaining_kwh: list[float]  # each session's energy still wanted


def _delivered_kwh(
    sessions: list[ChargeSession], meters: dict[int | None, Meter]
) -> dict[int, float]:
    """Energy that reached each car since its plug-in: its EV meter's slots × efficiency (one
    query for every session: each meter's slots since the earliest plug-in)."""
    since = {meters[s.vehicle_id].pk: slot_start(s.plugged_in_at) for s in sessions}
    charged: dict[int, float] = dict.fromkeys(since, 0.0)
    rows = EnergySlot.objects.filter(
        meter_id__in=list(since), start__gte=min(since.values())
    ).values_list("meter_id", "start", "charge_kwh")
    for meter_id, start, kwh in rows:
        if start >= since[meter_id]:
            charged[meter_id] += float(kwh)
    return {
        s.pk: charged[meters[s.vehicle_id].pk] * float(s.vehicle.charging_efficiency)
        for s in sessions
    }


def night_instance_build(*, now: datetime) -> NightInstance | None:
    """The instance of the slots from now to the last departure (at most a day); None when no
    car is plugged in."""
    start = slot_start(now)
    ev_meters = {
        m.electric_vehicle_id: m
        for m in Meter.objects.filter(kind=MeterKind.EV, electric_vehicle__isnull=False)
    }
    sessions = list(
        ChargeSession.objects.filter(
            unplugged_at__isnull=True,
            plugged_in_at__lte=now,
            vehicle_id__in=list(ev_meters),
        )
        .exclude(state=ChargeSessionState.DONE)
        .select_related("vehicle__household")
        .order_by("departure_at", "pk")
    )
    if not sessions:
        return None
    last_departure = max(s.departure_at for s in sessions)
    end = min(max(last_departure, start + OVERDUE_WINDOW_SLOTS * SLOT), start + HORIZON_MAX)
    slots = max(int(np.ceil((end - start) / SLOT)), 1)
    starts = [start + i * SLOT for i in range(slots)]

    battery_meters = {
        m.home_battery_id: m
        for m in Meter.objects.filter(kind=MeterKind.BATTERY, home_battery__isnull=False)
    }
    batteries = list(
        HomeBattery.objects.filter(vpp_opt_in=True, pk__in=list(battery_meters)).order_by("pk")
    )
    households = {s.vehicle.household_id for s in sessions} | {b.household_id for b in batteries}
    feeder_of = dict(
        FeederConnection.objects.filter(household_id__in=households).values_list(
            "household_id", "feeder_id"
        )
    )
    feeders = {f.pk: f for f in Feeder.objects.filter(pk__in=set(feeder_of.values()))}
    base = feeder_base_load_kw(starts=starts, now=now)

    def feeder_key(household_id: int) -> str:
        feeder = feeder_of.get(household_id)
        return UNASSIGNED_FEEDER if feeder is None else str(feeder)

    feeder_items = []
    feeder_names = {}
    for feeder_id in sorted(set(feeder_of.values())):
        limit = float(feeders[feeder_id].limit_kw)
        feeder_items.append(_feeder_item(str(feeder_id), limit, base.get(feeder_id), slots))
        feeder_names[str(feeder_id)] = feeders[feeder_id].name
    unassigned = [h for h in households if h not in feeder_of]
    if unassigned:
        # Households on no feeder: their connections are their only limit.
        connections = Household.objects.filter(pk__in=unassigned).aggregate(
            kw=Sum("connection_kw")
        )["kw"]
        feeder_items.append(
            _feeder_item(UNASSIGNED_FEEDER, float(connections), base.get(None), slots)
        )
        feeder_names[UNASSIGNED_FEEDER] = "Households on no feeder"

    delivered = _delivered_kwh(sessions, ev_meters)
    remaining = [max(float(s.energy_needed_kwh) - delivered[s.pk], 0.0) for s in sessions]
    evs = []
    for session, need in zip(sessions, remaining, strict=True):
        vehicle = session.vehicle
        departure = int(np.ceil((session.departure_at - start) / SLOT))
        if departure <= 0:
            departure = OVERDUE_WINDOW_SLOTS
        evs.append(
            {
                "id": f"session-{session.pk}",
                "feeder": feeder_key(vehicle.household_id),
                "arrival_slot": 0,
                "departure_slot": min(departure, slots),
                "energy_kwh": need,
                "max_kw": float(vehicle.charger_max_kw),
                "min_kw": float(vehicle.charger_min_kw),
                "efficiency": float(vehicle.charging_efficiency),
            }
        )
    battery_items = [
        {
            "id": f"battery-{battery.pk}",
            "feeder": feeder_key(battery.household_id),
            "capacity_kwh": float(battery.capacity_kwh * (1 - battery.reserve_share)),
            "soc_kwh": float(battery.capacity_kwh * (1 - battery.reserve_share))
            * BATTERY_START_SHARE,
            "max_kw": float(min(battery.max_charge_kw, battery.max_discharge_kw)),
            "efficiency": float(battery.efficiency),
        }
        for battery in batteries
    ]
    data = {
        "format": "smartrix-grid-instance/1",
        "name": f"live-{start:%Y%m%dT%H%M}",
        "slot_minutes": 15,
        "start": start.isoformat().replace("+00:00", "Z"),
        "slots": slots,
        "prices": slot_prices(starts),
        "feeders": feeder_items,
        "evs": evs,
        "batteries": battery_items,
    }
    return NightInstance(
        data=data,
        feeder_names=feeder_names,
        start=start,
        sessions=sessions,
        ev_meters=[ev_meters[s.vehicle_id] for s in sessions],
        batteries=batteries,
        battery_meters=[battery_meters[b.pk] for b in batteries],
        remaining_kwh=remaining,
    )


def _feeder_item(
    feeder_id: str, limit_kw: float, base: list[float] | None, slots: int
) -> dict[str, Any]:
    # A forecast over the limit is the dispatcher's to handle; the plan takes the limit as full.
    bound = 0.999 * limit_kw
    load = [min(max(v, -bound), bound) for v in (base or [0.0] * slots)]
    return {"id": feeder_id, "limit_kw": limit_kw, "base_load_kw": load}


def charging_plan_run(
    *, now: datetime | None = None, trigger: str = "beat", time_limit: float = PLAN_TIME_LIMIT_S
) -> Plan | None:
    """Plans the plugged-in cars and the batteries that take part; stores the plan, its
    setpoints and each session's expected energy; tells a household once when its car will
    fall short. None when no car is plugged in."""
    now = now or timezone.now()
    night = night_instance_build(now=now)
    if night is None:
        return None
    inst = instance_from_dict(night.data)
    result = night_plan(inst, time_limit=time_limit)
    if result.status != "optimal":
        logger.warning("Charging plan from %s: %s", night.start, result.status)
    with transaction.atomic():
        plan = _plan_store(night, inst, result, trigger)
        _sessions_update(night, result, inst.dt)
        transaction.on_commit(lambda: current_app.send_task(SETPOINTS_PUBLISH_TASK, args=[plan.pk]))
    return plan


def _plan_store(night: NightInstance, inst: Instance, result: PlanResult, trigger: str) -> Plan:
    delivered = float((result.ev_power.sum(axis=1) * inst.dt * inst.ev_efficiency).sum())
    plan = Plan.objects.create(
        start=night.start,
        slots=inst.slots,
        trigger=trigger,
        status=result.status,
        objective=result.objective,
        cost_eur=Decimal(f"{plan_cost(inst, result):.4f}"),
        demand_kwh=Decimal(f"{sum(night.remaining_kwh):.3f}"),
        delivered_kwh=Decimal(f"{delivered:.3f}"),
        solve_seconds=result.solve_seconds,
        build_seconds=result.build_seconds,
        rows=result.rows,
        cols=result.cols,
        nonzeros=result.nonzeros,
        vehicles=len(night.sessions),
        batteries=len(night.batteries),
        feeders=_feeder_loads(night, inst, result),
    )
    # Only the slots a device works in, and its first (so each device of the plan has a row):
    # a slot of the plan without a setpoint is 0 kW.
    starts = [night.start + i * SLOT for i in range(inst.slots)]
    rows = [
        Setpoint(plan=plan, meter=meter, slot_start=starts[t], power_kw=round(float(p), 6))
        for meters, powers in (
            (night.ev_meters, result.ev_power),
            (night.battery_meters, result.battery_power),
        )
        for meter, row in zip(meters, powers, strict=True)
        for t, p in enumerate(row)
        if t == 0 or abs(p) > SETPOINT_ZERO_KW
    ]
    Setpoint.objects.bulk_create(rows, batch_size=5000)
    return plan


def _feeder_loads(night: NightInstance, inst: Instance, result: PlanResult) -> list[dict[str, Any]]:
    """Each feeder's limit, forecast base and planned flexible load per slot (kW)."""
    loads = []
    for index, feeder_id in enumerate(inst.feeder_ids):
        flexible = result.ev_power[inst.ev_feeder == index].sum(axis=0) + result.battery_power[
            inst.battery_feeder == index
        ].sum(axis=0)
        loads.append(
            {
                "id": feeder_id,
                "name": night.feeder_names[feeder_id],
                "limit_kw": float(inst.feeder_limit[index]),
                "base_kw": [round(float(v), 3) for v in inst.base_load[index]],
                "flexible_kw": [round(float(v), 3) for v in flexible],
            }
        )
    return loads


def _sessions_update(night: NightInstance, result: PlanResult, dt: float) -> None:
    for index, session in enumerate(night.sessions):
        vehicle = session.vehicle
        planned = float(result.ev_power[index].sum()) * dt * float(vehicle.charging_efficiency)
        need = night.remaining_kwh[index]
        already = float(session.energy_needed_kwh) - need
        session.delivered_kwh = Decimal(f"{already:.3f}")
        session.expected_kwh = Decimal(f"{already + planned:.3f}")
        if need <= ENERGY_EPSILON_KWH:
            session.state = ChargeSessionState.DONE
        elif need - planned > ENERGY_EPSILON_KWH * 10:
            session.state = ChargeSessionState.SHORT
            _short_notify(session)
        elif result.ev_power[index, 0] > 0:
            session.state = ChargeSessionState.CHARGING
        else:
            session.state = ChargeSessionState.PLANNED
        session.save(update_fields=["delivered_kwh", "expected_kwh", "state", "updated_at"])


def _short_notify(session: ChargeSession) -> None:
    """Once per session: the car will not have all its energy by departure."""
    departure = timezone.localtime(session.departure_at)
    household_notify(
        household=session.vehicle.household,
        message=NotificationMessage(
            kind="ev_short",
            title="Your car will not be full by its departure",
            body=(
                f"{session.vehicle} will reach {session.expected_kwh:.1f} kWh of "
                f"{session.energy_needed_kwh:.1f} kWh by {departure:%H:%M}: the feeder "
                "cannot carry more tonight."
            ),
            dedupe_key=f"ev-short-{session.pk}",
        ),
    )
