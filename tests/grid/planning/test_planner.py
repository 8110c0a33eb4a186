import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from grid.planning import (
    InstanceError,
    instance_from_dict,
    night_plan,
    plan_cost,
    plan_to_dict,
    plan_write,
)

CHECK_PLAN = Path(settings.BASE_DIR).parent / "shared/grid/check_plan.py"
SLOTS = 8


def night(**changes: Any) -> dict[str, Any]:
    """One feeder of 10 kW, base 2 kW, prices cheapest in slots 3 and 4, three cars."""
    data: dict[str, Any] = {
        "format": "smartrix-grid-instance/1",
        "name": "hand",
        "slot_minutes": 60,
        "start": "2026-01-14T15:00:00Z",
        "slots": SLOTS,
        "prices": [0.30, 0.30, 0.20, 0.10, 0.10, 0.20, 0.30, 0.30],
        "feeders": [{"id": "F1", "limit_kw": 10.0, "base_load_kw": [2.0] * SLOTS}],
        "evs": [
            {"id": "a", "feeder": "F1", "arrival_slot": 0, "departure_slot": 8,
             "energy_kwh": 4.0, "max_kw": 4.0},
            {"id": "b", "feeder": "F1", "arrival_slot": 0, "departure_slot": 8,
             "energy_kwh": 4.0, "max_kw": 4.0},
            {"id": "c", "feeder": "F1", "arrival_slot": 2, "departure_slot": 4,
             "energy_kwh": 2.0, "max_kw": 2.0},
        ],
    }  # fmt: skip
    data.update(changes)
    return data


def test_three_cars_take_the_cheapest_slots_within_the_feeder() -> None:
    inst = instance_from_dict(night())
    result = night_plan(inst)
    # Slot 3 (0.10) holds 8 kW: c takes 2, a and b share 6; slot 4 takes the other 2 kW.
    assert result.status == "optimal"
    assert result.ev_power[:, 3].sum() == pytest.approx(8.0)
    assert result.ev_power[:, 4].sum() == pytest.approx(2.0)
    assert result.ev_power[2, 3] == pytest.approx(2.0)
    assert plan_cost(inst, result) == pytest.approx(10 * 0.10)


def test_an_infeasible_night_delivers_the_most_then_costs_the_least() -> None:
    tight = [{"id": "F1", "limit_kw": 3.0, "base_load_kw": [2.0] * SLOTS}]
    inst = instance_from_dict(night(feeders=tight))
    result = night_plan(inst)
    delivered = result.ev_power.sum()
    assert result.objective == "max_energy_then_min_cost"
    assert delivered == pytest.approx(8.0, abs=1e-6)  # 1 kW of headroom in 8 slots
    assert plan_cost(inst, result) == pytest.approx(
        sum(night()["prices"]), abs=1e-5
    )  # every slot is needed


def test_a_charger_with_a_minimum_is_off_or_at_least_at_it() -> None:
    data = night()
    data["evs"] = [dict(data["evs"][0], energy_kwh=7.0, min_kw=3.0)]
    result = night_plan(instance_from_dict(data))
    power = result.ev_power[0]
    assert ((power == 0) | (power >= 3.0 - 1e-9)).all()
    assert power.sum() == pytest.approx(7.0)


def test_a_battery_earns_on_a_price_spike_and_ends_as_full() -> None:
    data = night(evs=[], prices=[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 1.0])
    data["batteries"] = [
        {"id": "b1", "feeder": "F1", "capacity_kwh": 4.0, "soc_kwh": 2.0, "max_kw": 2.0,
         "efficiency": 0.95}
    ]  # fmt: skip
    inst = instance_from_dict(data)
    result = night_plan(inst)
    power = result.battery_power[0]
    soc = 2.0 + np.sum(np.where(power > 0, power * 0.95, power / 0.95))
    assert plan_cost(inst, result) < 0
    assert soc >= 2.0 - 1e-9


