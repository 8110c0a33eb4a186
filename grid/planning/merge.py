"""Batteries that are scaled copies of one another on the same feeder planned as one.

Two batteries with the same one-way efficiency whose start charge and power are the same
shares of their capacity have feasible sets that are scalings of one set; on the same feeder
only their sum enters the feeder's load and the bill, so the merged battery (capacities, charges
and powers summed) has exactly the plans of the group, and its plan shared out in proportion to
capacity is optimal for each. A fleet of one product bought the same day collapses to one
battery per feeder: the coupled model of a night with 500 batteries loses 90k columns.
"""

from dataclasses import dataclass, replace

import numpy as np

from grid.planning.instance import FloatArray, Instance, IntArray

# Shares that agree to this many decimals are the same (the files carry a few decimals).
SHARE_DECIMALS = 9


@dataclass(frozen=True)
class Merged:
    instance: Instance  # the night with one battery per group
    group: IntArray  # each original battery's merged battery
    share: FloatArray  # each original battery's share of its merged battery's capacity

    def battery_power(self, merged_power: FloatArray) -> FloatArray:
        """The original batteries' powers (batteries × slots) from the merged ones'."""
        return merged_power[self.group] * self.share[:, None]


def batteries_merged(inst: Instance) -> Merged:
    capacity = inst.battery_capacity
    keys = np.column_stack(
        [
            inst.battery_feeder.astype(np.float64),
            np.round(inst.battery_efficiency, SHARE_DECIMALS),
            np.round(inst.battery_soc / capacity, SHARE_DECIMALS),
            np.round(inst.battery_max_kw / capacity, SHARE_DECIMALS),
        ]
    )
    if len(keys) == 0:
        return Merged(inst, np.zeros(0, dtype=np.int64), np.zeros(0))
    # Groups numbered by their first battery, so the merged night keeps the file's order.
    _, first, group = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    group = renumber[group.ravel()]
    count = len(order)
    total_capacity = np.bincount(group, weights=capacity, minlength=count)
    leaders = first[order]
    merged = replace(
        inst,
        battery_ids=[inst.battery_ids[i] for i in leaders],
        battery_feeder=inst.battery_feeder[leaders],
        battery_capacity=total_capacity,
        battery_soc=np.bincount(group, weights=inst.battery_soc, minlength=count),
        battery_max_kw=np.bincount(group, weights=inst.battery_max_kw, minlength=count),
        battery_efficiency=inst.battery_efficiency[leaders],
    )
    return Merged(merged, group.astype(np.int64), capacity / total_capacity[group])
