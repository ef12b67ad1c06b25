"""Personas and factories shared by every test: an owner, a second caregiver, a clinician
and an outsider, around one child. Plain functions, no random data."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from caregiver.models import Child, Membership, Role, User

PASSWORD = "correct horse battery staple"

# The real-browser fixtures (`browser`, `new_context`), for any test package that needs them.
pytest_plugins = ["tests.support.browser.fixtures"]


def pytest_configure(config) -> None:
    # Hashing is deliberately slow in production; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_lockouts(settings) -> None:
    """Axes is exercised by its own tests; elsewhere a failed sign-in must not lock anyone."""
    settings.AXES_ENABLED = False


def make_user(email: str, name: str = "") -> User:
    return User.objects.create_user(email=email, password=PASSWORD, name=name)


def make_child(owner: User, name: str = "Robin", **fields) -> Child:
    fields.setdefault("born_on", date(2026, 3, 1))
    fields.setdefault("time_zone", "Europe/London")
    fields.setdefault("rescue_plan", "Give buccal midazolam 2.5 mg, then call 999.")
    child = Child.objects.create(name=name, **fields)
    Membership.objects.create(user=owner, child=child, role=Role.OWNER)
    return child


def join(user: User, child: Child, role: str) -> Membership:
    return Membership.objects.create(user=user, child=child, role=role)


@pytest.fixture
def owner(db) -> User:
    return make_user("parent@example.com", "Alex")


@pytest.fixture
def child(owner) -> Child:
    return make_child(owner)


@pytest.fixture
def caregiver_user(child) -> User:
    user = make_user("grandma@example.com", "Gran")
    join(user, child, Role.CAREGIVER)
    return user


@pytest.fixture
def clinician(child) -> User:
    user = make_user("neuro@example.org", "Dr Okafor")
    join(user, child, Role.CLINICIAN)
    return user


@pytest.fixture
def outsider(db) -> User:
    """Owner of another family's child: signed in, but a stranger to `child`."""
    user = make_user("stranger@example.net")
    make_child(user, name="Other child")
    return user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}
