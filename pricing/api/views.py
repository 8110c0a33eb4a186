from datetime import date, timedelta
from typing import override

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import kwh
from core.api.query import parse_date
from core.exceptions import InvalidPeriodError
from core.timeslots import local_date
from households.selectors import household_get_visible
from pricing.api.serializers import PLANS_COMPARE, PlanBillLineSerializer, PricePlanSerializer
from pricing.comparisons import household_plans_compare
from pricing.daily_totals import DailyTotals, household_daily_totals
from pricing.filters import PricePlanFilter
from pricing.models import PricePlan
from pricing.selectors import household_price_plan, price_plan_list


@extend_schema_view(
    list=extend_schema(tags=["Pricing"], summary="Price plans with rates and multipliers"),
    retrieve=extend_schema(tags=["Pricing"], summary="One price plan"),
)
class PricePlanViewSet(viewsets.ReadOnlyModelViewSet[PricePlan]):
    """Price plans are public: anyone may compare them."""

    permission_classes = [AllowAny]
    serializer_class = PricePlanSerializer
    filterset_class = PricePlanFilter
    lookup_field = "plan_id"

    @override
    def get_queryset(self) -> QuerySet[PricePlan]:
        return price_plan_list()


class DailyTotalsSerializer(serializers.Serializer[DailyTotals]):
    day = serializers.DateField()
    imported_kwh = kwh()
    exported_kwh = kwh()
    direct_solar_kwh = kwh()
    solar_kwh = kwh()
    consumption_kwh = kwh()
    plan_id = serializers.CharField(allow_null=True)
    estimated_cost = serializers.DecimalField(12, 2, coerce_to_string=False, allow_null=True)
    solar_profit = serializers.DecimalField(12, 2, coerce_to_string=False, allow_null=True)


class HouseholdDailyTotalsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Energy"],
        summary="A household's day: grid, solar, cost and the profit of its solar panels",
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="local date (today)")],
        responses={200: DailyTotalsSerializer},
    )
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_visible(user=request.user, household_id=household_id)
        raw = request.query_params.get("date")
        day = parse_date(raw, "date") if raw else local_date(timezone.now())
        return Response(
            DailyTotalsSerializer(household_daily_totals(household=household, day=day)).data
        )


class HouseholdPlansCompareApi(APIView):
    """The full cost of the household's real consumption under every plan, cheapest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Pricing"],
        summary="What the household's real consumption would cost under every plan",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="local date (a month ago)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="local date, included"),
        ],
        responses={200: PLANS_COMPARE},
    )
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_visible(user=request.user, household_id=household_id)
        today = local_date(timezone.now())
        first_day = _date_param(request, "from", today - timedelta(days=30))
        end_day = _date_param(request, "to", today - timedelta(days=1)) + timedelta(days=1)
        if end_day <= first_day or (end_day - first_day).days > 366:
            raise InvalidPeriodError(
                "to must follow from, at most a year later.", extra={"field": "to"}
            )
        current = household_price_plan(household=household)
        compared = household_plans_compare(
            household=household, plans=price_plan_list(), first_day=first_day, end_day=end_day
        )
        return Response(
            {
                "from": first_day,
                "to": end_day - timedelta(days=1),
                "current_plan_id": current.plan_id if current else None,
                "plans": [
                    {
                        "plan_id": item.plan.plan_id,
                        "supplier": item.plan.supplier.name,
                        "total": float(item.bill.total),
                        "net_total": float(item.bill.net_total),
                        "vat_total": float(item.bill.vat_total),
                        "lines": PlanBillLineSerializer(item.bill.lines, many=True).data,
                    }
                    for item in compared
                ],
            }
        )


def _date_param(request: Request, name: str, default: date) -> date:
    raw = request.query_params.get(name)
    return parse_date(raw, name) if raw else default
