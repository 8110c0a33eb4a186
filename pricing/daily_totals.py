"""A household's day as the P1 energy app shows it: energy from and to the grid, solar, and
what it cost under the household's plan — with the profit of the solar installation, the cost
without it (everything consumed drawn from the grid) minus the actual cost."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.timeslots import local_day_start
from households.models import Household
from metering.flows import Resolution, household_flows
from pricing.cost_engine import plan_cost_of_daily_energy
from pricing.selectors import household_price_plan

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class DailyTotals:
    day: date
    imported_kwh: Decimal
    exported_kwh: Decimal
    direct_solar_kwh: Decimal
    solar_kwh: Decimal
    consumption_kwh: Decimal
    plan_id: str | None
    estimated_cost: Decimal | None  # EUR, None without a plan
    solar_profit: Decimal | None  # EUR


def household_daily_totals(*, household: Household, day: date) -> DailyTotals:
    start = local_day_start(day)
    buckets = household_flows(
        household=household,
        start=start,
        end=local_day_start(day + timedelta(days=1)),
        resolution=Resolution.DAY,
    )
    bucket = buckets[0] if buckets else None
    imported = bucket.import_kwh if bucket else ZERO
    consumed = bucket.consumption_kwh if bucket else ZERO
    plan = household_price_plan(household=household)
    cost = profit = None
    if plan is not None:
        cost = _cents(plan_cost_of_daily_energy(plan=plan, kwh_by_day={day: float(imported)}))
        without_solar = _cents(
            plan_cost_of_daily_energy(plan=plan, kwh_by_day={day: float(consumed)})
        )
        profit = without_solar - cost
    return DailyTotals(
        day=day,
        imported_kwh=imported,
        exported_kwh=bucket.export_kwh if bucket else ZERO,
        direct_solar_kwh=bucket.direct_solar_kwh if bucket else ZERO,
        solar_kwh=bucket.production_kwh if bucket else ZERO,
        consumption_kwh=consumed,
        plan_id=plan.plan_id if plan else None,
        estimated_cost=cost,
        solar_profit=profit,
    )


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
