from typing import override

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from pricing.api.serializers import PricePlanSerializer
from pricing.filters import PricePlanFilter
from pricing.models import PricePlan
from pricing.selectors import price_plan_list


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
    def get_queryset(self):  # type: ignore[no-untyped-def]
        return price_plan_list()
