"""A night's instance (`smartrix-grid-instance/1`, ../shared/grid/FORMAT.md) read and checked.

Items become numpy arrays (one entry per feeder, EV or battery, in the file's order) so that the
model is built without a Python loop per variable.
"""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

INSTANCE_FORMAT = "smartrix-grid-instance/1"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class InstanceError(ValueError):
    """An instance the planner refuses; the message names the field and the item."""


@dataclass(frozen=True)
class Instance:
    name: str
    slots: int
    dt: float  # hours per slot
    prices: FloatArray  # EUR/kWh per slot
    feed_in: FloatArray  # EUR/kWh per slot
    feeder_ids: list[str]
    feeder_limit: FloatArray  # kW, per feeder
    base_load: FloatArray  # kW, feeders × slots
    ev_ids: list[str]
    ev_feeder: IntArray  # index into feeder_ids
    ev_arrival: IntArray  # first slot of the window
    ev_departure: IntArray  # first slot after the window
    ev_energy: FloatArray  # kWh the car needs
    ev_max_kw: FloatArray
    ev_min_kw: FloatArray  # 0: any power; > 0: off or at least this
    ev_efficiency: FloatArray
    battery_ids: list[str]
    battery_feeder: IntArray
    battery_capacity: FloatArray  # kWh
    battery_soc: FloatArray  # kWh at the start
    battery_max_kw: FloatArray
    battery_efficiency: FloatArray  # one way

    @property
    def is_mixed_integer(self) -> bool:
        return bool((self.ev_min_kw > 0).any())

    def never_exports(self) -> bool:
        """True when the community imports in every slot whatever the plan: base load exceeds
        every battery discharging at full power (EVs only add load). Cost is then linear in the
        flexible power and the feeders are independent."""
        floor = self.base_load.sum(axis=0) - self.battery_max_kw.sum()
        return bool((floor >= 0).all())

    def feeder_part(self, feeder: int) -> "Instance":
        """The sub-instance of one feeder: its EVs and batteries, in the same order."""
        evs = np.flatnonzero(self.ev_feeder == feeder)
        bats = np.flatnonzero(self.battery_feeder == feeder)
        return Instance(
            name=f"{self.name}/{self.feeder_ids[feeder]}",
            slots=self.slots,
            dt=self.dt,
            prices=self.prices,
            feed_in=self.feed_in,
            feeder_ids=[self.feeder_ids[feeder]],
            feeder_limit=self.feeder_limit[feeder : feeder + 1],
            base_load=self.base_load[feeder : feeder + 1],
            ev_ids=[self.ev_ids[i] for i in evs],
            ev_feeder=np.zeros(len(evs), dtype=np.int64),
            ev_arrival=self.ev_arrival[evs],
            ev_departure=self.ev_departure[evs],
            ev_energy=self.ev_energy[evs],
            ev_max_kw=self.ev_max_kw[evs],
            ev_min_kw=self.ev_min_kw[evs],
            ev_efficiency=self.ev_efficiency[evs],
            battery_ids=[self.battery_ids[i] for i in bats],
            battery_feeder=np.zeros(len(bats), dtype=np.int64),
            battery_capacity=self.battery_capacity[bats],
            battery_soc=self.battery_soc[bats],
            battery_max_kw=self.battery_max_kw[bats],
            battery_efficiency=self.battery_efficiency[bats],
        )


def load_json(path: Path) -> Any:
    """JSON from a file, gzip'd when its name ends in .gz."""
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def instance_read(path: Path) -> Instance:
    try:
        data = load_json(path)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, EOFError) as exc:
        raise InstanceError(f"{path}: cannot read the instance ({exc})") from exc
    return instance_from_dict(data)


def _field(item: dict[str, Any], key: str, what: str) -> Any:
    if not isinstance(item, dict):
        raise InstanceError(f"{what}: expected an object")
    if key not in item:
        raise InstanceError(f"{what}: missing field {key!r}")
    return item[key]


