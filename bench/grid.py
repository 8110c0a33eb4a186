"""`make bench-grid`: nights through `manage.py grid_plan`, scored by check_plan.py against the
optimum (the same model, no time limit, cached under var/bench/grid/), beside references."""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.grid_nights import NIGHTS
from grid.planning import PlanResult, instance_from_dict, night_plan, plan_cost, plan_write
from grid.planning.greedy import greedy_plan
from grid.planning.highs import OPTIMUM_MIP_REL_GAP
from grid.planning.instance import Instance

ROOT = Path(__file__).resolve().parent.parent
CHECK_PLAN = ROOT.parent / "shared" / "grid" / "check_plan.py"
OUT = ROOT / "var" / "bench" / "grid"


def _reference(inst: Instance, ev_power: np.ndarray) -> PlanResult:
    return PlanResult(ev_power, np.zeros((len(inst.battery_ids), inst.slots)), "reference",
                      "min_cost", 0.0, 0.0, 0, 0, 0, 0)  # fmt: skip


def on_arrival(inst: Instance) -> PlanResult:
    """Full power from plug-in until the car has its energy, feeders ignored."""
    power = np.zeros((len(inst.ev_ids), inst.slots))
    for e in range(len(inst.ev_ids)):
        need = inst.ev_energy[e] / (inst.dt * inst.ev_efficiency[e])
        for t in range(inst.ev_arrival[e], inst.ev_departure[e]):
            power[e, t] = min(inst.ev_max_kw[e], need)
            need -= power[e, t]
    return _reference(inst, power)


def cheapest_slots(inst: Instance) -> PlanResult:
    """Each car alone in its window's cheapest slots (evcc's planner), feeders ignored."""
    power = np.zeros((len(inst.ev_ids), inst.slots))
    rank = np.lexsort((np.arange(inst.slots), inst.prices))
    for e in range(len(inst.ev_ids)):
        need = inst.ev_energy[e] / (inst.dt * inst.ev_efficiency[e])
        for t in rank[(rank >= inst.ev_arrival[e]) & (rank < inst.ev_departure[e])]:
            power[e, t] = min(inst.ev_max_kw[e], need)
            need -= power[e, t]
    return _reference(inst, power)


def feeder_greedy(inst: Instance) -> PlanResult:
    return _reference(inst, greedy_plan(inst)[0])


def check(instance: Path, plan: Path, optimum: Path) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - the shared checker
        [sys.executable, CHECK_PLAN, instance, plan, "--optimum", optimum, "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return dict(json.loads(out.stdout))


def optimum_file(name: str, inst: Instance, instance: Path) -> Path:
    path = OUT / f"{name}.optimum.json"
    if path.exists():
        return path
    result = night_plan(inst, mip_rel_gap=OPTIMUM_MIP_REL_GAP)
    plan_write(OUT / f"{name}.optimum-plan.json.gz", inst, result)
    demand = float(inst.ev_energy.sum())
    delivered = float((result.ev_power.sum(axis=1) * inst.dt * inst.ev_efficiency).sum())
    path.write_text(json.dumps({
        "format": "smartrix-grid-optimum/1", "objective": result.objective,
        "problem_class": "MILP" if inst.is_mixed_integer else "LP", "status": result.status,
        "cost_eur": plan_cost(inst, result), "demand_kwh": demand, "delivered_kwh": delivered,
        "unserved_kwh": max(demand - delivered, 0.0), "solve_time_s": result.solve_seconds,
        "build_time_s": result.build_seconds, "plan_file": f"{name}.optimum-plan.json.gz",
    }))  # fmt: skip
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    names = sys.argv[1:] or list(NIGHTS)
    print("night | size | wall s (target) | planner s | around s | RSS MB | overloads | "
          "unserved kWh | gap % (target) | × arrival | × cheapest | × greedy")  # fmt: skip
    for name in names:
        make, wall_target, gap_target = NIGHTS[name]
        data = make()
        instance = OUT / f"{name}.json"
        instance.write_text(json.dumps(data))
        inst = instance_from_dict(data)
        optimum = optimum_file(name, inst, instance)
        plan = OUT / f"{name}.plan.json"
        started = time.perf_counter()
        run = subprocess.run(  # noqa: S603 - our own command under /usr/bin/time
            ["/usr/bin/time", "-f", "%M", sys.executable, ROOT / "manage.py", "grid_plan",
             "--instance", instance, "--out", plan, "--time-limit", str(wall_target)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        rss_mb = int(run.stderr.strip().splitlines()[-1]) / 1024
        # The planner's own wall time (HiGHS on the parts side by side, and building them).
        solver = float(run.stdout.split("planned in ")[1].split(" s")[0])
        score = check(instance, plan, optimum)
        ratios = []
        for strategy in (on_arrival, cheapest_slots, feeder_greedy):
            ref_path = OUT / f"{name}.{strategy.__name__}.json"
            plan_write(ref_path, inst, strategy(inst))
            ratios.append(check(instance, ref_path, optimum)["cost_eur"] / score["cost_eur"])
        print(f"{name} | {len(inst.ev_ids)} EVs/{len(inst.feeder_ids)} feeders/"
              f"{len(inst.battery_ids)} bat | {wall:.2f} ({wall_target}) | {solver:.2f} | "
              f"{wall - solver:.2f} | {rss_mb:.0f} | {score['overloads']} | "
              f"{score['unserved_kwh']:.3f} | {score['gap_pct'] or 0.0:.4f} ({gap_target}) | "
              + " | ".join(f"{r:.2f}" for r in ratios))  # fmt: skip


if __name__ == "__main__":
    main()
