"""Device tokens: created with their key shown once, found by the key's hash, revoked."""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.tokens import key_hash, key_new
from households.models import Household
from households.services import NotificationMessage, household_notify
from metering.exceptions import MeterTokenScopeError, NoMetersError
from metering.models import DeviceToken, Meter

logger = logging.getLogger(__name__)

KEY_PREFIX = "smx_"
# last_used_at is a hint for admins; writing it on every request would cost a write per post.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def device_token_create(
    *, meters: Sequence[Meter], name: str, gateway: bool = False
) -> tuple[DeviceToken, str]:
    """A new token and its key; the key is not stored and cannot be shown again."""
    if not meters:
        raise NoMetersError("A token must list at least one meter.")
    if not gateway and len(meters) != 1:
        raise MeterTokenScopeError(
            "A meter token belongs to exactly one meter; use a gateway token for several."
        )
    key = key_new(KEY_PREFIX)
    with transaction.atomic():
        token = DeviceToken.objects.create(
            name=name, key_prefix=key[:12], key_hash=key_hash(key), is_gateway=gateway
        )
        token.meters.set(meters)
    return token, key


def device_token_revoke(*, token: DeviceToken) -> DeviceToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def device_token_revoke_leaked(*, key: str) -> DeviceToken | None:
    """Revokes the active token with this key, which was sent where it gets logged (a URL), and
    tells the households of its meters; None when no active token has this key."""
    with transaction.atomic():
        token = (
            DeviceToken.objects.select_for_update()
            .filter(key_hash=key_hash(key), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        device_token_revoke(token=token)
        message = NotificationMessage(
            kind="device_token_revoked",
            title=f"Device token {token.key_prefix}… revoked",
            body=(
                f"The device token {token.name!r} ({token.key_prefix}…) was sent in a web "
                "address, where proxies and logs keep it, so it no longer works. Ask your "
                "energy company for a new token and configure the device to send it in the "
                "Authorization header."
            ),
            dedupe_key=f"device-token-revoked:{token.pk}",
        )
        for household in Household.objects.filter(meters__tokens=token).distinct():
            household_notify(household=household, message=message)
    # The prefix names the token to the admin (DeviceToken admin); the key itself is never logged.
    logger.warning(
        "device token %s (%s…) revoked: its key was sent in a URL", token.pk, token.key_prefix
    )
    return token


def device_token_for_key(*, key: str) -> DeviceToken | None:
    """The active token with this key, or None; notes when it was last used."""
    token = DeviceToken.objects.filter(key_hash=key_hash(key), revoked_at__isnull=True).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            DeviceToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def device_token_covers(*, token: DeviceToken, meter_id: str) -> bool:
    return token.meters.filter(meter_id=meter_id).exists()
