"""The simulator as the grid's devices see it: its cars charge as the latest plan says (a
``ChargeSchedule`` read from the stored setpoints), the way a real charger obeys
``GET /api/v1/devices/<meter id>/setpoints``.

A car the plan does not cover (no plan yet, or it plugged in after the plan) charges at full
power on arrival, as it would without Smartrix."""

import time
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from grid.models import ChargeSession, ChargeSessionSource, Plan, Setpoint
from grid.services.sessions import charge_session_plug_in, charge_session_unplug
from households.models import ElectricVehicle
from metering.models import Meter
from simulator.delivery import Sink
from simulator.engine import Chunk
from simulator.physics import FloatArray, IntArray, ev_sessions, local_time
from simulator.town import Town

SLOT_S = 900
REFRESH_S = 10.0  # how often (wall clock) the schedule looks for a newer plan


class PlannedSchedule:
    """The latest plan's setpoints of every EV meter, as kW limits per step."""

    def __init__(self, *, refresh_s: float = REFRESH_S) -> None:
        self.refresh_s = refresh_s
        self._plan_id: int | None = None
        self._checked_at = -np.inf
        self._start_s = 0
        self._end_s = 0
        self._kw: dict[str, dict[int, float]] = {}

    def _refresh(self) -> None:
        if time.monotonic() - self._checked_at < self.refresh_s:
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


class SessionReporter:
    """Tells the grid when the town's cars plug in and leave, as a charger or its maker's API
    would: a car home now (by the physics' sessions) gets an open ChargeSession with its
    departure and the energy it wants; a car gone has its session closed. Called once per
    chunk, with the chunk's last instant."""

    def __init__(self, town: Town) -> None:
        self.town = town
        meter_ids = town.cars.names
        vehicles = dict(
            Meter.objects.filter(
                meter_id__in=meter_ids, electric_vehicle__isnull=False
            ).values_list("meter_id", "electric_vehicle_id")
        )
        self._vehicle = [vehicles.get(name) for name in meter_ids]

    def report(self, at_s: int) -> tuple[int, int]:
        """(plugged in, unplugged) at ``at_s``."""
        cars = self.town.cars
        if not len(cars.names):
            return 0, 0
        zone = self.town.site.time_zone
        day = int(local_time(np.array([at_s], dtype=np.int64), zone).day[0])
        sessions = ev_sessions(cars, np.array([day - 1, day], dtype=np.int64), zone)
        home = (sessions.arrival <= at_s) & (at_s < sessions.departure)
        vehicle_ids = [v for v in self._vehicle if v is not None]
        open_sessions = {
            s.vehicle_id: s
            for s in ChargeSession.objects.filter(
                vehicle_id__in=vehicle_ids, unplugged_at__isnull=True
            ).select_related("vehicle")
        }
        plugged = unplugged = 0
        for car, vehicle_id in enumerate(self._vehicle):
            if vehicle_id is None:
                continue
            column = np.flatnonzero(home[car])
            session = open_sessions.get(vehicle_id)
            if column.size and session is None:
                c = int(column[-1])
                charge_session_plug_in(
                    vehicle=session_vehicle(vehicle_id),
                    departure_at=datetime.fromtimestamp(int(sessions.departure[car, c]), tz=UTC),
                    energy_needed_kwh=Decimal(f"{float(sessions.wanted_kwh[car, c]):.3f}"),
                    source=ChargeSessionSource.METER,
                    now=datetime.fromtimestamp(int(sessions.arrival[car, c]), tz=UTC),
                )
                plugged += 1
            elif not column.size and session is not None:
                charge_session_unplug(session=session, now=datetime.fromtimestamp(at_s, tz=UTC))
                unplugged += 1
        return plugged, unplugged


def session_vehicle(vehicle_id: int) -> ElectricVehicle:
    return ElectricVehicle.objects.get(pk=vehicle_id)


class GridLinkedSink:
    """A sink that, after each chunk it passes on, reports the cars' plug-ins and departures."""

    def __init__(self, sink: Sink, reporter: SessionReporter) -> None:
        self.sink = sink
        self.reporter = reporter

    def send(self, chunk: Chunk) -> None:
        self.sink.send(chunk)
        self.reporter.report(int(chunk.times[-1]))

    def close(self) -> None:
        self.sink.close()
