"""One error body for the whole API: {"code": "...", "message": "...", "extra": {...}}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError


def error_body(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "extra": extra or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.extra), status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(
            error_body("invalid", "The request is not valid.", {"fields": fields}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, ProtectedError):
        return Response(
            error_body("protected", "Other records still refer to this one."),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # unknown exceptions stay 500 and are reported
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", "The request is not valid.", {"fields": response.data}
        )
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = error_body(
            exc.default_code if not hasattr(detail, "code") else str(detail.code),
            str(detail),
        )
    return response
