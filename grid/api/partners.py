"""The partner API: a partner company registers and updates the assets at its customers' homes.

Thin views: they parse the body, then call a selector or a service (grid.services.partner_assets).
A partner sees and writes only its own rows at households shared with it; anything else answers
the same 404 as an id that does not exist."""

from typing import Any, ClassVar, override

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.parsing import json_object_body
from core.api.schema import error_response
from grid.api.authentication import PartnerTokenAuthentication
from grid.api.permissions import IsPartner, PartnerView
from grid.api.serializers import (
    HomeBatteryInputSerializer,
    HomeBatterySerializer,
    PartnerHouseholdSerializer,
    PartnerSerializer,
    SolarArrayInputSerializer,
    SolarArraySerializer,
    VehicleInputSerializer,
    VehicleSerializer,
)
from grid.api.throttling import PartnerRateThrottle
from grid.selectors.partner_assets import (
    HOME_BATTERIES,
    SOLAR_ARRAYS,
    VEHICLES,
    PartnerAssetKind,
    partner_asset_get,
    partner_asset_list,
)
from grid.services.partner_assets import (
    KEEP_METER,
    partner_asset_create,
    partner_asset_update,
)
from households.models import Household
from households.selectors import partner_household_get, partner_household_list

TAGS = ["Partners"]
WRITE_ERRORS = {
    400: error_response("invalid (extra.fields names each field) or malformed_json"),
    413: error_response("body_too_large"),
    415: error_response("not application/json"),
}


class PartnerApi(PartnerView):
    """Answers a partner's token or a staff member's session, JSON bodies only."""

    parser_classes = [JSONParser]  # what the schema documents; bodies are read by json_object_body
    # The token first: without credentials the answer is 401 with its challenge.
    authentication_classes = [PartnerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]


class PartnerMeApi(PartnerApi):
    """The partner company the caller acts for."""

    @extend_schema(
        tags=TAGS, summary="The partner calling, and its kind", responses={200: PartnerSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(PartnerSerializer(self.partner).data)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="The households shared with me"))
class PartnerHouseholdListApi(PartnerApi, ListAPIView[Household]):
    """The customer households the energy company has shared with the partner: id, name,
    community and connection rating (kW), no member's personal data."""

    serializer_class = PartnerHouseholdSerializer

    @override
    def get_queryset(self) -> QuerySet[Household]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Household.objects.none()
        return partner_household_list(partner=self.partner)


def _validated(
    serializer_class: type[serializers.ModelSerializer[Any]],
    body: dict[str, Any],
    *,
    partial: bool,
) -> dict[str, Any]:
    """The body's values, each field checked; an unknown field is refused, not ignored."""
    serializer = serializer_class(data=body, partial=partial)
    unknown = sorted(set(body) - set(serializer.fields))
    if unknown:
        raise exceptions.ValidationError({key: ["Not a field of this asset."] for key in unknown})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AssetListApi(PartnerApi, ListAPIView[Any]):
    kind: ClassVar[PartnerAssetKind]
    input_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]

    @override
    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return self.kind.model.objects.none()
        return partner_asset_list(kind=self.kind, partner=self.partner)

    def post(self, request: Request) -> Response:
        body = json_object_body(request, limit=settings.PARTNER_MAX_BODY_BYTES)
        values = _validated(self.input_serializer, body, partial=False)
        household = partner_household_get(
            partner=self.partner, household_id=values.pop("household")
        )
        meter_id = values.pop("meter_id", None)
        asset = partner_asset_create(
            kind=self.kind,
            partner=self.partner,
            household=household,
            values=values,
            meter_id=meter_id,
        )
        return Response(self.get_serializer(asset).data, status=status.HTTP_201_CREATED)


class AssetDetailApi(PartnerApi):
    kind: ClassVar[PartnerAssetKind]
    input_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]
    output_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]

    def get(self, request: Request, asset_id: int) -> Response:
        asset = partner_asset_get(kind=self.kind, partner=self.partner, asset_id=asset_id)
        return Response(self.output_serializer(asset).data)

    def patch(self, request: Request, asset_id: int) -> Response:
        asset = partner_asset_get(kind=self.kind, partner=self.partner, asset_id=asset_id)
        body = json_object_body(request, limit=settings.PARTNER_MAX_BODY_BYTES)
        if "household" in body:
            raise exceptions.ValidationError(
                {"household": ["An asset stays at the household it was registered at."]}
            )
        values = _validated(self.input_serializer, body, partial=True)
        meter_id = values.pop("meter_id", KEEP_METER)
        updated = partner_asset_update(
            kind=self.kind, asset=asset, values=values, meter_id=meter_id
        )
        return Response(self.output_serializer(updated).data)


