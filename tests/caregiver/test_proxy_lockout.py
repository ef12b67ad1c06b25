"""Sign-in lockouts under gunicorn on loopback, as deployed: behind one reverse proxy they key on
the client's address the proxy forwarded; with no proxy configured a forwarded header is only
the client's own words and is ignored."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from caregiver.models import User
from tests.conftest import PASSWORD
from tests.support.scratch import ROOT

pytestmark = pytest.mark.multiprocess

OWNER = "parent@example.com"
ATTACKER_ADDRESS = "198.51.100.7"
OWNER_ADDRESS = "203.0.113.9"


@pytest.fixture
def owner_in_server(transactional_db) -> User:
    """The owner, committed (the server is another process), with a password gunicorn's
    production hashers can check: the tests' own fast hasher is not among them."""
    user = User.objects.create(email=OWNER)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8), iterations=1000)
    user.save()
    return user


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(**env: str) -> Iterator[int]:
    """gunicorn serving the tests' database on a free loopback port. The test binds the socket
    and hands it over, so requests simply queue until the worker is up: no polling."""
    listener = socket.create_server(("127.0.0.1", 0))
    env = {k: v for k, v in os.environ.items() if k not in {"BEHIND_PROXY", "TRUSTED_PROXY_COUNT"}} | {
        # Production settings, but for plain HTTP and unhashed static files (tests/settings.py).
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        **env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "caregiver.wsgi", "--workers", "1",
         "--bind", f"fd://{listener.fileno()}", "--log-level", "warning"],
        cwd=ROOT, env=env, pass_fds=[listener.fileno()], start_new_session=True,
    )  # fmt: skip
    try:
        yield listener.getsockname()[1]
    finally:
        server.terminate()
        server.wait(timeout=30)
        listener.close()


def sign_in(port: int, email: str, password: str, forwarded_for: str) -> int:
    """One sign-in through the real form (CSRF token and cookie included); its status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/accounts/login/")
        page = conn.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = {"csrfmiddlewaretoken": token, "username": email, "password": password}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "X-Forwarded-For": forwarded_for,
        }
        conn.request("POST", "/accounts/login/", body=urlencode(form), headers=headers)
        answer = conn.getresponse()
        answer.read()
        return answer.status
    finally:
        conn.close()


def attempted_from() -> set[str]:
    return set(AccessAttempt.objects.filter(username=OWNER).values_list("ip_address", flat=True))


def test_behind_one_proxy_a_stranger_cannot_lock_the_owner_out(owner_in_server) -> None:
    with gunicorn(BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="1") as port:
        for _ in range(5):
            sign_in(port, OWNER, "wrong password", forwarded_for=ATTACKER_ADDRESS)
        assert attempted_from() == {ATTACKER_ADDRESS}
        assert sign_in(port, OWNER, PASSWORD, forwarded_for=ATTACKER_ADDRESS) == 429
        assert sign_in(port, OWNER, PASSWORD, forwarded_for=OWNER_ADDRESS) == 302


def test_behind_one_proxy_an_address_the_client_made_up_is_not_its_key(owner_in_server) -> None:
    # The proxy appends the address it saw: whatever the client wrote stays on the left.
    with gunicorn(BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="1") as port:
        for _ in range(5):
            sign_in(port, OWNER, "wrong password", forwarded_for=f"{OWNER_ADDRESS}, {ATTACKER_ADDRESS}")
        assert attempted_from() == {ATTACKER_ADDRESS}
        assert sign_in(port, OWNER, PASSWORD, forwarded_for=OWNER_ADDRESS) == 302


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(owner_in_server) -> None:
    with gunicorn() as port:
        for _ in range(5):
            sign_in(port, OWNER, "wrong password", forwarded_for=ATTACKER_ADDRESS)
        assert attempted_from() == {"127.0.0.1"}
        # Claiming to be someone else does not escape the lockout of the real address.
        assert sign_in(port, OWNER, PASSWORD, forwarded_for=OWNER_ADDRESS) == 429


@pytest.mark.parametrize("env", [{"TRUSTED_PROXY_COUNT": "1"}, {"BEHIND_PROXY": "true", "TRUSTED_PROXY_COUNT": "-1"}])
def test_a_proxy_count_without_a_proxy_stops_start_up(env) -> None:
    # Counting proxies that are not there would key lockouts on an address the client wrote.
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "BEHIND_PROXY"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean | {"SECRET_KEY": "x" * 64, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more, and above 0 only with BEHIND_PROXY=true" in result.stderr
