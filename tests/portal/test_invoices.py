"""The invoice pages and the month's estimate: who may see them, and that their figures are
billing's figures."""

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from billing.choices import InvoiceState
from billing.documents import invoice_document_get_or_render
from billing.estimate import household_month_estimate
from billing.models import Invoice
from billing.selectors import invoice_list_of_household, invoice_savings
from billing.services import credit_note_issue, invoice_issue_for_month, invoice_mark_paid
from core.timeslots import local_date
from households.models import Household
from portal.views import INVOICES_PER_PAGE
from tests.billing.factories import MONTH, household_on_green_plan, month_slots
from tests.households.factories import HouseholdFactory, MembershipFactory, UserFactory
from tests.portal.conftest import client_for
from tests.pricing.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def curie() -> Household:
    return household_on_green_plan()


@pytest.fixture
def pierre(curie: Household) -> User:
    return MembershipFactory.create(household=curie, user=UserFactory.create()).user


@pytest.fixture
def june(curie: Household) -> Invoice:
    """June 2026: 0.25 kWh drawn and 0.05 kWh fed in every slot, the last day missing."""
    month_slots(curie, kwh="0.25", export="0.05", skip=96)
    invoice = invoice_issue_for_month(household=curie, month=MONTH)
    assert invoice is not None
    return invoice


def without_csrf_token(body: bytes) -> bytes:
    """A page's body without its CSRF tokens and CSP nonces, made afresh for every response."""
    return re.sub(
        rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]+"', rb"\1", body
    )


def urls(invoice: Invoice, household: Household | None = None) -> list[str]:
    base = f"/households/{(household or invoice.household).pk}"
    return [f"{base}/invoices/{invoice.pk}/", f"{base}/invoices/{invoice.pk}/pdf"]


def test_anonymous_is_sent_to_log_in(client: Client, june: Invoice) -> None:
    base = f"/households/{june.household.pk}"
    for url in (f"{base}/invoices/", f"{base}/estimate/", *urls(june)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_another_households_pages_are_404(pierre: User, curie: Household) -> None:
    other = HouseholdFactory.create()
    client = client_for(pierre)
    for household in (other.pk, 999999):
        for page in ("invoices/", "estimate/"):
            assert client.get(f"/households/{household}/{page}").status_code == 404
    assert client.get(f"/households/{curie.pk}/invoices/").status_code == 200
    assert client.get(f"/households/{curie.pk}/estimate/").status_code == 200


def test_another_households_invoice_is_404_like_a_missing_one(
    pierre: User, curie: Household, june: Invoice
) -> None:
    other = HouseholdFactory.create()
    SubscriptionFactory.create(household=other, price_plan=curie.subscriptions.get().price_plan)
    theirs = invoice_issue_for_month(household=other, month=MONTH)
    assert theirs is not None
    client = client_for(pierre)
    missing = [url.replace(f"/{june.pk}/", "/999999/") for url in urls(june)]
    missing_bodies = [client.get(url) for url in missing]
    assert all(response.status_code == 404 for response in missing_bodies)
    # Their invoice under their household, and under ours.
    for attempt in (urls(theirs), urls(theirs, household=curie)):
        for url, like in zip(attempt, missing_bodies, strict=True):
            response = client.get(url)
            assert response.status_code == 404, url
            assert without_csrf_token(response.content) == without_csrf_token(like.content)
    # Ours, but under their household's id.
    assert all(client.get(url).status_code == 404 for url in urls(june, household=other))
    assert all(client.get(url).status_code == 200 for url in urls(june))


def test_staff_may_look_at_any_households_invoices(curie: Household, june: Invoice) -> None:
    staff = client_for(UserFactory.create(is_staff=True))
    assert staff.get(f"/households/{curie.pk}/invoices/").status_code == 200
    assert all(staff.get(url).status_code == 200 for url in urls(june))


def test_the_list_is_the_households_invoices_newest_month_first(
    pierre: User, curie: Household, june: Invoice
) -> None:
    may = invoice_issue_for_month(household=curie, month=date(2026, 5, 1))
    assert may is not None
    invoice_mark_paid(invoice=may)
    note = credit_note_issue(invoice=june)
    Invoice.objects.create(
        household=curie,
        month=date(2026, 7, 1),
        supplier_name="Green Co",
        plan_id="green",
        net_total=D(0),
        vat_total=D(0),
        total=D(0),
    )  # a draft: never shown
    response = client_for(pierre).get(f"/households/{curie.pk}/invoices/")
    shown = list(response.context["page"].object_list)
    assert shown == list(invoice_list_of_household(user=pierre, household=curie))
    assert [(i.number, i.state) for i in shown] == [
        (note.number, InvoiceState.ISSUED),
        (june.number, InvoiceState.ISSUED),
        (may.number, InvoiceState.PAID),
    ]
    html = response.content.decode()
    for invoice in shown:
        assert f'href="/households/{curie.pk}/invoices/{invoice.pk}/"' in html
        assert f'href="/households/{curie.pk}/invoices/{invoice.pk}/pdf"' in html
        assert f"€ {invoice.total:.2f}" in html
    assert "June 2026" in html
    assert "May 2026" in html
    assert f"Credit note for {june.number}" in html
    assert "Paid" in html


def test_more_than_a_page_of_invoices_is_paginated(pierre: User, curie: Household) -> None:
    months = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(INVOICES_PER_PAGE + 2)]
    for month in months:
        invoice_issue_for_month(household=curie, month=month)
    client = client_for(pierre)
    first = client.get(f"/households/{curie.pk}/invoices/")
    assert [i.month for i in first.context["page"].object_list] == months[::-1][:INVOICES_PER_PAGE]
    assert 'href="?page=2" rel="next"' in first.content.decode()
    second = client.get(f"/households/{curie.pk}/invoices/?page=2")
    assert [i.month for i in second.context["page"].object_list] == months[1::-1]


