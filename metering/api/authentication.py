"""``Authorization: Token <key>`` for meters and gateways."""

from typing import override

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from metering.models import DeviceToken
from metering.services.tokens import device_token_for_key

KEYWORD = "Token"
# Keys in URLs end up in proxy and access logs: a token there is refused outright.
QUERY_STRING_NAMES = {"token", "key", "access_token", "api_key"}


class DeviceTokenAuthentication(BaseAuthentication):
    @override
    def authenticate(self, request: Request) -> tuple[AnonymousUser, DeviceToken] | None:
        if QUERY_STRING_NAMES & set(request.query_params):
            raise exceptions.AuthenticationFailed(
                "Tokens are accepted only in the Authorization header, never in the URL."
            )
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Use: Authorization: Token <key>.")
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = device_token_for_key(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is unknown or revoked.")
        return AnonymousUser(), token

    @override
    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class DeviceTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents device tokens in the OpenAPI schema."""

    target_class = "metering.api.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    @override
    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key>: a meter's or a gateway's device token.",
        }
