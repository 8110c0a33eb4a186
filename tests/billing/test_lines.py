"""Invoice lines as documented: one energy line per (plan version, band, weekday multiplier),
carrying what priced it as fields in the API."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from billing.services import credit_note_issue, invoice_issue_for_month
from households.models import Household
from pricing.models import PlanVersion
from tests.billing.factories import MONTH, household_on_green_plan, month_slots
from tests.households.factories import MembershipFactory
from tests.pricing.factories import WeekdayMultiplierFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def household() -> Household:
    """The green plan (0.30 €/kWh) at ×0.8 on Saturdays and Sundays."""
    household = household_on_green_plan()
    version = PlanVersion.objects.get(plan__plan_id="green")
    for weekday in (5, 6):
        WeekdayMultiplierFactory.create(version=version, weekday=weekday, multiplier=D("0.8"))
    month_slots(household, kwh="0.25")
    return household


def test_the_weekend_at_one_multiplier_is_one_line_with_its_fields_in_the_api(
    household: Household,
) -> None:
    invoice = invoice_issue_for_month(household=household, month=MONTH, render_pdf=False)
    assert invoice is not None
    credit_note_issue(invoice=invoice)
    member = APIClient()
    member.force_authenticate(MembershipFactory.create(household=household).user)
    body = member.get(f"/api/v1/invoices/{invoice.pk}/").json()
    version = PlanVersion.objects.get(plan__plan_id="green")
    june = {"period_from": "2026-06-01", "period_to": "2026-06-30"}
    of_version = {"plan_version": {"id": version.pk, "valid_from": str(version.valid_from)}}
    picked = ["description", "quantity", "net_amount", "plan_version", "band", "multiplier"]
    lines = [{key: line[key] for key in [*picked, *june]} for line in body["lines"]]
    # June 2026: 22 weekdays and 8 weekend days of 24 kWh.
    assert lines == [
        {
            "description": "Energy, standard rate",
            "quantity": "528.000000",
            "net_amount": "158.40",
            **of_version,
            "band": "standard",
            "multiplier": "1.0000",
            **june,
        },
        {
            "description": "Energy, standard rate, ×0.8 on Saturdays and Sundays",
            "quantity": "192.000000",
            "net_amount": "46.08",
            **of_version,
            "band": "standard",
            "multiplier": "0.8000",
            **june,
        },
        {
            "description": "Standing charge (01 Jun – 30 Jun 2026)",
            "quantity": "30.000000",
            "net_amount": "15.00",
            **of_version,
            "band": None,
            "multiplier": None,
            **june,
        },
        {
            "description": "VAT 6.00% on €219.48",
            "quantity": "219.480000",
            "net_amount": "13.17",
            "plan_version": None,
            "band": None,
            "multiplier": None,
            "period_from": None,
            "period_to": None,
        },
    ]
    note = invoice.credit_notes.get()
    assert [
        (line.band, line.multiplier, line.period_from, line.period_to, line.plan_version_id)
        for line in note.lines.all()
    ] == [
        (line.band, line.multiplier, line.period_from, line.period_to, line.plan_version_id)
        for line in invoice.lines.all()
    ]
    assert note.lines.first().period_to == date(2026, 6, 30)  # type: ignore[union-attr]
