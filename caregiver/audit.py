"""Writing the audit trail. Call `record` inside the transaction of the change it describes,
so a rolled-back change leaves no event."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from caregiver.models import AuditEvent, Child, Role, User


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
        summary=summary[:300],
    )


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
