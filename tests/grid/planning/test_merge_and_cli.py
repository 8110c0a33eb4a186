"""Batteries merged into one per feeder give the plan of the unmerged model; `manage.py
grid_plan` plans without starting Django and refuses what it cannot do with exit status 1."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from grid.planning import feeder_plan, instance_from_dict, night_plan, plan_cost
from grid.planning.merge import batteries_merged
from tests.grid.planning.test_planner import CHECK_PLAN, night

MANAGE = Path(settings.BASE_DIR) / "manage.py"
SPIKE = [0.30, 0.30, 0.60, 0.10, 0.10, 0.20, 0.60, 0.30]


def _battery(name: str, capacity: float, soc: float, max_kw: float) -> dict[str, object]:
    return {"id": name, "feeder": "F1", "capacity_kwh": capacity, "soc_kwh": soc,
            "max_kw": max_kw, "efficiency": 0.95}  # fmt: skip


def test_scaled_copies_merge_and_the_merged_plan_costs_what_the_full_model_costs() -> None:
    batteries = [
        _battery("small", 5.0, 2.5, 1.5),
        _battery("big", 10.0, 5.0, 3.0),  # twice "small": merged with it
        _battery("other", 10.0, 2.0, 3.0),  # another start charge: on its own
    ]
    inst = instance_from_dict(night(prices=SPIKE, batteries=batteries))
    merged = batteries_merged(inst)
    assert merged.instance.battery_ids == ["small", "other"]
    assert merged.group.tolist() == [0, 0, 1]
    assert merged.share.tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert merged.instance.battery_capacity.tolist() == [15.0, 10.0]

    planned = night_plan(inst)
    unmerged = feeder_plan(inst, coupled=True)  # the full model, every battery its own columns
    assert plan_cost(inst, planned) == pytest.approx(plan_cost(inst, unmerged), abs=1e-6)
    # The copies move in proportion: "big" exactly twice "small".
    assert planned.battery_power[1] == pytest.approx(2 * planned.battery_power[0])
    assert np.abs(planned.battery_power).sum() > 0  # the spike makes them work


def test_merged_batteries_give_a_plan_check_plan_accepts(tmp_path: Path) -> None:
    batteries = [_battery(f"b{i}", 10.0, 5.0, 3.0) for i in range(4)]
    instance = tmp_path / "night.json"
    instance.write_text(json.dumps(night(prices=SPIKE, batteries=batteries)))
    plan = tmp_path / "plan.json"
    run = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, MANAGE, "grid_plan", "--instance", instance, "--out", plan],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("optimal min_cost: cost ")
    checked = subprocess.run(  # noqa: S603 - the shared checker
        [sys.executable, CHECK_PLAN, instance, plan, "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["overloads"] == 0


def test_the_planner_command_never_imports_django() -> None:
    probe = "import sys, grid.planning.cli; print(any(m.startswith('django') for m in sys.modules))"
    run = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    assert run.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--instance", "{dir}/missing.json", "--out", "{dir}/p.json"], "cannot read the instance"),
        (["--instance", "{dir}/night.json", "--out", "{dir}/no/p.json"], "does not exist"),
        (["--instance", "{dir}/night.json", "--out", "{dir}/p.json", "--time-limit", "0"],
         "--time-limit must be above 0"),
        (["--instance", "{dir}/night.json", "--out", "{dir}/p.json", "--threads", "0"],
         "--threads must be at least 1"),
    ],
)  # fmt: skip
def test_grid_plan_refuses_with_a_message_and_status_1(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "night.json").write_text(json.dumps(night()))
    run = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, MANAGE, "grid_plan", *(a.format(dir=tmp_path) for a in arguments)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert message in run.stderr
    assert not (tmp_path / "p.json").exists()


def test_plans_with_different_thread_counts_in_one_process_all_solve() -> None:
    # HiGHS fixes its thread scheduler on the first run of a process: a later run asking for
    # another count used to come back without a solution and fall back to the greedy.
    batteries = [_battery("a", 10.0, 5.0, 3.0), _battery("b", 10.0, 2.0, 3.0)]
    inst = instance_from_dict(night(prices=SPIKE, batteries=batteries))
    statuses = [night_plan(inst, threads=n).status for n in (1, 2, 1)]
    statuses.append(feeder_plan(inst, coupled=True).status)
    assert statuses == ["optimal"] * 4
