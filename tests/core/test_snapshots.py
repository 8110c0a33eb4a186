"""Queries inside one read snapshot agree, whatever commits beside them."""

import threading

import pytest
from django.db import connection

from core.snapshots import read_snapshot
from households.models import Community
from tests.households.factories import CommunityFactory


def _create_elsewhere(name: str) -> None:
    """A commit from another connection, as a worker writing meanwhile."""

    def write() -> None:
        try:
            CommunityFactory.create(name=name)
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True)
def test_a_commit_beside_the_snapshot_is_not_seen_inside_it() -> None:
    CommunityFactory.create(name="Before")
    with read_snapshot():
        first = Community.objects.count()
        _create_elsewhere("During")
        assert Community.objects.count() == first == 1
    assert Community.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_snapshot_is_read_only() -> None:
    from django.db import InternalError

    with pytest.raises(InternalError, match="read-only transaction"), read_snapshot():
        CommunityFactory.create(name="Refused")
