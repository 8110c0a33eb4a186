"""The invoice admin: an issued invoice is shown read-only, with no Save and no Delete."""

from decimal import Decimal

import pytest
from django.test import Client

from billing.models import Invoice
from billing.services import invoice_issue_for_month
from households.models import Household
from tests.billing.factories import MONTH, household_on_green_plan, month_slots
from tests.households.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household() -> Household:
    household = household_on_green_plan()
    month_slots(household)
    return household


@pytest.fixture
def admin_client() -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to assert on
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def _as_saved_by_the_form(invoice: Invoice) -> dict[str, object]:
    """What the change form's Save posts: the lines' management form and their ids."""
    lines = list(invoice.lines.all())
    data: dict[str, object] = {
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": len(lines),
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 1000,
        "total": "1.00",
        "_save": "Save",
    }
    for n, line in enumerate(lines):
        data[f"lines-{n}-id"] = line.pk
        data[f"lines-{n}-invoice"] = invoice.pk
    return data


def test_an_issued_invoice_is_shown_without_save_or_delete(
    household: Household, admin_client: Client
) -> None:
    invoice = invoice_issue_for_month(household=household, month=MONTH, render_pdf=False)
    assert invoice is not None
    page = admin_client.get(f"/admin/billing/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    assert invoice.number is not None
    assert invoice.number.encode() in page.content
    for control in (b'name="_save"', b'name="_continue"', b'name="_addanother"', b'name="total"'):
        assert control not in page.content
    assert f"/admin/billing/invoice/{invoice.pk}/delete/".encode() not in page.content


def test_saving_or_deleting_an_issued_invoice_is_refused_and_changes_nothing(
    household: Household, admin_client: Client
) -> None:
    invoice = invoice_issue_for_month(household=household, month=MONTH, render_pdf=False)
    assert invoice is not None
    before = list(Invoice.objects.filter(pk=invoice.pk).values())
    lines_before = list(invoice.lines.values())
    saved = admin_client.post(
        f"/admin/billing/invoice/{invoice.pk}/change/", _as_saved_by_the_form(invoice)
    )
    deleted = admin_client.post(f"/admin/billing/invoice/{invoice.pk}/delete/", {"post": "yes"})
    assert (saved.status_code, deleted.status_code) == (403, 403)
    assert list(Invoice.objects.filter(pk=invoice.pk).values()) == before
    assert list(invoice.lines.values()) == lines_before
    assert before[0]["total"] != Decimal("1.00")


def test_a_draft_stays_editable(household: Household, admin_client: Client) -> None:
    draft = Invoice.objects.create(
        household=household,
        month=MONTH,
        supplier_name="Green Co",
        household_name=household.name,
        plan_id="green",
        net_total=Decimal(0),
        vat_total=Decimal(0),
        total=Decimal(0),
    )
    page = admin_client.get(f"/admin/billing/invoice/{draft.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' in page.content
    deleted = admin_client.post(f"/admin/billing/invoice/{draft.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Invoice.objects.filter(pk=draft.pk).exists()
