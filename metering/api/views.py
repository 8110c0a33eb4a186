"""The native device API: meters post their readings."""

from django.conf import settings
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsing import media_type, request_body
from core.api.schema import error_response
from core.exceptions import UnsupportedMediaTypeError
from metering.api.authentication import DeviceTokenAuthentication
from metering.api.permissions import HasDeviceToken, device_token_check_scope
from metering.api.serializers import ReadingsBodySerializer
from metering.api.throttling import DeviceTokenRateThrottle
from metering.ingest.parsing import samples_from_csv, samples_from_json
from metering.selectors.meters import meter_get
from metering.services.ingestion import meter_readings_record

CSV_BODY = {
    "type": "string",
    "description": "a time,power_kw header, then one sample a line",
    "example": "time,power_kw\n2026-11-24T10:00:00+01:00,1.25\n1795510860,1.5\n",
}


class MeterReadingCreateApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [HasDeviceToken]
    throttle_classes = [DeviceTokenRateThrottle]

    @extend_schema_serializer(component_name="ReadingsStored")
    class OutputSerializer(serializers.Serializer[dict[str, int]]):
        inserted = serializers.IntegerField()
        duplicates = serializers.IntegerField()

    @extend_schema(
        tags=["Metering"],
        summary="Post a meter's readings (JSON or CSV)",
        description=(
            'JSON: {"readings": [{"time": "2026-11-24T10:00:00+01:00" or epoch seconds, '
            '"power_kw": 1.25}, ...]}. CSV (text/csv): a time,power_kw header, then one sample '
            "a line. A repeat of a stored sample is counted as a duplicate; the same time with "
            "another value refuses the whole batch (409)."
        ),
        request={"application/json": ReadingsBodySerializer, "text/csv": CSV_BODY},
        examples=[
            OpenApiExample(
                "Two samples",
                value={
                    "readings": [
                        {"time": "2026-11-24T10:00:00+01:00", "power_kw": 1.25},
                        {"time": 1795510860, "power_kw": 1.5},
                    ]
                },
                request_only=True,
            )
        ],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="invalid_reading or malformed_json, naming the field"),
            403: OpenApiResponse(description="the token may not write this meter"),
            409: error_response("conflicting_reading, with the first conflicts"),
            413: error_response("body_too_large or batch_too_large"),
            415: error_response("neither application/json nor text/csv"),
        },
    )
    def post(self, request: Request, meter_id: str) -> Response:
        device_token_check_scope(request, meter_id)
        meter = meter_get(meter_id=meter_id)
        body = request_body(request, limit=settings.METERING_MAX_BODY_BYTES)
        content_type = media_type(request)
        if content_type == "application/json":
            result = meter_readings_record(meter=meter, samples=samples_from_json(body))
        elif content_type == "text/csv":
            parsed = samples_from_csv(body.decode("utf-8-sig", errors="replace"))
            result = meter_readings_record(
                meter=meter, samples=parsed.samples, field_name=parsed.field_name
            )
        else:
            raise UnsupportedMediaTypeError(
                f"Send application/json or text/csv, not {content_type or 'nothing'!r}."
            )
        return Response({"inserted": result.inserted, "duplicates": result.duplicates})
