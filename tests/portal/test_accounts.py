"""Log in, log out, password reset by e-mail, and the lockout after repeated failures."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from households.models import Household

pytestmark = pytest.mark.django_db
PASSWORD = "secret-pass-123"  # noqa: S105 - the UserFactory's test password


def test_log_in_goes_to_the_portal_and_log_out_to_the_login(member: User, home: Household) -> None:
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert '<label for="id_username">Username</label>' in page.content.decode()
    response = client.post("/accounts/login/", {"username": "pierre", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/", follow=True).redirect_chain[-1][0] == f"/households/{home.pk}/"
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert client.get(f"/households/{home.pk}/").status_code == 302


def test_repeated_failed_logins_lock_the_account_for_a_while(member: User) -> None:
    client = Client()
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "pierre", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = client.post("/accounts/login/", {"username": "pierre", "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    # Even the right password is refused until the cool-off has passed.
    right = client.post("/accounts/login/", {"username": "pierre", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_password_reset_by_e_mail(member: User) -> None:
    client = Client()
    response = client.post("/accounts/password_reset/", {"email": member.email})
    assert response["Location"] == "/accounts/password_reset/done/"
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "Smartrix Grid: choose a new password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(message.body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    member.refresh_from_db()
    assert member.check_password("a-new-long-pass-42")
