"""The demo's network: substations and feeders (every household on one), the plants, the link
to the national grid, the wind farm's availability and the day-ahead prices.

The limits are measured on the simulator's physics (``network_limits_measured``) when the rows
are first created; a later seed keeps what is stored (an operator may have edited it)."""

import math
import statistics
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings

from demo.market import (
    day_ahead_price,
    day_slots,
    prices_decimal,
    shares_decimal,
    wind_share,
    window_days,
)
from demo.world import (
    FEEDERS,
    INTERCONNECTION,
    INTERCONNECTION_EXPORT_KW,
    INTERCONNECTION_MAINTENANCE,
    INTERCONNECTION_SUBSTATION,
    LIMITS_EVENING_FROM,
    LIMITS_MEASURED_DAYS,
    LIMITS_MEASURED_FROM,
    PLANTS,
    SERIES_DAYS_AHEAD,
    SUBSCRIPTIONS_START,
    SUBSTATIONS,
    WIND_FARM,
    HouseholdSpec,
    feeder_of,
)
from grid.models import (
    Feeder,
    FeederConnection,
    Interconnection,
    InterconnectionLimit,
    MarketPrice,
    Plant,
    PlantAvailability,
)
from households.models import Household
from simulator.engine import TownRun
from simulator.physics import IntArray
from simulator.town import House, town_build, town_houses

MARKET_SOURCE = "PowerDale demo"
BATCH = 5000
STEP_S = 900


@dataclass(frozen=True)
class EveningPeaks:
    """Each measured evening's highest load (kW) of a group of households."""

    with_cars: list[float]
    without_cars: list[float]

    @property
    def limit_kw(self) -> Decimal:
        """Halfway between the highest evening without cars and the median evening with them,
        rounded down to the kW: above every evening without cars, below at least half of the
        evenings with them."""
        high = max(self.without_cars)
        middle = statistics.median(self.with_cars)
        limit = math.floor((high + middle) / 2)
        return Decimal(max(limit, math.ceil(high) + 1))


