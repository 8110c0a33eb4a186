"""``Authorization: Token <key>`` for meters and gateways."""

from typing import NoReturn, override

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from core.redaction import URL_SECRET_NAMES
from households.services import PARTNER_KEY_PREFIX
from metering.api.throttling import RefusedTokenRateThrottle
from metering.models import DeviceToken
from metering.services.tokens import device_token_for_key, device_token_revoke_leaked

KEYWORD = "Token"


class DeviceTokenAuthentication(BaseAuthentication):
    """A refused key counts against the client's address (RefusedTokenRateThrottle): past the
    limit every key from that address gets 429, so keys cannot be tried by the thousand."""

    @override
    def authenticate(self, request: Request) -> tuple[AnonymousUser, DeviceToken] | None:
        # Keys in URLs end up in proxy and access logs: such a key is refused and revoked.
        leaked = [
            value
            for name in URL_SECRET_NAMES & set(request.query_params)
            for value in request.query_params.getlist(name)
        ]
        if leaked:
            for key in leaked:
                device_token_revoke_leaked(key=key)
            _refuse(
                request,
                "Tokens are accepted only in the Authorization header, never in the URL; "
                "a token sent in a URL is revoked.",
            )
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        throttle = RefusedTokenRateThrottle()
        if throttle.exhausted(request):
            raise exceptions.Throttled(wait=throttle.wait())
        if len(header) != 2:
            _refuse(request, "Use: Authorization: Token <key>.")
        try:
            key = header[1].decode()
        except UnicodeError:
            _refuse(request, "The token is not valid.")
        if key.startswith(PARTNER_KEY_PREFIX):
            _refuse(request, "A partner token cannot read or write meters: use a device token.")
        token = device_token_for_key(key=key)
        if token is None:
            _refuse(request, "The token is unknown or revoked.")
        return AnonymousUser(), token

    @override
    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def _refuse(request: Request, message: str) -> NoReturn:
    """401, or 429 once the client's address has used up its refused attempts."""
    throttle = RefusedTokenRateThrottle()
    if not throttle.refused(request):
        raise exceptions.Throttled(wait=throttle.wait())
    raise exceptions.AuthenticationFailed(message)


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
