"""The energy company's usage overview: per community and per household over a period —
consumption and production, the highest 15-minute demand, the average daily profile (24
hourly values in the local calendar) and a ranking by consumption."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractHour

from core.api.periods import Period
from core.snapshots import read_snapshot
from core.timeslots import SLOTS_PER_HOUR, local_zone
from core.units import ZERO
from households.models import Community, Household
from metering.models import HouseholdSlot


@dataclass
class Usage:
    id: int
    name: str
    consumption_kwh: Decimal = ZERO
    production_kwh: Decimal = ZERO
    peak_kw: Decimal = ZERO  # the highest 15-minute average demand
    profile_kwh: list[Decimal] = field(default_factory=lambda: [ZERO] * 24)
    rank: int = 0


@dataclass(frozen=True, slots=True)
class UsageOverview:
    period: Period
    communities: list[Usage]
    households: list[Usage]  # ranked by consumption, highest first


def usage_overview(*, period: Period, community: Community | None = None) -> UsageOverview:
    """Per community and household over ``period``; its queries share one snapshot, so the
    communities' totals are their households' sums even while slots are being written."""
    with read_snapshot():
        return _overview(period, community)


def _overview(period: Period, community: Community | None) -> UsageOverview:
    slots = HouseholdSlot.objects.filter(start__gte=period.start, start__lt=period.end)
    if community is not None:
        slots = slots.filter(household__community=community)
    days = Decimal(str(max(period.days, 1.0)))
    households = _usage(slots, "household_id", Household.objects.all(), days)
    communities = _usage(
        slots.filter(household__community__isnull=False),
        "household__community_id",
        Community.objects.all(),
        days,
    )
    ranked = sorted(households.values(), key=lambda u: (-u.consumption_kwh, u.name))
    for rank, usage in enumerate(ranked, start=1):
        usage.rank = rank
    return UsageOverview(period, sorted(communities.values(), key=lambda u: u.name), ranked)


def _usage(
    slots: QuerySet[HouseholdSlot],
    key: str,
    subjects: QuerySet[Household] | QuerySet[Community],
    days: Decimal,
) -> dict[int, Usage]:
    """Usage per subject (grouped by ``key``), the peak taken over the subject's summed slots.

    The database sums each subject's slots and takes the peak of those sums (a query around
    the per-slot query): one row per subject comes back, not one per subject and slot."""
    per_slot = (
        slots.values(key, "start")
        .annotate(used=Sum("consumption_kwh"), made=Sum("production_kwh"))
        .order_by()
    )
    inner, params = per_slot.query.sql_with_params()
    usages: dict[int, Usage] = {}
    names: Mapping[int, str] = dict(
        subjects.filter(pk__in=slots.values(key)).values_list("pk", "name")
    )
    with connection.cursor() as cursor:
        column = connection.ops.quote_name(key)  # the inner query names it after the key
        cursor.execute(
            f"SELECT t.{column}, SUM(t.used), SUM(t.made), MAX(t.used) "  # noqa: S608
            f"FROM ({inner}) t GROUP BY t.{column}",  # Django's own SQL and parameters
            params,
        )
        for subject, used, made, peak in cursor.fetchall():
            usages[subject] = Usage(
                subject,
                names.get(subject, "?"),
                consumption_kwh=used or ZERO,
                production_kwh=made or ZERO,
                peak_kw=(peak or ZERO) * SLOTS_PER_HOUR,
            )
    hourly: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for subject, hour, used in (
        slots.annotate(hour=ExtractHour("start", tzinfo=local_zone()))
        .values(key, "hour")
        .annotate(used=Sum("consumption_kwh"))
        .order_by()
        .values_list(key, "hour", "used")
    ):
        hourly[subject][hour] = used or ZERO
    for subject, usage in usages.items():
        usage.profile_kwh = [
            (hourly[subject].get(hour, ZERO) / days).quantize(Decimal("0.001"))
            for hour in range(24)
        ]
    return usages
