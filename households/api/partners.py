"""The partner API under /api/v1/partners/: installers register solar arrays and batteries at
the households shared with them, battery suppliers batteries, EV makers their customers' cars;
each lists and updates only its own rows (404 for any other, as for a missing id).

Partners authenticate with ``Authorization: Token smxp_…`` (a PartnerToken); no session."""

from typing import Any, ClassVar, NoReturn, override

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.query import MAX_ID
from core.api.schema import error_response
from core.redaction import URL_SECRET_NAMES
from households.api.throttling import PartnerTokenRateThrottle, RefusedPartnerTokenRateThrottle
from households.filters import ElectricVehicleFilter, HomeBatteryFilter, SolarArrayFilter
from households.models import (
    ElectricVehicle,
    HomeBattery,
    Household,
    Partner,
    PartnerToken,
    SolarArray,
)
from households.partner_assets import (
    AssetKind,
    PartnerAsset,
    partner_asset_get,
    partner_asset_list,
    partner_asset_register,
    partner_asset_update,
    partner_household_list,
)
from households.services import (
    PARTNER_KEY_PREFIX,
    partner_token_authenticate,
    partner_token_revoke_leaked,
)

KEYWORD = "Token"
TAGS = ["Partners"]

# --- authentication -------------------------------------------------------------------------


class PartnerTokenAuthentication(BaseAuthentication):
    """A partner key (``smxp_…``) in the Authorization header. A refused one counts against the
    client's address (RefusedPartnerTokenRateThrottle): past the limit, every partner key from
    that address gets 429. A key that is no partner key (a device key) is not tried at all."""

    @override
    def authenticate(self, request: Request) -> tuple[AnonymousUser, PartnerToken] | None:
        # Keys in URLs end up in proxy and access logs: such a key is refused and revoked.
        leaked = [
            value
            for name in URL_SECRET_NAMES & set(request.query_params)
            for value in request.query_params.getlist(name)
        ]
        if leaked:
            for key in leaked:
                partner_token_revoke_leaked(key=key)
            _refuse(
                request,
                "Tokens are accepted only in the Authorization header, never in the URL; "
                "a token sent in a URL is revoked.",
            )
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) == 2 and not header[1].startswith(PARTNER_KEY_PREFIX.encode()):
            return None  # another kind of key: HasPartnerToken says what is needed
        throttle = RefusedPartnerTokenRateThrottle()
        if throttle.exhausted(request):
            raise exceptions.Throttled(wait=throttle.wait())
        if len(header) != 2:
            _refuse(request, "Use: Authorization: Token <key>.")
        try:
            key = header[1].decode()
        except UnicodeError:
            _refuse(request, "The token is not valid.")
        token = partner_token_authenticate(key=key)
        if token is None:
            _refuse(request, "The token is unknown or revoked.")
        return AnonymousUser(), token

    @override
    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def _refuse(request: Request, message: str) -> NoReturn:
    """401, or 429 once the client's address has used up its refused attempts."""
    throttle = RefusedPartnerTokenRateThrottle()
    if not throttle.refused(request):
        raise exceptions.Throttled(wait=throttle.wait())
    raise exceptions.AuthenticationFailed(message)


class PartnerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents partner tokens in the OpenAPI schema."""

    target_class = "households.api.partners.PartnerTokenAuthentication"
    name = "partnerToken"

    @override
    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key>: a partner's API token (smxp_…).",
        }


class HasPartnerToken(BasePermission):
    @override
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, PartnerToken):
            raise exceptions.NotAuthenticated("A partner token is required: Token smxp_….")
        return True


class PartnerApi(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasPartnerToken]
    throttle_classes = [PartnerTokenRateThrottle]
    parser_classes = [JSONParser]

    @property
    def partner(self) -> Partner:
        token = self.request.auth
        assert isinstance(token, PartnerToken)  # noqa: S101 - HasPartnerToken let it through
        return token.partner


# --- serializers ----------------------------------------------------------------------------


class _NumbersSerializer(serializers.ModelSerializer[Any]):
    """kW, kWh, degrees and fractions as JSON numbers (the API's units, docs/api.md)."""

    @override
    def build_standard_field(
        self, field_name: str, model_field: models.Field[Any, Any]
    ) -> tuple[type[serializers.Field[Any, Any, Any, Any]], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DecimalField):
            kwargs["coerce_to_string"] = False
        return field_class, kwargs


class _InputSerializer(_NumbersSerializer):
    """Refuses fields it does not know (a battery's reserve, the installer, a typo) rather than
    dropping them silently: 400 naming each."""

    @override
    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["Not a field partners write here."] for name in unknown}
            )
        return values


