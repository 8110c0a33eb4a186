"""The errors a process waits out instead of dying on: the database, the broker, the cache or
the mail server briefly unreachable or overloaded. Tasks retry on exactly these (HOUSE_STYLE:
retry only on named transient errors); long-running processes back off and try again."""

import contextlib
import logging
import random
import smtplib
import time
from collections.abc import Callable
from typing import Any

import django.db
import kombu.exceptions
import redis.exceptions

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    django.db.OperationalError,  # connection refused or lost, server shutting down, timeouts
    django.db.InterfaceError,  # a connection closed under us
    kombu.exceptions.OperationalError,  # the broker unreachable
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,  # OSError's refused / reset / aborted (the mail server down)
    TimeoutError,
)

# Celery options of a task that retries on them: back-off 1, 2, 4 … s up to 5 minutes, with
# jitter, for about an hour before giving up.
TASK_RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 20,
}

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0


def with_backoff[T](
    action: Callable[[], T],
    *,
    what: str,
    attempts: int | None = None,
    sleep: Callable[[float], Any] = time.sleep,
) -> T:
    """``action()``, retried on a transient error with exponential back-off (for ever unless
    ``attempts``). Between attempts the database connection is dropped, so the next one
    reconnects instead of reusing a broken one."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except TRANSIENT_ERRORS as exc:
            if attempts is not None and attempt >= attempts:
                raise
            delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (attempt - 1))
            delay *= random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)
            logger.warning(
                "%s failed (%s: %s); retry %d in %.1f s",
                what,
                type(exc).__name__,
                exc,
                attempt,
                delay,
            )
            _connections_drop()
            sleep(delay)


def _connections_drop() -> None:
    for connection in django.db.connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            # A broken one may fail to close: the next query opens a new one all the same.
            with contextlib.suppress(*TRANSIENT_ERRORS):
                connection.close()
