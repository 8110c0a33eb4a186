"""A rate limit per device token (DRF's throttle over the shared cache)."""

from typing import override

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from metering.models import DeviceToken


class DeviceTokenRateThrottle(SimpleRateThrottle):
    scope = "device_token"

    @override
    def get_rate(self) -> str:
        return str(settings.METERING_TOKEN_RATE)

    @override
    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, DeviceToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
