"""The telegram API: a P1 datalogger posts raw telegrams with its meter's token."""

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsing import media_type, request_body
from core.api.schema import error_response
from core.exceptions import UnsupportedMediaTypeError
from metering.api.authentication import DeviceTokenAuthentication
from metering.api.permissions import HasDeviceToken
from metering.api.throttling import DeviceTokenRateThrottle
from metering.dsmr.services import telegrams_receive
from metering.dsmr.telegrams import ParsedTelegram
from metering.models import DeviceToken, Meter


def token_meter(request: Request) -> Meter:
    """The one meter of the request's meter token; a gateway token cannot post telegrams."""
    token = request.auth
    if not isinstance(token, DeviceToken):
        raise exceptions.NotAuthenticated("A device token is required: Token <key>.")
    meters = list(token.meters.all()[:2])
    if token.is_gateway or len(meters) != 1:
        raise exceptions.PermissionDenied("Telegrams are posted with the meter's own token.")
    return meters[0]


def telegram_summary(telegram: ParsedTelegram) -> dict[str, Any]:
    return {
        "equipment_id": telegram.equipment_id,
        "time": telegram.time.isoformat(),
        "registers": {
            "import_tariff1_kwh": str(telegram.import_tariff1_kwh),
            "import_tariff2_kwh": str(telegram.import_tariff2_kwh),
            "export_tariff1_kwh": str(telegram.export_tariff1_kwh),
            "export_tariff2_kwh": str(telegram.export_tariff2_kwh),
            "tariff": telegram.tariff,
        },
        "power": {
            "delivered_kw": str(telegram.power_delivered_kw),
            "returned_kw": str(telegram.power_returned_kw),
            "net_kw": telegram.net_power_kw,
        },
        "volumes": [
            {
                "kind": volume.kind,
                "equipment_id": volume.equipment_id,
                "time": volume.time.isoformat(),
                "volume_m3": str(volume.volume_m3),
            }
            for volume in telegram.volumes
        ],
    }


class TelegramCreateApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [HasDeviceToken]
    throttle_classes = [DeviceTokenRateThrottle]

    @extend_schema_serializer(component_name="TelegramSummary")
    class OutputSerializer(serializers.Serializer[dict[str, Any]]):
        stored = serializers.IntegerField()
        duplicates = serializers.IntegerField()
        equipment_id = serializers.CharField()
        time = serializers.DateTimeField()
        registers = serializers.DictField()
        power = serializers.DictField()
        volumes = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        tags=["Metering"],
        summary="Post raw DSMR P1 telegrams",
        description=(
            "The body is one telegram as the meter sent it (text/plain, CRLF kept, from '/' to "
            "'!' and the CRC), or several in a row (a datalogger's backlog), stored all or "
            "nothing. The summary describes the last telegram. A telegram already stored "
            "(same equipment and time) is a duplicate: 200 instead of 201, nothing written."
        ),
        request={"text/plain": OpenApiTypes.STR},
        responses={
            201: OutputSerializer,
            200: OpenApiResponse(OutputSerializer, description="every telegram a duplicate"),
            400: OpenApiResponse(
                description="crc_mismatch, telegram_incomplete or telegram_unsupported"
            ),
            403: OpenApiResponse(
                description="a gateway's token, or equipment_mismatch: the equipment belongs to "
                "another meter"
            ),
            409: error_response("conflicting_reading"),
            413: error_response("body_too_large or too_many_telegrams"),
            415: error_response("not text/plain"),
        },
    )
    def post(self, request: Request) -> Response:
        meter = token_meter(request)
        content_type = media_type(request)
        if content_type != "text/plain":
            raise UnsupportedMediaTypeError(
                f"Send the raw telegram as text/plain, not {content_type or 'nothing'!r}."
            )
        telegrams = request_body(request, limit=settings.METERING_MAX_BODY_BYTES)
        received = telegrams_receive(body=telegrams, meter=meter)
        body = {
            "stored": received.stored,
            "duplicates": received.duplicates,
            **telegram_summary(received.last),
        }
        return Response(body, status=201 if received.stored else 200)
