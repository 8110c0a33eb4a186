"""The simulator as the grid's devices see it: its cars charge as the latest plan says (a
``ChargeSchedule`` read from the stored setpoints), the way a real charger obeys
``GET /api/v1/devices/<meter id>/setpoints``.

A car the plan does not cover (no plan yet, or it plugged in after the plan) charges at full
power on arrival, as it would without Smartrix."""

import time

import numpy as np

from grid.models import Plan, Setpoint
from simulator.physics import FloatArray, IntArray

SLOT_S = 900
REFRESH_S = 10.0  # how often (wall clock) the schedule looks for a newer plan


class PlannedSchedule:
    """The latest plan's setpoints of every EV meter, as kW limits per step."""

    def __init__(self) -> None:
        self._plan_id: int | None = None
        self._checked_at = -np.inf
        self._start_s = 0
        self._end_s = 0
        self._kw: dict[str, dict[int, float]] = {}

    def _refresh(self) -> None:
        if time.monotonic() - self._checked_at < REFRESH_S:
            return
        self._checked_at = time.monotonic()
        plan = Plan.objects.order_by("-created_at", "-pk").first()
        if plan is None or plan.pk == self._plan_id:
            return
        self._plan_id = plan.pk
        self._start_s = int(plan.start.timestamp())
        self._end_s = self._start_s + plan.slots * SLOT_S
        kw: dict[str, dict[int, float]] = {}
        rows = Setpoint.objects.filter(plan=plan, meter__kind="ev").values_list(
            "meter__meter_id", "slot_start", "power_kw"
        )
        for meter_id, start, power in rows:
            kw.setdefault(meter_id, {})[int(start.timestamp())] = power
        self._kw = kw

    def __call__(self, car: str, times: IntArray) -> FloatArray | None:
        self._refresh()
        planned = self._kw.get(car)
        if planned is None:
            return None
        slots = times // SLOT_S * SLOT_S
        inside = (slots >= self._start_s) & (slots < self._end_s)
        if not inside.any():
            return None
        limit = np.array([planned.get(int(s), 0.0) for s in slots])
        # Past the plan's end the car is free again (a new plan normally replaced it by then).
        return np.where(inside, limit, np.inf)

    @property
    def plan_id(self) -> int | None:
        return self._plan_id
