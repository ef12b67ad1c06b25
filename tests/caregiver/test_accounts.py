from __future__ import annotations

import re
from smtplib import SMTPServerDisconnected

import pytest
from django.contrib.auth import get_user
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from caregiver.models import User
from tests.conftest import PASSWORD, make_user

LONG_PASSPHRASE = "my daughter's favourite blanket is the yellow one with ducks on it, 2026"


def test_signup_creates_account_and_signs_in(client, db) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Parent@Example.com", "name": "Jo", "password1": LONG_PASSPHRASE, "password2": LONG_PASSPHRASE},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.parent@example.com"
    assert get_user(client).pk == user.pk


@pytest.mark.parametrize(
    ("password", "message"),
    [("short pass", "at least 12"), ("password1234", "too common"), ("123456789012345", "entirely numeric")],
)
def test_signup_rejects_weak_passwords_with_a_clear_message(client, db, password, message) -> None:
    response = client.post(
        "/accounts/signup/", {"email": "a@example.com", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def _sign_up(email: str):
    return Client().post(
        "/accounts/signup/",
        {"email": email, "name": "Jo", "password1": LONG_PASSPHRASE, "password2": LONG_PASSPHRASE},
    )


def _answer(response) -> tuple:
    return response.status_code, response["Location"], [str(m) for m in get_messages(response.wsgi_request)]


def test_signup_for_a_taken_address_answers_as_for_a_new_one_and_tells_the_owner(owner) -> None:
    new = _sign_up("new.parent@example.com")
    taken = _sign_up(owner.email.upper())
    assert _answer(taken) == _answer(new)
    assert not get_user(taken.wsgi_request).is_authenticated
    assert User.objects.count() == 2
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    [warning] = mail.outbox
    assert warning.to == [owner.email]
    assert "Someone tried to create a seizure log account with this e-mail address" in warning.body
    assert "http://testserver/accounts/login/" in warning.body
    assert "http://testserver/accounts/password/reset/" in warning.body


def test_signup_for_a_taken_address_answers_the_same_when_mail_fails(owner, monkeypatch) -> None:
    def smtp_down(*args, **kwargs):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("caregiver.views.accounts.send_mail", smtp_down)
    assert _answer(_sign_up(owner.email)) == _answer(_sign_up("new.parent@example.com"))


def test_sign_in_ignores_email_case_and_rotates_session(client, owner) -> None:
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    response = client.post("/accounts/login/", {"username": "PARENT@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert get_user(client).pk == owner.pk
    assert before is None or client.cookies["sessionid"].value != before.value


def test_wrong_password_shows_an_error(client, owner) -> None:
    response = client.post("/accounts/login/", {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "correct email" in response.content.decode().lower() or "enter a correct" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_sign_out_needs_post_and_ends_the_session(owner_client) -> None:
    assert owner_client.get("/accounts/logout/").status_code == 405
    owner_client.post("/accounts/logout/")
    assert not get_user(owner_client).is_authenticated


def test_password_change_signs_out_other_sessions(client, owner, django_user_model) -> None:
    from django.test import Client

    other_phone = Client()
    other_phone.force_login(owner)
    client.force_login(owner)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": LONG_PASSPHRASE, "new_password2": LONG_PASSPHRASE},
    )
    assert response.status_code == 302
    assert get_user(client).is_authenticated
    assert not get_user(other_phone).is_authenticated


def test_password_reset_link_works_once(client, owner) -> None:
    client.post("/accounts/password/reset/", {"email": owner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": LONG_PASSPHRASE, "new_password2": LONG_PASSPHRASE})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(LONG_PASSPHRASE)
    again = client.get(link, follow=True)
    assert "already been used or has expired" in again.content.decode()


def test_password_reset_for_unknown_address_reveals_nothing(client, db) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)
    assert "If an account uses that address" in response.content.decode()
    assert mail.outbox == []


def test_inactive_user_cannot_use_an_existing_session(client, owner) -> None:
    client.force_login(owner)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert client.get("/account/").status_code == 302


def test_home_sends_a_one_child_family_straight_to_the_child(owner_client, child) -> None:
    response = owner_client.get("/")
    assert response["Location"] == f"/c/{child.public_id}/"


def test_home_lists_children_to_switch_between(client, owner, child) -> None:
    from tests.conftest import make_child

    second = make_child(owner, name="Sasha")
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert f"/c/{child.public_id}/" in page and f"/c/{second.public_id}/" in page


def test_new_user_without_children_is_shown_how_to_start(client, db) -> None:
    client.force_login(make_user("fresh@example.com"))
    page = client.get("/").content.decode()
    assert "Add your child" in page
