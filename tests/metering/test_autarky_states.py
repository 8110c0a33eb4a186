"""Autarky states: hysteresis, one notification per transition, only to members, e-mailed."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings

from households.models import Household, Notification
from metering.choices import AutarkyLevel
from metering.models import AutarkyState, HouseholdSlot
from metering.services.autarky import autarky_level_next, autarky_states_evaluate
from tests.households.factories import CommunityFactory, HouseholdFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def set_autarky(household: Household, ratio: float) -> None:
    """One slot in the trailing window whose autarky is ``ratio`` (4 kWh consumed)."""
    HouseholdSlot.objects.update_or_create(
        household=household,
        start=NOW - timedelta(hours=1),
        defaults={
            "import_kwh": Decimal(4) * Decimal(str(1 - ratio)),
            "consumption_kwh": Decimal(4),
            "production_kwh": Decimal(4) * Decimal(str(ratio)),
        },
    )


@pytest.mark.parametrize(
    ("current", "ratio", "expected"),
    [
        (AutarkyLevel.NOT_AUTARKIC, 0.94, AutarkyLevel.NOT_AUTARKIC),
        (AutarkyLevel.NOT_AUTARKIC, 0.95, AutarkyLevel.AUTARKIC),
        (AutarkyLevel.AUTARKIC, 0.86, AutarkyLevel.AUTARKIC),
        (AutarkyLevel.AUTARKIC, 0.85, AutarkyLevel.NOT_AUTARKIC),
        (AutarkyLevel.AUTARKIC, None, AutarkyLevel.AUTARKIC),
    ],
)
def test_hysteresis(current: str, ratio: float | None, expected: str) -> None:
    assert autarky_level_next(current, ratio) == expected


@override_settings(AUTARKY_ENTER=0.9, AUTARKY_LEAVE=0.5)
def test_thresholds_are_configurable() -> None:
    assert autarky_level_next(AutarkyLevel.NOT_AUTARKIC, 0.91) == AutarkyLevel.AUTARKIC
    assert autarky_level_next(AutarkyLevel.AUTARKIC, 0.6) == AutarkyLevel.AUTARKIC


def test_each_transition_notifies_the_members_once() -> None:
    household = HouseholdFactory.create(community=None)
    pierre = MembershipFactory.create(household=household, user__email="pierre@example.com").user
    marie = MembershipFactory.create(household=household, user__email="marie@example.com").user
    stranger = MembershipFactory.create().user

    set_autarky(household, 0.97)
    assert autarky_states_evaluate(now=NOW) == 1
    assert autarky_states_evaluate(now=NOW) == 0  # the same transition: nothing new
    state = AutarkyState.objects.get(household=household)
    assert (state.level, state.transitions) == (AutarkyLevel.AUTARKIC, 1)
    notes = Notification.objects.filter(household=household)
    assert sorted(n.user_id for n in notes) == sorted([pierre.pk, marie.pk])
    assert not Notification.objects.filter(user=stranger).exists()
    assert notes.first().title == "Your home is now autarkic"  # type: ignore[union-attr]

    set_autarky(household, 0.90)  # between the thresholds: no flapping
    assert autarky_states_evaluate(now=NOW) == 0
    set_autarky(household, 0.80)
    assert autarky_states_evaluate(now=NOW) == 1
    assert Notification.objects.filter(user=pierre).count() == 2
    assert Notification.objects.filter(user=pierre, title__contains="no longer").count() == 1


@pytest.mark.usefixtures("celery_worker")
def test_members_are_emailed_through_the_worker() -> None:
    household = HouseholdFactory.create(community=None)
    for email in ("pierre@example.com", "marie@example.com"):
        MembershipFactory.create(household=household, user__email=email)
    set_autarky(household, 0.97)
    autarky_states_evaluate(now=NOW)  # commits: the e-mail tasks go to the broker
    deadline = time.monotonic() + 20
    while len(mail.outbox) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(m.to[0] for m in mail.outbox) == ["marie@example.com", "pierre@example.com"]
    assert mail.outbox[0].subject == "[Smartrix] Your home is now autarkic"
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_email_is_sent_once_even_if_the_task_runs_twice() -> None:
    from households.services import notification_email

    household = HouseholdFactory.create(community=None)
    MembershipFactory.create(household=household, user__email="p@example.com")
    set_autarky(household, 1.0)
    autarky_states_evaluate(now=NOW)
    notification = Notification.objects.get()
    assert notification_email(notification=notification) is True
    assert notification_email(notification=notification) is False
    assert len(mail.outbox) == 1


def test_a_community_change_notifies_every_member_household() -> None:
    community = CommunityFactory.create(name="Riverside")
    first = HouseholdFactory.create(community=community)
    second = HouseholdFactory.create(community=community)
    outsider = HouseholdFactory.create()
    for household in (first, second, outsider):
        MembershipFactory.create(household=household)
    set_autarky(first, 1.0)
    set_autarky(second, 0.96)
    set_autarky(outsider, 0.1)
    autarky_states_evaluate(now=NOW)
    state = AutarkyState.objects.get(community=community)
    assert state.level == AutarkyLevel.AUTARKIC
    about_community = Notification.objects.filter(dedupe_key__startswith="autarky:community")
    assert {n.household_id for n in about_community} == {first.pk, second.pk}
    assert about_community.first().title == "Your community Riverside is now autarkic"  # type: ignore[union-attr]


def test_the_command_evaluates_every_state_now_and_says_how_many_changed() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    household = HouseholdFactory.create(community=None)
    HouseholdSlot.objects.create(
        household=household,
        start=timezone.now() - timedelta(hours=1),
        import_kwh=Decimal("0.1"),
        consumption_kwh=Decimal(4),
        production_kwh=Decimal("3.9"),
    )
    out = StringIO()
    call_command("autarky_evaluate", stdout=out)
    assert out.getvalue().strip() == "1 autarky state(s) changed."
    state = AutarkyState.objects.get(household=household)
    assert state.level == AutarkyLevel.AUTARKIC
    assert state.ratio == pytest.approx(0.975)
    out = StringIO()
    call_command("autarky_evaluate", stdout=out)
    assert out.getvalue().strip() == "0 autarky state(s) changed."
