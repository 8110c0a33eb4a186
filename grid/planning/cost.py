"""What a plan costs and delivers (FORMAT.md's definitions), from its power arrays."""

import numpy as np

from grid.planning.instance import FloatArray, Instance


def _bill(inst: Instance, net: FloatArray) -> float:
    bought = inst.prices * np.maximum(net, 0.0) - inst.feed_in * np.maximum(-net, 0.0)
    return float(inst.dt * bought.sum())


def powers_cost(inst: Instance, ev_power: FloatArray, battery_power: FloatArray) -> float:
    """bill(N) - bill(B): the cost of the flexible energy (EUR)."""
    base = inst.base_load.sum(axis=0)
    net = base + ev_power.sum(axis=0) + battery_power.sum(axis=0)
    return _bill(inst, net) - _bill(inst, base)


def powers_delivered(inst: Instance, ev_power: FloatArray) -> float:
    """kWh reaching the cars."""
    return float((ev_power.sum(axis=1) * inst.dt * inst.ev_efficiency).sum())
