"""Corrections: a credit note cancels an invoice, a corrected invoice replaces it, as often as
needed, numbered without gaps; at most one invoice of a month is live."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from billing.choices import InvoiceKind
from billing.exceptions import InvoiceStateError
from billing.models import Invoice
from billing.services import (
    billing_run,
    credit_note_issue,
    invoice_issue_for_month,
    invoice_reissue,
)
from households.models import Household
from metering.models import HouseholdSlot
from tests.billing.factories import MONTH, household_on_green_plan, month_slots
from tests.concurrency import run_at_once
from tests.households.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def household() -> Household:
    household = household_on_green_plan()
    month_slots(household, kwh="0.25")
    return household


def _issued(household: Household) -> Invoice:
    invoice = invoice_issue_for_month(household=household, month=MONTH, render_pdf=False)
    assert invoice is not None
    return invoice


def test_invoice_credit_invoice_credit_invoice_numbered_without_gaps(
    household: Household,
) -> None:
    first = _issued(household)
    first_note = credit_note_issue(invoice=first)
    HouseholdSlot.objects.filter(household=household).update(import_kwh=D("0.5"))
    second = invoice_reissue(invoice=first)
    second_note = credit_note_issue(invoice=second)
    third = invoice_reissue(invoice=second)

    chain = [first, first_note, second, second_note, third]
    assert [doc.number for doc in chain] == [f"2026-00000{n}" for n in range(1, 6)]
    assert [doc.kind for doc in chain] == [InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE] * 2 + [
        InvoiceKind.INVOICE
    ]
    assert (first_note.credit_for, second_note.credit_for) == (first, second)
    assert (first.replaces, second.replaces, third.replaces) == (None, first, second)
    # The corrections priced the slots as they are now: 1440 kWh × 0.30 + 30 days × 0.50.
    assert first.total == D("244.86")
    assert (
        second.total == third.total == ((D("432.00") + D("15.00")) * D("1.06")).quantize(D("0.01"))
    )
    assert second_note.total == -second.total
    assert sum(line.net_amount for line in third.lines.all()) == third.total
    # What is owed for the month: only the live invoice counts.
    assert sum(doc.total for doc in chain) == third.total


def test_what_cannot_be_corrected_is_refused_and_writes_nothing(household: Household) -> None:
    invoice = _issued(household)
    with pytest.raises(InvoiceStateError, match="not credited"):
        invoice_reissue(invoice=invoice)
    note = credit_note_issue(invoice=invoice)
    with pytest.raises(InvoiceStateError, match="already credited"):
        credit_note_issue(invoice=invoice)
    with pytest.raises(InvoiceStateError, match="not a credit note"):
        invoice_reissue(invoice=note)
    with pytest.raises(InvoiceStateError, match="Only an issued invoice"):
        credit_note_issue(invoice=note)
    corrected = invoice_reissue(invoice=invoice)
    with pytest.raises(InvoiceStateError, match="already replaced"):
        invoice_reissue(invoice=invoice)
    assert list(Invoice.objects.order_by("number").values_list("pk", flat=True)) == [
        invoice.pk,
        note.pk,
        corrected.pk,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_once_issue_one_credit_note_and_one_replacement() -> None:
    household = household_on_green_plan()
    month_slots(household, days=1)
    invoice = _issued(household)
    for correct in (credit_note_issue, invoice_reissue):
        errors = run_at_once(lambda correct=correct: correct(invoice=invoice))  # type: ignore[misc]
        assert [type(error) for error in errors] == [InvoiceStateError]
    assert (Invoice.objects.filter(credit_for=invoice).count(), invoice.replaced_by.number) == (
        1,
        "2026-000003",
    )
    numbers = Invoice.objects.order_by("number").values_list("number", flat=True)
    assert list(numbers) == ["2026-000001", "2026-000002", "2026-000003"]


def test_the_database_holds_one_first_invoice_per_month(household: Household) -> None:
    invoice = _issued(household)
    fields = {
        "household": household,
        "month": MONTH,
        "supplier_name": "x",
        "household_name": "x",
        "plan_id": "green",
        "net_total": D(0),
        "vat_total": D(0),
        "total": D(0),
    }
    for extra in (
        {},  # a second first invoice
        {"kind": InvoiceKind.CREDIT_NOTE},  # a credit note cancelling nothing
        {"kind": InvoiceKind.INVOICE, "credit_for": invoice},  # an invoice cancelling one
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Invoice.objects.create(**fields, **extra)
    assert Invoice.objects.count() == 1


def test_the_monthly_run_after_a_credit_note_issues_nothing_more(household: Household) -> None:
    invoice = _issued(household)
    credit_note_issue(invoice=invoice)
    report = billing_run(month=MONTH)
    assert (report.issued, report.existing) == (0, 1)
    assert invoice_issue_for_month(household=household, month=MONTH) == invoice
    assert Invoice.objects.count() == 2


def test_the_admin_credits_then_replaces_and_the_api_shows_the_links(
    household: Household,
) -> None:
    invoice = _issued(household)
    admin = Client(raise_request_exception=False)
    admin.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    for action in ("issue_credit_notes", "reissue"):
        response = admin.post(
            "/admin/billing/invoice/", {"action": action, "_selected_action": [invoice.pk]}
        )
        assert response.status_code == 302
    note = Invoice.objects.get(credit_for=invoice)
    corrected = Invoice.objects.get(replaces=invoice)
    assert (note.number, corrected.number) == ("2026-000002", "2026-000003")

    member = APIClient()
    membership = MembershipFactory.create(household=household)
    member.force_authenticate(membership.user)
    listed = {
        row["number"]: (row["kind"], row["credit_for"], row["replaces"])
        for row in member.get("/api/v1/invoices/").json()["results"]
    }
    assert listed == {
        "2026-000001": ("invoice", None, None),
        "2026-000002": ("credit_note", "2026-000001", None),
        "2026-000003": ("invoice", None, "2026-000001"),
    }
    portal = Client()
    portal.force_login(membership.user)
    page = portal.get(f"/households/{household.pk}/invoices/{corrected.pk}/")
    assert page.status_code == 200
    assert b"<dt>Replaces</dt>" in page.content
    assert f"/households/{household.pk}/invoices/{invoice.pk}/".encode() in page.content
