"""The OpenAPI schema's error answers, read off each view rather than repeated on every one.

Every error has one body (core.api.exception_handler); which statuses an operation can answer
follows from what the view is made of:
- 400 when it reads a request body or query parameters (filters included);
- 401 when one of its authentications challenges (a device or partner token); a session alone
  answers 403, as DRF does when it has no WWW-Authenticate to send;
- 403 unless anyone may call it (no or another's credentials, a missing CSRF token, not staff);
- 404 when its path names an object (unknown, or not the caller's);
- 429 when it is throttled.
409, 413 and 415 come from what a view does with its body: views declare them with
``error_response``.
"""

from typing import Any, Literal, override

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(help_text="stable machine code, e.g. invalid_period")
    message = serializers.CharField(help_text="for people; names the field as sent")
    extra = serializers.DictField(help_text="details: field, fields, limit, conflicts...")


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class AutoSchema(SpectacularAutoSchema):
    @override
    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status, description in self._error_statuses().items():
            responses.setdefault(str(status), {"description": description})
        for code, given in responses.items():
            if code.startswith(("4", "5")) and "content" not in given:
                # An error a view declares with a description only gets the error body.
                responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    error_response(given["description"]), code, direction=direction
                )
        return dict(sorted(responses.items()))

    def _error_statuses(self) -> dict[int, str]:
        view = self.view
        statuses: dict[int, str] = {}
        takes_body = self.method in {"POST", "PUT", "PATCH"} and self.get_request_serializer()
        filters = self._get_filter_parameters()  # type: ignore[no-untyped-call]
        if takes_body or filters or self._query_overrides():
            statuses[400] = "bad input; the message names the field or parameter"
        authenticators = view.get_authenticators()
        if any(auth.authenticate_header(view.request) for auth in authenticators):
            statuses[401] = (
                "missing, unknown or revoked token (device or partner), or a token in the URL"
            )
        if not all(isinstance(p, AllowAny) for p in view.get_permissions()):
            statuses[403] = "not logged in (sessions answer 403), not allowed, or no CSRF token"
        if "{" in self.path:
            statuses[404] = "nothing there, or not yours"
        if view.get_throttles():
            statuses[429] = "rate limit; see Retry-After"
        return statuses

    def _query_overrides(self) -> bool:
        return any(
            getattr(parameter, "location", None) == "query"
            for parameter in self.get_override_parameters()
        )
