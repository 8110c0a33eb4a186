"""The safe plan when the solver fails or runs out of time: feeder-aware, earliest departure first.

Each car in turn (earliest departure first, ties by its place in the instance) takes the cheapest
slots of its window (earlier first among equal prices) up to its charger's power and what is
left of its feeder's headroom. Batteries stay idle. It never overloads a feeder and never gives a
car more than it asked for; it may leave energy undelivered on a tight feeder.
"""

import numpy as np

from grid.planning.instance import FloatArray, Instance


def greedy_plan(inst: Instance) -> tuple[FloatArray, FloatArray]:
    """EV powers (EVs × slots) and battery powers (batteries × slots, all zero)."""
    slots = inst.slots
    power = np.zeros((len(inst.ev_ids), slots))
    headroom = inst.feeder_limit[:, None] - inst.base_load
    order = np.lexsort((np.arange(len(inst.ev_ids)), inst.ev_departure))
    slot_rank = np.lexsort((np.arange(slots), inst.prices))  # cheapest first, then earlier
    for ev in order:
        window = slot_rank[(slot_rank >= inst.ev_arrival[ev]) & (slot_rank < inst.ev_departure[ev])]
        room = headroom[inst.ev_feeder[ev], window]
        power[ev, window] = _fill(
            room=room,
            need_kw_slots=inst.ev_energy[ev] / (inst.dt * inst.ev_efficiency[ev]),
            max_kw=inst.ev_max_kw[ev],
            min_kw=inst.ev_min_kw[ev],
        )
        headroom[inst.ev_feeder[ev], window] -= power[ev, window]
    return power, np.zeros((len(inst.battery_ids), slots))


def _fill(*, room: FloatArray, need_kw_slots: float, max_kw: float, min_kw: float) -> FloatArray:
    """Powers for the window's slots in the order given, summing to at most the need."""
    usable = np.clip(np.minimum(room, max_kw), 0.0, None)
    usable[usable < min_kw] = 0.0  # a slot too tight for the charger's minimum stays off
    before = np.cumsum(usable) - usable
    take = np.clip(need_kw_slots - before, 0.0, usable)
    if min_kw > 0:
        _respect_minimum(take, min_kw)
    return take


def _respect_minimum(take: FloatArray, min_kw: float) -> None:
    """The last slot taken may hold less than the minimum: raise it to the minimum and take the
    difference from a fuller slot, or leave it off."""
    low = np.flatnonzero((take > 0) & (take < min_kw))
    if not low.size:
        return
    last = low[0]
    missing = min_kw - take[last]
    donors = np.flatnonzero(take >= min_kw + missing)
    if donors.size:
        take[donors[0]] -= missing
        take[last] = min_kw
    else:
        take[last] = 0.0
