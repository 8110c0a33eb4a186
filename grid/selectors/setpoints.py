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


def setpoints_current(*, meter: Meter, now: datetime | None = None) -> DeviceSetpoints:
    """The latest stored plan decides (the previous one stays in force until a new one is
    stored); a slot of that plan with no setpoint for the meter is 0 kW. A plan that no longer
    covers now, or that does not plan this meter, gives nothing."""
    current = slot_start(now or timezone.now())
    plan = Plan.objects.filter(start__lte=current).order_by("-created_at", "-pk").first()
    if plan is None:
        return DeviceSetpoints(None, [])
    end = plan.start + plan.slots * SLOT
    stored = dict(
        Setpoint.objects.filter(plan=plan, meter=meter, slot_start__gte=current).values_list(
            "slot_start", "power_kw"
        )
    )
    planned_meter = stored or Setpoint.objects.filter(plan=plan, meter=meter).exists()
    if current >= end or not planned_meter:
        return DeviceSetpoints(None, [])
    count = int((end - current) / SLOT)
    slots = [current + i * SLOT for i in range(count)]
    return DeviceSetpoints(plan, [DeviceSetpoint(s, stored.get(s, 0.0)) for s in slots])
