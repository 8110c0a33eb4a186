"""The EV maker's side of the charging plan: it tells the grid that one of its cars is plugged
in (departure, energy needed), changes or ends that session, and reads what the plan gives the
car. Only its own vehicles at households still shared with it; anything else is a 404."""

from typing import Any, cast

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.parsing import json_object_body
from core.api.schema import error_response
from grid.api.partners import TAGS, PartnerApi
from grid.models import ChargeSession, ChargeSessionSource
from grid.selectors.charging import charge_session_open, vehicle_charging
from grid.selectors.partner_assets import VEHICLES, partner_asset_get
from grid.services.sessions import (
    charge_session_plug_in,
    charge_session_unplug,
    charge_session_update,
)
from households.models import ElectricVehicle


class SessionInputSerializer(serializers.Serializer[Any]):
    departure_at = serializers.DateTimeField(help_text="When the car must have its energy.")
    energy_needed_kwh = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=0, help_text="kWh the car wants by departure."
    )


class SlotSerializer(serializers.Serializer[Any]):
    slot_start = serializers.DateTimeField()
    power_kw = serializers.FloatField()


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    vehicle = serializers.IntegerField()
    state = serializers.CharField(help_text="planned, charging, done or short")
    plugged_in_at = serializers.DateTimeField()
    departure_at = serializers.DateTimeField()
    energy_needed_kwh = serializers.FloatField()
    delivered_kwh = serializers.FloatField(help_text="Reached the car so far.")
    expected_kwh = serializers.FloatField(
        allow_null=True, help_text="What the plan gives it by departure."
    )
    charging = SlotSerializer(many=True, help_text="The slots the plan charges it in.")


def _session_body(session: ChargeSession, vehicle: ElectricVehicle) -> dict[str, Any]:
    plan = vehicle_charging(vehicle=vehicle)
    charging = plan.charging if plan and plan.session.pk == session.pk else []
    return {
        "id": session.pk,
        "vehicle": vehicle.pk,
        "state": session.state,
        "plugged_in_at": session.plugged_in_at,
        "departure_at": session.departure_at,
        "energy_needed_kwh": float(session.energy_needed_kwh),
        "delivered_kwh": float(session.delivered_kwh),
        "expected_kwh": None if session.expected_kwh is None else float(session.expected_kwh),
        "charging": [{"slot_start": s.slot_start, "power_kw": s.power_kw} for s in charging],
    }


def _validated(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    serializer = SessionInputSerializer(data=body, partial=partial)
    unknown = sorted(set(body) - set(serializer.fields))
    if unknown:
        raise exceptions.ValidationError({key: ["Not a field of a session."] for key in unknown})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _open_session(vehicle: ElectricVehicle) -> ChargeSession:
    session = charge_session_open(vehicle=vehicle)
    if session is None:
        raise exceptions.NotFound("This car is not plugged in.")
    return session


class VehicleSessionApi(PartnerApi):
    """The car's charge session: plug-in (POST), its plan (GET), a changed departure or need
    (PATCH), unplugging (DELETE)."""

    partner_kinds = VEHICLES.partner_kinds
    partner_kinds_label = "EV makers"

    def _vehicle(self, vehicle_id: int) -> ElectricVehicle:
        asset = partner_asset_get(kind=VEHICLES, partner=self.partner, asset_id=vehicle_id)
        return cast(ElectricVehicle, asset)

    @extend_schema(
        tags=TAGS,
        summary="The car's session and what the plan gives it (EV makers)",
        responses={200: SessionSerializer, 404: OpenApiResponse(description="not plugged in")},
    )
    def get(self, request: Request, asset_id: int) -> Response:
        vehicle = self._vehicle(asset_id)
        return Response(SessionSerializer(_session_body(_open_session(vehicle), vehicle)).data)

    @extend_schema(
        tags=TAGS,
        summary="The car is plugged in (EV makers): a plan follows",
        request=SessionInputSerializer,
        responses={
            201: SessionSerializer,
            400: error_response("invalid: a departure in the past, the car already plugged in"),
            413: error_response("body_too_large"),
            415: error_response("not application/json"),
        },
    )
    def post(self, request: Request, asset_id: int) -> Response:
        vehicle = self._vehicle(asset_id)
        values = _validated(
            json_object_body(request, limit=settings.PARTNER_MAX_BODY_BYTES), partial=False
        )
        # A model refusal (departure before plug-in, already plugged in) is the handler's 400.
        session = charge_session_plug_in(
            vehicle=vehicle, source=ChargeSessionSource.PARTNER, **values
        )
        body = SessionSerializer(_session_body(session, vehicle)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="A changed departure or energy need (EV makers): a new plan follows",
        request=SessionInputSerializer,
        responses={200: SessionSerializer, 400: error_response("invalid")},
    )
    def patch(self, request: Request, asset_id: int) -> Response:
        vehicle = self._vehicle(asset_id)
        session = _open_session(vehicle)
        values = _validated(
            json_object_body(request, limit=settings.PARTNER_MAX_BODY_BYTES), partial=True
        )
        session = charge_session_update(session=session, **values)
        return Response(SessionSerializer(_session_body(session, vehicle)).data)

    @extend_schema(
        tags=TAGS,
        summary="The car is unplugged (EV makers)",
        request=None,
        responses={204: None, 404: OpenApiResponse(description="not plugged in")},
    )
    def delete(self, request: Request, asset_id: int) -> Response:
        vehicle = self._vehicle(asset_id)
        charge_session_unplug(session=_open_session(vehicle))
        return Response(status=status.HTTP_204_NO_CONTENT)
