"""The platform's one energy rule: energy from instantaneous power samples.

Energy is the trapezoidal integral of power over time, taken between consecutive samples in time
order. Two samples more than ``MAX_GAP`` apart are not bridged: nothing is known about the power
between them. A segment that crosses a bucket edge (a 15-minute slot, a local midnight) is split
exactly there, with the power at the edge interpolated linearly, so buckets add up to the whole.
Where the power changes sign inside a segment (a grid meter going from import to export) the
segment is split at the zero crossing, so positive and negative energy are both exact.

It is vectorised with numpy: the JOI price comparisons, the 15-minute slot rollup and every later
part call ``energy_by_bucket``. Because no segment is longer than ``MAX_GAP`` and no bucket is
shorter, a segment crosses at most one edge.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

MAX_GAP = timedelta(minutes=15)
MAX_GAP_S = MAX_GAP.total_seconds()

Sample = tuple[datetime, float]  # (aware instant, power in kW)
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BucketEnergy:
    """Energy per (group, bucket) that has at least one sample or one piece of a segment.

    ``bucket`` indexes the buckets [edges[i], edges[i+1]); ``group`` is the caller's group code
    (a meter) or 0. Arrays are aligned and sorted by (group, bucket).
    """

    group: Ints
    bucket: Ints
    positive_kwh: Floats
    negative_kwh: Floats
    covered_s: Floats  # seconds of the bucket covered by bridged segments
    samples: Ints  # samples whose time falls in the bucket


def energy_by_bucket(
    times: Floats, powers: Floats, edges: Floats, groups: Ints | None = None
) -> BucketEnergy:
    """Energy of the samples per bucket between ``edges`` (epoch seconds, ascending, at least
    ``MAX_GAP`` apart). ``times`` are epoch seconds sorted within each group; ``groups`` (sorted)
    keeps the samples of different meters from being bridged."""
    times = np.asarray(times, dtype=np.float64)
    powers = np.asarray(powers, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    if groups is None:
        groups = np.zeros(len(times), dtype=np.int64)
    buckets_count = len(edges) - 1
    if buckets_count < 1 or len(times) == 0:
        return _empty()
    padded = np.concatenate(([-np.inf], edges, [np.inf]))

    # Segments between consecutive samples of one group, no longer than MAX_GAP.
    t0, t1, p0, p1 = times[:-1], times[1:], powers[:-1], powers[1:]
    span = t1 - t0
    bridged = (span > 0) & (span <= MAX_GAP_S) & (groups[:-1] == groups[1:])
    t0, t1, p0, p1, span, group = (
        t0[bridged],
        t1[bridged],
        p0[bridged],
        p1[bridged],
        span[bridged],
        groups[:-1][bridged],
    )
    # Each segment is a first piece up to the next edge, and a second piece beyond it if any.
    slot = np.searchsorted(padded, t0, side="right") - 1  # index in padded
    edge = padded[slot + 1]
    split = t1 > edge
    end = np.where(split, edge, t1)
    power_at_edge = p0 + (p1 - p0) * (end - t0) / span
    first_pos, first_neg = _positive_negative(p0, power_at_edge, end - t0)
    second_pos, second_neg = _positive_negative(power_at_edge, p1, t1 - end)
    # Interleave first and second pieces so keys stay sorted, then drop empty second pieces.
    count = len(t0)
    piece_bucket = np.empty(2 * count, dtype=np.int64)
    piece_bucket[0::2], piece_bucket[1::2] = slot - 1, slot  # back to real bucket numbers
    keep = np.ones(2 * count, dtype=bool)
    keep[1::2] = split
    piece_group = np.repeat(group, 2)
    piece_pos = np.empty(2 * count)
    piece_pos[0::2], piece_pos[1::2] = first_pos, second_pos
    piece_neg = np.empty(2 * count)
    piece_neg[0::2], piece_neg[1::2] = first_neg, second_neg
    piece_secs = np.empty(2 * count)
    piece_secs[0::2], piece_secs[1::2] = end - t0, t1 - end
    inside = keep & (piece_bucket >= 0) & (piece_bucket < buckets_count)
    energy_keys = piece_group[inside] * (buckets_count + 1) + piece_bucket[inside]
    energy_keys, sums = _sum_runs(
        energy_keys, piece_pos[inside], piece_neg[inside], piece_secs[inside]
    )

    sample_bucket = np.searchsorted(edges, times, side="right") - 1
    counted = (sample_bucket >= 0) & (sample_bucket < buckets_count)
    sample_keys = groups[counted] * (buckets_count + 1) + sample_bucket[counted]
    sample_keys, (sample_counts,) = _sum_runs(sample_keys, np.ones(len(sample_keys)))

    keys = np.union1d(energy_keys, sample_keys)
    where_energy = np.searchsorted(keys, energy_keys)
    where_samples = np.searchsorted(keys, sample_keys)
    columns = [np.zeros(len(keys)) for _ in range(4)]
    for column, values in zip(columns[:3], sums, strict=True):
        column[where_energy] = values
    columns[3][where_samples] = sample_counts
    return BucketEnergy(
        group=keys // (buckets_count + 1),
        bucket=keys % (buckets_count + 1),
        positive_kwh=columns[0],
        negative_kwh=columns[1],
        covered_s=columns[2],
        samples=columns[3].astype(np.int64),
    )


def samples_as_arrays(samples: Iterable[Sample]) -> tuple[Floats, Floats]:
    """Epoch seconds and kW of (time, power) samples, sorted by time."""
    ordered: Sequence[Sample] = sorted(samples)
    times = np.fromiter((t.timestamp() for t, _ in ordered), dtype=np.float64, count=len(ordered))
    powers = np.fromiter((p for _, p in ordered), dtype=np.float64, count=len(ordered))
    return times, powers


def _positive_negative(start: Floats, end: Floats, seconds: Floats) -> tuple[Floats, Floats]:
    """Exact integrals of max(p, 0) and max(-p, 0) over linear pieces from start to end."""
    hours = seconds / 3600.0
    same_sign = start * end >= 0
    positive_same = (np.maximum(start, 0) + np.maximum(end, 0)) / 2 * hours
    negative_same = (np.maximum(-start, 0) + np.maximum(-end, 0)) / 2 * hours
    spread = np.abs(start - end)
    safe = np.where(same_sign, 1.0, spread)
    positive_cross = (np.maximum(start, 0) ** 2 + np.maximum(end, 0) ** 2) / (2 * safe) * hours
    negative_cross = (np.minimum(start, 0) ** 2 + np.minimum(end, 0) ** 2) / (2 * safe) * hours
    return (
        np.where(same_sign, positive_same, positive_cross),
        np.where(same_sign, negative_same, negative_cross),
    )


def _sum_runs(keys: Ints, *values: Floats) -> tuple[Ints, list[Floats]]:
    """Sums of ``values`` over runs of equal, sorted ``keys``."""
    if len(keys) == 0:
        return keys, [np.zeros(0) for _ in values]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[starts], [np.add.reduceat(v, starts) for v in values]


def _empty() -> BucketEnergy:
    none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    return BucketEnergy(none_i, none_i, none_f, none_f, none_f, none_i)
