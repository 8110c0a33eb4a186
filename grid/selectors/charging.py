"""Reads of the charging plan for the pages: a car's plan for its household, each feeder's
planned load for the operator."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from grid.models import ChargeSession, Plan
from grid.selectors.prices import slot_prices
from grid.selectors.setpoints import DeviceSetpoint, setpoints_current
from households.models import ElectricVehicle
from metering.choices import MeterKind
from metering.models import Meter

SLOT_HOURS = 0.25


@dataclass(frozen=True)
class VehicleCharging:
    session: ChargeSession
    charging: list[DeviceSetpoint]  # the slots the plan charges in, with their power
    planned_cost_eur: float  # the plan's energy at the slot prices
    on_arrival_cost_eur: float  # the same energy at full power from now on


def charge_session_open(*, vehicle: ElectricVehicle) -> ChargeSession | None:
    return (
        ChargeSession.objects.filter(vehicle=vehicle, unplugged_at__isnull=True)
        .order_by("-plugged_in_at")
        .first()
    )


def vehicles_charging(
    *, vehicles: list[ElectricVehicle], now: datetime | None = None
) -> dict[int, VehicleCharging]:
    """What the plan does with each of these cars that is plugged in (one query for the
    sessions; the plugged-in ones a few more each)."""
    sessions = ChargeSession.objects.filter(
        vehicle__in=vehicles, unplugged_at__isnull=True
    ).order_by("plugged_in_at")
    open_sessions = {session.vehicle_id: session for session in sessions}
    return {
        vehicle.pk: _charging(vehicle, open_sessions[vehicle.pk], now or timezone.now())
        for vehicle in vehicles
        if vehicle.pk in open_sessions
    }


def vehicle_charging(
    *, vehicle: ElectricVehicle, now: datetime | None = None
) -> VehicleCharging | None:
    """The car's open session and what the plan in force does with it; None when it is not
    plugged in."""
    return vehicles_charging(vehicles=[vehicle], now=now).get(vehicle.pk)


def _charging(vehicle: ElectricVehicle, session: ChargeSession, now: datetime) -> VehicleCharging:
    meter = Meter.objects.filter(kind=MeterKind.EV, electric_vehicle=vehicle).first()
    current = setpoints_current(meter=meter, now=now) if meter else None
    setpoints = current.setpoints if current else []
    prices = slot_prices([s.slot_start for s in setpoints])
    planned_kwh = [s.power_kw * SLOT_HOURS for s in setpoints]
    # Charging on arrival: the same energy at the charger's full power from the first slot.
    left = sum(planned_kwh)
    step = float(vehicle.charger_max_kw) * SLOT_HOURS
    on_arrival = 0.0
    for price in prices:
        if left <= 0:
            break
        on_arrival += min(step, left) * price
        left -= step
    return VehicleCharging(
        session=session,
        charging=[s for s in setpoints if s.power_kw > 0],
        planned_cost_eur=sum(k * p for k, p in zip(planned_kwh, prices, strict=True)),
        on_arrival_cost_eur=on_arrival,
    )


@dataclass(frozen=True)
class FeederHour:
    start: datetime
    base_kw: float  # the hour's highest slot
    flexible_kw: float
    load_kw: float
    share: float  # load ÷ limit


@dataclass(frozen=True)
class FeederPlan:
    name: str
    limit_kw: float
    hours: list[FeederHour]
    peak_share: float


def plan_latest() -> Plan | None:
    return Plan.objects.order_by("-created_at", "-pk").first()


def plan_feeder_hours(*, plan: Plan) -> list[FeederPlan]:
    """Each feeder's planned load hour by hour (the highest slot of each hour) against its
    limit."""
    feeders = []
    for feeder in plan.feeders:
        limit = float(feeder["limit_kw"])
        hours = []
        for first in range(0, plan.slots, 4):
            loads = [
                (b, f, b + f)
                for b, f in zip(
                    feeder["base_kw"][first : first + 4],
                    feeder["flexible_kw"][first : first + 4],
                    strict=True,
                )
            ]
            base, flexible, load = max(loads, key=lambda row: row[2])
            hours.append(
                FeederHour(
                    start=plan.start + timedelta(minutes=15 * first),
                    base_kw=base,
                    flexible_kw=flexible,
                    load_kw=load,
                    share=load / limit if limit else 0.0,
                )
            )
        feeders.append(
            FeederPlan(
                name=feeder["name"],
                limit_kw=limit,
                hours=hours,
                peak_share=max((h.share for h in hours), default=0.0),
            )
        )
    return feeders
