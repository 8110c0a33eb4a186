"""Writes of the households domain."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.tokens import key_hash, key_new
from households.models import Household, Notification, Partner, PartnerToken

# A notification's e-mail not sent after this long is sent again; one older than FOR is let go
# (news of a week ago is no longer worth an e-mail).
EMAIL_PENDING_AFTER = timedelta(minutes=5)
EMAIL_PENDING_FOR = timedelta(days=7)
# Sent by name: households.tasks runs these services, so importing the task here would close an
# import cycle.
NOTIFICATION_EMAIL_TASK = "households.notification_email"


@dataclass(frozen=True, slots=True)
class NotificationMessage:
    kind: str
    title: str
    body: str
    dedupe_key: str


def household_notify(*, household: Household, message: NotificationMessage) -> list[Notification]:
    """One notification per member of the household, once per event; e-mails after commit."""
    created = []
    with transaction.atomic():
        for user in household.members.all():
            notification, is_new = Notification.objects.get_or_create(
                user=user,
                dedupe_key=message.dedupe_key,
                defaults={
                    "household": household,
                    "kind": message.kind,
                    "title": message.title,
                    "body": message.body,
                },
            )
            if is_new:
                created.append(notification)
    for notification in created:
        transaction.on_commit(partial(_email_later, notification.pk))
    return created


def _email_later(notification_id: int) -> None:
    current_app.send_task(NOTIFICATION_EMAIL_TASK, args=[notification_id])


def notification_email(*, notification: Notification) -> bool:
    """Sends the notification by e-mail unless it was sent already; True when sent now."""
    with transaction.atomic():
        locked = (
            Notification.objects.select_for_update().select_related("user").get(pk=notification.pk)
        )
        if locked.emailed_at is not None or not locked.user.email:
            return False
        send_mail(
            subject=f"[Smartrix] {locked.title}",
            message=locked.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[locked.user.email],
        )
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at", "updated_at"])
    return True


def notifications_email_pending(*, now: datetime | None = None) -> int:
    """Enqueues the e-mail of every notification whose e-mail is still unsent (the mail server
    was down past the task's retries, or a worker lost the task). Returns how many. Only those
    older than EMAIL_PENDING_AFTER: younger ones are still in their first task's hands."""
    now = now or timezone.now()
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=now - EMAIL_PENDING_AFTER,
            created_at__gte=now - EMAIL_PENDING_FOR,
        )
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )
    for notification_id in pending:
        _email_later(notification_id)
    return len(pending)


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


PARTNER_KEY_PREFIX = "smxp_"


def partner_token_create(*, partner: Partner, name: str) -> tuple[PartnerToken, str]:
    """A new API token of a partner and its key; only the key's hash is stored."""
    key = key_new(PARTNER_KEY_PREFIX)
    token = PartnerToken.objects.create(partner=partner, name=name, key_hash=key_hash(key))
    return token, key


# last_used_at is a hint for admins, written at most this often (as for device tokens).
PARTNER_TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=5)


def partner_token_authenticate(*, key: str) -> PartnerToken | None:
    """The live token with this key, or None (unknown or revoked); notes when it was used."""
    token = (
        PartnerToken.objects.select_related("partner")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if (
            token.last_used_at is None
            or now - token.last_used_at > PARTNER_TOKEN_LAST_USED_RESOLUTION
        ):
            PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def partner_token_revoke(*, token: PartnerToken) -> PartnerToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def partner_token_revoke_leaked(*, key: str) -> PartnerToken | None:
    """Revokes the live token with this key, which was sent where it gets logged (a URL)."""
    with transaction.atomic():
        token = (
            PartnerToken.objects.select_for_update()
            .filter(key_hash=key_hash(key), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        return partner_token_revoke(token=token)
