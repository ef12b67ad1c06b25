"""Log a past seizure, edit an episode (with a check for edits made meanwhile), delete with
undo, and the recently-deleted list."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caregiver import audit
from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from caregiver.pwa import offline_page
from seizures import recording
from seizures.forms import EpisodeForm
from seizures.models import Episode
from seizures.queries import live_episode
from seizures.recording import ClientUUIDConflict
from seizures.views.common import conflict_response, logging_config

# The recently-deleted page lists at most this many (a long undo spree is still reachable
# through the audit trail and the admin).
DELETED_LIST_LIMIT = 200


def _timeline(child: Child, **params: str) -> str:
    url = reverse("seizures:timeline", kwargs={"child_id": child.public_id})
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


@require_http_methods(["GET", "POST"])
@offline_page(query=("fix",))
def episode_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers. The form carries a client UUID made when it was shown, so a
    resubmitted form (double tap, back-and-resend, replay) saves once and answers the same."""
    child = child_for(request, child_id, Need.WRITE)
    if request.method == "POST":
        form = EpisodeForm(request.POST, child=child, instance=Episode(child=child))
        try:
            result = recording.save_past(child, request.user, key=_posted_uuid(request) or uuid.uuid4(), form=form)
        except ClientUUIDConflict:
            return conflict_response(request)
        if result is not None:
            if result.created:
                messages.success(request, _("Seizure saved."))
            return redirect(_timeline(child, saved=result.episode.public_id))
    else:
        now = timezone.now().replace(second=0, microsecond=0)
        form = EpisodeForm(child=child, initial={"client_uuid": uuid.uuid4(), "started_at": now})
    context = {"child": child, "form": form, "adding": True, "logging": logging_config(child)}
    return render(request, "seizures/episode_form.html", context)


def _posted_uuid(request: AuthedRequest) -> UUID | None:
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def episode_edit(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Any member may look; owners and caregivers save. The form carries the version it
    showed: if the episode changed meanwhile, nothing is saved and the page shows the current
    version beside what was typed (409), never a silent overwrite."""
    need = Need.WRITE if request.method == "POST" else Need.READ
    child = child_for(request, child_id, need)
    context: dict = {"child": child, "can_write": child.membership.can_write}
    if request.method == "GET":
        episode = live_episode(child, episode_id)
        audit.record_clinician_view(request, child, "Viewed a seizure", obj=episode)
        form = EpisodeForm(child=child, instance=episode)
        return render(request, "seizures/episode_form.html", context | {"form": form, "episode": episode})
    result = recording.edit(child, request.user, episode_id, request.POST)
    context |= {"form": result.form, "episode": result.episode}
    if result.conflict:
        # The form is bound but not validated: the typed values are shown back without error marks.
        return render(request, "seizures/episode_form.html", context | {"conflict": True}, status=409)
    if result.saved:
        messages.success(request, _("Changes saved."))
        return redirect(_timeline(child, saved=result.episode.public_id))
    return render(request, "seizures/episode_form.html", context)


@require_POST
def episode_delete(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Soft delete: the answer offers Undo, and the episode stays restorable for 30 days."""
    child = child_for(request, child_id, Need.WRITE)
    episode = recording.delete(child, request.user, episode_id)
    if request.htmx:
        return render(request, "seizures/_episode_deleted.html", {"child": child, "episode": episode})
    return redirect(_timeline(child, deleted=episode.public_id))


@require_POST
def episode_restore(request: AuthedRequest, child_id: UUID, episode_id: UUID) -> HttpResponse:
    """Brings back an episode deleted in the last 30 days."""
    child = child_for(request, child_id, Need.WRITE)
    try:
        episode = recording.restore(child, request.user, episode_id)
    except recording.TooLateToRestore:
        messages.error(request, _("This seizure was deleted more than 30 days ago and can no longer be restored."))
        return redirect("seizures:episodes-deleted", child_id=child.public_id)
    if request.htmx:
        context = {"child": child, "episode": episode, "can_write": True}
        return render(request, "seizures/_episode.html", context)
    messages.success(request, _("The seizure has been restored."))
    return redirect(_timeline(child, saved=episode.public_id))


@require_GET
def episodes_deleted(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member sees what was deleted in the last 30 days; writers can restore. One query."""
    child = child_for(request, child_id)
    audit.record_clinician_view(request, child, "Viewed the recently deleted seizures")
    episodes = list(
        Episode.objects.for_child(child)
        .deleted()
        .restorable()
        .select_related("logged_by")
        .order_by("-deleted_at")[:DELETED_LIST_LIMIT]
    )
    return render(
        request,
        "seizures/deleted.html",
        {
            "child": child,
            "episodes": episodes,
            "can_write": child.membership.can_write,
            "limit": DELETED_LIST_LIMIT,
        },
    )
