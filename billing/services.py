"""Issuing invoices: one per household and calendar month, numbered without gaps, never
changed once issued. A correction is a credit note cancelling the invoice, then a new invoice
replacing it (and again, as often as needed); at most one invoice of a month is live.

An invoice is computed outside any lock, then written in one transaction: the draft (the
unique key of a month's first invoice settles a race between two workers), its lines, then the
number, taken last under a row lock on the year's counter so the lock is held only until the
commit. A worker killed anywhere before the commit leaves nothing, and no number is lost.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.choices import InvoiceKind, InvoiceLineKind, InvoiceState
from billing.estimation import household_billing_series
from billing.exceptions import InvoiceStateError
from billing.models import Invoice, InvoiceCounter, InvoiceLine
from billing.month_slots import month_blocks_open
from core.timeslots import local_date, local_day_start, month_start, next_month
from households.models import Household
from metering.services.rollup import slots_rollup
from pricing.cost_engine import Bill, SlotSeries, Tariff, bill
from pricing.models import PricePlan
from pricing.selectors import household_price_plan, price_plan_list

logger = logging.getLogger(__name__)
PDF_CHUNK = 100
# Sent by name: billing.tasks runs these services, so importing the task here would close an
# import cycle.
PDF_RENDER_TASK = "billing.invoice_documents_render"


@dataclass(frozen=True, slots=True)
class ComputedInvoice:
    plan: PricePlan
    bill: Bill
    cost_without_solar: Decimal
    cheapest_plan_id: str
    cost_under_cheapest: Decimal
    opening_register_kwh: Decimal | None
    closing_register_kwh: Decimal | None


def invoice_compute(
    *, household: Household, month: date, plan: PricePlan, tariffs: dict[str, Tariff] | None = None
) -> ComputedInvoice:
    """What the month costs the household, what it would have cost without solar and battery,
    and under the cheapest plan."""
    first_day, end_day = month_start(month), next_month(month)
    tariffs = tariffs or {p.plan_id: Tariff(p) for p in price_plan_list()}
    series = household_billing_series(household=household, first_day=first_day, end_day=end_day)

    def priced(tariff: Tariff, slots: SlotSeries = series.actual) -> Bill:
        return bill(tariff=tariff, slots=slots, first_day=first_day, end_day=end_day)

    under = {plan_id: priced(tariff) for plan_id, tariff in tariffs.items()}
    actual = under[plan.plan_id]
    without_solar = priced(tariffs[plan.plan_id], series.without_solar)
    cheapest_id, cheapest = min(
        ((plan_id, priced_bill.total) for plan_id, priced_bill in under.items()),
        key=lambda item: (item[1], item[0]),
    )
    opening, closing = _registers(household, first_day, end_day)
    return ComputedInvoice(
        plan, actual, without_solar.total, cheapest_id, cheapest, opening, closing
    )


def invoice_issue_for_month(
    *,
    household: Household,
    month: date,
    tariffs: dict[str, Tariff] | None = None,
    render_pdf: bool = True,
) -> Invoice | None:
    """The household's first invoice for the month, issued now if it was not yet; None when
    the household had no plan. Safe to run twice, or in two workers at once."""
    month = month_start(month)
    existing = Invoice.objects.filter(
        household=household, month=month, kind=InvoiceKind.INVOICE, replaces=None
    )
    if (invoice := existing.first()) is not None:
        return invoice
    plan = household_price_plan(household=household, at=local_day_start(next_month(month)))
    if plan is None:
        return None
    computed = invoice_compute(household=household, month=month, plan=plan, tariffs=tariffs)
    try:
        with transaction.atomic():
            invoice = _invoice_write(household, month, plan, computed)
    except IntegrityError:
        # Another worker issued it first: theirs stands, and this attempt left nothing.
        return existing.get()
    if render_pdf:
        transaction.on_commit(lambda: _render_later([invoice.pk]))
    return invoice


def invoice_reissue(*, invoice: Invoice) -> Invoice:
    """The corrected invoice replacing a credited one: its month computed again from the
    slots as they are now, under the plan of the month's end, with its own number."""
    if invoice.kind != InvoiceKind.INVOICE:
        raise InvoiceStateError("Only an invoice can be replaced, not a credit note.")
    household, month = invoice.household, invoice.month
    plan = household_price_plan(household=household, at=local_day_start(next_month(month)))
    if plan is None:
        raise InvoiceStateError(f"{household} has no price plan for {month:%Y-%m}.")
    if open_blocks := month_blocks_open(month=month, households=[household]):
        raise InvoiceStateError(
            f"The slots of {month:%Y-%m} are not final yet: {'; '.join(open_blocks[household.pk])}."
        )
    computed = invoice_compute(household=household, month=month, plan=plan)
    with transaction.atomic():
        # The row lock orders a re-issue after a credit note of the same invoice.
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not Invoice.objects.filter(credit_for=locked).exists():
            raise InvoiceStateError(
                f"Invoice {locked.number} is not credited: issue its credit note first."
            )
        try:
            with transaction.atomic():
                corrected = _invoice_write(household, month, plan, computed, replaces=locked)
        except IntegrityError:
            raise InvoiceStateError(f"Invoice {locked.number} was already replaced.") from None
    transaction.on_commit(lambda: _render_later([corrected.pk]))
    return corrected


