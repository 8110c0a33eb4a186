"""The demo's one background job: once a year of history is loaded, compute its slots (newest
days first) and then issue the past twelve months' invoices, a little at a time so that a
worker can always stop quickly (the task re-enqueues itself)."""

from datetime import timedelta

from celery import shared_task

HISTORY_MONTHS = 12
CHUNKS_PER_RUN = 2


@shared_task(name="demo.history_settle", ignore_result=True)
def history_settle(months_left: int = HISTORY_MONTHS) -> None:
    from django.utils import timezone

    from billing.services import billing_run
    from core.timeslots import local_date, month_start
    from metering.choices import BlockState
    from metering.models import SlotBlock
    from metering.services.rollup import slots_rollup

    slots_rollup(max_chunks=CHUNKS_PER_RUN)
    if SlotBlock.objects.filter(state=BlockState.TODO).exists():
        history_settle.delay(months_left)
        return
    if months_left <= 0:
        return
    month = month_start(local_date(timezone.now()))
    for _ in range(months_left):
        month = month_start(month - timedelta(days=1))
    billing_run(month=month)
    history_settle.delay(months_left - 1)
