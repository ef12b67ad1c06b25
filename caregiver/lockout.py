"""The sign-in lockout (django-axes), shared by the password confirmations of signed-in pages."""

from __future__ import annotations

import unicodedata

from django.contrib.auth import authenticate
from django.http import HttpRequest

from caregiver.models import User


def attempted_email(request: HttpRequest, credentials: dict | None) -> str:
    """The lockout key for a typed address: the address of the account sign-in finds for it,
    so every spelling that signs in to one account counts against one lockout however the
    database folds case; the typed address, lower-cased, when no account matches."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    # Cleaned as Django's sign-in form cleans the username before it looks the account up.
    typed = unicodedata.normalize("NFKC", str(raw)).strip()
    account = User.objects.matching(typed).order_by("pk").values_list("email", flat=True).first()
    return account or typed.lower()


def password_confirmed(request: HttpRequest, password: str) -> bool:
    """Whether `password` is the signed-in user's, checked as sign-in checks it: a wrong one
    counts toward the same lockout, and while that lasts even the right one is refused (and
    AxesMiddleware answers with the lockout page)."""
    user = authenticate(request, username=request.user.email, password=password)
    return user is not None and user.pk == request.user.pk