def _number(item: dict[str, Any], key: str, what: str, default: float | None = None) -> float:
    value = item.get(key, default) if default is not None else _field(item, key, what)
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise InstanceError(f"{what}: {key!r} must be a finite number, not {value!r}")
    return float(value)


def _series(item: dict[str, Any], key: str, what: str, slots: int) -> FloatArray:
    values = _field(item, key, what)
    if not isinstance(values, list) or len(values) != slots:
        count = len(values) if isinstance(values, list) else "no list of"
        raise InstanceError(f"{what}: {key!r} has {count} values, expected slots = {slots}")
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InstanceError(f"{what}: {key!r} must hold numbers") from exc
    if not np.isfinite(array).all():
        raise InstanceError(f"{what}: {key!r} must hold finite numbers")
    return array


def _unique_ids(items: list[dict[str, Any]], kind: str) -> list[str]:
    ids: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        item_id = _field(item, "id", f"{kind} #{position}")
        if not isinstance(item_id, str) or not item_id:
            raise InstanceError(f"{kind} #{position}: 'id' must be a non-empty string")
        if item_id in seen:
            raise InstanceError(f"{kind} {item_id!r}: duplicate id")
        seen.add(item_id)
        ids.append(item_id)
    return ids


def _list(data: dict[str, Any], key: str, *, required: bool) -> list[dict[str, Any]]:
    items = _field(data, key, "instance") if required else data.get(key) or []
    if not isinstance(items, list):
        raise InstanceError(f"instance: {key!r} must be a list")
    return items


def instance_from_dict(data: Any) -> Instance:
    """Checks every rule of FORMAT.md an instance must meet; raises InstanceError otherwise."""
    fmt = _field(data, "format", "instance")
    if fmt != INSTANCE_FORMAT:
        raise InstanceError(f"instance: 'format' is {fmt!r}, expected {INSTANCE_FORMAT!r}")
    slots = _field(data, "slots", "instance")
    if isinstance(slots, bool) or not isinstance(slots, int) or slots <= 0:
        raise InstanceError(f"instance: 'slots' must be a positive integer, not {slots!r}")
    slot_minutes = _number(data, "slot_minutes", "instance")
    if slot_minutes <= 0:
        raise InstanceError(f"instance: 'slot_minutes' must be positive, not {slot_minutes}")
    prices = _series(data, "prices", "instance", slots)
    feed_in = _series(data, "feed_in", "instance", slots) if data.get("feed_in") else None

    feeders = _list(data, "feeders", required=True)
    feeder_ids = _unique_ids(feeders, "feeder")
    feeder_index = {fid: i for i, fid in enumerate(feeder_ids)}
    limits = np.zeros(len(feeders))
    base = np.zeros((len(feeders), slots))
    for i, (fid, feeder) in enumerate(zip(feeder_ids, feeders, strict=True)):
        what = f"feeder {fid!r}"
        limits[i] = _number(feeder, "limit_kw", what)
        if limits[i] <= 0:
            raise InstanceError(f"{what}: 'limit_kw' must be positive, not {limits[i]}")
        base[i] = _series(feeder, "base_load_kw", what, slots)
        over = np.flatnonzero(np.abs(base[i]) > limits[i])
        if over.size:
            raise InstanceError(
                f"{what}: 'base_load_kw' is {base[i, over[0]]} kW in slot {over[0]}, "
                f"beyond its limit_kw {limits[i]}"
            )

    evs = _list(data, "evs", required=True)
    ev_ids = _unique_ids(evs, "EV")
    ev = np.zeros((len(evs), 7))  # feeder, arrival, departure, energy, max, min, efficiency
    for i, (eid, item) in enumerate(zip(ev_ids, evs, strict=True)):
        what = f"EV {eid!r}"
        ev[i] = [
            _feeder_of(item, what, feeder_index),
            *_window(item, what, slots),
            _number(item, "energy_kwh", what),
            _number(item, "max_kw", what),
            _number(item, "min_kw", what, default=0.0),
            _number(item, "efficiency", what, default=1.0),
        ]
        _check_ev(ev[i], what)

    batteries = _list(data, "batteries", required=False)
    battery_ids = _unique_ids(batteries, "battery")
    bat = np.zeros((len(batteries), 5))  # feeder, capacity, soc, max, efficiency
    for i, (bid, item) in enumerate(zip(battery_ids, batteries, strict=True)):
        what = f"battery {bid!r}"
        bat[i] = [
            _feeder_of(item, what, feeder_index),
            _number(item, "capacity_kwh", what),
            _number(item, "soc_kwh", what),
            _number(item, "max_kw", what),
            _number(item, "efficiency", what, default=1.0),
        ]
        _check_battery(bat[i], what)

    return Instance(
        name=str(data.get("name", "")),
        slots=slots,
        dt=slot_minutes / 60.0,
        prices=prices,
        feed_in=feed_in if feed_in is not None else np.zeros(slots),
        feeder_ids=feeder_ids,
        feeder_limit=limits,
        base_load=base,
        ev_ids=ev_ids,
        ev_feeder=ev[:, 0].astype(np.int64),
        ev_arrival=ev[:, 1].astype(np.int64),
        ev_departure=ev[:, 2].astype(np.int64),
        ev_energy=ev[:, 3].copy(),
        ev_max_kw=ev[:, 4].copy(),
        ev_min_kw=ev[:, 5].copy(),
        ev_efficiency=ev[:, 6].copy(),
        battery_ids=battery_ids,
        battery_feeder=bat[:, 0].astype(np.int64),
        battery_capacity=bat[:, 1].copy(),
        battery_soc=bat[:, 2].copy(),
        battery_max_kw=bat[:, 3].copy(),
        battery_efficiency=bat[:, 4].copy(),
    )


