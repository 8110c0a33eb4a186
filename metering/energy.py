"""The platform's one energy rule: energy from instantaneous power samples.

Energy is the trapezoidal integral of power over time, taken between consecutive samples in time
order. Two samples more than ``MAX_GAP`` apart are not bridged: nothing is known about the power
between them. A segment that crosses a boundary (a slot, a local day) is split exactly there,
with the power at the boundary interpolated linearly, so buckets add up to the whole.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

MAX_GAP = timedelta(minutes=15)
_HOUR = 3600.0

Sample = tuple[datetime, float]  # (aware instant, power in kW)


@dataclass(frozen=True, slots=True)
class EnergyPiece:
    start: datetime
    end: datetime
    kwh: float


def energy_pieces(
    samples: Iterable[Sample],
    *,
    next_boundary: Callable[[datetime], datetime] | None = None,
) -> Iterator[EnergyPiece]:
    """Trapezoids between consecutive samples, cut at every boundary ``next_boundary`` gives.

    ``next_boundary(t)`` must return the first boundary strictly after ``t``.
    """
    ordered: Sequence[Sample] = sorted(samples)
    for (t0, p0), (t1, p1) in pairwise(ordered):
        span = (t1 - t0).total_seconds()
        if span <= 0 or t1 - t0 > MAX_GAP:
            continue
        start, power_at_start = t0, p0
        while True:
            boundary = next_boundary(start) if next_boundary else t1
            if boundary >= t1:
                hours = (t1 - start).total_seconds() / _HOUR
                yield EnergyPiece(start, t1, (power_at_start + p1) / 2 * hours)
                break
            power_at_boundary = p0 + (p1 - p0) * (boundary - t0).total_seconds() / span
            hours = (boundary - start).total_seconds() / _HOUR
            yield EnergyPiece(start, boundary, (power_at_start + power_at_boundary) / 2 * hours)
            start, power_at_start = boundary, power_at_boundary


def energy_kwh(samples: Iterable[Sample]) -> float:
    """Total energy in kWh of the samples."""
    return sum(piece.kwh for piece in energy_pieces(samples))


def energy_kwh_by[Key](
    samples: Iterable[Sample],
    *,
    bucket: Callable[[datetime], Key],
    next_boundary: Callable[[datetime], datetime],
) -> dict[Key, float]:
    """Energy in kWh per bucket; ``bucket(t)`` names the bucket a piece starting at t falls in."""
    totals: dict[Key, float] = {}
    for piece in energy_pieces(samples, next_boundary=next_boundary):
        key = bucket(piece.start)
        totals[key] = totals.get(key, 0.0) + piece.kwh
    return totals
