"""The monthly run never bills from unfinished slots: the rollup runs first, and a household
whose blocks stay open is named and left for a rerun."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.exceptions import InvoiceStateError
from billing.models import Invoice
from billing.month_slots import month_blocks_open
from billing.services import (
    billing_run,
    credit_note_issue,
    invoice_issue_for_month,
    invoice_reissue,
)
from households.models import Household
from metering.models import SlotBlock
from metering.services import rollup
from metering.services.rollup import slots_rollup
from tests.billing.factories import MONTH, household_on_green_plan, month_slots
from tests.households.factories import HouseholdFactory
from tests.metering.factories import MeterFactory, feed
from tests.pricing.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
JUNE_10 = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def metered() -> Household:
    """A household on the green plan with a grid meter whose readings are not rolled up."""
    household = household_on_green_plan()
    feed(MeterFactory.create(household=household, meter_id="m-curie"), 1.0, JUNE_10, 60)
    return household


def test_the_run_computes_the_months_open_blocks_before_billing(metered: Household) -> None:
    report = billing_run(month=MONTH)
    assert (report.issued, report.not_final) == (1, {})
    assert not SlotBlock.objects.filter(state__in=rollup.OPEN_STATES).exists()
    invoice = Invoice.objects.get(household=metered)
    # The hour of readings was billed as measured (1 kWh), the rest of the month estimated.
    assert invoice.import_kwh - invoice.estimated_kwh == Decimal("1")


def _rollup_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(blocks: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(rollup, "_compute", broken)


def test_a_household_with_a_block_still_open_is_named_and_not_billed(
    metered: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = HouseholdFactory.create()
    SubscriptionFactory.create(household=other, price_plan=metered.subscriptions.get().price_plan)
    month_slots(other)
    _rollup_broken(monkeypatch)
    report = billing_run(month=MONTH)
    assert report.issued == 1
    assert report.not_final == {
        metered.pk: ["meter m-curie on 2026-06-10 (faulty: RuntimeError: disk on fire)"]
    }
    assert list(Invoice.objects.values_list("household_id", flat=True)) == [other.pk]

    out = StringIO()
    with pytest.raises(CommandError, match=r"slots not final, meter m-curie on 2026-06-10"):
        call_command("billing_run", "--month", "2026-06", stdout=out)
    assert "0 issued, 1 already issued, 0 without a plan, 0 failed, 1 waiting" in out.getvalue()

    monkeypatch.undo()  # the rollup works again: the rerun bills the household
    assert billing_run(month=MONTH).issued == 1
    assert Invoice.objects.filter(household=metered).count() == 1


def test_the_months_blocks_are_the_utc_days_of_the_local_month(metered: Household) -> None:
    meter = metered.meters.get()
    SlotBlock.objects.all().delete()
    # Blocks are UTC days: 31 May 22:00 UTC is already June in Brussels, 30 June 22:00 is July.
    for day in ("2026-05-30", "2026-05-31", "2026-06-30", "2026-07-01"):
        SlotBlock.objects.create(meter=meter, day=day)
    assert month_blocks_open(month=MONTH) == {
        metered.pk: [f"meter m-curie on 2026-{day} (todo)" for day in ("05-31", "06-30")]
    }


def test_a_correction_waits_for_final_slots_and_a_rerun_leaves_billed_households_alone(
    metered: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = invoice_issue_for_month(household=metered, month=MONTH)
    assert invoice is not None
    credit_note_issue(invoice=invoice)
    # Late readings (2 kWh more, the same day) re-open the block.
    feed(metered.meters.get(), 2.0, JUNE_10 + timedelta(hours=2), 60)
    _rollup_broken(monkeypatch)
    # Already billed: a rerun has nothing to issue and nothing to wait for.
    report = billing_run(month=MONTH)
    assert (report.issued, report.existing, report.not_final) == (0, 1, {})
    with pytest.raises(InvoiceStateError, match="2026-06 are not final yet: meter m-curie"):
        invoice_reissue(invoice=invoice)
    assert not Invoice.objects.filter(replaces=invoice).exists()
    monkeypatch.undo()
    slots_rollup()
    corrected = invoice_reissue(invoice=invoice)
    assert corrected.import_kwh - corrected.estimated_kwh == Decimal("3")
