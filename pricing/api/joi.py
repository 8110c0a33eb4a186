"""JOI-Energy-compatible price plan endpoints.

GET /price-plans/compare-all/<smartMeterId>       {"pricePlanId", "pricePlanComparisons"}
GET /price-plans/recommend/<smartMeterId>?limit=N  [{"<plan id>": cost}, ...] cheapest first
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.query import parse_count
from core.exceptions import InvalidParameterError
from metering.api.authentication import DeviceTokenAuthentication
from metering.api.permissions import JoiOpenOrDeviceToken, joi_check_meter
from metering.api.throttling import DeviceReadRateThrottle
from metering.exceptions import NoReadingsError
from metering.models import Meter
from metering.selectors.meters import meter_get, meter_samples
from pricing.comparisons import PlanCost, plan_costs_compare
from pricing.exceptions import InvalidLimitError
from pricing.selectors import household_price_plan, price_plan_list

_THROTTLED = OpenApiResponse(description="rate limit; see Retry-After")


class JoiComparisonsSerializer(serializers.Serializer[Any]):
    pricePlanId = serializers.CharField(allow_null=True)  # noqa: N815 - the JOI field name
    # [{"<plan id>": cost in EUR}, ...]: one single-key object per plan, cheapest first.
    pricePlanComparisons = serializers.ListField(  # noqa: N815 - the JOI field name
        child=serializers.DictField(child=serializers.FloatField())
    )


def _costs_for_meter(request: Request, smart_meter_id: str) -> tuple[Meter, list[PlanCost]]:
    joi_check_meter(request, smart_meter_id)
    meter = meter_get(meter_id=smart_meter_id)
    samples = meter_samples(meter=meter)
    if not samples:
        raise NoReadingsError(f"Meter {smart_meter_id!r} has no readings.")
    return meter, plan_costs_compare(plans=price_plan_list(), samples=samples)


def _as_joi(costs: list[PlanCost]) -> list[dict[str, float]]:
    return [{c.plan_id: float(c.cost)} for c in costs]


class JoiPricePlanCompareAllApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [JoiOpenOrDeviceToken]
    throttle_classes = [DeviceReadRateThrottle]

    @extend_schema(
        tags=["JOI-compatible"],
        responses={
            200: JoiComparisonsSerializer,
            404: OpenApiResponse(description="meter_not_found or no_readings"),
            429: _THROTTLED,
        },
        summary="Cost of the meter's readings under every plan, cheapest first (JOI shape)",
    )
    def get(self, request: Request, smart_meter_id: str) -> Response:
        meter, costs = _costs_for_meter(request, smart_meter_id)
        plan = household_price_plan(household=meter.household) if meter.household else None
        return Response(
            {"pricePlanId": plan.plan_id if plan else None, "pricePlanComparisons": _as_joi(costs)}
        )


class JoiPricePlanRecommendApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [JoiOpenOrDeviceToken]
    throttle_classes = [DeviceReadRateThrottle]

    @extend_schema(
        tags=["JOI-compatible"],
        parameters=[OpenApiParameter("limit", int, description="at most this many plans")],
        responses={
            200: OpenApiResponse(list[dict[str, float]], description='[{"<plan id>": EUR}, ...]'),
            400: OpenApiResponse(description="invalid_limit"),
            404: OpenApiResponse(description="meter_not_found or no_readings"),
            429: _THROTTLED,
        },
        summary="Plans for this meter, cheapest first (JOI shape)",
    )
    def get(self, request: Request, smart_meter_id: str) -> Response:
        limit = _limit(request.query_params.get("limit"))
        _meter, costs = _costs_for_meter(request, smart_meter_id)
        return Response(_as_joi(costs if limit is None else costs[:limit]))


def _limit(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return parse_count(raw, "limit")
    except InvalidParameterError as exc:  # under the code the JOI guide documents
        raise InvalidLimitError(exc.message, extra=exc.extra) from None
