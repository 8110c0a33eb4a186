"""Deterministic nights in `smartrix-grid-instance/1`: evening peak, cheap night, tight feeders."""

import random
from collections.abc import Callable
from typing import Any

SLOTS = 64  # 16:00 to 08:00 local in 15-minute slots


def grid_night(
    name: str,
    *,
    feeders: int,
    evs: int,
    batteries: int = 0,
    minimum_share: float = 0.0,
    headroom_kw: float = 60.0,
    seed: int = 23,
) -> dict[str, Any]:
    rng = random.Random(seed)
    evening = range(4, 20)  # 17:00 to 21:00 local
    prices = [
        round((0.32 if t in evening else 0.18 if 24 <= t < 52 else 0.24) + 0.01 * rng.random(), 4)
        for t in range(SLOTS)
    ]
    feeder_items = []
    for f in range(feeders):
        base = [
            round((70.0 if t in evening else 35.0) * (0.9 + 0.2 * rng.random()), 3)
            for t in range(SLOTS)
        ]
        feeder_items.append(
            {"id": f"F{f:03d}", "households": 100, "limit_kw": round(max(base) + headroom_kw, 3),
             "base_load_kw": base}
        )  # fmt: skip
    ev_items = [
        {"id": f"ev-{e:05d}", "feeder": f"F{e % feeders:03d}",
         "arrival_slot": rng.randint(0, 16), "departure_slot": rng.randint(56, SLOTS),
         "energy_kwh": round(rng.uniform(4.0, 16.0), 3), "max_kw": rng.choice([7.4, 11.0]),
         "min_kw": 4.14 if rng.random() < minimum_share else 0.0, "efficiency": 0.9}
        for e in range(evs)
    ]  # fmt: skip
    battery_items = [
        {"id": f"bat-{b:04d}", "feeder": f"F{b % feeders:03d}", "capacity_kwh": 10.0,
         "soc_kwh": 5.0, "max_kw": 3.0, "efficiency": 0.95}
        for b in range(batteries)
    ]  # fmt: skip
    return {
        "format": "smartrix-grid-instance/1",
        "name": name,
        "slot_minutes": 15,
        "start": "2026-01-14T15:00:00Z",
        "local_timezone": "Europe/Brussels",
        "slots": SLOTS,
        "prices": prices,
        "feed_in": [0.05] * SLOTS,
        "feeders": feeder_items,
        "evs": ev_items,
        "batteries": battery_items,
    }


# Name -> (night, wall-time target s, cost-gap target %).
NIGHTS: dict[str, tuple[Callable[[], dict[str, Any]], float, float]] = {
    "tight-200": (lambda: grid_night("tight-200", feeders=4, evs=200, headroom_kw=20.0), 8, 0.1),
    "ev2000-bat500": (
        lambda: grid_night("ev2000-bat500", feeders=20, evs=2000, batteries=500),
        8,
        0.1,
    ),
    "ev2000-min": (
        lambda: grid_night("ev2000-min", feeders=20, evs=2000, minimum_share=0.5),
        30,
        0.5,
    ),
    "ev10000": (lambda: grid_night("ev10000", feeders=100, evs=10000), 15, 0.1),
}
