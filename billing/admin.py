from typing import override

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from billing.choices import InvoiceState
from billing.exceptions import InvoiceStateError
from billing.models import Invoice, InvoiceDocument, InvoiceLine
from billing.services import credit_note_issue, invoice_mark_paid, invoice_reissue

LINE_FIELDS = (
    "position",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "vat_rate",
    "net_amount",
    "estimated",
)


class InvoiceLineInline(admin.TabularInline[InvoiceLine, Invoice]):
    model = InvoiceLine
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS
    extra = 0
    can_delete = False

    @override
    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin[Invoice]):
    """Invoices are issued by the monthly run; here they are read, paid, credited and
    replaced by a corrected invoice — an issued invoice is never edited."""

    list_display = ["number", "household_name", "month", "kind", "state", "total", "issued_at"]
    list_filter = ["state", "kind", "month", "household__community"]
    search_fields = ["number", "household_name", "household__name", "plan_id"]
    date_hierarchy = "month"
    list_select_related = ["household"]
    inlines = [InvoiceLineInline]
    actions = ["issue_credit_notes", "reissue", "mark_paid"]

    @override
    def get_readonly_fields(self, request: HttpRequest, obj: Invoice | None = None) -> list[str]:
        return [field.name for field in Invoice._meta.fields]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @override
    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        # An issued invoice is a view, with no Save: its POST answers 403, not a 500 from the
        # model refusing the write. The list's actions still apply to it.
        if obj is not None and obj.state != InvoiceState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return obj is not None and obj.state == InvoiceState.DRAFT

    @admin.action(description="Issue a credit note for each selected invoice")
    def issue_credit_notes(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        for invoice in queryset:
            try:
                note = credit_note_issue(invoice=invoice)
            except InvoiceStateError as exc:
                self.message_user(request, f"{invoice}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Credit note {note.number} cancels {invoice.number}.")

    @admin.action(description="Issue a corrected invoice for each selected credited invoice")
    def reissue(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        for invoice in queryset:
            try:
                corrected = invoice_reissue(invoice=invoice)
            except InvoiceStateError as exc:
                self.message_user(request, f"{invoice}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Invoice {corrected.number} replaces {invoice.number}.")

    @admin.action(description="Mark the selected invoices paid")
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        for invoice in queryset:
            try:
                invoice_mark_paid(invoice=invoice)
            except InvoiceStateError as exc:
                self.message_user(request, f"{invoice}: {exc.message}", messages.ERROR)


@admin.register(InvoiceDocument)
class InvoiceDocumentAdmin(admin.ModelAdmin[InvoiceDocument]):
    list_display = ["invoice", "sha256", "created_at"]
    search_fields = ["invoice__number", "sha256"]
    readonly_fields = ["invoice", "pdf", "sha256", "created_at"]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @override
    def has_change_permission(
        self, request: HttpRequest, obj: InvoiceDocument | None = None
    ) -> bool:
        return False

    @override
    def has_delete_permission(
        self, request: HttpRequest, obj: InvoiceDocument | None = None
    ) -> bool:
        return False
