"""What a device is asked to do: its setpoints from the latest plan, slot by slot."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from core.timeslots import slot_start
from grid.models import Plan, Setpoint
from metering.models import Meter

SLOT = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class DeviceSetpoint:
    slot_start: datetime
    power_kw: float  # the meter's sign: an EV + charging, a battery + charging / − discharging


@dataclass(frozen=True, slots=True)
class DeviceSetpoints:
    plan: Plan | None  # None: no plan covers the device now
    setpoints: list[DeviceSetpoint]  # from the current slot to the plan's end


def plan_device_setpoints(*, plan: Plan, meter: Meter, current: datetime) -> list[DeviceSetpoint]:
    """The meter's setpoints in ``plan`` from slot ``current`` to the plan's end, 0 kW where
    none is stored; empty when the plan does not plan this meter."""
    end = plan.start + plan.slots * SLOT
    rows = Setpoint.objects.filter(plan=plan, meter=meter)
    if current >= end or not rows.exists():
        return []
    stored = dict(rows.filter(slot_start__gte=current).values_list("slot_start", "power_kw"))
    slots = [current + i * SLOT for i in range(int((end - current) / SLOT))]
    return [DeviceSetpoint(s, stored.get(s, 0.0)) for s in slots]


def setpoints_current(*, meter: Meter, now: datetime | None = None) -> DeviceSetpoints:
    """The latest stored plan decides (the previous one stays in force until a new one is
    stored). A plan that no longer covers now, or that does not plan this meter, gives
    nothing."""
    current = slot_start(now or timezone.now())
    plan = Plan.objects.filter(start__lte=current).order_by("-created_at", "-pk").first()
    if plan is None:
        return DeviceSetpoints(None, [])
    setpoints = plan_device_setpoints(plan=plan, meter=meter, current=current)
    return DeviceSetpoints(plan if setpoints else None, setpoints)