def _household_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="id of a household the energy company shares with you",
    )


_OUTPUT_FIELDS = ["id", "household"]
_STAMPS = ["created_at", "updated_at"]


class SolarArraySerializer(_NumbersSerializer):
    class Meta:
        model = SolarArray
        fields = [*_OUTPUT_FIELDS, *AssetKind.SOLAR_ARRAY.rules.writable, *_STAMPS]


class SolarArrayInputSerializer(_InputSerializer):
    class Meta:
        model = SolarArray
        fields = list(AssetKind.SOLAR_ARRAY.rules.writable)


class SolarArrayRegisterSerializer(SolarArrayInputSerializer):
    household = _household_field()

    class Meta(SolarArrayInputSerializer.Meta):
        fields = ["household", *AssetKind.SOLAR_ARRAY.rules.writable]


class HomeBatterySerializer(_NumbersSerializer):
    class Meta:
        model = HomeBattery
        fields = [*_OUTPUT_FIELDS, *AssetKind.HOME_BATTERY.rules.writable, *_STAMPS]


class HomeBatteryInputSerializer(_InputSerializer):
    class Meta:
        model = HomeBattery
        fields = list(AssetKind.HOME_BATTERY.rules.writable)


class HomeBatteryRegisterSerializer(HomeBatteryInputSerializer):
    household = _household_field()

    class Meta(HomeBatteryInputSerializer.Meta):
        fields = ["household", *AssetKind.HOME_BATTERY.rules.writable]


class ElectricVehicleSerializer(_NumbersSerializer):
    class Meta:
        model = ElectricVehicle
        fields = [*_OUTPUT_FIELDS, *AssetKind.ELECTRIC_VEHICLE.rules.writable, *_STAMPS]


class ElectricVehicleInputSerializer(_InputSerializer):
    class Meta:
        model = ElectricVehicle
        fields = list(AssetKind.ELECTRIC_VEHICLE.rules.writable)


class ElectricVehicleRegisterSerializer(ElectricVehicleInputSerializer):
    household = _household_field()

    class Meta(ElectricVehicleInputSerializer.Meta):
        fields = ["household", *AssetKind.ELECTRIC_VEHICLE.rules.writable]


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["id", "name", "kind"]


class PartnerHouseholdSerializer(_NumbersSerializer):
    class Meta:
        model = Household
        fields = ["id", "connection_kw"]


# --- views ----------------------------------------------------------------------------------


@extend_schema(tags=TAGS, summary="The partner this token belongs to")
class PartnerMeApi(PartnerApi):
    serializer_class = PartnerSerializer

    def get(self, request: Request) -> Response:
        return Response(PartnerSerializer(self.partner).data)


@extend_schema(
    tags=TAGS,
    summary="The households shared with me: ids to register assets at, and their connection",
)
class PartnerHouseholdListApi(PartnerApi, ListAPIView[Household]):
    serializer_class = PartnerHouseholdSerializer

    @override
    def get_queryset(self) -> QuerySet[Household]:
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        return partner_household_list(partner=self.partner)


class _AssetListApi(PartnerApi, ListAPIView[Any]):
    kind: ClassVar[AssetKind]
    register_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]

    @override
    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.kind.rules.model.objects.none()
        return partner_asset_list(partner=self.partner, kind=self.kind)

    def post(self, request: Request) -> Response:
        body = self.register_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        household_id = values.pop("household")
        asset = partner_asset_register(
            partner=self.partner, kind=self.kind, household_id=household_id, values=values
        )
        return Response(self.get_serializer(asset).data, status=status.HTTP_201_CREATED)