def evening_times(*, time_zone: str) -> tuple[IntArray, list[IntArray]]:
    """The measurement's 15-minute steps (from the first evening to the last midnight) and,
    per evening, the indices of its steps between LIMITS_EVENING_FROM and midnight."""
    zone = ZoneInfo(time_zone)
    starts = []
    for offset in range(LIMITS_MEASURED_DAYS):
        day = LIMITS_MEASURED_FROM + timedelta(days=offset)
        start = datetime.combine(day, LIMITS_EVENING_FROM, tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        starts.append((int(start.timestamp()), int(end.timestamp())))
    times = np.arange(starts[0][0], starts[-1][1], STEP_S, dtype=np.int64)
    evenings = [np.flatnonzero((times >= a) & (times < b)) for a, b in starts]
    return times, evenings


def houses_without_cars(houses: list[House]) -> list[House]:
    """The same homes with no car at all: neither its meter nor a stored car."""
    return [replace(house, ev=None, car=None) for house in houses]


def evening_loads(
    houses: list[House], *, seed: int
) -> tuple[np.ndarray, np.ndarray, list[IntArray]]:
    """The grid meters' power (kW, households × steps) over the measured evenings, with the
    cars charging at full power on arrival and with no cars at all."""
    times, evenings = evening_times(time_zone=settings.TIME_ZONE)

    def run(town_houses_: list[House]) -> np.ndarray:
        town = town_build(town_houses_, seed=seed)
        chunk = TownRun(town, start_s=int(times[0]), interval_s=STEP_S).next_chunk(len(times))
        return np.asarray(chunk.flows.grid_kw)

    return run(houses), run(houses_without_cars(houses)), evenings


def network_limits_measured(groups: dict[str, list[int]], *, seed: int) -> dict[str, EveningPeaks]:
    """Each group's (a feeder, a substation, the town) evening peaks, on the demo town:
    ``groups`` names household ids."""
    houses = town_houses()
    wanted = {pk for ids in groups.values() for pk in ids}
    houses = [house for house in houses if house.grid.household_id in wanted]
    row = {house.grid.household_id: index for index, house in enumerate(houses)}
    with_cars, without_cars, evenings = evening_loads(houses, seed=seed)
    peaks = {}
    for name, ids in groups.items():
        rows = [row[pk] for pk in ids if pk in row]
        loaded, bare = with_cars[rows].sum(axis=0), without_cars[rows].sum(axis=0)
        peaks[name] = EveningPeaks(
            with_cars=[float(loaded[steps].max()) for steps in evenings],
            without_cars=[float(bare[steps].max()) for steps in evenings],
        )
    return peaks


def network_seed(
    households: dict[str, Household], specs: list[HouseholdSpec], *, seed: int
) -> None:
    """Substations, feeders, connections, plants and the interconnection (those missing)."""
    on_feeder: dict[str, list[int]] = {feeder.name: [] for feeder in FEEDERS}
    for spec in specs:
        on_feeder[feeder_of(spec)].append(households[spec.name].pk)
    by_substation = {
        name: [pk for f in FEEDERS if f.substation == name for pk in on_feeder[f.name]]
        for name in SUBSTATIONS
    }
    names = [*SUBSTATIONS, *on_feeder]
    stored = set(Feeder.objects.filter(name__in=names).values_list("name", flat=True))
    peaks: dict[str, EveningPeaks] = {}
    if stored != set(names) or not Interconnection.objects.filter(name=INTERCONNECTION).exists():
        town = [pk for ids in on_feeder.values() for pk in ids]
        peaks = network_limits_measured(
            {**on_feeder, **by_substation, INTERCONNECTION: town}, seed=seed
        )
    substations = {
        name: Feeder.objects.get_or_create(name=name, defaults={"limit_kw": _limit(peaks, name)})[0]
        for name in SUBSTATIONS
    }
    connected = set(
        FeederConnection.objects.filter(household__in=households.values()).values_list(
            "household_id", flat=True
        )
    )
    for feeder_spec in FEEDERS:
        feeder, _ = Feeder.objects.get_or_create(
            name=feeder_spec.name,
            defaults={
                "limit_kw": _limit(peaks, feeder_spec.name),
                "parent": substations[feeder_spec.substation],
            },
        )
        FeederConnection.objects.bulk_create(
            FeederConnection(feeder=feeder, household_id=pk)
            for pk in on_feeder[feeder_spec.name]
            if pk not in connected
        )
    plants = {}
    for plant in PLANTS:
        plants[plant.name], _ = Plant.objects.get_or_create(
            name=plant.name,
            defaults={
                "kind": plant.kind,
                "capacity_kw": plant.capacity_kw,
                "min_stable_kw": plant.min_stable_kw,
                "ramp_kw_per_min": plant.ramp_kw_per_min,
                "marginal_cost": plant.marginal_cost,
                "feeder": substations[plant.substation],
            },
        )
    interconnection, created = Interconnection.objects.get_or_create(
        name=INTERCONNECTION, defaults={"feeder": substations[INTERCONNECTION_SUBSTATION]}
    )
    if created:
        # What the town needs from outside when the gas and hydro plants run flat out.
        firm = sum((p.capacity_kw for p in PLANTS if p.kind in ("gas", "hydro")), Decimal(0))
        import_kw = max(peaks[INTERCONNECTION].limit_kw - firm, Decimal(10))
        begin, end = INTERCONNECTION_MAINTENANCE
        for valid_from, import_limit in (
            (SUBSCRIPTIONS_START, import_kw),
            (begin, (import_kw / 2).quantize(Decimal("0.01"))),
            (end, import_kw),
        ):
            InterconnectionLimit.objects.create(
                interconnection=interconnection,
                valid_from=valid_from,
                import_kw=import_limit,
                export_kw=INTERCONNECTION_EXPORT_KW,
            )


def _limit(peaks: dict[str, EveningPeaks], name: str) -> Decimal:
    """The measured limit (only asked for when the row is missing, when it was measured)."""
    return peaks[name].limit_kw if peaks else Decimal(0)


def series_seed(*, today: date, history_days: int, seed: int) -> tuple[int, int]:
    """The day-ahead prices and the wind farm's availability over the history window and the
    next days, slots missing only; returns how many prices and shares were added."""
    first, last = window_days(today, history_days, SERIES_DAYS_AHEAD)
    times = day_slots(first, last, settings.TIME_ZONE)
    starts = [datetime.fromtimestamp(int(t), tz=ZoneInfo("UTC")) for t in times]
    window = {"slot_start__gte": starts[0], "slot_start__lte": starts[-1]}
    have = set(MarketPrice.objects.filter(**window).values_list("slot_start", flat=True))
    prices = prices_decimal(day_ahead_price(times, seed=seed, time_zone=settings.TIME_ZONE))
    new_prices = MarketPrice.objects.bulk_create(
        (
            MarketPrice(slot_start=start, price=price, source=MARKET_SOURCE)
            for start, price in zip(starts, prices, strict=True)
            if start not in have
        ),
        batch_size=BATCH,
    )
    plant = Plant.objects.filter(name=WIND_FARM).first()
    if plant is None:  # renamed or removed by the operator: its series is theirs to keep
        return len(new_prices), 0
    have = set(plant.availability_series.filter(**window).values_list("slot_start", flat=True))
    shares = shares_decimal(wind_share(times, seed=seed))
    new_shares = PlantAvailability.objects.bulk_create(
        (
            PlantAvailability(plant=plant, slot_start=start, share=share)
            for start, share in zip(starts, shares, strict=True)
            if start not in have
        ),
        batch_size=BATCH,
    )
    return len(new_prices), len(new_shares)
