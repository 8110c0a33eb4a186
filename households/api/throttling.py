"""Rate limits of the partner API (DRF's throttles over the shared cache): requests per partner
token, and refused partner keys per client address (counted by the authentication, which
answers 429 once an address has used up its attempts)."""

from typing import override

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from households.models import PartnerToken


class PartnerTokenRateThrottle(SimpleRateThrottle):
    scope = "partner_token"

    @override
    def get_rate(self) -> str:
        return str(settings.PARTNER_TOKEN_RATE)

    @override
    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, PartnerToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class RefusedPartnerTokenRateThrottle(SimpleRateThrottle):
    """Counts refused partner keys per client address; called by the authentication, not DRF.
    (The same shape as metering's RefusedTokenRateThrottle, which households cannot import.)"""

    scope = "refused_partner_token"
    # Set by SimpleRateThrottle.__init__ from the rate; missing from the stubs.
    num_requests: int
    duration: int

    @override
    def get_rate(self) -> str:
        return str(settings.PARTNER_REFUSED_TOKEN_RATE)

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
