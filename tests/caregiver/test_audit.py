from __future__ import annotations

import pytest
from django.db import transaction

from caregiver import audit
from caregiver.models import AuditEvent


def test_events_cannot_be_changed_or_deleted(child, owner) -> None:
    event = audit.record(owner, "edit", child=child, obj=child)
    event.summary = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_a_rolled_back_change_leaves_no_event(child, owner) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(owner, "edit", child=child, obj=child)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()


def test_event_names_the_actor_role_and_object(child, owner) -> None:
    from django.test import RequestFactory

    from caregiver.access import Need, child_for

    request = RequestFactory().get("/")
    request.user = owner
    scoped = child_for(request, child.public_id, Need.MANAGE)
    event = audit.record(owner, "edit", child=scoped, obj=scoped, summary="Changed name")
    assert (event.actor_label, event.role, event.object_type, event.object_id) == (
        owner.email,
        "owner",
        "child",
        str(child.public_id),
    )


def test_deleting_the_actor_keeps_the_event_under_a_pseudonym(child, owner, caregiver_user) -> None:
    audit.record(caregiver_user, "create", child=child, obj=child)
    number = caregiver_user.pk
    caregiver_user.delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_label == f"former member {number}"
