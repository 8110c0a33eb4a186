"""The price of each slot the planner and the pages cost energy at."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Avg

from grid.models import MarketPrice
from pricing.models import PlanVersion

DEFAULT_PRICE = 0.25  # EUR/kWh: no market price and no price plan stored at all


def slot_prices(starts: list[datetime]) -> list[float]:
    """The day-ahead price of each slot; a slot without one gets the mean of those known, and
    with none known the mean energy rate of the price plans."""
    known = dict(
        MarketPrice.objects.filter(slot_start__in=starts).values_list("slot_start", "price")
    )
    if known:
        fallback = float(sum(known.values(), Decimal(0)) / len(known))
    else:
        rate = PlanVersion.objects.aggregate(rate=Avg("energy_rate"))["rate"]
        fallback = float(rate) if rate is not None else DEFAULT_PRICE
    return [float(known[s]) if s in known else fallback for s in starts]
