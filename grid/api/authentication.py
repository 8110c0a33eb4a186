"""``Authorization: Token smxp_<key>`` for partner companies (households.PartnerToken)."""

from typing import NoReturn, override

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from core.redaction import URL_SECRET_NAMES
from households.models import PartnerToken
from households.services import (
    PARTNER_KEY_PREFIX,
    partner_token_authenticate,
    partner_token_revoke_leaked,
)
from metering.api.throttling import RefusedTokenRateThrottle

KEYWORD = "Token"


class PartnerTokenAuthentication(BaseAuthentication):
    """Takes only partner keys (``smxp_``): a device key is refused here, as a partner key is
    on the meter endpoints. Refused keys count against the client's address, shared with the
    device API (RefusedTokenRateThrottle), so keys cannot be tried by the thousand."""

    @override
    def authenticate(self, request: Request) -> tuple[AnonymousUser, PartnerToken] | None:
        # Keys in URLs end up in proxy and access logs: such a key is refused and revoked.
        leaked = [
            value
            for name in URL_SECRET_NAMES & set(request.query_params)
            for value in request.query_params.getlist(name)
        ]
        if leaked:
            for key in leaked:
                partner_token_revoke_leaked(key=key)
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
            _refuse(request, f"Use: Authorization: Token {PARTNER_KEY_PREFIX}<key>.")
        try:
            key = header[1].decode()
        except UnicodeError:
            _refuse(request, "The token is not valid.")
        if not key.startswith(PARTNER_KEY_PREFIX):
            _refuse(request, f"The partner API takes a partner token ({PARTNER_KEY_PREFIX}…).")
        token = partner_token_authenticate(key=key)
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


class PartnerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents partner tokens in the OpenAPI schema."""

    target_class = "grid.api.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    @override
    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"Token {PARTNER_KEY_PREFIX}<key>: a partner company's API token.",
        }
