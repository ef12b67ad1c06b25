"""Writing the audit trail. Call `record` inside the transaction of the change it describes,
so a rolled-back change leaves no event."""

from __future__ import annotations

from django.db import models

from caregiver.models import AuditEvent, Child, User


def record(
    actor: User | None,
    action: str,
    *,
    child: Child | None = None,
    obj: models.Model | None = None,
    summary: str = "",
) -> AuditEvent:
    membership = getattr(child, "membership", None) if child is not None else None
    if obj is not None:
        object_type = obj._meta.model_name or ""
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    else:
        object_type = object_id = ""
    return AuditEvent.objects.create(
        child=child,
        actor=actor,
        actor_label=actor.email if actor else "",
        role=membership.role if membership is not None and membership.user_id == getattr(actor, "pk", None) else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
    )