class _AssetDetailApi(PartnerApi, RetrieveAPIView[Any]):
    kind: ClassVar[AssetKind]
    input_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]
    lookup_field = "pk"

    @override
    def get_queryset(self) -> QuerySet[Any]:
        # For the schema's path parameter (its model's id); get_object does the lookup.
        return self.kind.rules.model.objects.none()

    @override
    def get_object(self) -> PartnerAsset:
        return partner_asset_get(
            partner=self.partner, kind=self.kind, asset_id=self.kwargs[self.lookup_url_kwarg]
        )

    def patch(self, request: Request, **kwargs: Any) -> Response:
        body = self.input_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        asset = partner_asset_update(
            partner=self.partner,
            kind=self.kind,
            asset_id=self.kwargs[self.lookup_url_kwarg],
            values=dict(body.validated_data),
        )
        return Response(self.get_serializer(asset).data)


_WRITE_ERRORS = {
    403: error_response("not a partner token, or a kind of partner that does not do this"),
    415: error_response("a body that is not JSON"),
}


def _list_schema(label: str, output: type[Any], register: type[Any]) -> Any:
    return extend_schema_view(
        get=extend_schema(tags=TAGS, summary=f"My {label} (filter ?household=<id>)"),
        post=extend_schema(
            tags=TAGS,
            summary=f"Register {label} at a household shared with me",
            request=register,
            responses={201: output, **_WRITE_ERRORS},
        ),
    )


def _detail_schema(label: str, output: type[Any], update: type[Any]) -> Any:
    return extend_schema_view(
        get=extend_schema(tags=TAGS, summary=f"One of my {label}"),
        patch=extend_schema(
            tags=TAGS,
            summary=f"Update one of my {label} (its commissioning, a corrected rating)",
            request=update,
            responses={200: output, **_WRITE_ERRORS},
        ),
    )


@_list_schema("solar arrays", SolarArraySerializer, SolarArrayRegisterSerializer)
class SolarArrayListApi(_AssetListApi):
    kind = AssetKind.SOLAR_ARRAY
    serializer_class = SolarArraySerializer
    register_serializer = SolarArrayRegisterSerializer
    filterset_class = SolarArrayFilter


@_detail_schema("solar arrays", SolarArraySerializer, SolarArrayInputSerializer)
class SolarArrayDetailApi(_AssetDetailApi):
    kind = AssetKind.SOLAR_ARRAY
    serializer_class = SolarArraySerializer
    input_serializer = SolarArrayInputSerializer
    lookup_url_kwarg = "solar_array_id"


@_list_schema("home batteries", HomeBatterySerializer, HomeBatteryRegisterSerializer)
class HomeBatteryListApi(_AssetListApi):
    kind = AssetKind.HOME_BATTERY
    serializer_class = HomeBatterySerializer
    register_serializer = HomeBatteryRegisterSerializer
    filterset_class = HomeBatteryFilter


@_detail_schema("home batteries", HomeBatterySerializer, HomeBatteryInputSerializer)
class HomeBatteryDetailApi(_AssetDetailApi):
    kind = AssetKind.HOME_BATTERY
    serializer_class = HomeBatterySerializer
    input_serializer = HomeBatteryInputSerializer
    lookup_url_kwarg = "battery_id"


@_list_schema("electric vehicles", ElectricVehicleSerializer, ElectricVehicleRegisterSerializer)
class ElectricVehicleListApi(_AssetListApi):
    kind = AssetKind.ELECTRIC_VEHICLE
    serializer_class = ElectricVehicleSerializer
    register_serializer = ElectricVehicleRegisterSerializer
    filterset_class = ElectricVehicleFilter


@_detail_schema("electric vehicles", ElectricVehicleSerializer, ElectricVehicleInputSerializer)
class ElectricVehicleDetailApi(_AssetDetailApi):
    kind = AssetKind.ELECTRIC_VEHICLE
    serializer_class = ElectricVehicleSerializer
    input_serializer = ElectricVehicleInputSerializer
    lookup_url_kwarg = "vehicle_id"
