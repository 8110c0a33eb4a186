"""The slot layer: readings → 15-minute EnergySlots → HouseholdSlots, incrementally.

Ingestion marks the blocks (meter, UTC day) its readings touch as TODO, from the earliest
instant whose slots they change (``slot_blocks_mark``, inside the ingestion transaction, so no
reading is ever missed). ``slots_rollup`` claims open blocks (``FOR UPDATE SKIP LOCKED``: two
workers never take the same block), recomputes their slots from the readings with the one energy
rule, and marks them DONE; a chunk that fails is retried block by block and the blocks that
still fail become FAULTY with their error, to be retried on the next run. Recomputing a block
always gives what computing from scratch would: slots are a pure function of the readings.
"""

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from time import perf_counter
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.locks import advisory_xact_locks, advisory_xact_locks_try
from core.timeslots import SLOT, slot_start, utc_day_start
from metering.choices import BlockState, MeterKind, SlotSource
from metering.dsmr.choices import EquipmentKind
from metering.dsmr.selectors import register_energy_by_slot
from metering.energy import MAX_GAP, energy_by_bucket
from metering.models import DsmrEquipment, Meter, SlotBlock
from metering.services import slot_storage

logger = logging.getLogger(__name__)

OPEN_STATES = (BlockState.TODO, BlockState.FAULTY)
# Meters whose power makes energy slots (gas and water meters count volumes, not power).
ENERGY_KINDS = (MeterKind.GRID, MeterKind.PRODUCTION, MeterKind.BATTERY, MeterKind.EV)
DAY = timedelta(days=1)
FIRST_CHUNK_BLOCKS = 50  # a run's first chunk, before its pace is known
# Advisory locks (namespace, household id): a chunk refreshing a household's slots holds it, so
# two chunks with blocks of different meters of one household never refresh it at once.
HOUSEHOLD_LOCK_NAMESPACE = 0x5107


@dataclass(frozen=True, slots=True)
class RollupReport:
    blocks_done: int = 0
    blocks_faulty: int = 0
    slots_written: int = 0

    @property
    def blocks(self) -> int:
        return self.blocks_done + self.blocks_faulty

    def __add__(self, other: "RollupReport") -> "RollupReport":
        return RollupReport(
            self.blocks_done + other.blocks_done,
            self.blocks_faulty + other.blocks_faulty,
            self.slots_written + other.slots_written,
        )


def slot_blocks_mark(*, times: Mapping[int, Collection[datetime]]) -> None:
    """Marks TODO the blocks whose slots the readings at ``times`` (meter id → reading times)
    change: a segment reaches up to MAX_GAP either side of a reading, so a reading changes its
    own day and, within MAX_GAP of midnight, the neighbour day. Only those days are marked,
    never the days between two distant readings (nothing of theirs changed)."""
    marks: list[tuple[int, date, datetime]] = []
    for meter_id, moments in times.items():
        if moments:
            marks += [(meter_id, day, dirty) for day, dirty in _days_changed(moments)]
    slot_storage.blocks_mark(marks)


def _days_changed(moments: Collection[datetime]) -> list[tuple[date, datetime]]:
    """(UTC day, earliest changed instant in it) of each day the readings change."""
    first = min(moments) - MAX_GAP
    first_day = first.astimezone(UTC).date()
    last_day = (max(moments) + MAX_GAP).astimezone(UTC).date()
    if (last_day - first_day).days <= 1:  # the common batch: both ends' days hold readings
        days = sorted({first_day, last_day})
        return [(day, max(first, utc_day_start(day))) for day in days]
    # A backfill, or readings far apart: numpy over the sorted epoch seconds. A reading at s
    # changes [s - gap, s + gap]; the first reading whose reach ends in or after a day is the
    # earliest to change it.
    stamps = np.sort(np.fromiter(map(datetime.timestamp, moments), float, len(moments)))
    gap, day_s = MAX_GAP.total_seconds(), DAY.total_seconds()
    low, high = (stamps - gap) // day_s, (stamps + gap) // day_s
    numbers = np.union1d(_distinct(low), _distinct(high))  # days since the epoch
    dirty = np.maximum(numbers * day_s, stamps[np.searchsorted(high, numbers)] - gap)
    return [
        (datetime.fromtimestamp(number * day_s, UTC).date(), datetime.fromtimestamp(start, UTC))
        for number, start in zip(numbers.tolist(), dirty.tolist(), strict=True)
    ]


