"""Invoice numbers: the year of a number is the local year of its issue."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from billing.services import credit_note_issue, invoice_issue_for_month
from households.models import Household
from tests.billing.factories import MONTH, household_on_green_plan, month_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def household() -> Household:
    household = household_on_green_plan()
    month_slots(household, days=1)
    return household


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def test_half_past_midnight_on_new_year_in_brussels_takes_the_new_years_series(
    household: Household, clock: Callable[[datetime], None]
) -> None:
    clock(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 January 2027 in Brussels
    invoice = invoice_issue_for_month(household=household, month=MONTH, render_pdf=False)
    assert invoice is not None
    note = credit_note_issue(invoice=invoice)
    assert (invoice.number, note.number) == ("2027-000001", "2027-000002")


def test_the_last_hour_of_the_year_in_brussels_stays_in_its_series(
    household: Household, clock: Callable[[datetime], None]
) -> None:
    clock(datetime(2026, 12, 31, 22, 30, tzinfo=UTC))  # 23:30 on 31 December in Brussels
    invoice = invoice_issue_for_month(household=household, month=MONTH, render_pdf=False)
    assert invoice is not None
    assert invoice.number == "2026-000001"
