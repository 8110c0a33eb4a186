"""Reads of billing: who may see which invoice."""

from django.db.models import QuerySet

from billing.choices import InvoiceState
from billing.models import Invoice
from households.selectors import User, household_list_visible_to


def invoice_list_visible_to(*, user: User) -> QuerySet[Invoice]:
    """Staff see every invoice; a member sees the issued invoices of their households."""
    invoices = Invoice.objects.select_related("household", "credit_for").prefetch_related("lines")
    if getattr(user, "is_staff", False):
        return invoices
    return invoices.filter(household__in=household_list_visible_to(user=user)).exclude(
        state=InvoiceState.DRAFT
    )
