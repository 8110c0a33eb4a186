"""Settling the demo's history once it is loaded: its slots (newest days first), then the past
twelve months' invoices, oldest first, then their PDFs. The households are split into lanes, one
chain each, so that the chains share no household and go on side by side (a worker process
each). Each step is short, so a worker can always stop quickly, and finds what is left from the
database alone: a chain stopped anywhere (a killed worker, a restarted demo) is completed by the
next one, and a step run twice does nothing twice."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone

from billing.choices import InvoiceKind
from billing.models import Invoice
from billing.services import billing_run, invoice_pdfs_render_later
from core.timeslots import local_date, local_day_start, month_start, next_month
from households.models import Household
from metering.choices import BlockState
from metering.models import SlotBlock
from metering.services.rollup import slots_rollup
from pricing.models import Subscription

HISTORY_MONTHS = 12
ROLLUP_SECONDS_PER_STEP = 20.0  # a step's rollup takes no new chunk after this


def history_lanes() -> range:
    return range(settings.DEMO_SETTLE_LANES)


def history_months(*, now: datetime | None = None) -> list[date]:
    """The first days of the twelve months before the current one, oldest first."""
    month = month_start(local_date(now or timezone.now()))
    months = []
    for _ in range(HISTORY_MONTHS):
        month = month_start(month - timedelta(days=1))
        months.append(month)
    return months[::-1]


def history_unsettled(*, now: datetime | None = None) -> bool:
    """Whether slots are still to be computed or a past month still lacks invoices."""
    if SlotBlock.objects.filter(state=BlockState.TODO).exists():
        return True
    return any(_households_unbilled(month).exists() for month in history_months(now=now))


def history_settle_step(*, lane: int = 0, now: datetime | None = None) -> bool:
    """One step of a lane: some seconds of its households' rollup, or else one month's invoices
    for them, or else their PDFs to render. True while work is left. A month whose invoices
    fail (logged by the billing run) is passed over, not retried in a loop: the next start of
    the demo tries it again."""
    ids = list(_lane_households(lane).values_list("pk", flat=True))
    slots_rollup(max_seconds=ROLLUP_SECONDS_PER_STEP, households=ids)
    if SlotBlock.objects.filter(state=BlockState.TODO, meter__household_id__in=ids).exists():
        return True
    for month in history_months(now=now):
        unbilled = list(_households_unbilled(month).filter(pk__in=ids).order_by("pk"))
        if unbilled and billing_run(month=month, households=unbilled, render_pdfs=False).issued:
            return True
    # The PDFs once the lane is settled: rendering them along would slow the settling down by
    # half (40 ms of CPU each, twelve a household).
    invoice_pdfs_render_later(households=ids)
    return False


def _lane_households(lane: int) -> QuerySet[Household]:
    return Household.objects.alias(lane=Mod("pk", settings.DEMO_SETTLE_LANES)).filter(lane=lane)


def _households_unbilled(month: date) -> QuerySet[Household]:
    """Households on a plan before the month ended that have no invoice for it."""
    month_end = local_day_start(next_month(month))
    return Household.objects.filter(
        Exists(Subscription.objects.filter(household=OuterRef("pk"), valid_from__lt=month_end))
    ).exclude(
        Exists(
            Invoice.objects.filter(household=OuterRef("pk"), month=month, kind=InvoiceKind.INVOICE)
        )
    )
