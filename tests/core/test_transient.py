"""Waiting out transient errors: which errors, how often, and what is given up."""

import pytest
from django.db import OperationalError

from core.transient import with_backoff


def flaky(failures: int, error: Exception) -> tuple[list[int], object]:
    calls: list[int] = []

    def action() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return "done"

    return calls, action


def test_a_transient_error_is_retried_with_growing_pauses() -> None:
    calls, action = flaky(3, OperationalError("server closed the connection"))
    pauses: list[float] = []
    assert with_backoff(action, what="test", sleep=pauses.append) == "done"  # type: ignore[arg-type]
    assert len(calls) == 4
    assert len(pauses) == 3
    assert [round(p / 2**i, 6) for i, p in enumerate(pauses)] == pytest.approx([0.75] * 3, abs=0.25)


def test_an_error_that_is_not_transient_is_raised_at_once() -> None:
    calls, action = flaky(1, ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        with_backoff(action, what="test", sleep=lambda _: None)  # type: ignore[arg-type]
    assert len(calls) == 1


def test_attempts_bound_the_retries() -> None:
    calls, action = flaky(5, ConnectionRefusedError(111, "refused"))
    with pytest.raises(ConnectionRefusedError):
        with_backoff(action, what="test", attempts=3, sleep=lambda _: None)  # type: ignore[arg-type]
    assert len(calls) == 3
