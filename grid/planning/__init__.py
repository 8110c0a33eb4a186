"""The night's EV and battery planner: pure numpy + HiGHS (highspy), no Django.

Read an instance (`instance_read` / `instance_from_dict`), plan it (`night_plan`, or
`feeder_plan` on `Instance.feeder_part(i)` for one feeder), write the plan (`plan_write`).
"""

from grid.planning.instance import Instance, InstanceError, instance_from_dict, instance_read
from grid.planning.plan_file import plan_cost, plan_delivered, plan_to_dict, plan_write
from grid.planning.solve import PlanResult, feeder_plan, night_plan

__all__ = [
    "Instance",
    "InstanceError",
    "PlanResult",
    "feeder_plan",
    "instance_from_dict",
    "instance_read",
    "night_plan",
    "plan_cost",
    "plan_delivered",
    "plan_to_dict",
    "plan_write",
]