def test_the_same_night_gives_the_same_plan() -> None:
    inst = instance_from_dict(night())
    first, second = (json.dumps(plan_to_dict(inst, night_plan(inst))) for _ in range(2))
    assert first == second


def test_a_solver_time_out_falls_back_to_a_valid_plan(tmp_path: Path) -> None:
    data = night()
    data["evs"] = [dict(ev, min_kw=1.0) for ev in data["evs"]]
    inst = instance_from_dict(data)
    result = night_plan(inst, time_limit=1e-9)
    assert result.status in ("time_limit_fallback", "time_limit_incumbent", "optimal")
    path = tmp_path / "night.json"
    path.write_text(json.dumps(data))
    plan_write(tmp_path / "plan.json", inst, result)
    checked = subprocess.run(  # noqa: S603 - our own checker
        [sys.executable, CHECK_PLAN, path, tmp_path / "plan.json"], check=False
    )
    assert checked.returncode == 0


def _broken(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(night())
    target: Any = data
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("prices", None, "'prices'"),
        ("format", "other/1", "'format'"),
        ("feeders.0.limit_kw", -1.0, "'limit_kw'"),
        ("feeders.0.limit_kw", 0.0, "'limit_kw'"),
        ("feeders.0.base_load_kw", [20.0] * SLOTS, "'base_load_kw'"),
        ("prices", [0.1], "'prices'"),
        ("evs.0.departure_slot", 0, "'departure_slot'"),
        ("evs.0.departure_slot", 9, "'departure_slot'"),
        ("evs.0.feeder", "F9", "'feeder'"),
        ("evs.0.energy_kwh", -1.0, "'energy_kwh'"),
        ("evs.0.min_kw", 5.0, "'min_kw'"),
        ("evs.0.efficiency", 1.5, "'efficiency'"),
        ("evs.1.id", "a", "duplicate"),
    ],
)
def test_a_bad_instance_is_refused_with_the_field_named(path: str, value: Any, named: str) -> None:
    data = _broken(path, value)
    if path == "evs.0.departure_slot" and value == 0:
        data["evs"][0]["arrival_slot"] = 3
    with pytest.raises(InstanceError, match=named):
        instance_from_dict(data)


def test_a_battery_soc_outside_its_capacity_is_refused() -> None:
    bad = [{"id": "b1", "feeder": "F1", "capacity_kwh": 4.0, "soc_kwh": 5.0, "max_kw": 2.0}]
    with pytest.raises(InstanceError, match="'soc_kwh'"):
        instance_from_dict(night(batteries=bad))


def test_grid_plan_writes_a_plan_check_plan_accepts(tmp_path: Path) -> None:
    instance = tmp_path / "night.json"
    instance.write_text(json.dumps(night()))
    call_command("grid_plan", instance=instance, out=tmp_path / "a.json.gz")
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, manage, "grid_plan", "--instance", instance, "--out", tmp_path / "b.json"],
        check=True,
    )
    for plan in ("a.json.gz", "b.json"):
        checked = subprocess.run(  # noqa: S603 - our own checker
            [sys.executable, CHECK_PLAN, instance, tmp_path / plan], check=False
        )
        assert checked.returncode == 0


def test_grid_plan_refuses_a_bad_instance(tmp_path: Path) -> None:
    instance = tmp_path / "night.json"
    instance.write_text(json.dumps(night(format="nope")))
    with pytest.raises(CommandError, match="'format'"):
        call_command("grid_plan", instance=instance, out=tmp_path / "p.json")


def test_grid_plan_refuses_a_file_that_is_not_text(tmp_path: Path) -> None:
    instance = tmp_path / "night.json"
    instance.write_bytes(b"\xff\xfe\x00{}")
    with pytest.raises(CommandError, match="cannot read the instance"):
        call_command("grid_plan", instance=instance, out=tmp_path / "p.json")
    assert not (tmp_path / "p.json").exists()
