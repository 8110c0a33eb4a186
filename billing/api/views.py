from typing import Any, override

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.api.serializers import InvoiceSerializer
from billing.documents import invoice_document_get_or_render
from billing.estimate import household_month_estimate
from billing.filters import InvoiceFilter
from billing.models import Invoice
from billing.selectors import invoice_list_visible_to
from households.selectors import household_get_visible


@extend_schema_view(
    list=extend_schema(tags=["Billing"], summary="Invoices: members see their own"),
    retrieve=extend_schema(tags=["Billing"], summary="One invoice with its lines"),
)
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet[Invoice]):
    permission_classes = [IsAuthenticated]
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter

    @override
    def get_queryset(self) -> QuerySet[Invoice]:
        return invoice_list_visible_to(user=self.request.user)

    @extend_schema(
        tags=["Billing"],
        summary="The invoice's PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def pdf(self, request: Request, pk: int) -> FileResponse:
        """Routed in urls.py as invoices/<id>/pdf (no trailing slash, as documented)."""
        invoice = self.get_object()
        document = invoice_document_get_or_render(invoice=invoice)
        response = FileResponse(
            document.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"{invoice.number}.pdf",
        )
        response["X-Content-SHA256"] = document.sha256
        return response


class EstimateSerializer(serializers.Serializer[Any]):
    """Documents the estimate (the view builds it): euro as JSON numbers."""

    month = serializers.DateField(help_text="the month's first day")
    plan_id = serializers.CharField(allow_null=True)
    so_far = serializers.FloatField()
    projected_total = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    elapsed_share = serializers.FloatField(help_text="0–1")


class HouseholdEstimateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Billing"],
        summary="This month so far, and its projected total with a range",
        responses={200: EstimateSerializer},
    )
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_visible(user=request.user, household_id=household_id)
        estimate = household_month_estimate(household=household, now=timezone.now())
        return Response(
            {
                "month": timezone.localtime(estimate.month).date().isoformat(),
                "plan_id": estimate.plan_id,
                "so_far": float(estimate.so_far),
                "projected_total": float(estimate.projected_total),
                "low": float(estimate.low),
                "high": float(estimate.high),
                "elapsed_share": round(estimate.elapsed_share, 4),
            }
        )
