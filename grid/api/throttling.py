"""The partner API's rate limit: per partner token, or per staff user on a session."""

from typing import override

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from households.models import PartnerToken


class PartnerRateThrottle(SimpleRateThrottle):
    scope = "partner"

    @override
    def get_rate(self) -> str:
        return str(settings.PARTNER_API_RATE)

    @override
    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, PartnerToken):
            ident = f"token-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
