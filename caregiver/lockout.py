"""How django-axes names the account in a sign-in attempt."""

from __future__ import annotations

from django.http import HttpRequest


def attempted_email(request: HttpRequest, credentials: dict | None) -> str:
    """The e-mail typed into the sign-in form, lower-cased as sign-in itself is, so that
    `Parent@…` and `parent@…` count against the same lockout."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()
