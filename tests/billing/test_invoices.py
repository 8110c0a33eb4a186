"""Monthly invoices: lines, estimates, savings, numbering, immutability, isolation, PDFs."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from billing.choices import InvoiceKind, InvoiceLineKind, InvoiceState
from billing.documents import invoice_document_get_or_render
from billing.exceptions import InvoiceImmutableError, InvoiceStateError
from billing.models import Invoice, InvoiceLine
from billing.services import (
    billing_run,
    credit_note_issue,
    invoice_issue_for_month,
    invoice_mark_paid,
    invoice_pdfs_render_later,
)
from households.models import Household
from tests.billing.factories import BRUSSELS, MONTH, household_on_green_plan, month_slots
from tests.concurrency import run_at_once
from tests.households.factories import HouseholdFactory, MembershipFactory
from tests.pricing.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
D = Decimal


def invoice_sequence() -> list[int]:
    """The sequence numbers issued, in order: gapless means 1, 2, 3..."""
    numbers = Invoice.objects.exclude(number=None).values_list("number", flat=True)
    return sorted(int(str(number).split("-")[1]) for number in numbers)


@pytest.fixture
def household() -> Household:
    return household_on_green_plan()


def test_an_invoice_has_its_lines_vat_total_and_savings(household: Household) -> None:
    month_slots(household, kwh="0.25", export="0.05")
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    lines = [
        (line.kind, line.quantity, line.unit_price, line.net_amount) for line in invoice.lines.all()
    ]
    assert lines == [
        (InvoiceLineKind.ENERGY, D("720"), D("0.300000"), D("216.00")),  # 2880 × 0.25 kWh
        (InvoiceLineKind.FEED_IN, D("144"), D("-0.050000"), D("-7.20")),
        (InvoiceLineKind.STANDING, D("30"), D("0.500000"), D("15.00")),
        (InvoiceLineKind.VAT, D("223.80"), D("0.060000"), D("13.43")),
    ]
    assert (invoice.net_total, invoice.vat_total, invoice.total) == (
        D("223.80"),
        D("13.43"),
        D("237.23"),
    )
    assert sum(line.net_amount for line in invoice.lines.all()) == invoice.total
    assert invoice.state == InvoiceState.ISSUED
    assert invoice.number == f"{invoice.issued_at.year}-000001"  # type: ignore[union-attr]
    assert (invoice.household_name, invoice.supplier_name, invoice.plan_id) == (
        "Curie",
        "Green Co",
        "green",
    )
    # Without solar: the 720 kWh used all from the grid, nothing fed in.
    assert invoice.cost_without_solar == ((D("216.00") + D("15.00")) * D("1.06")).quantize(
        D("0.01")
    )
    assert (invoice.cheapest_plan_id, invoice.cost_under_cheapest) == (
        "cheap",
        (D("144.00") * D("1.06")).quantize(D("0.01")),
    )


def test_missing_data_is_estimated_and_said_so(household: Household) -> None:
    month_slots(household, kwh="0.25", skip=96)  # the last day is missing
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    estimated = [line for line in invoice.lines.all() if line.estimated]
    assert [(line.quantity, line.description) for line in estimated] == [
        (D("24"), "Energy, standard rate (estimated)")
    ]
    assert invoice.estimated_kwh == D("24")
    assert invoice.import_kwh == D("720")


def test_running_twice_issues_one_invoice_with_gapless_numbers(household: Household) -> None:
    month_slots(household)
    others = HouseholdFactory.create_batch(3)
    plan = household.subscriptions.get().price_plan
    for other in others:
        SubscriptionFactory.create(household=other, price_plan=plan)
    first = billing_run(month=MONTH)
    second = billing_run(month=MONTH)
    assert (first.issued, second.issued, second.existing) == (4, 0, 4)
    assert invoice_sequence() == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_issue_exactly_one_invoice_each(household: Household) -> None:
    plan = household.subscriptions.get().price_plan
    homes = [household, *HouseholdFactory.create_batch(11)]
    for home in homes[1:]:
        SubscriptionFactory.create(household=home, price_plan=plan)
    assert run_at_once(lambda: billing_run(month=MONTH)) == []
    assert Invoice.objects.count() == len(homes)
    assert invoice_sequence() == list(range(1, len(homes) + 1))


def test_a_run_that_dies_midway_and_is_rerun_leaves_no_gap(
    household: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing import services

    plan = household.subscriptions.get().price_plan
    homes = [household, *HouseholdFactory.create_batch(4)]
    for home in homes[1:]:
        SubscriptionFactory.create(household=home, price_plan=plan)
    real = services._lines_write

    def die_on_the_third(invoice: Invoice, computed: object) -> None:
        if invoice.household_id == homes[2].pk:
            raise SystemExit("worker killed")
        real(invoice, computed)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "_lines_write", die_on_the_third)
    with pytest.raises(SystemExit):
        billing_run(month=MONTH)
    assert Invoice.objects.count() == 2
    monkeypatch.setattr(services, "_lines_write", real)
    billing_run(month=MONTH)
    assert invoice_sequence() == [1, 2, 3, 4, 5]


def test_an_issued_invoice_never_changes(household: Household) -> None:
    month_slots(household)
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    invoice.total = D("1.00")
    with pytest.raises(InvoiceImmutableError):
        invoice.save()
    with pytest.raises(InvoiceImmutableError):
        invoice.delete()
    line = invoice.lines.first()
    assert line is not None
    line.net_amount = D("0")
    with pytest.raises(InvoiceImmutableError):
        line.save()
    for statement in (
        "UPDATE billing_invoice SET total = 0 WHERE id = %s",
        "DELETE FROM billing_invoice WHERE id = %s",
        "UPDATE billing_invoiceline SET net_amount = 0 WHERE invoice_id = %s",
        "DELETE FROM billing_invoiceline WHERE invoice_id = %s",
        "UPDATE billing_invoice SET state = 'draft' WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="never"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [invoice.pk])
    invoice.refresh_from_db()
    assert invoice.total == D("244.86")


def test_paid_and_credit_notes_are_the_only_ways_forward(household: Household) -> None:
    month_slots(household)
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    note = credit_note_issue(invoice=invoice)
    assert note.kind == InvoiceKind.CREDIT_NOTE
    assert note.credit_for == invoice
    assert note.total == -invoice.total
    assert sum(line.net_amount for line in note.lines.all()) == note.total
    assert int(note.number.split("-")[1]) == int(invoice.number.split("-")[1]) + 1  # type: ignore[union-attr]
    with pytest.raises(InvoiceStateError):
        credit_note_issue(invoice=invoice)
    paid = invoice_mark_paid(invoice=invoice)
    assert paid.state == InvoiceState.PAID
    with pytest.raises(InvoiceStateError):
        invoice_mark_paid(invoice=paid)


def test_members_read_their_invoices_and_pdfs_others_get_404(household: Household) -> None:
    month_slots(household)
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    member = APIClient()
    member.force_authenticate(MembershipFactory.create(household=household).user)
    listing = member.get("/api/v1/invoices/").json()
    assert [i["number"] for i in listing["results"]] == [invoice.number]
    detail = member.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert detail["total"] == "244.86"  # (720 kWh × 0.30 + 30 days × 0.50) × 1.06
    assert len(detail["lines"]) == 3
    pdf = member.get(f"/api/v1/invoices/{invoice.pk}/pdf")
    assert pdf.status_code == 200
    body = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")
    assert pdf["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
    assert invoice_document_get_or_render(invoice=invoice).sha256 == pdf["X-Content-SHA256"]

    stranger = APIClient()
    stranger.force_authenticate(MembershipFactory.create().user)
    for path in (f"/api/v1/invoices/{invoice.pk}/", f"/api/v1/invoices/{invoice.pk}/pdf"):
        theirs, missing = stranger.get(path), stranger.get(path.replace(str(invoice.pk), "999999"))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
    assert member.patch(f"/api/v1/invoices/{invoice.pk}/", {"total": "0"}).status_code == 405


def test_the_month_estimate_projects_from_recent_weeks(household: Household) -> None:
    from billing.estimate import household_month_estimate

    month_slots(household, kwh="0.25", first=date(2026, 5, 1), days=31)
    month_slots(household, kwh="0.25")
    # Mid-June: the first 14 days happened; the rest projects from the weeks before.
    now = datetime(2026, 6, 15, 0, 0, tzinfo=BRUSSELS)
    estimate = household_month_estimate(household=household, now=now)
    assert estimate.plan_id == "green"
    assert 0.45 < estimate.elapsed_share < 0.48
    # so far: 14 days × 24 kWh × 0.30 + the standing charge up to today included, with VAT
    assert estimate.so_far == ((D("100.80") + D("7.50")) * D("1.06")).quantize(D("0.01"))
    assert estimate.low == estimate.projected_total == estimate.high  # every week alike
    assert estimate.projected_total == ((D("216.00") + D("15.00")) * D("1.06")).quantize(D("0.01"))
    member = APIClient()
    member.force_authenticate(MembershipFactory.create(household=household).user)
    assert member.get(f"/api/v1/households/{household.pk}/estimate").status_code == 200


def test_the_plan_comparison_prices_real_consumption_under_every_plan(
    household: Household,
) -> None:
    month_slots(household, kwh="0.25")
    member = APIClient()
    member.force_authenticate(MembershipFactory.create(household=household).user)
    response = member.get(
        f"/api/v1/households/{household.pk}/price-plans/compare",
        {"from": "2026-06-01", "to": "2026-06-30"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["current_plan_id"] == "green"
    assert [(p["plan_id"], p["total"]) for p in body["plans"]] == [
        ("cheap", float((D("144.00") * D("1.06")).quantize(D("0.01")))),
        ("green", float((D("231.00") * D("1.06")).quantize(D("0.01")))),
    ]


def test_lines_of_a_draft_can_be_written_but_not_of_an_issued_one(household: Household) -> None:
    month_slots(household)
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    with pytest.raises(InvoiceImmutableError):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=99,
            kind="energy",
            description="x",
            quantity=D(1),
            unit="kWh",
            unit_price=D(1),
            net_amount=D(1),
            vat_rate=D(0),
        )


@pytest.mark.usefixtures("celery_worker")
def test_the_monthly_task_runs_through_a_real_worker_twice(household: Household) -> None:
    """The beat's task, sent twice through the broker: one invoice, its PDF rendered."""
    import time as clock

    from billing.tasks import billing_run as billing_run_task

    month_slots(household)
    billing_run_task.delay(MONTH.isoformat())
    billing_run_task.delay(MONTH.isoformat())
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        invoice = Invoice.objects.filter(household=household).first()
        if invoice is not None and hasattr(invoice, "document"):
            break
        clock.sleep(0.2)
    clock.sleep(1)  # the second run has had time to find the invoice there
    assert Invoice.objects.filter(household=household, month=MONTH).count() == 1
    invoice = Invoice.objects.get(household=household)
    assert invoice.document.sha256 == hashlib.sha256(invoice.document.pdf.read()).hexdigest()
    assert invoice_sequence() == [1]


@pytest.mark.usefixtures("celery_worker")
def test_a_run_without_pdfs_leaves_them_to_a_later_render_through_a_worker(
    household: Household,
) -> None:
    import time as clock

    month_slots(household)
    assert billing_run(month=MONTH, households=[household], render_pdfs=False).issued == 1
    clock.sleep(1)
    invoice = Invoice.objects.get(household=household)
    assert not hasattr(invoice, "document")
    assert invoice_pdfs_render_later(households=[household.pk]) == 1
    deadline = clock.monotonic() + 60
    while not hasattr(Invoice.objects.get(pk=invoice.pk), "document"):
        assert clock.monotonic() < deadline, "no PDF rendered"
        clock.sleep(0.2)
    assert invoice_pdfs_render_later(households=[household.pk]) == 0
