"""Notification e-mails when the mail server is down: retried with back-off by a real worker,
and swept up later when the retries ran out."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from households.models import Notification
from households.services import NotificationMessage, household_notify, notifications_email_pending
from tests.households.factories import HouseholdFactory, MembershipFactory
from tests.households.mail import RefusingThenAccepting

REFUSING = "tests.households.mail.RefusingThenAccepting"
WAIT_S = 60.0  # a loaded 2-core machine meets it; the back-offs add up to at most 7 s


def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def notify(email: str = "pierre@example.com") -> Notification:
    household = HouseholdFactory.create(community=None)
    MembershipFactory.create(household=household, user__email=email)
    message = NotificationMessage("autarky", "Your home is now autarkic", "Well done.", "k-1")
    return household_notify(household=household, message=message)[0]


@override_settings(EMAIL_BACKEND=REFUSING)
@pytest.mark.usefixtures("celery_worker")
def test_an_email_refused_three_times_is_sent_by_the_retries() -> None:
    RefusingThenAccepting.refusals_left, RefusingThenAccepting.refused = 3, 0
    notification = notify()
    wait_until(
        lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None,
        "the e-mail to be sent",
    )
    assert RefusingThenAccepting.refused == 3
    assert [m.to for m in mail.outbox] == [["pierre@example.com"]]


@pytest.mark.usefixtures("celery_worker")
def test_unsent_emails_are_sent_when_mail_comes_back() -> None:
    now = timezone.now()
    unsent = notify("a@example.com")
    too_young = notify("b@example.com")
    too_old = notify("c@example.com")
    wait_until(lambda: len(mail.outbox) == 3, "the first e-mails")
    mail.outbox.clear()
    # As if the mail server had refused them past the task's retries.
    Notification.objects.update(emailed_at=None)
    Notification.objects.filter(pk=unsent.pk).update(created_at=now - timedelta(minutes=10))
    Notification.objects.filter(pk=too_young.pk).update(created_at=now - timedelta(minutes=1))
    Notification.objects.filter(pk=too_old.pk).update(created_at=now - timedelta(days=8))

    assert notifications_email_pending(now=now) == 1
    wait_until(lambda: len(mail.outbox) == 1, "the swept e-mail")
    assert mail.outbox[0].to == ["a@example.com"]
    assert Notification.objects.get(pk=unsent.pk).emailed_at is not None
    assert notifications_email_pending(now=now) == 0
