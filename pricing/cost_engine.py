"""What energy costs: the only place where prices meet kilowatt-hours.

Daily totals, JOI comparisons, the plan comparison, the month's estimate and invoices all call
``bill``. It prices a series of 15-minute slots (import and export kWh, some perhaps estimated)
over whole local days under a plan's versions, and returns lines:

- energy per (version, rate band, weekday multiplier): kWh × unit price — Saturdays and
  Sundays at the same ×0.8 are one line;
- a feed-in credit per version (a negative line): exported kWh × feed-in rate;
- a standing charge per version: days × daily rate;
- a capacity charge per version: the highest 15-minute average demand (kW) × the monthly rate,
  pro rata of the days the version covers;
- VAT, once per rate, on the sum of that rate's lines.

Each line's net amount is rounded half-up once (to the cent on bills); VAT is computed once per
rate; the total is the sum of what is shown, so lines always add up exactly. Slots are grouped
by price before any rounding, so their order never matters.
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from core.timeslots import SLOTS_PER_HOUR, local_parts, month_start, next_month
from core.units import ZERO
from metering.energy import Floats, Ints
from pricing.choices import LineKind, Weekday
from pricing.models import PlanVersion, PricePlan

CENT = Decimal("0.01")
# Comparisons are not invoices: a hundredth of a cent keeps short histories apart.
COMPARISON_QUANTUM = Decimal("0.0001")
KWH = Decimal("0.000001")
KW = Decimal("0.001")
PRICE = Decimal("0.000001")
CLASSIFIED_KEPT = 64
# A price: (version index, band, weekday multiplier, unit price).
PriceKey = tuple[int, str, Decimal, Decimal]


@dataclass(frozen=True, slots=True)
class CostLine:
    kind: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal
    version_id: int
    estimated: bool = False
    # What priced the line: an energy line's band and multiplier (1: none); the local days
    # of its version's span, the last one included.
    band: str = ""
    multiplier: Decimal | None = None
    period_from: date | None = None
    period_to: date | None = None


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Bill:
    lines: list[CostLine]
    vat: list[VatLine]
    net_total: Decimal
    vat_total: Decimal
    total: Decimal
    import_kwh: Decimal
    export_kwh: Decimal
    estimated_kwh: Decimal


@dataclass(frozen=True)
class SlotSeries:
    """Slots as arrays: UTC start (epoch seconds), kWh imported and exported, estimated."""

    starts: Floats
    imports: Floats
    exports: Floats
    estimated: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def of(
        cls,
        rows: Iterable[
            tuple[datetime, Decimal | float, Decimal | float]
            | tuple[datetime, Decimal | float, Decimal | float, bool]
        ],
    ) -> "SlotSeries":
        listed = list(rows)
        return cls(
            starts=np.array([r[0].timestamp() for r in listed], dtype=np.float64),
            imports=np.array([float(r[1]) for r in listed], dtype=np.float64),
            exports=np.array([float(r[2]) for r in listed], dtype=np.float64),
            estimated=np.array([bool(r[3]) if len(r) > 3 else False for r in listed], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.starts)


class Tariff:
    """A plan's versions made ready for pricing (bands and multipliers prefetched)."""

    def __init__(self, plan: PricePlan, versions: Sequence[PlanVersion] | None = None) -> None:
        self.plan = plan
        if versions is None:
            prefetched = getattr(plan, "_prefetched_objects_cache", {})
            versions = (
                sorted(plan.versions.all(), key=lambda v: v.valid_from)
                if "versions" in prefetched
                else list(
                    plan.versions.prefetch_related("bands", "multipliers").order_by("valid_from")
                )
            )
        self.versions = list(versions)
        self._starts = [v.valid_from for v in self.versions]
        self._prices: dict[tuple[int, int, int], tuple[str, Decimal, Decimal]] = {}
        self._classified: dict[tuple[int, int], tuple[Ints, Ints, dict[PriceKey, int]]] = {}

    def version_at(self, day: date) -> int | None:
        """Index of the version in force on a local day, None before the first."""
        index = bisect_right(self._starts, day) - 1
        return index if index >= 0 else None

    def classify(self, starts: Floats) -> tuple[Ints, Ints, dict[PriceKey, int]]:
        """For distinct slot starts: each one's price key index and version index (-1 before
        the first version), and the keys. Cached: a run prices the same month's starts for
        every household."""
        cache_key = (len(starts), hash(starts.tobytes()))
        if cache_key not in self._classified:
            keys: dict[PriceKey, int] = {}
            key_of_start = np.full(len(starts), -1, dtype=np.int64)
            version_of_start = np.full(len(starts), -1, dtype=np.int64)
            for n, epoch in enumerate(starts.tolist()):
                day, weekday, minute = local_parts(epoch)
                version = self.version_at(day)
                if version is None:
                    continue
                version_of_start[n] = version
                name, multiplier, price = self.price(version, weekday, minute)
                key = (version, name, multiplier, price)
                key_of_start[n] = keys.setdefault(key, len(keys))
            if len(self._classified) > CLASSIFIED_KEPT:
                self._classified.clear()
            self._classified[cache_key] = (key_of_start, version_of_start, keys)
        return self._classified[cache_key]

    def price(self, version: int, weekday: int, minute: int) -> tuple[str, Decimal, Decimal]:
        """(band name, multiplier, unit price) of energy at a local weekday and minute."""
        key = (version, weekday, minute)
        if key not in self._prices:
            chosen = self.versions[version]
            name, rate = "standard", chosen.energy_rate
            moment = time(minute // 60, minute % 60)
            for band in chosen.bands.all():
                if str(weekday) in band.weekdays and _within(moment, band.starts_at, band.ends_at):
                    name, rate = band.name, band.rate
                    break
            multiplier = next(
                (m.multiplier for m in chosen.multipliers.all() if m.weekday == weekday),
                Decimal(1),
            )
            self._prices[key] = (name, multiplier, (rate * multiplier).quantize(PRICE))
        return self._prices[key]


def _within(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # runs past midnight


def bill(
    *,
    tariff: Tariff,
    slots: SlotSeries,
    first_day: date,
    end_day: date,
    quantum: Decimal = CENT,
    standing: bool = True,
    capacity: bool = True,
    feed_in: bool = True,
) -> Bill:
    """The bill of ``slots`` over the local days [first_day, end_day) under ``tariff``."""
    lines: list[CostLine] = []
    version_of_slot = np.full(len(slots), -1, dtype=np.int64)
    spans = _version_spans(tariff, first_day, end_day)
    if len(slots):
        lines += _energy_lines(tariff, slots, version_of_slot, spans, quantum)
    month_days = _days_in_month(first_day)
    for index, (start, end) in spans.items():
        version = tariff.versions[index]
        in_version = version_of_slot == index
        if feed_in and version.feed_in_rate > 0:
            exported = _kwh(float(slots.exports[in_version].sum()))
            if exported > 0:
                lines.append(
                    _line(
                        LineKind.FEED_IN,
                        f"Energy fed into the grid ({_period(start, end)})",
                        exported,
                        "kWh",
                        -version.feed_in_rate,
                        version,
                        quantum,
                        period=(start, end),
                    )
                )
        days = (end - start).days
        if standing and version.standing_charge_per_day > 0:
            lines.append(
                _line(
                    LineKind.STANDING,
                    f"Standing charge ({_period(start, end)})",
                    Decimal(days),
                    "day",
                    version.standing_charge_per_day,
                    version,
                    quantum,
                    period=(start, end),
                )
            )
        if capacity and version.capacity_rate_per_kw > 0 and in_version.any():
            peak = Decimal(repr(float(slots.imports[in_version].max()))) * SLOTS_PER_HOUR
            price = (version.capacity_rate_per_kw * days / month_days).quantize(PRICE)
            lines.append(
                _line(
                    LineKind.CAPACITY,
                    f"Capacity: highest 15-minute demand ({_period(start, end)}, "
                    f"{days}/{month_days} of the month)",
                    peak.quantize(KW, rounding=ROUND_HALF_UP),
                    "kW",
                    price,
                    version,
                    quantum,
                    period=(start, end),
                )
            )
    return _total(lines, slots, quantum)


def _energy_lines(
    tariff: Tariff,
    slots: SlotSeries,
    version_of_slot: np.ndarray,
    spans: dict[int, tuple[date, date]],
    quantum: Decimal,
) -> list[CostLine]:
    """Energy lines: slots grouped by price (computed once per distinct start) then summed."""
    distinct, inverse = np.unique(slots.starts, return_inverse=True)
    key_of_start, version_of_start, keys = tariff.classify(distinct)
    version_of_slot[:] = version_of_start[inverse]
    slot_keys = key_of_start[inverse]
    priced = slot_keys >= 0
    lines = []
    for estimated in (False, True):
        chosen = priced & (slots.estimated == estimated)
        sums = np.bincount(slot_keys[chosen], weights=slots.imports[chosen], minlength=len(keys))
        for (version, name, multiplier, price), index in keys.items():
            kwh = _kwh(float(sums[index]))
            if kwh == 0:
                continue
            chosen_version = tariff.versions[version]
            extra = "" if multiplier == 1 else f", {_multiplied_days(chosen_version, multiplier)}"
            lines.append(
                _line(
                    LineKind.ENERGY,
                    f"Energy, {name} rate{extra}" + (" (estimated)" if estimated else ""),
                    kwh,
                    "kWh",
                    price,
                    chosen_version,
                    quantum,
                    estimated,
                    band=name,
                    multiplier=multiplier,
                    period=spans.get(version),
                )
            )
    return lines


def _multiplied_days(version: PlanVersion, multiplier: Decimal) -> str:
    """'×0.8 on Saturdays and Sundays': the multiplier and the weekdays it applies to."""
    days = [
        f"{Weekday(m.weekday).label}s"
        for m in sorted(version.multipliers.all(), key=lambda m: m.weekday)
        if m.multiplier == multiplier
    ]
    listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
    return f"×{multiplier.normalize()} on {listed}"


def _version_spans(tariff: Tariff, first_day: date, end_day: date) -> dict[int, tuple[date, date]]:
    """The local days of [first_day, end_day) each version covers."""
    spans: dict[int, tuple[date, date]] = {}
    day = first_day
    while day < end_day:
        version = tariff.version_at(day)
        next_start = (
            tariff.versions[version + 1].valid_from
            if version is not None and version + 1 < len(tariff.versions)
            else end_day
        )
        if version is None:
            next_start = tariff.versions[0].valid_from if tariff.versions else end_day
        stop = min(max(next_start, day + timedelta(days=1)), end_day)
        if version is not None:
            spans[version] = (day, stop)
        day = stop
    return spans


def _days_in_month(day: date) -> int:
    return (next_month(day) - month_start(day)).days


def _period(start: date, end: date) -> str:
    return f"{start:%d %b} – {end - timedelta(days=1):%d %b %Y}"


def _kwh(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(KWH, rounding=ROUND_HALF_UP)


def _line(
    kind: str,
    description: str,
    quantity: Decimal,
    unit: str,
    unit_price: Decimal,
    version: PlanVersion,
    quantum: Decimal,
    estimated: bool = False,
    *,
    band: str = "",
    multiplier: Decimal | None = None,
    period: tuple[date, date] | None = None,
) -> CostLine:
    net = (quantity * unit_price).quantize(quantum, rounding=ROUND_HALF_UP)
    return CostLine(
        kind,
        description,
        quantity,
        unit,
        unit_price,
        net,
        version.vat_rate,
        version.pk,
        estimated,
        band=band,
        multiplier=multiplier,
        period_from=period[0] if period else None,
        period_to=period[1] - timedelta(days=1) if period else None,
    )


def _total(lines: list[CostLine], slots: SlotSeries, quantum: Decimal) -> Bill:
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, ZERO) + line.net_amount
    vat = [
        VatLine(rate, base, (base * rate).quantize(quantum, rounding=ROUND_HALF_UP))
        for rate, base in sorted(bases.items())
    ]
    net_total = sum((line.net_amount for line in lines), ZERO)
    vat_total = sum((v.amount for v in vat), ZERO)
    estimated = (
        slots.estimated if len(slots.estimated) == len(slots) else np.zeros(len(slots), bool)
    )
    return Bill(
        lines=lines,
        vat=vat,
        net_total=net_total,
        vat_total=vat_total,
        total=net_total + vat_total,
        import_kwh=_kwh(float(slots.imports.sum())) if len(slots) else ZERO,
        export_kwh=_kwh(float(slots.exports.sum())) if len(slots) else ZERO,
        estimated_kwh=_kwh(float(slots.imports[estimated].sum())) if len(slots) else ZERO,
    )
