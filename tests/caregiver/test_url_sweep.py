"""Every route, whatever app adds it, proves the access rules: anonymous users are sent to
sign in, strangers get 404, clinicians cannot write. New routes are swept automatically."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import make_user
from tests.support.sweep import SWEEP_OBJECTS

# Public on purpose: signing in and up, resetting a password, opening an invitation link,
# the health check, and the education section (families share it).
PUBLIC_NAMES = {
    "login",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "invitation-accept",
}
PUBLIC_NAMESPACES = {"education", "offline"}
# Open to every role, clinicians included: leaving a care team, writing the seizure action plan
# (the one record of the child a clinician may change), and one's own alerts (which events
# reach them, their devices) — a member's own settings, not the child's records.
READ_ROLE_MAY_POST = {
    "team-leave",
    "seizures:plan-edit",
    "seizures:alerts",
    "seizures:alert-device-add",
    "seizures:alert-device-test",
    "seizures:alert-device-remove",
}
WRITE_METHODS = ["post", "put", "patch", "delete"]


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


# The device API answers to device tokens, never to a session: swept on its own below (and
# persona by persona in tests/seizures/test_api.py).
TOKEN_NAMESPACE = "api"
ALL_ROUTES = list(_walk(get_resolver().url_patterns))
ROUTES = [r for r in ALL_ROUTES if not (r[1] or "").startswith(TOKEN_NAMESPACE + ":")]
API_ROUTES = [r for r in ALL_ROUTES if r not in ROUTES]
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _params(route: str) -> list[str]:
    return [m.group(2) for m in PARAM.finditer(route)]


CHILD_ROUTES = [r for r in ROUTES if "child_id" in _params(r[0])]
OTHER_ROUTES = [r for r in ROUTES if "child_id" not in _params(r[0])]


def _url(route: str, values: dict[str, object]) -> str:
    return "/" + PARAM.sub(lambda m: str(values[m.group(2)]), route)


def _refused(response, method: str, status: int) -> bool:
    """`status`, or 405 for a method the route never accepts (that says nothing about the child)."""
    if response.status_code == 405:
        return method.upper() not in response["Allow"]
    return response.status_code == status


def _values(route: str, child, user) -> dict[str, object]:
    values: dict[str, object] = {"child_id": child.public_id}
    for name in _params(route):
        if name == "child_id":
            continue
        assert name in SWEEP_OBJECTS, f"add a factory for <{name}> to tests/support/sweep.py"
        values[name] = SWEEP_OBJECTS[name](child, user)
    return values


def test_sweep_found_the_child_routes() -> None:
    names = {name for _route, name, _view in CHILD_ROUTES}
    assert {"seizures:home", "team", "child-edit", "audit-trail"} <= names


@pytest.mark.parametrize(("route", "name", "view"), CHILD_ROUTES, ids=[r[1] or r[0] for r in CHILD_ROUTES])
def test_child_route_rules(client, route, name, view, child, owner, clinician) -> None:
    url = _url(route, _values(route, child, owner))

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/"), name

    client.force_login(make_user("stranger@example.net"))
    for method in ["get", *WRITE_METHODS]:
        assert _refused(getattr(client, method)(url), method, 404), f"{method.upper()} {name} by a stranger"

    client.force_login(clinician)
    if name not in READ_ROLE_MAY_POST:
        for method in WRITE_METHODS:
            assert _refused(getattr(client, method)(url), method, 403), f"{method.upper()} {name} by a clinician"


@pytest.mark.parametrize(
    ("route", "name", "view"),
    [r for r in CHILD_ROUTES if len(_params(r[0])) > 1],
    ids=[r[1] for r in CHILD_ROUTES if len(_params(r[0])) > 1],
)
def test_record_of_another_child_is_404(client, route, name, view, child, owner, outsider) -> None:
    """An owner of one child cannot reach another child's record through their own child's URL."""
    victim_values = _values(route, child, owner)
    own_child = outsider.memberships.get().child
    url = _url(route, victim_values | {"child_id": own_child.public_id})
    client.force_login(outsider)
    for method in ["get", "post"]:
        assert _refused(getattr(client, method)(url), method, 404), f"{method.upper()} {name}"


@pytest.mark.parametrize(("route", "name", "view"), OTHER_ROUTES, ids=[r[1] or r[0] for r in OTHER_ROUTES])
def test_other_routes_are_private_unless_marked_public(route, name, view) -> None:
    namespace = (name or "").partition(":")[0] if ":" in (name or "") else ""
    public = name in PUBLIC_NAMES or namespace in PUBLIC_NAMESPACES
    assert getattr(view, "login_required", True) is not public, (
        f"{name} is {'public' if not getattr(view, 'login_required', True) else 'private'}: "
        "update PUBLIC_NAMES only if that is intended"
    )


@pytest.mark.parametrize(("route", "name", "view"), API_ROUTES, ids=[r[1] for r in API_ROUTES])
def test_api_routes_refuse_a_session_without_a_token(client, route, name, view, child, owner) -> None:
    """Signed in or not, no token means 401 (never a login page, never the child's records);
    only the OpenAPI document is public (and the bare root, which ninja keeps to build its
    paths, is a 404)."""
    url = "/" + PARAM.sub(lambda m: str(child.public_id) if m.group(2) == "child_id" else str(uuid4()), route)
    expected = {"api:openapi-json": 200, "api:api-root": 404}.get(name, 401)
    for user in (None, owner):
        if user:
            client.force_login(user)
        for method in ["get", *WRITE_METHODS]:
            assert _refused(getattr(client, method)(url), method, expected), f"{method.upper()} {name}"


def test_the_api_routes_were_found() -> None:
    assert {"api:openapi-json", "api:start_seizure", "api:list_seizures"} <= {name for _r, name, _v in API_ROUTES}
