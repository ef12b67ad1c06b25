"""Repeated wrong passwords lock out that account from that address, for 15 minutes only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, make_user


@pytest.fixture(autouse=True)
def _axes_on(settings) -> None:
    settings.AXES_ENABLED = True


def _attempt(client, email: str, password: str, ip: str = "203.0.113.5"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail_five_times(client, email: str, ip: str = "203.0.113.5") -> None:
    for _ in range(5):
        _attempt(client, email, "wrong password", ip)


def test_locked_out_after_five_failures_even_with_the_right_password(client, owner) -> None:
    _fail_five_times(client, owner.email)
    response = _attempt(client, owner.email, PASSWORD)
    assert response.status_code == 429
    assert "paused for 15 minutes" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_lockout_counts_any_capitalisation_of_the_address(client, owner) -> None:
    for variant in [
        "Parent@example.com",
        "PARENT@EXAMPLE.COM",
        "parent@Example.com",
        "parent@example.com",
        "pArent@example.com",
    ]:
        _attempt(client, variant, "wrong password")
    assert _attempt(client, owner.email, PASSWORD).status_code == 429


def test_lockout_does_not_block_others_at_the_same_address(client, owner) -> None:
    make_user("other-parent@example.com")
    _fail_five_times(client, owner.email)
    response = _attempt(client, "other-parent@example.com", PASSWORD)
    assert response.status_code == 302


def test_lockout_does_not_block_the_account_from_another_address(client, owner) -> None:
    _fail_five_times(client, owner.email, ip="203.0.113.5")
    assert _attempt(client, owner.email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_lockout_ends_after_the_cool_off(client, owner) -> None:
    _fail_five_times(client, owner.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _attempt(client, owner.email, PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, owner) -> None:
    for _ in range(4):
        _attempt(client, owner.email, "wrong password")
    assert _attempt(client, owner.email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _attempt(client, owner.email, "wrong password")
    assert _attempt(client, owner.email, PASSWORD).status_code == 302


def test_every_spelling_that_signs_in_to_an_account_counts_against_its_lockout(client, db) -> None:
    make_user("ines@example.com")
    dotless = "ınes@example.com"
    # PostgreSQL's case-insensitive match folds the dotless ı to I, so that spelling signs in
    # to ines@…; SQLite's folds ASCII only, so there it is no one's address.
    signs_in = connection.vendor == "postgresql"
    assert (_attempt(Client(), dotless, PASSWORD).status_code == 302) is signs_in
    _fail_five_times(client, dotless)
    assert _attempt(client, "ines@example.com", PASSWORD).status_code == (429 if signs_in else 302)


def _change_password(client, old_password: str):
    new = "a new passphrase nobody would guess, 2026"
    form = {"old_password": old_password, "new_password1": new, "new_password2": new}
    return client.post("/accounts/password/", form, REMOTE_ADDR="203.0.113.5")


def _delete_account(client, password: str):
    return client.post("/account/delete/", {"password": password}, REMOTE_ADDR="203.0.113.5")


@pytest.mark.parametrize("confirm", [_change_password, _delete_account], ids=["change-password", "delete-account"])
def test_password_confirmations_go_through_the_sign_in_lockout(owner_client, owner, confirm) -> None:
    assert confirm(owner_client, "wrong password").status_code == 200
    for _ in range(4):
        confirm(owner_client, "wrong password")
    response = confirm(owner_client, PASSWORD)
    assert response.status_code == 429
    assert "paused for 15 minutes" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    # One lockout: signing in from the same address is paused too.
    assert _attempt(Client(), owner.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert confirm(owner_client, PASSWORD).status_code == 302
