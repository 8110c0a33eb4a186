"""Rate limits of the device-facing APIs (DRF's throttles over the shared cache).

- writes: per device token;
- the heavy reads (JOI readings, compare-all, recommend): per token, or per client address when
  the open demo takes requests without one;
- refused credentials (unknown, revoked or malformed keys): per client address, counted by the
  authentication, which answers 429 once an address has used up its attempts.
"""

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


class DeviceReadRateThrottle(SimpleRateThrottle):
    scope = "device_read"

    @override
    def get_rate(self) -> str:
        return str(settings.METERING_READ_RATE)

    @override
    def get_cache_key(self, request: Request, view: APIView) -> str:
        if isinstance(request.auth, DeviceToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RefusedTokenRateThrottle(SimpleRateThrottle):
    """Counts refused credentials per client address; called by the authentication, not DRF."""

    scope = "refused_token"
    # Set by SimpleRateThrottle.__init__ from the rate; missing from the stubs.
    num_requests: int
    duration: int

    @override
    def get_rate(self) -> str:
        return str(settings.METERING_REFUSED_TOKEN_RATE)

    @override
    def get_cache_key(self, request: Request, view: APIView | None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request: Request) -> bool:
        """Whether this address has no attempts left; records nothing."""
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def refused(self, request: Request) -> bool:
        """Counts one refusal from this address; False when it had no attempts left."""
        if self.exhausted(request):
            return False
        return bool(self.throttle_success())
