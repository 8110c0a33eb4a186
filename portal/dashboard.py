"""The household dashboard, composed from metering (flows, autarky, live power) and pricing
(daily totals): periods in the local calendar, the day's chart with one point per slot."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.timeslots import SLOT, local_date, local_day_start, local_zone
from households.models import Household
from metering.models import AutarkyState
from metering.selectors.autarky import (
    Autarky,
    autarky_state_get,
    community_autarky,
    household_autarky,
)
from metering.selectors.flows import Resolution, household_flows
from pricing.daily_totals import DailyTotals, household_daily_totals

DAY = timedelta(days=1)
CONSUMPTION, SOLAR = "#0b4f8a", "#d98e04"  # the chart's colours


@dataclass(frozen=True, slots=True)
class AutarkyRow:
    label: str
    household: Autarky
    community: Autarky | None


@dataclass(frozen=True, slots=True)
class DayChart:
    """One point per slot of the local day (92, 96 or 100), None where no slot was computed."""

    labels: list[str]
    consumption_kwh: list[float | None]
    solar_kwh: list[float | None]

    @property
    def has_data(self) -> bool:
        return any(value is not None for value in self.consumption_kwh)

    def spec(self) -> dict[str, object]:
        """What static/js/charts.js draws."""
        return {
            "type": "bar",
            "unit": "kWh per 15 minutes",
            "labels": self.labels,
            "series": [
                {"label": "Consumption", "data": self.consumption_kwh, "color": CONSUMPTION},
                {"label": "Solar", "data": self.solar_kwh, "color": SOLAR},
            ],
        }


@dataclass(frozen=True, slots=True)
class Dashboard:
    household: Household
    day: date
    today: date
    chart: DayChart
    totals: DailyTotals
    autarky: list[AutarkyRow]
    household_state: AutarkyState | None
    community_state: AutarkyState | None

    @property
    def previous_day(self) -> date:
        return self.day - DAY

    @property
    def next_day(self) -> date | None:
        """None from today on: the future has no energy yet."""
        return self.day + DAY if self.day < self.today else None


def household_dashboard(*, household: Household, day: date, now: datetime) -> Dashboard:
    today = local_date(now)
    community = household.community
    return Dashboard(
        household=household,
        day=day,
        today=today,
        chart=day_chart(household=household, day=day),
        totals=household_daily_totals(household=household, day=day),
        autarky=[
            AutarkyRow(
                label,
                household_autarky(household=household, start=start, end=end),
                community_autarky(community=community, start=start, end=end)
                if community is not None
                else None,
            )
            for label, start, end in autarky_periods(today)
        ],
        household_state=autarky_state_get(household=household),
        community_state=autarky_state_get(community=community) if community else None,
    )


def autarky_periods(today: date) -> list[tuple[str, datetime, datetime]]:
    """Today, this month and this year, as [start, end) in UTC of the local calendar."""
    month = today.replace(day=1)
    next_month = (month + 31 * DAY).replace(day=1)
    year = today.replace(month=1, day=1)
    return [
        ("Today", local_day_start(today), local_day_start(today + DAY)),
        ("This month", local_day_start(month), local_day_start(next_month)),
        ("This year", local_day_start(year), local_day_start(year.replace(year=year.year + 1))),
    ]


def day_chart(*, household: Household, day: date) -> DayChart:
    start, end = local_day_start(day), local_day_start(day + DAY)
    buckets = {
        bucket.start: bucket
        for bucket in household_flows(
            household=household, start=start, end=end, resolution=Resolution.SLOT
        )
    }
    labels: list[str] = []
    consumption: list[float | None] = []
    solar: list[float | None] = []
    zone = local_zone()
    moment = start
    while moment < end:
        labels.append(moment.astimezone(zone).strftime("%H:%M"))
        bucket = buckets.get(moment)
        consumption.append(float(bucket.consumption_kwh) if bucket else None)
        solar.append(float(bucket.production_kwh) if bucket else None)
        moment += SLOT
    return DayChart(labels, consumption, solar)
