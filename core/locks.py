"""Locks across processes, in the database every process already shares."""

import contextlib
from collections.abc import Iterator

from django.db import connection

from core.transient import TRANSIENT_ERRORS


@contextlib.contextmanager
def advisory_lock_try(key: int) -> Iterator[bool]:
    """Holds PostgreSQL's session advisory lock ``key`` if no one else does; yields whether it
    got it. A process that dies loses the lock with its connection, so a stale holder never
    blocks the next one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            # A connection lost meanwhile took the lock with it.
            with contextlib.suppress(*TRANSIENT_ERRORS), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
