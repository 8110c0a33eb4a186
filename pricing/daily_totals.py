"""A household's day as the P1 energy app shows it: energy from and to the grid, solar, what it
cost under the household's plan (energy, feed-in credit, the day's standing charge, VAT) and the
profit of the solar installation: the cost without it (everything used drawn from the grid,
nothing fed in) minus the actual cost."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.timeslots import local_day_start
from core.units import ZERO
from households.models import Household
from metering.selectors.flows import Resolution, household_flows
from pricing.comparisons import household_slot_series
from pricing.cost_engine import Tariff, bill
from pricing.selectors import household_price_plan


@dataclass(frozen=True, slots=True)
class DailyTotals:
    day: date
    imported_kwh: Decimal
    exported_kwh: Decimal
    direct_solar_kwh: Decimal
    solar_kwh: Decimal
    consumption_kwh: Decimal
    plan_id: str | None
    estimated_cost: Decimal | None  # EUR with VAT, None without a plan
    solar_profit: Decimal | None  # EUR


def household_daily_totals(*, household: Household, day: date) -> DailyTotals:
    end = day + timedelta(days=1)
    buckets = household_flows(
        household=household,
        start=local_day_start(day),
        end=local_day_start(end),
        resolution=Resolution.DAY,
    )
    bucket = buckets[0] if buckets else None
    plan = household_price_plan(household=household)
    cost = profit = None
    if plan is not None:
        tariff = Tariff(plan)
        priced = {
            without_solar: bill(
                tariff=tariff,
                slots=household_slot_series(
                    household=household, first_day=day, end_day=end, without_solar=without_solar
                ),
                first_day=day,
                end_day=end,
                capacity=False,  # a monthly charge: on invoices, not on one day
            )
            for without_solar in (False, True)
        }
        cost, profit = priced[False].total, priced[True].total - priced[False].total
    return DailyTotals(
        day=day,
        imported_kwh=bucket.import_kwh if bucket else ZERO,
        exported_kwh=bucket.export_kwh if bucket else ZERO,
        direct_solar_kwh=bucket.direct_solar_kwh if bucket else ZERO,
        solar_kwh=bucket.production_kwh if bucket else ZERO,
        consumption_kwh=bucket.consumption_kwh if bucket else ZERO,
        plan_id=plan.plan_id if plan else None,
        estimated_cost=cost,
        solar_profit=profit,
    )