def _feeder_of(item: dict[str, Any], what: str, feeder_index: dict[str, int]) -> int:
    feeder = _field(item, "feeder", what)
    if feeder not in feeder_index:
        raise InstanceError(f"{what}: 'feeder' {feeder!r} is not a feeder of the instance")
    return feeder_index[feeder]


def _window(item: dict[str, Any], what: str, slots: int) -> tuple[int, int]:
    bounds = []
    for key in ("arrival_slot", "departure_slot"):
        value = _field(item, key, what)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InstanceError(f"{what}: {key!r} must be an integer slot, not {value!r}")
        if not 0 <= value <= slots:
            raise InstanceError(f"{what}: {key!r} {value} is outside [0, {slots}]")
        bounds.append(value)
    arrival, departure = bounds
    if departure < arrival:
        raise InstanceError(
            f"{what}: 'departure_slot' {departure} is before 'arrival_slot' {arrival}"
        )
    return arrival, departure


def _check_ev(values: FloatArray, what: str) -> None:
    _, _, _, energy, max_kw, min_kw, efficiency = values
    if energy < 0:
        raise InstanceError(f"{what}: 'energy_kwh' must not be negative, not {energy}")
    if max_kw <= 0:
        raise InstanceError(f"{what}: 'max_kw' must be positive, not {max_kw}")
    if min_kw < 0 or min_kw > max_kw:
        raise InstanceError(f"{what}: 'min_kw' {min_kw} must be within [0, max_kw {max_kw}]")
    if not 0 < efficiency <= 1:
        raise InstanceError(f"{what}: 'efficiency' {efficiency} must be within (0, 1]")


def _check_battery(values: FloatArray, what: str) -> None:
    _, capacity, soc, max_kw, efficiency = values
    if capacity <= 0:
        raise InstanceError(f"{what}: 'capacity_kwh' must be positive, not {capacity}")
    if not 0 <= soc <= capacity:
        raise InstanceError(f"{what}: 'soc_kwh' {soc} must be within [0, capacity {capacity}]")
    if max_kw <= 0:
        raise InstanceError(f"{what}: 'max_kw' must be positive, not {max_kw}")
    if not 0 < efficiency <= 1:
        raise InstanceError(f"{what}: 'efficiency' {efficiency} must be within (0, 1]")
