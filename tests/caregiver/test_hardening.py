"""Production hardening, checked under the production settings themselves (a subprocess with
production environment variables): HSTS, the HTTPS redirect, Secure/HttpOnly/SameSite
cookies; and, in the test settings, security headers on every kind of response."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.caregiver.test_production import ROOT

PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    # Pages only: skip building the hashed static set (test_sessions_and_static.py covers it).
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from caregiver.models import User
    User.objects.create_user(email="p@example.com", password="a long enough passphrase")
    from django.test import Client
    client = Client()
    plain = client.get("/accounts/login/", secure=False, HTTP_HOST="diary.example.org")
    page = client.get("/accounts/login/", secure=True, HTTP_HOST="diary.example.org")
    signed_in = client.post("/accounts/login/", {"username": "p@example.com", "password": "a long enough passphrase"},
                            secure=True, HTTP_HOST="diary.example.org")
    cookies = {name: {k: str(v) for k, v in morsel.items()} for name, morsel in client.cookies.items()}
    print(json.dumps({"plain": [plain.status_code, plain.get("Location")],
                      "hsts": page.get("Strict-Transport-Security"), "signed_in": signed_in.status_code,
                      "cookies": cookies}))
    """
)


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    import os
    import secrets

    database = tmp_path_factory.mktemp("prod") / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "DJANGO_SETTINGS_MODULE"}}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "diary.example.org",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "caregiver.settings",
        "STATIC_ROOT": str(database.parent / "static"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.multiprocess
def test_plain_http_is_redirected_to_https(production) -> None:
    status, location = production["plain"]
    assert status == 301 and location == "https://diary.example.org/accounts/login/"


@pytest.mark.multiprocess
def test_hsts_for_a_year_with_subdomains(production) -> None:
    assert production["hsts"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.multiprocess
def test_session_and_csrf_cookies_are_secure_httponly_samesite(production) -> None:
    assert production["signed_in"] == 302
    session, csrf = production["cookies"]["sessionid"], production["cookies"]["csrftoken"]
    assert session["secure"] == "True" and session["httponly"] == "True" and session["samesite"] == "Lax"
    assert csrf["secure"] == "True" and csrf["samesite"] == "Lax"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/accounts/login/", 200), ("/no-such-page/", 404), ("/healthz", 200), ("/learn/", 200), ("/", 302)],
)
def test_security_headers_on_every_kind_of_response(client, db, path, status) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "host", "status"),
    [
        ("/accounts/login/", "testserver", 200),
        ("/static/caregiver/css/app.css", "testserver", 200),  # served by whitenoise
        ("/accounts/login/", "evil.example", 400),  # a Host not allowed
    ],
)
def test_framing_csp_and_permissions_policy_on_pages_static_files_and_bad_host(client, db, path, host, status) -> None:
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == status
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert {policy[feature] for feature in ("camera", "microphone", "geolocation", "payment")} == {"()"}
    assert policy["screen-wake-lock"] == "(self)"  # the timer keeps the screen awake


def test_the_invitation_page_is_never_cached_even_for_an_anonymous_visitor(client, owner, child) -> None:
    from tests.caregiver.test_team import _invite

    client.force_login(owner)
    link = _invite(client, child)
    client.logout()
    response = client.get(link)
    assert response.status_code == 200 and child.name in response.content.decode()
    assert "no-store" in response["Cache-Control"]
