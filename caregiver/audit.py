"""Writing the audit trail. Call `record` inside the transaction of the change it describes,
so a rolled-back change leaves no event.

A deleted account's address leaves the trail with it (`forget_deleted_account`): events
name that person by a pseudonym, "former member <n>", from then on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from caregiver.models import AuditEvent, Child, Invitation, Role, User

# How the change arrived when not through the person's own pages (e.g. a device token); every
# event recorded meanwhile says so, whichever write function records it.
_via: ContextVar[str] = ContextVar("audit_via", default="")


@contextmanager
def via(label: str) -> Iterator[None]:
    reset = _via.set(label)
    try:
        yield
    finally:
        _via.reset(reset)


def record(
    actor: User | None,
    action: str,
    *,
    child: Child | None = None,
    obj: models.Model | None = None,
    summary: str = "",
    role: str = "",
) -> AuditEvent:
    """`role` defaults to the actor's role on `child` (staff in the admin pass "staff")."""
    membership = getattr(child, "membership", None) if child is not None else None
    if not role and membership is not None and membership.user_id == getattr(actor, "pk", None):
        role = membership.role
    if obj is not None:
        object_type = obj._meta.model_name or ""
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    else:
        object_type = object_id = ""
    return AuditEvent.objects.create(
        child=child,
        actor=actor,
        actor_label=actor.email if actor else "",
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=_with_via(summary),
    )


def _with_via(summary: str) -> str:
    suffix = f" — via {_via.get()}" if _via.get() else ""
    return summary[: 300 - len(suffix)] + suffix


def record_clinician_view(
    request: HttpRequest,
    child: Child,
    summary: str,
    *,
    obj: models.Model | None = None,
    once_within: timedelta | None = None,
) -> None:
    """Clinicians' reads of a child's records are part of the audit trail; family members'
    own reads are not (they would bury every change under page views), and cost them no
    query. `once_within` is for pages that refresh themselves: the same read by the same
    clinician is recorded once in that window, not at every refresh."""
    if child.membership.role != Role.CLINICIAN:
        return
    if once_within is not None:
        recent = AuditEvent.objects.filter(
            child=child, actor=request.user, action="view", summary=summary, at__gte=timezone.now() - once_within
        )
        if recent.exists():
            return
    record(request.user, "view", child=child, obj=obj, summary=summary)


def pseudonym(user: User) -> str:
    """How the trail names a deleted account: stable (the account's number, never reused),
    the same on every child's trail, and saying nothing of the person."""
    return f"former member {user.pk}"


@receiver(pre_delete, sender=User, dispatch_uid="forget_deleted_account")
def forget_deleted_account(sender, instance: User, **kwargs) -> None:
    """Before an account is deleted (by its owner or by staff), inside the deletion's
    transaction: its address is replaced by its pseudonym wherever the trail holds it, as
    the actor and in any summary that names it ("Invited …", "… is now owner", "Removed …"),
    on every child's trail; and the spent invitations it accepted, which hold the address,
    go too.

    This is the one change the append-only trail allows, made in place so that every reader
    of the stored text (the trail page, both exports, the admin) shows the pseudonym, and
    events written before this rule lose the address too."""
    label = pseudonym(instance)
    events = AuditEvent._base_manager  # the trail's own manager refuses every update
    events.filter(actor=instance).update(actor_label=label)
    mention = re.compile(rf"(?<![\w.+-]){re.escape(instance.email)}(?![\w.-])", re.IGNORECASE)
    renamed = []
    for event in events.filter(summary__icontains=instance.email).only("pk", "summary"):
        summary = mention.sub(label, event.summary)
        if summary != event.summary:
            event.summary = summary
            renamed.append(event)
    events.bulk_update(renamed, ["summary"], batch_size=500)
    Invitation.objects.filter(accepted_by=instance).delete()
