"""Small pieces the seizure views share."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from caregiver import audit
from caregiver.models import Child, Role
from seizures.models import Episode


def conflict_response(request: HttpRequest) -> HttpResponse:
    """409 for a client UUID already used for another child. Says nothing about that child."""
    return TemplateResponse(request, "seizures/conflict.html", {}, status=409)


def live_episode(child: Child, episode_id: UUID) -> Episode:
    """One of the child's episodes that is not deleted, for reading; 404 otherwise."""
    return get_object_or_404(Episode.objects.for_child(child).live().select_related("logged_by"), public_id=episode_id)


def record_clinician_view(request: HttpRequest, child: Child, obj, summary: str) -> None:
    """Clinicians' reads of a child's records are part of the audit trail; family members'
    own reads are not (they would bury every change under page views)."""
    if child.membership.role == Role.CLINICIAN:
        audit.record(request.user, "view", child=child, obj=obj, summary=summary)
