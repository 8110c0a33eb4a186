"""A household on a known plan with a month of slots: the shape billing tests start from."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from households.models import Household
from metering.models import HouseholdSlot
from tests.households.factories import HouseholdFactory
from tests.pricing.factories import SubscriptionFactory, plan_priced

BRUSSELS = ZoneInfo("Europe/Brussels")
MONTH = date(2026, 6, 1)  # 30 days
D = Decimal


def household_on_green_plan() -> Household:
    """Green Co's plan (0.30 €/kWh, 0.50 €/day, feed-in 0.05 €/kWh, VAT 6%), and a cheaper
    plan (0.20 €/kWh) to compare with."""
    household = HouseholdFactory.create(name="Curie", address="6 Curie Lane")
    green = plan_priced(
        {
            "energy_rate": D("0.30"),
            "standing_charge_per_day": D("0.50"),
            "feed_in_rate": D("0.05"),
            "vat_rate": D("0.06"),
        },
        plan_id="green",
        supplier="Green Co",
    )
    SubscriptionFactory.create(household=household, price_plan=green)
    plan_priced({"energy_rate": D("0.20"), "vat_rate": D("0.06")}, plan_id="cheap")
    return household


def month_slots(
    household: Household,
    *,
    kwh: str = "0.25",
    export: str = "0",
    skip: int = 0,
    first: date = MONTH,
    days: int = 30,
) -> None:
    """Every slot of ``days`` days from ``first`` (all but the last ``skip``), complete, with
    the same import and export."""
    start = datetime.combine(first, time.min, tzinfo=BRUSSELS).astimezone(UTC)
    HouseholdSlot.objects.bulk_create(
        HouseholdSlot(
            household=household,
            start=start + timedelta(minutes=15 * n),
            import_kwh=D(kwh),
            export_kwh=D(export),
            consumption_kwh=D(kwh),
            complete=True,
        )
        for n in range(days * 96 - skip)
    )
