"""The device API of the grid: a device reads the setpoints the latest plan gives its meter."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grid.selectors.setpoints import setpoints_current
from metering.api.authentication import DeviceTokenAuthentication
from metering.api.permissions import HasDeviceToken, device_token_check_scope
from metering.api.throttling import DeviceTokenRateThrottle
from metering.selectors.meters import meter_get


@extend_schema_serializer(component_name="DeviceSetpoint")
class SetpointSerializer(serializers.Serializer[Any]):
    slot_start = serializers.DateTimeField()
    power_kw = serializers.FloatField(
        help_text="The meter's sign: an EV + charging; a battery + charging, − discharging."
    )


class DeviceSetpointListApi(APIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [HasDeviceToken]
    throttle_classes = [DeviceTokenRateThrottle]

    @extend_schema_serializer(component_name="DeviceSetpoints")
    class OutputSerializer(serializers.Serializer[Any]):
        meter_id = serializers.CharField()
        plan_id = serializers.IntegerField(allow_null=True)
        plan_status = serializers.CharField(allow_null=True)
        setpoints = SetpointSerializer(many=True)

    @extend_schema(
        tags=["Grid"],
        summary="The meter's setpoints: the current slot and those to come",
        description=(
            "From the latest plan (the previous one stays in force until a new one is stored). "
            "Each 15-minute slot from the current one to the plan's end, 0 kW where the device "
            "rests. An empty list: no plan covers this device now (it runs on its own)."
        ),
        responses={
            200: OutputSerializer,
            403: OpenApiResponse(description="the token may not read this meter"),
            404: OpenApiResponse(description="no such meter"),
        },
    )
    def get(self, request: Request, meter_id: str) -> Response:
        device_token_check_scope(request, meter_id)
        meter = meter_get(meter_id=meter_id)
        current = setpoints_current(meter=meter)
        return Response(
            {
                "meter_id": meter.meter_id,
                "plan_id": current.plan.pk if current.plan else None,
                "plan_status": current.plan.status if current.plan else None,
                "setpoints": [
                    {"slot_start": s.slot_start.isoformat(), "power_kw": s.power_kw}
                    for s in current.setpoints
                ],
            }
        )
