"""Household and community energy for people and staff (session login).

Members see their own household (and its community); staff see all; anyone else gets 404.
"""

from typing import Any, cast

from django.utils.timezone import localtime
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.periods import INSTANT_SCHEMA, Period, period_from_query
from core.api.query import parse_id
from core.exceptions import InvalidParameterError
from households.selectors import community_get_visible, household_get_visible
from metering.api.serializers import AutarkySerializer, FlowBucketSerializer, with_period
from metering.selectors.autarky import Autarky, community_autarky, household_autarky
from metering.selectors.flows import FLOW_FIELDS, FlowBucket, Resolution, household_flows
from metering.selectors.usage import usage_overview

# How long a period each resolution may span (days): keeps every answer small.
MAX_DAYS = {Resolution.SLOT: 31, Resolution.HOUR: 366, Resolution.DAY: 3660, Resolution.MONTH: 3660}

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", INSTANT_SCHEMA, description="local date YYYY-MM-DD or ISO time with offset"
    ),
    OpenApiParameter(
        "to", INSTANT_SCHEMA, description="local date (included) or ISO time (excluded)"
    ),
]


HOUSEHOLD_ENERGY = with_period(
    "HouseholdEnergy",
    {
        "household": serializers.IntegerField(),
        "resolution": serializers.ChoiceField(choices=[r.value for r in Resolution]),
        "buckets": FlowBucketSerializer(many=True),
    },
)
AUTARKY = with_period("PeriodAutarky", base=AutarkySerializer)


def _resolution(raw: str | None) -> Resolution:
    try:
        return Resolution(raw or Resolution.HOUR)
    except ValueError:
        raise InvalidParameterError(
            f"resolution must be one of slot, hour, day, month; not {raw!r}.",
            extra={"field": "resolution"},
        ) from None


def _bucket_json(bucket: FlowBucket) -> dict[str, Any]:
    """A bucket as FlowBucketSerializer documents it, built directly: a year of days through
    DRF's field machinery costs more than the query (bench/slots.py)."""
    return {
        "start": localtime(bucket.start).isoformat(),
        **{field: float(getattr(bucket, field)) for field in FLOW_FIELDS},
        "slots": bucket.slots,
        "complete_slots": bucket.complete_slots,
    }


class HouseholdEnergyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Energy"],
        summary="A household's flows per slot, hour, day or month",
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("resolution", str, enum=[r.value for r in Resolution]),
        ],
        responses={200: HOUSEHOLD_ENERGY},
    )
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_visible(user=request.user, household_id=household_id)
        resolution = _resolution(request.query_params.get("resolution"))
        period = period_from_query(request.query_params, max_days=MAX_DAYS[resolution])
        buckets = household_flows(
            household=household, start=period.start, end=period.end, resolution=resolution
        )
        return Response(
            {
                "household": household.pk,
                "from": localtime(period.start),
                "to": localtime(period.end),
                "resolution": resolution.value,
                "buckets": [_bucket_json(bucket) for bucket in buckets],
            }
        )


def _autarky_response(autarky: Autarky, period: Period) -> Response:
    return Response(
        {
            "from": localtime(period.start),
            "to": localtime(period.end),
            **AutarkySerializer(autarky).data,
        }
    )


class HouseholdAutarkyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Energy"],
        summary="A household's autarky (self-sufficiency) over a period",
        parameters=PERIOD_PARAMETERS,
        responses={200: AUTARKY},
    )
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_visible(user=request.user, household_id=household_id)
        period = period_from_query(request.query_params)
        autarky = household_autarky(household=household, start=period.start, end=period.end)
        return _autarky_response(autarky, period)


class CommunityAutarkyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Energy"],
        summary="A community's autarky, its members netted slot by slot",
        parameters=PERIOD_PARAMETERS,
        responses={200: AUTARKY},
    )
    def get(self, request: Request, community_id: int) -> Response:
        community = community_get_visible(user=request.user, community_id=community_id)
        period = period_from_query(request.query_params)
        autarky = community_autarky(community=community, start=period.start, end=period.end)
        return _autarky_response(autarky, period)


class UsageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    consumption_kwh = serializers.DecimalField(16, 3, coerce_to_string=False)
    production_kwh = serializers.DecimalField(16, 3, coerce_to_string=False)
    peak_kw = serializers.DecimalField(16, 3, coerce_to_string=False)
    profile_kwh = serializers.ListField(
        child=serializers.DecimalField(16, 3, coerce_to_string=False)
    )
    rank = serializers.IntegerField()


class UsageOverviewApi(APIView):
    """The energy company's overview of its clients' usage (staff only)."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        tags=["Energy"],
        summary="Usage per community and household: totals, peak, daily profile, ranking",
        parameters=[*PERIOD_PARAMETERS, OpenApiParameter("community", int)],
        responses={
            404: OpenApiResponse(description="no such community"),
            200: with_period(
                "UsageOverview",
                {
                    "communities": UsageSerializer(many=True),
                    "households": UsageSerializer(many=True),
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        period = period_from_query(request.query_params, max_days=366)
        community = None
        if raw := request.query_params.get("community"):
            community_id = parse_id(raw, "community")
            community = community_get_visible(user=request.user, community_id=community_id)
        overview = usage_overview(period=period, community=community)
        return Response(
            {
                "from": localtime(period.start),
                "to": localtime(period.end),
                "communities": UsageSerializer(cast(Any, overview.communities), many=True).data,
                "households": UsageSerializer(cast(Any, overview.households), many=True).data,
            }
        )
