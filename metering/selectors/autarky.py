"""Autarky (self-sufficiency) of households and communities, computed here and only here:
``1 − Σ import / Σ consumption`` over a period, slot by slot, a community netting its members
inside each slot (one member's export covers another's import)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from core.units import ZERO
from households.models import Community, Household
from metering.models import AutarkyState, HouseholdSlot
from metering.selectors.flows import household_slots


@dataclass(frozen=True, slots=True)
class Autarky:
    """1 − Σ import / Σ consumption (clamped to 0–1), with the kWh beside it; None when
    nothing was consumed. Self-consumption: the share of production not exported."""

    ratio: float | None
    import_kwh: Decimal
    consumption_kwh: Decimal
    production_kwh: Decimal
    export_kwh: Decimal
    self_consumption_ratio: float | None


def autarky_ratio(imported: Decimal | None, used: Decimal | None) -> float | None:
    """1 − imported / used, clamped to 0–1; None when nothing was used."""
    if not used or used <= 0:
        return None
    return min(max(1.0 - float((imported or ZERO) / used), 0.0), 1.0)


def autarky_of(
    imported: Decimal | None,
    used: Decimal | None,
    produced: Decimal | None,
    exported: Decimal | None,
) -> Autarky:
    imported, used = imported or ZERO, used or ZERO
    produced, exported = produced or ZERO, exported or ZERO
    # Self-consumption is the same ratio for production: the share of it not exported.
    return Autarky(
        autarky_ratio(imported, used),
        imported,
        used,
        produced,
        exported,
        autarky_ratio(exported, produced),
    )


def household_autarky(*, household: Household, start: datetime, end: datetime) -> Autarky:
    sums = household_slots(household=household, start=start, end=end).aggregate(
        imp=Sum("import_kwh"),
        used=Sum("consumption_kwh"),
        prod=Sum("production_kwh"),
        exp=Sum("export_kwh"),
    )
    return autarky_of(sums["imp"], sums["used"], sums["prod"], sums["exp"])


def community_slot_sums(
    *, start: datetime, end: datetime, community: Community | None = None
) -> QuerySet[Any, Any]:
    """Per community (or of ``community``) and slot in [start, end): its members' import,
    export, consumption and production summed — the rows community autarky nets."""
    members = (
        HouseholdSlot.objects.filter(household__community=community)
        if community is not None
        else HouseholdSlot.objects.filter(household__community__isnull=False)
    )
    return (
        members.filter(start__gte=start, start__lt=end)
        .values("household__community_id", "start")
        .annotate(
            imp=Sum("import_kwh"),
            exp=Sum("export_kwh"),
            used=Sum("consumption_kwh"),
            prod=Sum("production_kwh"),
        )
        .order_by()
    )


def community_autarky(*, community: Community, start: datetime, end: datetime) -> Autarky:
    """Members are netted inside each slot: one member's export covers another's import."""
    return community_autarky_of(community_slot_sums(start=start, end=end, community=community))


def community_autarky_of(per_slot: Iterable[Mapping[str, Any]]) -> Autarky:
    imported = exported = used = produced = ZERO
    for row in per_slot:
        net = (row["imp"] or ZERO) - (row["exp"] or ZERO)
        imported += max(net, ZERO)
        exported += max(-net, ZERO)
        used += row["used"] or ZERO
        produced += row["prod"] or ZERO
    return autarky_of(imported, used, produced, exported)


def autarky_state_get(
    *, household: Household | None = None, community: Community | None = None
) -> AutarkyState | None:
    """The current autarky state of a household or a community (None before it is evaluated)."""
    if household is not None:
        return AutarkyState.objects.filter(household=household).first()
    return AutarkyState.objects.filter(community=community).first()
