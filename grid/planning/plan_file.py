"""The plan in `smartrix-grid-plan/1` (../shared/grid/FORMAT.md), and what it costs."""

import gzip
import json
from pathlib import Path
from typing import Any

from grid.planning.cost import powers_cost, powers_delivered
from grid.planning.instance import Instance
from grid.planning.solve import PlanResult

PLAN_FORMAT = "smartrix-grid-plan/1"


def plan_to_dict(inst: Instance, result: PlanResult) -> dict[str, Any]:
    """EVs as their window's slice (FORMAT.md's {start_slot, kw}), batteries as full lists;
    floats at full precision."""
    evs = {
        ev_id: {
            "start_slot": int(arrival),
            "kw": result.ev_power[i, arrival:departure].tolist(),
        }
        for i, (ev_id, arrival, departure) in enumerate(
            zip(inst.ev_ids, inst.ev_arrival, inst.ev_departure, strict=True)
        )
    }
    batteries = {b: result.battery_power[i].tolist() for i, b in enumerate(inst.battery_ids)}
    return {"format": PLAN_FORMAT, "instance": inst.name, "evs": evs, "batteries": batteries}


def plan_write(path: Path, inst: Instance, result: PlanResult) -> None:
    """Writes the plan, gzip'd when the name ends in .gz."""
    text = json.dumps(plan_to_dict(inst, result), separators=(",", ":"))
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def plan_cost(inst: Instance, result: PlanResult) -> float:
    """bill(N) - bill(B), FORMAT.md's cost of the flexible energy (EUR)."""
    return powers_cost(inst, result.ev_power, result.battery_power)


def plan_delivered(inst: Instance, result: PlanResult) -> float:
    """kWh reaching the cars."""
    return powers_delivered(inst, result.ev_power)
