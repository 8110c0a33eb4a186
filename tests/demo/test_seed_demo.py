from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from demo.services import HISTORY_INTERVAL, seed_demo
from households.models import Community, Household, Membership
from metering.choices import MeterKind
from metering.models import Meter, Reading
from pricing.models import PlanVersion, Subscription

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
HISTORY_DAYS = 2  # the command loads a year; two days show the same on a test database


def table_snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "communities": list(Community.objects.values_list("pk", "name")),
        "households": list(Household.objects.values_list("pk", "name", "community_id")),
        "members": list(Membership.objects.values_list("household_id", "user__username")),
        "meters": list(Meter.objects.values_list("pk", "meter_id", "kind", "household_id")),
        "plans": list(PlanVersion.objects.values_list("plan__plan_id", "energy_rate")),
        "subscriptions": list(Subscription.objects.values_list("household_id", "price_plan_id")),
        "readings": list(Reading.objects.values_list("meter_id", "time", "power_kw")),
        "users": list(get_user_model().objects.values_list("username", "is_staff")),
    }


def test_seeding_twice_changes_nothing() -> None:
    seed_demo(now=NOW, history_days=HISTORY_DAYS)
    first = table_snapshot()
    report = seed_demo(now=NOW, history_days=HISTORY_DAYS)
    assert table_snapshot() == first
    assert report.readings_added == 0


def readings_by_meter() -> dict[int, dict[datetime, float]]:
    readings: dict[int, dict[datetime, float]] = {}
    for meter_pk, time, power in Reading.objects.values_list("meter_id", "time", "power_kw"):
        readings.setdefault(meter_pk, {})[time] = float(power)
    return readings


def test_a_later_start_fills_the_time_the_demo_was_down() -> None:
    seed_demo(now=NOW, history_days=HISTORY_DAYS)
    report = seed_demo(now=NOW + timedelta(hours=1), history_days=HISTORY_DAYS)
    assert report.readings_added == Meter.objects.count() * 4
    for times in readings_by_meter().values():
        ordered = sorted(times)
        assert ordered[-1] == NOW + timedelta(hours=1)
        assert {b - a for a, b in pairwise(ordered)} == {HISTORY_INTERVAL}


def test_a_load_stopped_half_way_is_completed_by_the_next_start() -> None:
    seed_demo(now=NOW, history_days=HISTORY_DAYS)
    complete = readings_by_meter()
    meters = list(Meter.objects.order_by("pk"))
    # As if the load had been killed: the last day missing for some meters, all for one.
    Reading.objects.filter(meter__in=meters[::2], time__gt=NOW - timedelta(days=1)).delete()
    Reading.objects.filter(meter=meters[1]).delete()

    seed_demo(now=NOW, history_days=HISTORY_DAYS)

    resumed = readings_by_meter()
    assert {pk: set(times) for pk, times in resumed.items()} == {
        pk: set(times) for pk, times in complete.items()
    }
    # Consumption and sun are functions of the instant: the same values as an unbroken load
    # (a battery or a car starts afresh, so their homes' values may differ).
    plain = Meter.objects.exclude(
        household__meters__kind__in=[MeterKind.BATTERY, MeterKind.EV]
    ).values_list("pk", flat=True)
    assert plain
    assert {pk: resumed[pk] for pk in plain} == {pk: complete[pk] for pk in plain}


def test_the_trial_accounts_and_the_town() -> None:
    seed_demo(now=NOW, history_days=HISTORY_DAYS)
    expected = {
        "sarah": ("smart-meter-0", "price-plan-0"),
        "peter": ("smart-meter-1", "price-plan-1"),
        "charlie": ("smart-meter-2", "price-plan-0"),
        "andrea": ("smart-meter-3", "price-plan-2"),
        "alex": ("smart-meter-4", "price-plan-1"),
    }
    for username, (meter_id, plan_id) in expected.items():
        household = Household.objects.get(memberships__user__username=username)
        assert household.meters.get().meter_id == meter_id
        assert household.subscriptions.get().price_plan.plan_id == plan_id
        readings = Reading.objects.filter(meter__meter_id=meter_id).order_by("time")
        times = list(readings.values_list("time", flat=True))
        assert len(times) == HISTORY_DAYS * 96
        assert times[-1] == NOW
        assert {b - a for a, b in pairwise(times)} == {HISTORY_INTERVAL}
    pierre_and_marie = Household.objects.get(memberships__user__username="pierre")
    assert set(pierre_and_marie.members.values_list("username", flat=True)) == {"pierre", "marie"}
    assert Household.objects.count() == 100
    assert Community.objects.count() >= 2
    assert Meter.objects.filter(kind="production").count() > 10
    assert Meter.objects.filter(kind="battery").count() > 5
    assert Meter.objects.filter(kind="ev").count() > 5
    every_meter = Meter.objects.count() * HISTORY_DAYS * 96
    assert Reading.objects.count() == every_meter
    rates = dict(PlanVersion.objects.values_list("plan__plan_id", "energy_rate"))
    assert rates["price-plan-2"] < rates["price-plan-1"] < rates["price-plan-0"]
    users = get_user_model().objects
    assert users.get(username="charles").is_superuser
    nikola = users.get(username="nikola")
    assert nikola.is_staff
    assert not nikola.is_superuser
    assert nikola.has_perm("metering.view_meter")


@override_settings(DEMO_USERS_ALLOWED=False)
def test_without_demo_users_allowed_no_user_is_created() -> None:
    report = seed_demo(now=NOW, history_days=HISTORY_DAYS)
    assert not report.users_created
    assert get_user_model().objects.count() == 0
    assert Household.objects.count() == 100
