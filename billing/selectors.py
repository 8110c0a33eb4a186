"""Reads of billing: who may see which invoice, and what an invoice saved."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from billing.choices import InvoiceState
from billing.exceptions import InvoiceNotFoundError
from billing.models import Invoice
from households.models import Household
from households.selectors import User, household_list_visible_to
from pricing.models import PlanVersion


def invoice_list_visible_to(*, user: User) -> QuerySet[Invoice]:
    """Staff see every invoice; a member sees the issued invoices of their households."""
    invoices = Invoice.objects.select_related(
        "household", "credit_for", "replaces"
    ).prefetch_related("lines__plan_version")
    if getattr(user, "is_staff", False):
        return invoices
    return invoices.filter(household__in=household_list_visible_to(user=user)).exclude(
        state=InvoiceState.DRAFT
    )


def invoice_list_of_household(*, user: User, household: Household) -> QuerySet[Invoice]:
    """The household's invoices and credit notes as its members see them (issued, paid or
    void; drafts are not shown, not even to staff): newest month first, within a month the
    latest issued first."""
    return (
        invoice_list_visible_to(user=user)
        .filter(household=household)
        .exclude(state=InvoiceState.DRAFT)
        .order_by("-month", "-issued_at", "-pk")
    )


def invoice_get_of_household(*, user: User, household: Household, invoice_id: int) -> Invoice:
    """One of the household's invoices; 404 for any other id, exactly as for a missing one."""
    invoice = invoice_list_of_household(user=user, household=household).filter(pk=invoice_id)
    found = invoice.prefetch_related("lines__plan_version").first()
    if found is None:
        raise InvoiceNotFoundError("No such invoice.")
    return found


def invoice_plan_versions(*, invoice: Invoice) -> list[PlanVersion]:
    """The versions of the plan that priced the invoice's lines, oldest first (more than one
    when the prices changed during the month)."""
    versions = {line.plan_version for line in invoice.lines.all() if line.plan_version}
    return sorted(versions, key=lambda version: version.valid_from)


@dataclass(frozen=True, slots=True)
class InvoiceSavings:
    """What the invoice's consumption would have cost otherwise (EUR with VAT), and so what
    was saved; None where the invoice does not say (credit notes)."""

    without_solar: Decimal | None
    saved_by_solar: Decimal | None
    cheapest_plan_id: str
    under_cheapest: Decimal | None
    cheapest_would_save: Decimal | None


def invoice_savings(*, invoice: Invoice) -> InvoiceSavings:
    without_solar, cheapest = invoice.cost_without_solar, invoice.cost_under_cheapest
    return InvoiceSavings(
        without_solar=without_solar,
        saved_by_solar=None if without_solar is None else without_solar - invoice.total,
        cheapest_plan_id=invoice.cheapest_plan_id,
        under_cheapest=cheapest,
        cheapest_would_save=None if cheapest is None else invoice.total - cheapest,
    )