def credit_note_issue(*, invoice: Invoice) -> Invoice:
    """A credit note cancelling an issued invoice: every line negated, its own number."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.state == InvoiceState.DRAFT:
        raise InvoiceStateError("Only an issued invoice can be credited.")
    with transaction.atomic():
        Invoice.objects.select_for_update().filter(pk=invoice.pk).get()  # see invoice_reissue
        try:
            with transaction.atomic():
                note = Invoice.objects.create(
                    household=invoice.household,
                    kind=InvoiceKind.CREDIT_NOTE,
                    month=invoice.month,
                    credit_for=invoice,
                    supplier_name=invoice.supplier_name,
                    household_name=invoice.household_name,
                    household_address=invoice.household_address,
                    plan_id=invoice.plan_id,
                    net_total=-invoice.net_total,
                    vat_total=-invoice.vat_total,
                    total=-invoice.total,
                    import_kwh=-invoice.import_kwh,
                    export_kwh=-invoice.export_kwh,
                    estimated_kwh=-invoice.estimated_kwh,
                )
        except IntegrityError:
            raise InvoiceStateError(f"Invoice {invoice.number} was already credited.") from None
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=note,
                    position=line.position,
                    kind=line.kind,
                    description=f"Credit: {line.description}",
                    quantity=-line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    net_amount=-line.net_amount,
                    vat_rate=line.vat_rate,
                    estimated=line.estimated,
                    plan_version_id=line.plan_version_id,
                    band=line.band,
                    multiplier=line.multiplier,
                    period_from=line.period_from,
                    period_to=line.period_to,
                )
                for line in invoice.lines.all()
            ]
        )
        _issue(note)
    transaction.on_commit(lambda: _render_later([note.pk]))
    return note


def invoice_mark_paid(*, invoice: Invoice) -> Invoice:
    return _settle(invoice, InvoiceState.PAID, "paid_at")


@dataclass
class BillingRunReport:
    month: date
    issued: int = 0
    existing: int = 0
    without_plan: int = 0
    failed: list[int] = field(default_factory=list)
    # Households left out because some of the month's slots are not final: their open blocks.
    not_final: dict[int, list[str]] = field(default_factory=dict)


def billing_run(
    *, month: date, households: Sequence[Household] | None = None, render_pdfs: bool = True
) -> BillingRunReport:
    """Issues the month's invoice of every household (or of ``households``) whose slots for
    the month are final; the rollup runs first. The PDFs follow in workers, unless not
    ``render_pdfs``: then each is rendered (and kept) when first asked for, or by
    ``invoice_pdfs_render_later``."""
    month = month_start(month)
    report = BillingRunReport(month)
    tariffs = {p.plan_id: Tariff(p) for p in price_plan_list()}
    chosen = households if households is not None else Household.objects.order_by("pk")
    already = set(
        Invoice.objects.filter(month=month, kind=InvoiceKind.INVOICE).values_list(
            "household_id", flat=True
        )
    )
    slots_rollup(households=None if households is None else [h.pk for h in households])
    open_blocks = month_blocks_open(month=month, households=households).items()
    report.not_final = {pk: blocks for pk, blocks in open_blocks if pk not in already}
    if report.not_final:
        logger.error("slots of %s not final, households left out: %s", month, report.not_final)
    issued: list[int] = []
    for household in chosen:
        if household.pk in already:
            report.existing += 1
            continue
        if household.pk in report.not_final:
            continue
        try:
            invoice = invoice_issue_for_month(
                household=household, month=month, tariffs=tariffs, render_pdf=False
            )
        except Exception:
            logger.exception("invoice of household %s for %s failed", household.pk, month)
            report.failed.append(household.pk)
            continue
        if invoice is None:
            report.without_plan += 1
        else:
            report.issued += 1
            issued.append(invoice.pk)
    if render_pdfs:
        _render_later(issued)
    return report


def invoice_pdfs_render_later(*, households: Sequence[int]) -> int:
    """Has workers render the households' invoices that have no PDF yet; returns how many."""
    missing = list(
        Invoice.objects.filter(household_id__in=households, document__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _render_later(missing)
    return len(missing)


def _invoice_write(
    household: Household,
    month: date,
    plan: PricePlan,
    computed: ComputedInvoice,
    replaces: Invoice | None = None,
) -> Invoice:
    """The draft, its lines, then its number: call inside a transaction."""
    invoice = Invoice.objects.create(
        household=household,
        kind=InvoiceKind.INVOICE,
        month=month,
        replaces=replaces,
        supplier_name=plan.supplier.name,
        household_name=household.name,
        household_address=household.address,
        plan_id=plan.plan_id,
        net_total=computed.bill.net_total,
        vat_total=computed.bill.vat_total,
        total=computed.bill.total,
        import_kwh=computed.bill.import_kwh,
        export_kwh=computed.bill.export_kwh,
        estimated_kwh=computed.bill.estimated_kwh,
        cost_without_solar=computed.cost_without_solar,
        cheapest_plan_id=computed.cheapest_plan_id,
        cost_under_cheapest=computed.cost_under_cheapest,
        opening_register_kwh=computed.opening_register_kwh,
        closing_register_kwh=computed.closing_register_kwh,
    )
    _lines_write(invoice, computed.bill)
    _issue(invoice)
    return invoice


def _lines_write(invoice: Invoice, computed: Bill) -> None:
    lines = [
        InvoiceLine(
            invoice=invoice,
            position=position,
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            net_amount=line.net_amount,
            vat_rate=line.vat_rate,
            estimated=line.estimated,
            plan_version_id=line.version_id,
            band=line.band,
            multiplier=line.multiplier,
            period_from=line.period_from,
            period_to=line.period_to,
        )
        for position, line in enumerate(computed.lines, start=1)
    ]
    lines += [
        InvoiceLine(
            invoice=invoice,
            position=len(lines) + n,
            kind=InvoiceLineKind.VAT,
            description=f"VAT {vat.rate * 100:.2f}% on €{vat.base}",
            quantity=vat.base,
            unit="EUR",
            unit_price=vat.rate,
            net_amount=vat.amount,
            vat_rate=vat.rate,
        )
        for n, vat in enumerate(computed.vat, start=1)
    ]
    InvoiceLine.objects.bulk_create(lines)


def _issue(invoice: Invoice) -> None:
    """Numbers the draft and issues it; the counter's row lock serialises numbering. The
    year is the local one: at 00:30 on 1 January in Brussels the new year has begun."""
    issued_at = timezone.now()
    year = local_date(issued_at).year
    InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    Invoice.objects.filter(pk=invoice.pk).update(
        number=f"{year}-{counter.last_number:06d}",
        state=InvoiceState.ISSUED,
        issued_at=issued_at,
        updated_at=issued_at,
    )
    invoice.refresh_from_db()


def _settle(invoice: Invoice, state: str, stamp: str) -> Invoice:
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.state != InvoiceState.ISSUED:
            raise InvoiceStateError(
                f"Invoice {locked.number} is {locked.state}; only an issued one can be {state}."
            )
        now: datetime = timezone.now()
        locked.state = state
        setattr(locked, stamp, now)
        locked.save(update_fields=["state", stamp, "updated_at"])
    return locked


def _registers(
    household: Household, first_day: date, end_day: date
) -> tuple[Decimal | None, Decimal | None]:
    """The grid meter's import register at the month's start and end, where it has one."""
    from metering.models import DsmrRegister

    registers = DsmrRegister.objects.filter(meter__household=household)
    values = []
    for edge in (local_day_start(first_day), local_day_start(end_day)):
        row = (
            registers.filter(time__lt=edge)
            .order_by("-time")
            .values_list("import_tariff1_kwh", "import_tariff2_kwh")
            .first()
        )
        values.append(row[0] + row[1] if row else None)
    return values[0], values[1]


def _render_later(invoice_ids: list[int]) -> None:
    # A chunk a task: one broker message per invoice would cost more than issuing it.
    for first in range(0, len(invoice_ids), PDF_CHUNK):
        current_app.send_task(PDF_RENDER_TASK, args=[invoice_ids[first : first + PDF_CHUNK]])
