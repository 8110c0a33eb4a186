"""Autarky states with hysteresis, and the notifications their changes send.

A subject (household or community) becomes autarkic when its autarky over the trailing window
reaches AUTARKY_ENTER and stops being so when it falls to AUTARKY_LEAVE; in between nothing
changes, so the state never flaps. Each change is counted (``transitions``) and the count keys
the notifications, so the same change never notifies twice, however often this runs.
"""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from households.models import Community, Household
from households.services import NotificationMessage, household_notify
from metering.choices import AutarkyLevel
from metering.models import AutarkyState, HouseholdSlot
from metering.selectors.autarky import autarky_ratio, community_autarky_of, community_slot_sums


def autarky_level_next(current: str, ratio: float | None) -> str:
    if ratio is None:
        return current
    if current != AutarkyLevel.AUTARKIC and ratio >= settings.AUTARKY_ENTER:
        return AutarkyLevel.AUTARKIC
    if current == AutarkyLevel.AUTARKIC and ratio <= settings.AUTARKY_LEAVE:
        return AutarkyLevel.NOT_AUTARKIC
    return current


def autarky_states_evaluate(*, now: datetime | None = None) -> int:
    """Evaluates every household and community over the trailing window; returns how many
    changed state."""
    now = now or timezone.now()
    start = now - timedelta(days=settings.AUTARKY_WINDOW_DAYS)
    window = HouseholdSlot.objects.filter(start__gte=start, start__lt=now)
    changes = 0
    per_household = window.values("household_id").annotate(
        imp=Sum("import_kwh"), used=Sum("consumption_kwh")
    )
    for row in per_household.order_by("household_id"):
        ratio = autarky_ratio(row["imp"], row["used"])
        changes += _apply(AutarkyState(household_id=row["household_id"]), ratio, now)
    per_slot: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for slot_row in community_slot_sums(start=start, end=now):
        per_slot[slot_row["household__community_id"]].append(slot_row)
    for community_id, rows in sorted(per_slot.items()):
        ratio = community_autarky_of(rows).ratio
        changes += _apply(AutarkyState(community_id=community_id), ratio, now)
    return changes


def _apply(subject: AutarkyState, ratio: float | None, now: datetime) -> int:
    """Moves one subject's state under a row lock; notifies on a change. 1 if it changed."""
    with transaction.atomic():
        lookup = (
            {"household_id": subject.household_id}
            if subject.household_id
            else {"community_id": subject.community_id}
        )
        AutarkyState.objects.get_or_create(**lookup)
        state = AutarkyState.objects.select_for_update().get(**lookup)
        level = autarky_level_next(state.level, ratio)
        changed = level != state.level
        state.ratio, state.evaluated_at = ratio, now
        if changed:
            state.level, state.changed_at = level, now
            state.transitions += 1
        state.save()
        if changed:
            _notify(state)
    return int(changed)


def _notify(state: AutarkyState) -> None:
    percent = f"{(state.ratio or 0) * 100:.0f}%"
    days = settings.AUTARKY_WINDOW_DAYS
    if state.household_id is not None:
        households = [state.household] if state.household else []
        subject, key = "Your home", f"autarky:household:{state.household_id}:{state.transitions}"
    else:
        community: Community = state.community  # type: ignore[assignment]
        households = list(Household.objects.filter(community=community))
        subject, key = (
            f"Your community {community}",
            (f"autarky:community:{state.community_id}:{state.transitions}"),
        )
    if state.level == AutarkyLevel.AUTARKIC:
        title = f"{subject} is now autarkic"
        body = (
            f"{subject} covered {percent} of its own consumption over the last {days} days: "
            "it is self-sufficient."
        )
    else:
        title = f"{subject} is no longer autarkic"
        body = (
            f"{subject} covered {percent} of its own consumption over the last {days} days, "
            "below the autarky threshold."
        )
    message = NotificationMessage(kind="autarky", title=title, body=body, dedupe_key=key)
    for household in households:
        household_notify(household=household, message=message)
