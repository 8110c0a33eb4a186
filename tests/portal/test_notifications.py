"""Notifications in the portal: the list, the unread count in the header, marking read."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from households.models import Household, Notification
from households.selectors import notification_unread_count
from tests.households.factories import UserFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def notify(user: User, household: Household, title: str) -> Notification:
    return Notification.objects.create(
        user=user,
        household=household,
        kind="autarky",
        title=title,
        body=f"{title}, in detail.",
        dedupe_key=title,
    )


def badge(count: int) -> str:
    return f'id="unread-count" class="badge" aria-label="unread notifications">{count}</span>'


def test_a_member_sees_their_own_notifications_and_the_unread_count(
    member: User, home: Household
) -> None:
    notify(member, home, "Your home is autarkic")
    notify(member, home, "Hilltop is autarkic")
    notify(UserFactory.create(), home, "Someone else's")
    response = client_for(member).get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your home is autarkic" in html
    assert "Hilltop is autarkic" in html
    assert "Someone else&#x27;s" not in html
    assert badge(2) in html
    assert notification_unread_count(user=member) == 2


def test_marking_read_with_htmx_swaps_the_item_and_the_count(member: User, home: Household) -> None:
    first = notify(member, home, "Your home is autarkic")
    notify(member, home, "Hilltop is autarkic")
    client = client_for(member)
    response = client.post(f"/notifications/{first.pk}/read", headers={"HX-Request": "true"})
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.read_at is not None
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html
    assert "Read " in html
    assert 'hx-swap-oob="true">1</span>' in html
    assert badge(1) in client.get("/notifications/").content.decode()


def test_marking_read_without_javascript_redirects_back(member: User, home: Household) -> None:
    notification = notify(member, home, "Your home is autarkic")
    response = client_for(member).post(f"/notifications/{notification.pk}/read")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_404_and_stays_unread(member: User, home: Household) -> None:
    theirs = notify(UserFactory.create(), home, "Theirs")
    response = client_for(member).post(f"/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_needs_a_post(member: User, home: Household) -> None:
    notification = notify(member, home, "Your home is autarkic")
    assert client_for(member).get(f"/notifications/{notification.pk}/read").status_code == 405


def test_mark_all_read(member: User, home: Household) -> None:
    notify(member, home, "One")
    notify(member, home, "Two")
    theirs = notify(UserFactory.create(), home, "Theirs")
    response = client_for(member).post("/notifications/read-all")
    assert response.status_code == 302
    assert notification_unread_count(user=member) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    assert client.get("/notifications/").status_code == 302
