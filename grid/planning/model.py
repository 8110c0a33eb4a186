"""The night's LP/MILP as HiGHS arrays, built with numpy in one pass (no loop per variable).

Columns, in this order:
- one per EV and slot of its window: the charger's power p (kW);
- one binary per slot of a window whose charger has a minimum power: on/off;
- per battery and slot: charge power c, discharge power d (both >= 0, b = c - d), and the
  state of charge s after the slot (kWh);
- when the feeders are coupled through the community's bill: per slot, net import and export.

Rows: each feeder's load per slot within ± its limit; each EV's delivered energy; two rows per
binary (off, or min_kw <= p <= max_kw); the battery's energy balance per slot; when coupled, the
community's net per slot = import - export; in the second lexicographic stage, the total energy.
"""

from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np
import numpy.typing as npt

from grid.planning.instance import FloatArray, Instance, IntArray

# Ties between equal prices go to the earlier slot: this much EUR/kWh more per slot, spread over
# the night, far below any price step and the 0.1% gap target, so the plan is one and the same.
TIE_BREAK_EUR_PER_KWH = 1e-6
# A battery charging and discharging in the same slot only wastes energy: this small cost rules
# it out where prices alone would leave it free.
BATTERY_CYCLE_EUR_PER_KWH = 1e-7


class Stage(StrEnum):
    MIN_COST = "min_cost"  # every EV gets exactly its energy
    MAX_ENERGY = "max_energy"  # at most its energy each, as much as possible in total
    MIN_COST_AT_ENERGY = "min_cost_at_energy"  # at most its energy, the maximal total


@dataclass(frozen=True)
class Layout:
    """Where each group of columns starts, and which EV and slot each power column is."""

    ev_col_ev: IntArray
    ev_col_slot: IntArray
    binary_cols: IntArray  # power columns with an on/off binary, in the binaries' order
    binary_start: int
    charge_start: int
    discharge_start: int
    soc_start: int
    import_start: int  # -1 when not coupled
    num_col: int


@dataclass(frozen=True)
class Model:
    lp: highspy.HighsLp
    integer_cols: npt.NDArray[np.int32]  # the on/off binaries (none: an LP)


@dataclass
class _Rows:
    """The matrix in coordinate form, then its row bounds, grown group by group."""

    rows: list[IntArray]
    cols: list[IntArray]
    values: list[FloatArray]
    lower: list[FloatArray]
    upper: list[FloatArray]
    count: int = 0

    def add(self, row: IntArray, col: IntArray, value: FloatArray) -> None:
        self.rows.append(self.count + row)
        self.cols.append(col)
        self.values.append(value)

    def bounds(self, lower: FloatArray, upper: FloatArray) -> None:
        self.lower.append(lower)
        self.upper.append(upper)
        self.count += len(lower)


