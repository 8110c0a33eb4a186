"""Settling the demo's history: slots, then the past months' invoices, resumable anywhere."""

import threading
from datetime import UTC, datetime

import pytest

import demo.settle
from billing.models import Invoice
from core.locks import advisory_lock_try
from demo.services import seed_demo
from demo.settle import history_lanes, history_months, history_settle_step, history_unsettled
from demo.tasks import HISTORY_SETTLE_LOCK
from households.models import Household
from metering.choices import BlockState
from metering.models import SlotBlock
from tests.concurrency import run_at_once

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
MONTHS = 2  # the demo bills twelve; two show the same on a test database


@pytest.fixture(autouse=True)
def two_months(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.settle, "HISTORY_MONTHS", MONTHS)
    # One rollup chunk a step: the chain then takes several steps over two days of history.
    monkeypatch.setattr(demo.settle, "ROLLUP_SECONDS_PER_STEP", 0.0)


def settle(steps: int | None = None) -> int:
    """Steps of every lane's chain in turn until none has work left (or ``steps`` were taken)."""
    done = 0
    busy = set(history_lanes())
    while busy and (steps is None or done < steps):
        for lane in sorted(busy):
            if not history_settle_step(lane=lane, now=NOW):
                busy.discard(lane)
            done += 1
        assert done < 500, "the chains do not end"
    return done


def invoices_by_month() -> dict[object, int]:
    return {m: Invoice.objects.filter(month=m).count() for m in history_months(now=NOW)}


@pytest.mark.django_db
def test_the_chain_settles_slots_then_every_month_and_ends(
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks() as enqueued:  # type: ignore[operator]
        seed_demo(now=NOW, history_days=2)
    assert len(enqueued) == 1  # the chains are started, one per lane
    assert history_unsettled(now=NOW)
    settle()
    households = Household.objects.count()
    assert not SlotBlock.objects.filter(state=BlockState.TODO).exists()
    assert invoices_by_month() == dict.fromkeys(history_months(now=NOW), households)
    assert not history_unsettled(now=NOW)
    assert not any(history_settle_step(lane=lane, now=NOW) for lane in history_lanes())
    with django_capture_on_commit_callbacks() as enqueued:  # type: ignore[operator]
        seed_demo(now=NOW, history_days=2)
    assert enqueued == []  # nothing left: no chain


@pytest.mark.django_db
def test_a_chain_stopped_half_way_is_completed_after_a_restart(
    django_capture_on_commit_callbacks: object,
) -> None:
    seed_demo(now=NOW, history_days=2)
    settle(steps=3)  # then the worker is killed
    assert history_unsettled(now=NOW)
    with django_capture_on_commit_callbacks() as enqueued:  # type: ignore[operator]
        seed_demo(now=NOW, history_days=2)  # the next `make run`
    assert len(enqueued) == 1
    settle()
    households = Household.objects.count()
    assert invoices_by_month() == dict.fromkeys(history_months(now=NOW), households)
    assert Invoice.objects.count() == MONTHS * households  # none twice


@pytest.mark.django_db(transaction=True)
def test_one_chain_at_a_time() -> None:
    seen: list[bool] = []

    def other_process() -> None:
        from django.db import connection

        with advisory_lock_try(HISTORY_SETTLE_LOCK) as held:
            seen.append(held)
        connection.close()

    with advisory_lock_try(HISTORY_SETTLE_LOCK) as held:
        assert held
        thread = threading.Thread(target=other_process)
        thread.start()
        thread.join()
    thread = threading.Thread(target=other_process)
    thread.start()
    thread.join()
    assert seen == [False, True]


@pytest.mark.django_db(transaction=True)
def test_the_lanes_settle_side_by_side_every_household_once() -> None:
    seed_demo(now=NOW, history_days=2)

    def lane_chain(lane: int) -> None:
        steps = 0
        while history_settle_step(lane=lane, now=NOW):
            steps += 1
            assert steps < 500, "the chain does not end"

    lanes = iter(history_lanes())
    assert len(history_lanes()) == 2
    assert run_at_once(lambda: lane_chain(next(lanes)), workers=2) == []
    households = Household.objects.count()
    assert not SlotBlock.objects.filter(state=BlockState.TODO).exists()
    assert invoices_by_month() == dict.fromkeys(history_months(now=NOW), households)
    assert Invoice.objects.count() == MONTHS * households
