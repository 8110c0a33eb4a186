"""JOI-Energy-compatible reading endpoints: the JSON shapes of the JOI Energy reference.

POST /readings/store              {"smartMeterId", "electricityReadings": [{"time", "reading"}]}
GET  /readings/read/<smartMeterId>  [{"time", "reading"}, ...] newest first
"""

import math
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsing import json_body, request_body
from core.api.schema import error_response
from metering.api.authentication import DeviceTokenAuthentication
from metering.api.permissions import JoiOpenOrDeviceToken, joi_check_meter
from metering.api.throttling import DeviceReadRateThrottle, DeviceTokenRateThrottle
from metering.exceptions import InvalidReadingError, NoReadingsError
from metering.selectors.meters import meter_get, meter_reading_list
from metering.services.ingestion import Sample, meter_readings_record_by_id


class JoiReadingSerializer(serializers.Serializer[Any]):
    """Documents the JOI shape only: bodies are parsed by joi_readings_parse, not by DRF."""

    time = serializers.IntegerField(help_text="epoch seconds")
    reading = serializers.FloatField(help_text="power in kW")


class JoiReadingsSerializer(serializers.Serializer[Any]):
    smartMeterId = serializers.CharField()  # noqa: N815 - the JOI field name
    electricityReadings = JoiReadingSerializer(many=True)  # noqa: N815 - the JOI field name


def _invalid(message: str, field: str) -> InvalidReadingError:
    return InvalidReadingError(message, extra={"field": field})


def joi_field_name(index: int, field: str) -> str:
    """The JOI body's names of a sample's fields (its power is ``reading``)."""
    return f"electricityReadings[{index}].{'reading' if field == 'power_kw' else field}"


def joi_readings_parse(body: Any) -> tuple[str, list[Sample]]:
    """The meter id and samples of a JOI store body; anything off is refused by field name."""
    if not isinstance(body, dict):
        raise _invalid("The body must be a JSON object.", "body")
    meter_id = body.get("smartMeterId")
    if not isinstance(meter_id, str) or not meter_id:
        raise _invalid("smartMeterId is missing or not a non-empty string.", "smartMeterId")
    readings = body.get("electricityReadings")
    if not isinstance(readings, list):
        raise _invalid("electricityReadings is missing or not a list.", "electricityReadings")
    samples: list[Sample] = []
    for index, item in enumerate(readings):
        where = f"electricityReadings[{index}]"
        if not isinstance(item, dict):
            raise _invalid(f"{where} must be an object with time and reading.", where)
        moment, power = item.get("time"), item.get("reading")
        if not isinstance(moment, int) or isinstance(moment, bool):
            raise _invalid(f"{where}.time must be an integer (epoch seconds).", f"{where}.time")
        if (
            not isinstance(power, int | float)
            or isinstance(power, bool)
            or not math.isfinite(power)
            or power < 0
        ):
            raise _invalid(
                f"{where}.reading must be a finite non-negative number (kW).", f"{where}.reading"
            )
        try:
            samples.append((datetime.fromtimestamp(moment, tz=UTC), float(power)))
        except (OverflowError, OSError, ValueError):
            raise _invalid(f"{where}.time is out of range.", f"{where}.time") from None
    return meter_id, samples


class JoiReadingStoreApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [JoiOpenOrDeviceToken]
    throttle_classes = [DeviceTokenRateThrottle]

    @extend_schema(
        tags=["JOI-compatible"],
        request={"application/json": JoiReadingsSerializer},
        responses={
            200: JoiReadingsSerializer,
            400: OpenApiResponse(description="invalid_reading or malformed_json, by field"),
            403: OpenApiResponse(description="outside the open demo: not the token's meter"),
            409: error_response("conflicting_reading"),
            413: error_response("body_too_large or batch_too_large"),
        },
        summary="Store readings of a smart meter (JOI shape)",
    )
    def post(self, request: Request) -> Response:
        body = json_body(request_body(request, limit=settings.METERING_MAX_BODY_BYTES))
        meter_id, samples = joi_readings_parse(body)
        joi_check_meter(request, meter_id)
        if samples:
            meter_readings_record_by_id(
                meter_id=meter_id, samples=samples, field_name=joi_field_name
            )
        return Response(body)


class JoiReadingReadApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [JoiOpenOrDeviceToken]
    throttle_classes = [DeviceReadRateThrottle]

    @extend_schema(
        tags=["JOI-compatible"],
        responses={
            200: JoiReadingSerializer(many=True),
            404: OpenApiResponse(description="meter_not_found or no_readings"),
            429: OpenApiResponse(description="rate limit; see Retry-After"),
        },
        summary="Read a smart meter's readings, newest first (JOI shape)",
    )
    def get(self, request: Request, smart_meter_id: str) -> Response:
        joi_check_meter(request, smart_meter_id)
        meter = meter_get(meter_id=smart_meter_id)
        rows = meter_reading_list(meter=meter).values_list("time", "power_kw")
        readings = [{"time": int(moment.timestamp()), "reading": power} for moment, power in rows]
        if not readings:
            raise NoReadingsError(f"Meter {smart_meter_id!r} has no readings.")
        return Response(readings)
