"""Invoices, their lines and their PDFs. An issued invoice never changes: the model refuses,
the admin shows it read-only, and Postgres triggers (migration 0002) reject any UPDATE or
DELETE of it or its lines but the move to paid or void. A correction is a credit note that
cancels the invoice, then a new invoice that replaces it."""

from decimal import Decimal
from typing import Any, override

from django.db import models

from billing.choices import InvoiceKind, InvoiceLineKind, InvoiceState
from billing.exceptions import InvoiceImmutableError
from core.models import BaseModel
from households.models import Household
from pricing.models import PlanVersion

# What may still change on an issued invoice: its settlement.
SETTLEMENT_FIELDS = frozenset({"state", "paid_at", "voided_at", "updated_at"})


def money_field(help_text: str, **kwargs: Any) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=12, decimal_places=2, help_text=help_text, **kwargs)


def kwh_field(help_text: str) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(
        max_digits=14, decimal_places=6, default=Decimal(0), help_text=help_text
    )


class InvoiceCounter(models.Model):
    """The last number issued in a year; taken under a row lock, so numbers have no gaps."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    @override
    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Invoice(BaseModel):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    month = models.DateField(help_text="First day of the billed calendar month (local).")
    state = models.CharField(max_length=8, choices=InvoiceState.choices, default=InvoiceState.DRAFT)
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    credit_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        help_text="The invoice this credit note cancels.",
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The credited invoice this corrected invoice replaces.",
    )
    # What the invoice says, kept as it was said.
    supplier_name = models.CharField(max_length=120)
    household_name = models.CharField(max_length=120)
    household_address = models.CharField(max_length=255, blank=True)
    plan_id = models.CharField(max_length=64)
    net_total = money_field("EUR before VAT.")
    vat_total = money_field("EUR of VAT.")
    total = money_field("EUR to pay (negative: to be paid back).")
    import_kwh = kwh_field("kWh drawn from the grid, estimated part included.")
    export_kwh = kwh_field("kWh fed into the grid.")
    estimated_kwh = kwh_field("kWh of the import that was estimated (missing data).")
    cost_without_solar = money_field(
        "EUR the same consumption would have cost with everything drawn from the grid.",
        null=True,
        blank=True,
    )
    cheapest_plan_id = models.CharField(max_length=64, blank=True)
    cost_under_cheapest = money_field("EUR under the cheapest plan.", null=True, blank=True)
    opening_register_kwh = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Import register at the start of the month, where the meter has one.",
    )
    closing_register_kwh = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Import register at the end of the month.",
    )

    class Meta:
        ordering = ["-month", "number"]
        # At most one live invoice per household and month: one first invoice, each invoice
        # credited at most once and replaced at most once (a OneToOne), and only a credited
        # one replaced (checked by the service under the invoice's row lock).
        constraints = [
            models.UniqueConstraint(
                fields=["household", "month"],
                condition=models.Q(kind=InvoiceKind.INVOICE, replaces__isnull=True),
                name="%(app_label)s_%(class)s_one_first_per_household_month",
                violation_error_message="The household already has an invoice for the month.",
            ),
            models.UniqueConstraint(
                fields=["credit_for"],
                name="%(app_label)s_%(class)s_one_credit_note_per_invoice",
                violation_error_message="The invoice already has a credit note.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind=InvoiceKind.CREDIT_NOTE, credit_for__isnull=False, replaces__isnull=True
                )
                | models.Q(kind=InvoiceKind.INVOICE, credit_for__isnull=True),
                name="%(app_label)s_%(class)s_links_match_kind",
                violation_error_message=(
                    "A credit note cancels one invoice; only an invoice replaces another."
                ),
            ),
        ]

    @override
    def __str__(self) -> str:
        return self.number or f"draft {self.household_name} {self.month:%Y-%m}"

    @override
    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Invoice.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored not in (None, InvoiceState.DRAFT):
                changed = set(kwargs.get("update_fields") or ())
                if not changed or not changed <= SETTLEMENT_FIELDS:
                    raise InvoiceImmutableError(
                        f"Invoice {self.number} is issued: it never changes."
                    )
        super().save(*args, **kwargs)

    @override
    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.state != InvoiceState.DRAFT:
            raise InvoiceImmutableError(f"Invoice {self.number} is issued: it is never deleted.")
        return super().delete(*args, **kwargs)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=InvoiceLineKind.choices)
    description = models.CharField(max_length=255)
    quantity = models.DecimalField(max_digits=16, decimal_places=6)
    unit = models.CharField(max_length=8)
    unit_price = models.DecimalField(max_digits=12, decimal_places=6)
    net_amount = money_field("EUR, rounded half-up once.")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=4)
    estimated = models.BooleanField(default=False)
    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What priced the line, as fields (the description says it in words). Empty on VAT
    # lines, and on lines issued before these fields existed.
    band = models.CharField(max_length=40, blank=True, help_text="Rate band of an energy line.")
    multiplier = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Weekday multiplier of an energy line (1: none).",
    )
    period_from = models.DateField(null=True, blank=True, help_text="First local day priced.")
    period_to = models.DateField(
        null=True, blank=True, help_text="Last local day priced (included)."
    )

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"],
                name="%(app_label)s_%(class)s_one_per_position",
                violation_error_message="The invoice already has a line at that position.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.description}: {self.net_amount}"

    @override
    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.invoice.state != InvoiceState.DRAFT:
            raise InvoiceImmutableError("The lines of an issued invoice never change.")
        super().save(*args, **kwargs)

    @override
    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.invoice.state != InvoiceState.DRAFT:
            raise InvoiceImmutableError("The lines of an issued invoice never change.")
        return super().delete(*args, **kwargs)


class InvoiceDocument(models.Model):
    """The PDF of an issued invoice, written once, with its SHA-256."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="document")
    pdf = models.FileField(upload_to="invoices/%Y/")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    @override
    def __str__(self) -> str:
        return f"{self.invoice} ({self.sha256[:12]}…)"
