"""Who may write or read a meter's readings through the device-facing APIs."""

from typing import override

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from metering.models import DeviceToken
from metering.services.tokens import device_token_covers


def device_token_check_scope(request: Request, meter_id: str) -> None:
    """403 unless the request's token lists this meter."""
    token = request.auth
    if not isinstance(token, DeviceToken) or not device_token_covers(
        token=token, meter_id=meter_id
    ):
        raise exceptions.PermissionDenied(f"This token may not access meter {meter_id!r}.")


class HasDeviceToken(BasePermission):
    @override
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, DeviceToken):
            raise exceptions.NotAuthenticated("A device token is required: Token <key>.")
        return True


class JoiOpenOrDeviceToken(BasePermission):
    """The JOI-compatible endpoints are open in the demo (``JOI_OPEN``), like the reference;
    otherwise they need a token for the meter named in the request."""

    @override
    def has_permission(self, request: Request, view: APIView) -> bool:
        if settings.JOI_OPEN:
            return True
        return HasDeviceToken().has_permission(request, view)


def joi_check_meter(request: Request, meter_id: str) -> None:
    """Outside the open demo, a JOI request may touch only its token's meters."""
    if not settings.JOI_OPEN:
        device_token_check_scope(request, meter_id)
