"""Reads that must agree with each other: several queries over one database snapshot."""

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    """A read-only REPEATABLE READ transaction: every query inside sees the same committed
    state, so totals computed by separate queries add up while writers keep writing. Inside a
    transaction already begun, that transaction's own isolation applies."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
