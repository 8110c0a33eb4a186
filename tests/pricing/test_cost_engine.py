"""The cost engine against hand-computed bills, and its invariants."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.choices import LineKind
from pricing.cost_engine import SlotSeries, Tariff, bill
from pricing.models import PricePlan
from tests.pricing.factories import PlanVersionFactory, RateBandFactory, plan_priced

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
D = Decimal


def plan_with(**prices: Decimal) -> PricePlan:
    return plan_priced(prices, valid_from=date(2026, 1, 1))


def local_slots(day: date, kwh: float) -> SlotSeries:
    """Every slot of a local day with the same import."""
    start = datetime.combine(day, time.min, tzinfo=BRUSSELS).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=BRUSSELS).astimezone(UTC)
    starts = np.arange(start.timestamp(), end.timestamp(), 900.0)
    return SlotSeries(
        starts, np.full(len(starts), kwh), np.zeros(len(starts)), np.zeros(len(starts), dtype=bool)
    )


def amounts(result: object) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [(line.kind, line.quantity, line.unit_price, line.net_amount) for line in result.lines]  # type: ignore[attr-defined]


def test_a_day_night_plan_across_the_autumn_dst_change() -> None:
    plan = plan_with(energy_rate=D("0.30"))
    RateBandFactory.create(
        version=plan.versions.get(),
        name="night",
        rate=D("0.10"),
        starts_at=time(22),
        ends_at=time(7),
    )
    day = date(2026, 10, 25)  # 25 hours: 00:00–07:00 holds 8 hours of night
    result = bill(
        tariff=Tariff(plan),
        slots=local_slots(day, 0.25),
        first_day=day,
        end_day=day + timedelta(days=1),
    )
    # night: 00–07 (8 h, one repeated) + 22–24 (2 h) = 40 slots = 10 kWh; day: 15 h = 15 kWh.
    assert sorted(amounts(result)) == [
        (LineKind.ENERGY, D("10"), D("0.100000"), D("1.00")),
        (LineKind.ENERGY, D("15"), D("0.300000"), D("4.50")),
    ]
    assert result.total == D("5.50")


def test_a_version_change_mid_month_splits_the_lines() -> None:
    plan = plan_with(energy_rate=D("0.30"), standing_charge_per_day=D("0.50"))
    PlanVersionFactory.create(
        plan=plan,
        valid_from=date(2026, 11, 16),
        energy_rate=D("0.40"),
        standing_charge_per_day=D("0.60"),
    )
    noon = [datetime(2026, 11, d, 11, 0, tzinfo=UTC) for d in range(1, 31)]
    slots = SlotSeries.of((t, 1, 0) for t in noon)
    result = bill(
        tariff=Tariff(plan), slots=slots, first_day=date(2026, 11, 1), end_day=date(2026, 12, 1)
    )
    assert amounts(result) == [
        (LineKind.ENERGY, D("15"), D("0.300000"), D("4.50")),
        (LineKind.ENERGY, D("15"), D("0.400000"), D("6.00")),
        (LineKind.STANDING, D("15"), D("0.500000"), D("7.50")),
        (LineKind.STANDING, D("15"), D("0.600000"), D("9.00")),
    ]
    assert result.total == D("27.00")


def test_feed_in_larger_than_consumption_gives_a_negative_total() -> None:
    plan = plan_with(energy_rate=D("0.30"), feed_in_rate=D("0.08"), vat_rate=D("0.06"))
    at = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    slots = SlotSeries.of([(at, 10, 50)])
    result = bill(
        tariff=Tariff(plan), slots=slots, first_day=date(2026, 6, 1), end_day=date(2026, 6, 2)
    )
    assert amounts(result) == [
        (LineKind.ENERGY, D("10"), D("0.300000"), D("3.00")),
        (LineKind.FEED_IN, D("50"), D("-0.080000"), D("-4.00")),
    ]
    assert result.net_total == D("-1.00")
    assert result.vat_total == D("-0.06")
    assert result.total == D("-1.06")


def test_the_capacity_charge_prices_the_highest_quarter_hour() -> None:
    plan = plan_with(energy_rate=D("0.20"), capacity_rate_per_kw=D("4.00"))
    base = datetime(2026, 6, 3, 8, 0, tzinfo=UTC)
    slots = SlotSeries.of([(base, 0.5, 0), (base + timedelta(minutes=15), 1.5, 0)])
    result = bill(
        tariff=Tariff(plan), slots=slots, first_day=date(2026, 6, 1), end_day=date(2026, 7, 1)
    )
    capacity = [line for line in result.lines if line.kind == LineKind.CAPACITY]
    # 1.5 kWh in 15 minutes = 6 kW average; the whole month at €4/kW.
    assert [(c.quantity, c.unit_price, c.net_amount) for c in capacity] == [
        (D("6.000"), D("4.000000"), D("24.00"))
    ]


def test_vat_is_computed_once_per_rate_and_lines_add_up() -> None:
    plan = plan_with(
        energy_rate=D("0.333333"), standing_charge_per_day=D("0.111111"), vat_rate=D("0.21")
    )
    result = bill(
        tariff=Tariff(plan),
        slots=local_slots(date(2026, 3, 3), 0.0333),
        first_day=date(2026, 3, 3),
        end_day=date(2026, 3, 4),
    )
    assert len(result.vat) == 1
    vat = result.vat[0]
    assert vat.base == sum(line.net_amount for line in result.lines)
    assert vat.amount == (vat.base * D("0.21")).quantize(D("0.01"))
    assert result.total == result.net_total + result.vat_total


def test_a_weekday_multiplier_is_named_on_its_line() -> None:
    from tests.pricing.factories import WeekdayMultiplierFactory

    plan = plan_with(energy_rate=D("0.20"))
    WeekdayMultiplierFactory.create(version=plan.versions.get(), weekday=6, multiplier=D("0.5"))
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    result = bill(
        tariff=Tariff(plan),
        slots=SlotSeries.of([(sunday, 2, 0)]),
        first_day=date(2026, 11, 22),
        end_day=date(2026, 11, 23),
    )
    (line,) = result.lines
    assert line.description == "Energy, standard rate, ×0.5 on Sundays"
    assert (line.unit_price, line.net_amount) == (D("0.100000"), D("0.20"))


def test_weekdays_at_the_same_multiplier_share_one_line_rounded_once() -> None:
    from tests.pricing.factories import WeekdayMultiplierFactory

    plan = plan_with(energy_rate=D("0.30"))
    for weekday in (5, 6):
        WeekdayMultiplierFactory.create(
            version=plan.versions.get(), weekday=weekday, multiplier=D("0.8")
        )
    saturday, sunday = (datetime(2026, 11, d, 12, 0, tzinfo=UTC) for d in (21, 22))
    result = bill(
        tariff=Tariff(plan),
        slots=SlotSeries.of([(saturday, D("1.0625"), 0), (sunday, D("1.0625"), 0)]),
        first_day=date(2026, 11, 21),
        end_day=date(2026, 11, 23),
    )
    # One line per (version, band, multiplier): 2.125 kWh × 0.24 = 0.51, where a line per
    # day would have rounded 0.255 up twice to 0.52.
    (line,) = result.lines
    assert line.description == "Energy, standard rate, ×0.8 on Saturdays and Sundays"
    assert (line.quantity, line.unit_price, line.net_amount) == (D("2.125"), D("0.24"), D("0.51"))
    assert (line.band, line.multiplier, line.version_id) == (
        "standard",
        D("0.8"),
        plan.versions.get().pk,
    )
    assert (line.period_from, line.period_to) == (date(2026, 11, 21), date(2026, 11, 22))


SLOT_VALUES = st.lists(
    st.tuples(
        st.integers(0, 30 * 96 - 1),
        st.decimals("0", "3", places=6),
        st.decimals("0", "2", places=6),
    ),
    min_size=1,
    max_size=60,
    unique_by=lambda s: s[0],
)


@pytest.fixture
def rich_plan() -> PricePlan:
    """Read-only in the tests below, so one per test serves all its examples."""
    plan = plan_with(
        energy_rate=D("0.287"),
        standing_charge_per_day=D("0.4321"),
        feed_in_rate=D("0.061"),
        capacity_rate_per_kw=D("3.3"),
        vat_rate=D("0.06"),
    )
    RateBandFactory.create(version=plan.versions.get(), rate=D("0.171"))
    return plan


Raw = list[tuple[int, Decimal, Decimal]]


def series(raw: Raw) -> SlotSeries:
    start = datetime(2026, 4, 1, tzinfo=BRUSSELS).astimezone(UTC)
    return SlotSeries.of((start + timedelta(minutes=15 * n), i, e) for n, i, e in raw)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(SLOT_VALUES)
def test_lines_always_add_up_to_the_total(rich_plan: PricePlan, raw: Raw) -> None:
    result = bill(
        tariff=Tariff(rich_plan),
        slots=series(raw),
        first_day=date(2026, 4, 1),
        end_day=date(2026, 5, 1),
    )
    assert result.net_total == sum(line.net_amount for line in result.lines)
    assert result.vat_total == sum(v.amount for v in result.vat)
    assert result.total == result.net_total + result.vat_total


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(SLOT_VALUES, st.randoms(use_true_random=False))
def test_the_order_of_slots_does_not_matter(
    rich_plan: PricePlan, raw: Raw, rnd: random.Random
) -> None:
    shuffled = list(raw)
    rnd.shuffle(shuffled)
    tariff = Tariff(rich_plan)
    one = bill(
        tariff=tariff, slots=series(raw), first_day=date(2026, 4, 1), end_day=date(2026, 5, 1)
    )
    two = bill(
        tariff=tariff, slots=series(shuffled), first_day=date(2026, 4, 1), end_day=date(2026, 5, 1)
    )
    assert one == two


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(SLOT_VALUES, st.integers(1, 29))
def test_splitting_a_period_moves_the_total_by_at_most_a_cent_a_line(
    rich_plan: PricePlan,
    raw: Raw,
    split_day: int,
) -> None:
    tariff = Tariff(rich_plan)
    cut = date(2026, 4, 1) + timedelta(days=split_day)
    cut_epoch = datetime.combine(cut, time.min, tzinfo=BRUSSELS).timestamp()
    whole = series(raw)
    before = whole.starts < cut_epoch

    def part(mask: np.ndarray) -> SlotSeries:
        return SlotSeries(
            whole.starts[mask], whole.imports[mask], whole.exports[mask], whole.estimated[mask]
        )

    first = bill(
        tariff=tariff, slots=part(before), first_day=date(2026, 4, 1), end_day=cut, capacity=False
    )
    second = bill(
        tariff=tariff, slots=part(~before), first_day=cut, end_day=date(2026, 5, 1), capacity=False
    )
    together = bill(
        tariff=tariff,
        slots=whole,
        first_day=date(2026, 4, 1),
        end_day=date(2026, 5, 1),
        capacity=False,
    )
    lines = len(first.lines) + len(first.vat) + len(second.lines) + len(second.vat)
    assert abs(first.total + second.total - together.total) <= D("0.01") * lines
