"""The night's plan: per feeder in parallel where feeders are independent, else one model.

`feeder_plan` solves one feeder on its own (what a Celery task per feeder will call);
`night_plan` solves the whole night and always returns a plan.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from grid.planning.cost import powers_cost, powers_delivered
from grid.planning.greedy import greedy_plan
from grid.planning.highs import MIP_REL_GAP, Run, highs_run
from grid.planning.instance import FloatArray, Instance
from grid.planning.merge import batteries_merged
from grid.planning.model import Layout, Stage, layout_for, model_build

# Slack on the maximal total energy in the second lexicographic stage, per EV (kWh), so that
# stage is feasible despite the solver's tolerances; check_plan allows 1e-6 per EV.
ENERGY_SLACK_KWH = 1e-7
# Worse statuses win when parts are combined.
STATUS_ORDER = ("optimal", "time_limit_incumbent", "time_limit_fallback", "solver_fallback")


@dataclass
class PlanResult:
    ev_power: FloatArray  # kW, EVs × slots, the instance's order
    battery_power: FloatArray  # kW, batteries × slots: + charge, - discharge
    status: str  # one of STATUS_ORDER: which path produced the plan
    objective: str  # "min_cost" or "max_energy_then_min_cost"
    solve_seconds: float
    build_seconds: float
    rows: int
    cols: int
    nonzeros: int
    parts: int  # models solved side by side (1 when coupled)


def feeder_plan(
    inst: Instance,
    *,
    coupled: bool = False,
    time_limit: float | None = None,
    mip_rel_gap: float = MIP_REL_GAP,
) -> PlanResult:
    """The plan of one model: lexicographic when not every EV can get its energy, the greedy
    fallback when HiGHS gives no usable solution."""
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    layout = layout_for(inst, coupled=coupled)
    totals = {"build": 0.0, "solve": 0.0}

    def run(stage: Stage, min_energy: float = 0.0) -> Run:
        started = time.perf_counter()
        model = model_build(inst, layout, stage, min_energy)
        totals["build"] += time.perf_counter() - started
        left = None if deadline is None else deadline - time.perf_counter()
        result = highs_run(model, time_limit=left, mip_rel_gap=mip_rel_gap, small_lp=not coupled)
        totals["solve"] += result.seconds
        return result

    objective = "min_cost"
    result = run(Stage.MIN_COST)
    if result.infeasible:
        objective = "max_energy_then_min_cost"
        most = run(Stage.MAX_ENERGY)
        if most.values is not None:
            target = -most.objective - ENERGY_SLACK_KWH * max(1, len(inst.ev_ids))
            result = run(Stage.MIN_COST_AT_ENERGY, max(target, 0.0))
    if result.values is not None and (result.optimal or result.model_status.startswith("Time")):
        status = "optimal" if result.optimal else "time_limit_incumbent"
        ev_power, battery_power = _powers(inst, layout, result.values)
        if not result.optimal:
            # A solve stopped by its time limit may hold a poor plan: the greedy's wins when
            # it delivers more, or as much for less.
            greedy_ev, greedy_battery = greedy_plan(inst)
            if _plan_key(inst, greedy_ev, greedy_battery) < _plan_key(
                inst, _exact_energy(inst, ev_power), battery_power
            ):
                status = "time_limit_fallback"
                ev_power, battery_power = greedy_ev, greedy_battery
    else:
        timed_out = result.model_status.startswith("Time")
        status = "time_limit_fallback" if timed_out else "solver_fallback"
        ev_power, battery_power = greedy_plan(inst)
    return PlanResult(
        ev_power=_exact_energy(inst, ev_power),
        battery_power=np.where(np.abs(battery_power) < 1e-9, 0.0, battery_power),
        status=status,
        objective=objective,
        solve_seconds=totals["solve"],
        build_seconds=totals["build"],
        rows=result.rows,
        cols=result.cols,
        nonzeros=result.nonzeros,
        parts=1,
    )


def night_plan(
    inst: Instance,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_rel_gap: float = MIP_REL_GAP,
) -> PlanResult:
    """The night's plan, batteries that are scaled copies on a feeder planned as one."""
    merged = batteries_merged(inst)
    result = _merged_night_plan(
        merged.instance, time_limit=time_limit, threads=threads, mip_rel_gap=mip_rel_gap
    )
    result.battery_power = merged.battery_power(result.battery_power)
    return result


