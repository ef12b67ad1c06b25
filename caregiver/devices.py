"""Device tokens: made by an owner for one child, shown once, stored hashed, revocable.

`authenticate` is the only way a token becomes a person's rights: it answers the token's
member (with the child attached) only while the token is live, and notes when it was used."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from caregiver import audit
from caregiver.models import Child, DeviceToken, User, hash_token

# Tokens carry this prefix so a leaked one is recognisable in logs and secret scanners.
PREFIX = "msd_"


def issue(child: Child, user: User, *, name: str, read_only: bool) -> tuple[DeviceToken, str]:
    """A new token for `child`, acting as `user` (an owner, reached through `child_for` with
    Need.MANAGE). Returns it with the plain token, which is never stored."""
    plain = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = DeviceToken.objects.create(
            membership=child.membership, name=name, read_only=read_only, token_hash=hash_token(plain)
        )
        kind = "read-only" if read_only else "write"
        audit.record(user, "create", child=child, obj=token, summary=f"Device token “{name}” ({kind})")
    return token, plain


def revoke(child: Child, user: User, token: DeviceToken) -> None:
    """Stop a token working from now on (kept, with its history, on the list)."""
    with transaction.atomic():
        updated = DeviceToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit.record(user, "revoke", child=child, obj=token, summary=f"Device token “{token.name}”")


def authenticate(plain: str) -> DeviceToken | None:
    """The live token matching `plain`, with its membership, user and child loaded, or None
    (unknown or revoked). Notes the time of use."""
    token = (
        DeviceToken.objects.select_related("membership__user", "membership__child")
        .filter(token_hash=hash_token(plain), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        token.last_used_at = timezone.now()
        DeviceToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
