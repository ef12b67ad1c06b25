"""Repeated wrong passwords lock out that account from that address, for 15 minutes only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
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