def _merged_night_plan(
    inst: Instance, *, time_limit: float | None, threads: int | None, mip_rel_gap: float
) -> PlanResult:
    workers = threads or os.cpu_count() or 1
    if not inst.never_exports() or len(inst.feeder_ids) == 1:
        return feeder_plan(
            inst,
            coupled=not inst.never_exports(),
            time_limit=time_limit,
            mip_rel_gap=mip_rel_gap,
        )
    parts = [inst.feeder_part(f) for f in range(len(inst.feeder_ids))]
    # One deadline for the night: a part started late gets what is left of it.
    deadline = None if time_limit is None else time.perf_counter() + time_limit

    def part_plan(part: Instance) -> PlanResult:
        left = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
        return feeder_plan(part, time_limit=left, mip_rel_gap=mip_rel_gap)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(part_plan, parts))
    return _combined(inst, results)


def _combined(inst: Instance, results: list[PlanResult]) -> PlanResult:
    ev_power = np.zeros((len(inst.ev_ids), inst.slots))
    battery_power = np.zeros((len(inst.battery_ids), inst.slots))
    for feeder, result in enumerate(results):
        ev_power[inst.ev_feeder == feeder] = result.ev_power
        battery_power[inst.battery_feeder == feeder] = result.battery_power
    lexicographic = any(r.objective != "min_cost" for r in results)
    return PlanResult(
        ev_power=ev_power,
        battery_power=battery_power,
        status=max((r.status for r in results), key=STATUS_ORDER.index),
        objective="max_energy_then_min_cost" if lexicographic else "min_cost",
        solve_seconds=sum(r.solve_seconds for r in results),
        build_seconds=sum(r.build_seconds for r in results),
        rows=sum(r.rows for r in results),
        cols=sum(r.cols for r in results),
        nonzeros=sum(r.nonzeros for r in results),
        parts=len(results),
    )


def _powers(inst: Instance, layout: Layout, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    ev_power = np.zeros((len(inst.ev_ids), inst.slots))
    num_power = len(layout.ev_col_ev)
    power = np.clip(values[:num_power], 0.0, inst.ev_max_kw[layout.ev_col_ev])
    # A charger with a minimum is off or at least at it: snap the solver's tolerance away.
    minimum = inst.ev_min_kw[layout.ev_col_ev]
    below = (power > 0) & (power < minimum)
    power[below] = np.where(power[below] < minimum[below] / 2, 0.0, minimum[below])
    ev_power[layout.ev_col_ev, layout.ev_col_slot] = power
    per_bat = len(inst.battery_ids) * inst.slots
    charge = values[layout.charge_start : layout.charge_start + per_bat]
    discharge = values[layout.discharge_start : layout.discharge_start + per_bat]
    battery_power = (charge - discharge).reshape(len(inst.battery_ids), inst.slots)
    return ev_power, battery_power


def _plan_key(
    inst: Instance, ev_power: FloatArray, battery_power: FloatArray
) -> tuple[float, float]:
    """Better plans sort first: more energy delivered (to the check's tolerance), then cheaper."""
    delivered = round(powers_delivered(inst, ev_power), 6)
    return (-delivered, powers_cost(inst, ev_power, battery_power))


def _exact_energy(inst: Instance, ev_power: FloatArray) -> FloatArray:
    """Rescales each car to exactly its energy where the solver left it within tolerance of it
    (never above it), and clears tiny noise."""
    ev_power = np.where(ev_power < 1e-9, 0.0, ev_power)
    delivered = ev_power.sum(axis=1) * inst.dt * inst.ev_efficiency
    close = (delivered > 0) & (np.abs(delivered - inst.ev_energy) <= 1e-6)
    over = delivered > inst.ev_energy
    scale = np.ones(len(inst.ev_ids))
    fix = close | over
    scale[fix] = inst.ev_energy[fix] / delivered[fix]
    return ev_power * scale[:, None]
