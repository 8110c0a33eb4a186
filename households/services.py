"""Writes of the households domain."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.tokens import key_hash, key_new
from households.exceptions import AssetNotFoundError
from households.models import (
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Household,
    Notification,
    Partner,
    PartnerToken,
)

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


# --- What the members set on their installation ("My installation") -----------------------------
# Each write locks the one asset of the household, validates the whole row (full_clean: the
# model's rules, e.g. a need above the car's battery) and saves only what it changed; an invalid
# value raises django's ValidationError naming the field, and nothing is written.


def vehicle_plan_set(
    *,
    household: Household,
    vehicle_id: int,
    usual_departure: time | None,
    usual_energy_need_kwh: Decimal | None,
) -> ElectricVehicle:
    """The car's usual departure (local time) and the energy it usually needs by then (kWh)."""
    with transaction.atomic():
        vehicle = _locked(ElectricVehicle, household=household, asset_id=vehicle_id)
        vehicle.usual_departure = usual_departure
        # Nullable: the model's field helper types it as a plain Decimal.
        vehicle.usual_energy_need_kwh = usual_energy_need_kwh  # type: ignore[assignment]
        vehicle.full_clean()
        vehicle.save(update_fields=["usual_departure", "usual_energy_need_kwh", "updated_at"])
    return vehicle


def battery_preferences_set(
    *, household: Household, battery_id: int, reserve_share: Decimal, vpp_opt_in: bool
) -> HomeBattery:
    """The share of the battery the household keeps for itself (a fraction in [0, 1)) and
    whether it takes part in the virtual power plant."""
    with transaction.atomic():
        battery = _locked(HomeBattery, household=household, asset_id=battery_id)
        battery.reserve_share = reserve_share
        battery.vpp_opt_in = vpp_opt_in
        battery.full_clean()
        battery.save(update_fields=["reserve_share", "vpp_opt_in", "updated_at"])
    return battery


def flexible_load_consent_set(
    *, household: Household, load_id: int, curtailment_consent: bool
) -> FlexibleLoad:
    """Whether the grid may switch the load off (within its allowances)."""
    with transaction.atomic():
        load = _locked(FlexibleLoad, household=household, asset_id=load_id)
        load.curtailment_consent = curtailment_consent
        load.full_clean()
        load.save(update_fields=["curtailment_consent", "updated_at"])
    return load


def _locked[Asset: (ElectricVehicle, HomeBattery, FlexibleLoad)](
    model: type[Asset], *, household: Household, asset_id: int
) -> Asset:
    asset = (
        model.objects.select_for_update(of=("self",))
        .select_related("household")
        .filter(household=household, pk=asset_id)
        .first()
    )
    if asset is None:
        raise AssetNotFoundError(f"No such {model._meta.verbose_name} at this household.")
    return asset
