"""Celery tasks of billing: thin wrappers over services."""

from datetime import date, timedelta

from celery import shared_task

from billing.services import PDF_RENDER_TASK
from core.transient import TASK_RETRY


@shared_task(name="billing.billing_run", ignore_result=True, **TASK_RETRY)
def billing_run(month: str | None = None) -> None:
    """Issues every household's invoice for ``month`` (YYYY-MM-DD; by default last month)."""
    from django.utils import timezone

    from billing.services import billing_run as billing_run_service
    from core.timeslots import local_date, month_start

    this_month = month_start(local_date(timezone.now()))
    chosen = date.fromisoformat(month) if month else month_start(this_month - timedelta(days=1))
    billing_run_service(month=chosen)


@shared_task(name=PDF_RENDER_TASK, ignore_result=True, **TASK_RETRY)
def invoice_documents_render(invoice_ids: list[int]) -> None:
    """Renders the PDFs of issued invoices that have none yet (safe to run twice)."""
    from billing.documents import invoice_document_get_or_render
    from billing.models import Invoice

    for invoice in Invoice.objects.filter(pk__in=invoice_ids, document__isnull=True):
        invoice_document_get_or_render(invoice=invoice)