def _list_schema(kind: PartnerAssetKind, who: str, body: Any, answer: Any) -> Any:
    return extend_schema_view(
        get=extend_schema(tags=TAGS, summary=f"My {kind.label}s ({who})"),
        post=extend_schema(
            tags=TAGS,
            summary=f"Register a {kind.label} at a household shared with me ({who})",
            description=(
                f"The {kind.label} is mine (its partner is the caller). meter_id names the "
                f"household's {kind.meter_kind.label.lower()} meter that measures it, linked "
                "in the same transaction. A household not shared with me answers 404, as one "
                "that does not exist."
            ),
            request=body,
            responses={
                201: answer,
                **WRITE_ERRORS,
                404: error_response("the household is not shared with me, or does not exist"),
            },
        ),
    )


def _detail_schema(kind: PartnerAssetKind, who: str, body: Any, answer: Any) -> Any:
    return extend_schema_view(
        get=extend_schema(tags=TAGS, summary=f"One of my {kind.label}s", responses={200: answer}),
        patch=extend_schema(
            tags=TAGS,
            summary=f"Update one of my {kind.label}s: its fields, commissioning or meter ({who})",
            request=body,
            responses={200: answer, **WRITE_ERRORS},
        ),
    )


@_list_schema(SOLAR_ARRAYS, "solar installers", SolarArrayInputSerializer, SolarArraySerializer)
class SolarArrayListApi(AssetListApi):
    """Solar arrays the partner installed, at households still shared with it."""

    kind = SOLAR_ARRAYS
    partner_kinds = SOLAR_ARRAYS.partner_kinds
    partner_kinds_label = "solar installers"
    input_serializer = SolarArrayInputSerializer
    serializer_class = SolarArraySerializer


@_detail_schema(SOLAR_ARRAYS, "solar installers", SolarArrayInputSerializer, SolarArraySerializer)
class SolarArrayDetailApi(AssetDetailApi):
    """A solar array the partner installed; another partner's answers 404, as a missing id."""

    kind = SOLAR_ARRAYS
    partner_kinds = SOLAR_ARRAYS.partner_kinds
    partner_kinds_label = "solar installers"
    input_serializer = SolarArrayInputSerializer
    output_serializer = SolarArraySerializer


BATTERY_WHO = "battery suppliers and solar installers"


@_list_schema(HOME_BATTERIES, BATTERY_WHO, HomeBatteryInputSerializer, HomeBatterySerializer)
class HomeBatteryListApi(AssetListApi):
    """Home batteries the partner supplied, at households still shared with it."""

    kind = HOME_BATTERIES
    partner_kinds = HOME_BATTERIES.partner_kinds
    partner_kinds_label = BATTERY_WHO
    input_serializer = HomeBatteryInputSerializer
    serializer_class = HomeBatterySerializer


@_detail_schema(HOME_BATTERIES, BATTERY_WHO, HomeBatteryInputSerializer, HomeBatterySerializer)
class HomeBatteryDetailApi(AssetDetailApi):
    """A home battery the partner supplied; another partner's answers 404, as a missing id."""

    kind = HOME_BATTERIES
    partner_kinds = HOME_BATTERIES.partner_kinds
    partner_kinds_label = BATTERY_WHO
    input_serializer = HomeBatteryInputSerializer
    output_serializer = HomeBatterySerializer


@_list_schema(VEHICLES, "EV makers", VehicleInputSerializer, VehicleSerializer)
class VehicleListApi(AssetListApi):
    """Electric vehicles (and their home charger) the partner made, at households still shared
    with it."""

    kind = VEHICLES
    partner_kinds = VEHICLES.partner_kinds
    partner_kinds_label = "EV makers"
    input_serializer = VehicleInputSerializer
    serializer_class = VehicleSerializer


@_detail_schema(VEHICLES, "EV makers", VehicleInputSerializer, VehicleSerializer)
class VehicleDetailApi(AssetDetailApi):
    """A vehicle the partner made; another partner's answers 404, as a missing id."""

    kind = VEHICLES
    partner_kinds = VEHICLES.partner_kinds
    partner_kinds_label = "EV makers"
    input_serializer = VehicleInputSerializer
    output_serializer = VehicleSerializer
