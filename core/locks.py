"""Locks across processes, in the database every process already shares."""

import contextlib
from collections.abc import Iterable, Iterator

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


def advisory_xact_locks(namespace: int, ids: Iterable[int]) -> None:
    """Takes PostgreSQL's transaction advisory locks (``namespace``, id) for ``ids``, waiting
    for each, in id order: two transactions that lock overlapping sets this way take turns and
    never deadlock. They are released at commit or rollback."""
    with connection.cursor() as cursor:
        # A volatile function in the target list is evaluated after ORDER BY: in id order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id ORDER BY id",
            [namespace, sorted(set(ids))],
        )


def advisory_xact_locks_try(namespace: int, ids: Iterable[int]) -> set[int]:
    """Takes those of PostgreSQL's transaction advisory locks (``namespace``, id) for ``ids``
    that no one else holds, without waiting; returns the ids it got. Released at commit or
    rollback."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::int[]) AS id WHERE pg_try_advisory_xact_lock(%s, id)",
            [sorted(set(ids)), namespace],
        )
        return {row[0] for row in cursor.fetchall()}
