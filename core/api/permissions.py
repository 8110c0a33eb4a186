"""Permissions shared by the APIs."""

from typing import override

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.exceptions import ApplicationError


class NotAuthenticatedError(ApplicationError):
    code = "not_authenticated"
    http_status = 401


class JoiOpenOrRefused(BasePermission):
    """The JOI-compatible endpoints are open in the demo (``JOI_OPEN``), like the reference;
    elsewhere they need a meter token."""

    @override
    def has_permission(self, request: Request, view: APIView) -> bool:
        if settings.JOI_OPEN:
            return True
        raise NotAuthenticatedError("A meter token is required: Authorization: Token <key>.")
