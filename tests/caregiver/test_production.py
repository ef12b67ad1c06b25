"""Production safety: deploy checks, headers, CSRF with htmx, the health check, settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.test import Client

from tests.conftest import htmx_headers

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    test_only = {"DEBUG", "HTTPS", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.multiprocess
def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="diary.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.multiprocess
def test_missing_secret_key_stops_production_start_up() -> None:
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.multiprocess
def test_malformed_setting_is_refused() -> None:
    result = _manage("check", DEBUG="maybe")
    assert "DEBUG must be true or false" in result.stderr


def test_healthz_is_200_when_the_database_answers(client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_healthz_is_503_when_the_database_does_not(client, db, monkeypatch) -> None:
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("caregiver.views.accounts.connection", Unreachable())
    assert client.get("/healthz").status_code == 503


def test_security_headers_on_pages(client, db) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached(owner_client, child) -> None:
    response = owner_client.get(f"/c/{child.public_id}/team/")
    assert "no-store" in response["Cache-Control"]


def test_pages_load_nothing_from_other_hosts(owner_client, child) -> None:
    page = owner_client.get(f"/c/{child.public_id}/team/").content.decode()
    assert 'src="http' not in page and 'href="http' not in page
    assert "htmx" in page and 'hx-headers=\'{"X-CSRFToken"' in page
    assert 'hx-history="false"' in page
    assert "<script>" not in page  # no inline scripts


def test_htmx_post_without_csrf_token_is_refused(owner, child) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(f"/c/{child.public_id}/team/leave/", **htmx_headers())
    assert response.status_code == 403


def test_htmx_post_with_the_token_from_the_page_is_accepted(owner, child, caregiver_user) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(caregiver_user)
    page = client.get(f"/c/{child.public_id}/team/").content.decode()
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post(f"/c/{child.public_id}/team/leave/", HTTP_X_CSRFTOKEN=token, **htmx_headers())
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/no-such-page/", "/c/not-a-uuid/", "/c/00000000-0000-0000-0000-000000000000/"])
def test_unknown_pages_get_the_friendly_404(owner_client, path) -> None:
    response = owner_client.get(path)
    assert response.status_code == 404
    assert "does not exist, or you do not have access" in response.content.decode()
