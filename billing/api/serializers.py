from rest_framework import serializers

from billing.models import Invoice, InvoiceLine
from pricing.models import PlanVersion


class PlanVersionRefSerializer(serializers.ModelSerializer[PlanVersion]):
    class Meta:
        model = PlanVersion
        fields = ["id", "valid_from"]


class InvoiceLineSerializer(serializers.ModelSerializer[InvoiceLine]):
    plan_version = PlanVersionRefSerializer(allow_null=True)
    band = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "kind",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "net_amount",
            "vat_rate",
            "estimated",
            "plan_version",
            "band",
            "multiplier",
            "period_from",
            "period_to",
        ]

    def get_band(self, line: InvoiceLine) -> str | None:
        return line.band or None  # null, like the other pricing fields, where none applies


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    lines = InvoiceLineSerializer(many=True)
    credit_for = serializers.CharField(source="credit_for.number", default=None, allow_null=True)
    replaces = serializers.CharField(source="replaces.number", default=None, allow_null=True)
    pdf = serializers.HyperlinkedIdentityField(view_name="billing-api:invoice-pdf")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "state",
            "household",
            "month",
            "issued_at",
            "paid_at",
            "voided_at",
            "credit_for",
            "replaces",
            "supplier_name",
            "household_name",
            "household_address",
            "plan_id",
            "net_total",
            "vat_total",
            "total",
            "import_kwh",
            "export_kwh",
            "estimated_kwh",
            "cost_without_solar",
            "cheapest_plan_id",
            "cost_under_cheapest",
            "opening_register_kwh",
            "closing_register_kwh",
            "lines",
            "pdf",
        ]