def _distinct(sorted_values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The distinct values of a sorted array, in O(n)."""
    return sorted_values[np.r_[True, sorted_values[1:] != sorted_values[:-1]]]


def slots_rollup(
    *,
    now: datetime | None = None,
    max_chunks: int | None = None,
    max_seconds: float | None = None,
    households: Collection[int] | None = None,
    waits: bool = True,
) -> RollupReport:
    """Computes the slots of every open block, chunk by chunk; returns what it did. At most
    ``max_chunks`` chunks; no new chunk after ``max_seconds`` (the first always runs). The live
    days' blocks go first, in chunks of their own; each chunk is sized from the pace of the one
    before so that its transaction (which holds the blocks the live tick marks) stays within
    SLOTS_ROLLUP_CHUNK_SECONDS. Given ``households``, only their meters' blocks: rollups of
    households apart go on side by side. A chunk leaves the households another rollup holds
    to it; when it finds nothing else, it waits for them, or, unless ``waits``, ends the run
    (the minute's rollup: the others carry on with what is left)."""
    now = now or timezone.now()
    _blocks_pruned_close(now)
    report = RollupReport()
    chunks = 0
    started = timezone.now()
    clock_started = perf_counter()
    live_from = (now - DAY).astimezone(UTC).date()  # today and yesterday (UTC)
    size = min(FIRST_CHUNK_BLOCKS, settings.SLOTS_ROLLUP_CHUNK_BLOCKS)
    while max_chunks is None or chunks < max_chunks:
        if chunks and max_seconds is not None and perf_counter() - clock_started >= max_seconds:
            break
        clock = perf_counter()
        chunk_report = _rollup_chunk(
            started, size=size, live_from=live_from, households=households, waits=waits
        )
        if chunk_report is None:
            break
        size = _next_chunk_size(chunk_report.blocks, perf_counter() - clock)
        report += chunk_report
        chunks += 1
    slot_blocks_close(now=now)
    return report


def _next_chunk_size(blocks: int, seconds: float) -> int:
    """As many blocks as the last chunk's pace fits in 80% of the time budget, growing at most
    fourfold at a time."""
    per_block = max(seconds, 1e-3) / max(blocks, 1)
    fits = int(0.8 * settings.SLOTS_ROLLUP_CHUNK_SECONDS / per_block)
    return max(1, min(fits, 4 * blocks, settings.SLOTS_ROLLUP_CHUNK_BLOCKS))


def slot_blocks_close(*, now: datetime) -> int:
    """DONE blocks whose day ended long enough ago become CLOSED (final)."""
    cutoff = (now - timedelta(hours=settings.SLOTS_CLOSE_AFTER_HOURS)).astimezone(UTC).date()
    return SlotBlock.objects.filter(state=BlockState.DONE, day__lt=cutoff).update(
        state=BlockState.CLOSED, updated_at=now
    )


def _rollup_chunk(
    started: datetime,
    *,
    size: int,
    live_from: date,
    households: Collection[int] | None,
    waits: bool,
) -> RollupReport | None:
    """One transaction over up to ``size`` open blocks, the live days' alone if there are any;
    a block that failed in this run waits for the next one. None when there is nothing to do
    (or, unless ``waits``, nothing another rollup is not holding)."""
    with transaction.atomic():
        open_blocks = (
            SlotBlock.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(state=BlockState.TODO) | Q(state=BlockState.FAULTY, updated_at__lt=started))
            .select_related("meter")
            # The newest days first (what people look at), the meters of a day together (their
            # households are refreshed once).
            .order_by("state", "-day", "meter_id")
        )
        if households is not None:
            open_blocks = open_blocks.filter(meter__household_id__in=households)
        blocks = list(open_blocks.filter(day__gte=live_from)[:size]) or list(open_blocks[:size])
        if not blocks:
            return None
        blocks = _households_locked(blocks, waits=waits)
        if not blocks:
            return None
        try:
            with transaction.atomic():
                written = _compute(blocks)
        except Exception:
            logger.exception("slot rollup of %d blocks failed; retrying one by one", len(blocks))
            return _rollup_one_by_one(blocks)
        _blocks_set(blocks, BlockState.DONE)
        return RollupReport(blocks_done=len(blocks), slots_written=written)


def _households_locked(blocks: list[SlotBlock], *, waits: bool) -> list[SlotBlock]:
    """The blocks whose households this transaction now holds, locked all at once before the
    first write (so that the one-by-one retry needs no more). Households another chunk holds
    are left to a later chunk, so that parallel rollups go on side by side; only when every
    one is held does this chunk wait for them (if it ``waits``), in id order (no deadlock)."""
    households = {b.meter.household_id for b in blocks if b.meter.household_id is not None}
    held = advisory_xact_locks_try(HOUSEHOLD_LOCK_NAMESPACE, households)
    if households and not held and waits:
        advisory_xact_locks(HOUSEHOLD_LOCK_NAMESPACE, households)
        return blocks
    return [b for b in blocks if b.meter.household_id is None or b.meter.household_id in held]


def _rollup_one_by_one(blocks: list[SlotBlock]) -> RollupReport:
    report = RollupReport()
    for block in blocks:
        try:
            with transaction.atomic():
                written = _compute([block])
        except Exception as exc:
            _blocks_set([block], BlockState.FAULTY, error=f"{type(exc).__name__}: {exc}")
            report += RollupReport(blocks_faulty=1)
        else:
            _blocks_set([block], BlockState.DONE)
            report += RollupReport(blocks_done=1, slots_written=written)
    return report


def _blocks_set(blocks: Iterable[SlotBlock], state: str, error: str = "") -> None:
    chosen = SlotBlock.objects.filter(pk__in=[block.pk for block in blocks])
    if state == BlockState.DONE:
        chosen.update(state=state, error="", dirty_from=None, attempts=0, updated_at=timezone.now())
    else:
        chosen.update(
            state=state, error=error, attempts=F("attempts") + 1, updated_at=timezone.now()
        )


@dataclass(frozen=True, slots=True)
class _MeterWork:
    meter: Meter
    start: datetime  # first slot to write
    end: datetime  # end of the last block's day


def _compute(blocks: list[SlotBlock]) -> int:
    """Recomputes the slots of the blocks' ranges, then their households' slots."""
    work: dict[int, _MeterWork] = {}
    for block in blocks:
        start = slot_start(block.dirty_from or utc_day_start(block.day))
        end = utc_day_start(block.day) + DAY
        known = work.get(block.meter_id)
        if known is not None:
            start, end = min(start, known.start), max(end, known.end)
        work[block.meter_id] = _MeterWork(block.meter, start, end)
    energy_meters = [w for w in work.values() if w.meter.kind in ENERGY_KINDS]
    written = _write_meter_slots(energy_meters)
    by_household: dict[int, tuple[datetime, datetime]] = {}
    for item in energy_meters:
        household_id = item.meter.household_id
        if household_id is None:
            continue
        start, end = by_household.get(household_id, (item.start, item.end))
        by_household[household_id] = (min(start, item.start), max(end, item.end))
    slot_storage.household_slots_refresh(by_household)
    return written


def _write_meter_slots(work: list[_MeterWork]) -> int:
    if not work:
        return 0
    groups, times, powers = slot_storage.readings_fetch(
        [(w.meter.pk, w.start - MAX_GAP, w.end + MAX_GAP) for w in work]
    )
    first = min(w.start for w in work).timestamp()
    last = max(w.end for w in work).timestamp()
    edges = np.arange(first, last + 1, SLOT.total_seconds())
    energy = energy_by_bucket(times, powers, edges, groups)
    bounds = {w.meter.pk: (w.start.timestamp(), w.end.timestamp()) for w in work}
    kinds = {w.meter.pk: w.meter.kind for w in work}
    rows: list[slot_storage.SlotRow] = []
    for meter_pk, bucket, positive, negative, covered, samples in zip(
        energy.group.tolist(),
        energy.bucket.tolist(),
        energy.positive_kwh.tolist(),
        energy.negative_kwh.tolist(),
        energy.covered_s.tolist(),
        energy.samples.tolist(),
        strict=True,
    ):
        start = edges[bucket]
        low, high = bounds[meter_pk]
        if not low <= start < high:
            continue  # outside this meter's range: its readings were not all fetched
        rows.append(
            slot_storage.SlotRow(
                meter_pk,
                float(start),
                *_columns(kinds[meter_pk], positive, negative),
                samples,
                covered >= SLOT.total_seconds() - 1e-6,
            )
        )
    return slot_storage.meter_slots_upsert(_with_register_energy(rows, work))


def _with_register_energy(
    rows: list[slot_storage.SlotRow], work: list[_MeterWork]
) -> list[slot_storage.SlotRow]:
    """A P1 meter's import and export come from its cumulative registers (exact), not from
    integrating its power; the power still tells how many samples and how complete."""
    p1_meters = set(
        DsmrEquipment.objects.filter(
            meter_id__in=[w.meter.pk for w in work], kind=EquipmentKind.ELECTRICITY
        ).values_list("meter_id", flat=True)
    )
    if not p1_meters:
        return rows
    by_meter = {w.meter.pk: w for w in work if w.meter.pk in p1_meters}
    energy = {
        meter_pk: register_energy_by_slot(meter_pk=meter_pk, start=item.start, end=item.end)
        for meter_pk, item in by_meter.items()
    }
    return [
        row._replace(
            import_kwh=float(energy[row.meter_pk].get(row.start, (0, 0))[0]),
            export_kwh=float(energy[row.meter_pk].get(row.start, (0, 0))[1]),
            source=SlotSource.REGISTER.value,
        )
        if row.meter_pk in energy
        else row
        for row in rows
    ]


def _columns(
    kind: str, positive: float, negative: float
) -> tuple[float, float, float, float, float]:
    """(import, export, production, charge, discharge) of a meter kind's energy."""
    if kind == MeterKind.GRID:
        return positive, negative, 0.0, 0.0, 0.0
    if kind == MeterKind.PRODUCTION:
        return 0.0, 0.0, positive, 0.0, 0.0
    if kind == MeterKind.BATTERY:
        return 0.0, 0.0, 0.0, positive, negative
    return 0.0, 0.0, 0.0, positive, 0.0  # an EV: energy into the car


def _blocks_pruned_close(now: datetime) -> None:
    """Blocks whose raw readings were pruned cannot be recomputed faithfully: their slots stay
    as they are and late readings there no longer change them."""
    SlotBlock.objects.filter(state__in=OPEN_STATES, readings_pruned=True).update(
        state=BlockState.CLOSED,
        error="Readings arrived after the raw retention; the slots were kept as they were.",
        updated_at=now,
    )