def layout_for(inst: Instance, *, coupled: bool) -> Layout:
    lengths = inst.ev_departure - inst.ev_arrival
    num_power = int(lengths.sum())
    ev_col_ev = np.repeat(np.arange(len(inst.ev_ids)), lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    ev_col_slot = inst.ev_arrival[ev_col_ev] + np.arange(num_power) - offsets[ev_col_ev]
    binary_cols = np.flatnonzero(inst.ev_min_kw[ev_col_ev] > 0)
    per_battery = len(inst.battery_ids) * inst.slots
    charge_start = num_power + len(binary_cols)
    soc_start = charge_start + 2 * per_battery
    import_start = soc_start + per_battery if coupled else -1
    return Layout(
        ev_col_ev=ev_col_ev,
        ev_col_slot=ev_col_slot,
        binary_cols=binary_cols,
        binary_start=num_power,
        charge_start=charge_start,
        discharge_start=charge_start + per_battery,
        soc_start=soc_start,
        import_start=import_start,
        num_col=soc_start + per_battery + (2 * inst.slots if coupled else 0),
    )


def model_build(
    inst: Instance, layout: Layout, stage: Stage, min_total_energy: float = 0.0
) -> "Model":
    slots, dt = inst.slots, inst.dt
    num_power = len(layout.ev_col_ev)
    power_cols = np.arange(num_power)
    ev_eff = inst.ev_efficiency[layout.ev_col_ev]
    num_bat = len(inst.battery_ids)
    bat_of = np.repeat(np.arange(num_bat), slots)  # battery of each battery column
    bat_slot = np.tile(np.arange(slots), num_bat)
    charge = layout.charge_start + np.arange(num_bat * slots)
    discharge = layout.discharge_start + np.arange(num_bat * slots)
    soc = layout.soc_start + np.arange(num_bat * slots)
    ones_power, ones_bat = np.ones(num_power), np.ones(num_bat * slots)
    m = _Rows([], [], [], [], [])

    # Feeder load = base + EVs + charge - discharge, within ± limit.
    feeder_row = inst.ev_feeder[layout.ev_col_ev] * slots + layout.ev_col_slot
    m.add(feeder_row, power_cols, ones_power)
    bat_row = inst.battery_feeder[bat_of] * slots + bat_slot
    m.add(bat_row, charge, ones_bat)
    m.add(bat_row, discharge, -ones_bat)
    limit = np.repeat(inst.feeder_limit, slots)
    base = inst.base_load.ravel()
    m.bounds(-limit - base, limit - base)

    # Energy reaching each car: exactly its need, or at most it in the lexicographic stages.
    m.add(layout.ev_col_ev, power_cols, ev_eff * dt)
    energy_lower = inst.ev_energy if stage is Stage.MIN_COST else np.zeros(len(inst.ev_ids))
    m.bounds(energy_lower, inst.ev_energy)

    # A charger with a minimum: p - max_kw·on <= 0 and p - min_kw·on >= 0.
    num_bin = len(layout.binary_cols)
    binary = layout.binary_start + np.arange(num_bin)
    ev_of_bin = layout.ev_col_ev[layout.binary_cols]
    within = np.arange(num_bin)
    m.add(within, layout.binary_cols, np.ones(num_bin))
    m.add(within, binary, -inst.ev_max_kw[ev_of_bin])
    m.bounds(np.full(num_bin, -np.inf), np.zeros(num_bin))
    m.add(within, layout.binary_cols, np.ones(num_bin))
    m.add(within, binary, -inst.ev_min_kw[ev_of_bin])
    m.bounds(np.zeros(num_bin), np.full(num_bin, np.inf))

    # Battery balance: s[t] - s[t-1] - eff·dt·c[t] + dt/eff·d[t] = 0 (s[-1] is soc_kwh).
    bat_eff = inst.battery_efficiency[bat_of]
    balance = np.arange(num_bat * slots)
    m.add(balance, soc, ones_bat)
    follows = balance[bat_slot > 0]
    m.add(follows, soc[follows - 1], -np.ones(len(follows)))
    m.add(balance, charge, -bat_eff * dt)
    m.add(balance, discharge, dt / bat_eff)
    start = np.where(bat_slot == 0, inst.battery_soc[bat_of], 0.0)
    m.bounds(start, start)

    if layout.import_start >= 0:
        # Community net = base + all flexible power = import - export.
        imports = layout.import_start + np.arange(slots)
        m.add(layout.ev_col_slot, power_cols, ones_power)
        m.add(bat_slot, charge, ones_bat)
        m.add(bat_slot, discharge, -ones_bat)
        m.add(np.arange(slots), imports, -np.ones(slots))
        m.add(np.arange(slots), imports + slots, np.ones(slots))
        total_base = -inst.base_load.sum(axis=0)
        m.bounds(total_base, total_base)

    if stage is Stage.MIN_COST_AT_ENERGY:
        m.add(np.zeros(num_power, dtype=np.int64), power_cols, ev_eff * dt)
        m.bounds(np.array([min_total_energy]), np.array([np.inf]))

    lp = highspy.HighsLp()
    lp.num_col_ = layout.num_col
    lp.num_row_ = m.count
    lp.col_cost_ = _costs(inst, layout, stage)
    lower, upper = _column_bounds(inst, layout)
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_ = np.concatenate(m.lower)
    lp.row_upper_ = np.concatenate(m.upper)
    _set_matrix(lp, m)
    return Model(lp=lp, integer_cols=binary.astype(np.int32))


def _costs(inst: Instance, layout: Layout, stage: Stage) -> FloatArray:
    dt, slots = inst.dt, inst.slots
    cost = np.zeros(layout.num_col)
    num_power = len(layout.ev_col_ev)
    if stage is Stage.MAX_ENERGY:
        cost[:num_power] = -inst.ev_efficiency[layout.ev_col_ev] * dt
        return cost
    tie = TIE_BREAK_EUR_PER_KWH * np.arange(slots) / slots
    num_bat = len(inst.battery_ids) * slots
    charge = slice(layout.charge_start, layout.charge_start + num_bat)
    discharge = slice(layout.discharge_start, layout.discharge_start + num_bat)
    cycle = BATTERY_CYCLE_EUR_PER_KWH * dt
    if layout.import_start >= 0:
        cost[:num_power] = tie[layout.ev_col_slot] * dt
        cost[charge] = cycle
        cost[discharge] = cycle
        imports = layout.import_start
        cost[imports : imports + slots] = inst.prices * dt
        cost[imports + slots : imports + 2 * slots] = -inst.feed_in * dt
        return cost
    # Never exporting: every kW of flexible power is bought (or avoided) at the import price.
    price = inst.prices + tie
    cost[:num_power] = price[layout.ev_col_slot] * dt
    bat_price = np.tile(price, len(inst.battery_ids)) * dt
    cost[charge] = bat_price + cycle
    cost[discharge] = -bat_price + cycle
    return cost


def _column_bounds(inst: Instance, layout: Layout) -> tuple[FloatArray, FloatArray]:
    slots = inst.slots
    lower = np.zeros(layout.num_col)
    upper = np.full(layout.num_col, np.inf)
    num_power = len(layout.ev_col_ev)
    upper[:num_power] = inst.ev_max_kw[layout.ev_col_ev]
    upper[layout.binary_start : layout.charge_start] = 1.0
    per_bat = len(inst.battery_ids) * slots
    bat_max = np.repeat(inst.battery_max_kw, slots)
    upper[layout.charge_start : layout.charge_start + per_bat] = bat_max
    upper[layout.discharge_start : layout.discharge_start + per_bat] = bat_max
    soc = slice(layout.soc_start, layout.soc_start + per_bat)
    upper[soc] = np.repeat(inst.battery_capacity, slots)
    # Handed back at least as full as it came.
    final = layout.soc_start + np.arange(len(inst.battery_ids)) * slots + slots - 1
    lower[final] = inst.battery_soc
    return lower, upper


def _set_matrix(lp: highspy.HighsLp, m: _Rows) -> None:
    """Coordinates to compressed columns, as passModel takes them."""
    rows = np.concatenate(m.rows).astype(np.int32)
    cols = np.concatenate(m.cols).astype(np.int64)
    values = np.concatenate(m.values)
    order = np.lexsort((rows, cols))
    counts = np.bincount(cols, minlength=lp.num_col_)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lp.a_matrix_.index_ = rows[order]
    lp.a_matrix_.value_ = values[order]