def test_the_invoice_page_shows_every_line_total_and_savings(
    pierre: User, curie: Household, june: Invoice
) -> None:
    response = client_for(pierre).get(urls(june)[0])
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Green Co", "Curie", "6 Curie Lane", "June 2026", "green", str(june.number)):
        assert text in html
    lines = list(june.lines.all())
    assert len(lines) == 5  # energy, estimated energy, feed-in, standing charge, VAT
    for line in lines:
        assert f'data-line="{line.position}"' in html
        assert f"€ {line.net_amount:.2f}" in html
    assert 'class="tag"' in html
    assert ">estimated</span>" in html
    assert html.count(">estimated</span>") == sum(line.estimated for line in lines)
    assert "VAT 6 % on € " in html
    assert f'data-figure="net">€ {june.net_total:.2f}' in html
    assert f'data-figure="total">€ {june.total:.2f}' in html
    savings = invoice_savings(invoice=june)
    assert response.context["savings"] == savings
    assert savings.without_solar is not None
    assert savings.saved_by_solar is not None
    assert savings.under_cheapest is not None
    assert savings.saved_by_solar == savings.without_solar - june.total
    assert f'data-figure="without-solar">€ {savings.without_solar:.2f}' in html
    assert f'data-figure="saved">€ {savings.saved_by_solar:.2f}' in html
    assert f'data-figure="cheapest">€ {savings.under_cheapest:.2f}' in html
    assert "Under the cheapest plan (cheap)" in html
    assert "prices from 1 January 2020" in html
    assert "download>Download the PDF</a>" in html


def test_the_pdf_is_a_download_with_its_sha256(pierre: User, june: Invoice) -> None:
    response = client_for(pierre).get(urls(june)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{june.number}.pdf"'
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")
    assert response["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
    assert invoice_document_get_or_render(invoice=june).sha256 == response["X-Content-SHA256"]


def test_the_estimate_is_household_month_estimate(pierre: User, curie: Household) -> None:
    today = local_date(timezone.now())
    month_slots(curie, kwh="0.1", first=today - timedelta(days=35), days=36)
    response = client_for(pierre).get(f"/households/{curie.pk}/estimate/")
    assert response.status_code == 200
    estimate = household_month_estimate(household=curie, now=response.context["now"])
    assert response.context["estimate"] == estimate
    assert estimate.plan_id == "green"
    assert estimate.so_far > 0
    html = response.content.decode()
    assert f'data-figure="so-far">€ {estimate.so_far:.2f}' in html
    assert f'data-figure="projected">€ {estimate.projected_total:.2f}' in html
    assert f'data-figure="range">€ {estimate.low:.2f} – € {estimate.high:.2f}' in html
    elapsed = round(estimate.elapsed_share * 100)
    assert f'<progress id="month-progress" class="month" max="100" value="{elapsed}"' in html
    assert f"{today:%B %Y} so far" in html
    assert "<strong>green</strong>" in html


def test_the_estimate_without_a_plan_says_so(pierre: User, curie: Household) -> None:
    curie.subscriptions.all().delete()
    html = client_for(pierre).get(f"/households/{curie.pk}/estimate/").content.decode()
    assert 'id="estimate-no-plan"' in html
    assert '<progress id="month-progress"' in html


def test_the_dashboard_teases_the_month_so_far(pierre: User, curie: Household) -> None:
    response = client_for(pierre).get(f"/households/{curie.pk}/")
    estimate = response.context["estimate"]
    html = response.content.decode()
    assert f'data-figure="so-far">€ {estimate.so_far:.2f}' in html
    assert f'href="/households/{curie.pk}/estimate/"' in html
    assert f'href="/households/{curie.pk}/invoices/"' in html  # the section nav
