"""The cluster tally: "+1" records one seizure at that moment; "undo last" takes one back."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import recording
from seizures.forms import ClientUUIDForm, TallyUndoForm
from seizures.recording import ClientUUIDConflict
from seizures.views.common import conflict_response
from seizures.views.home import live_context


def _answer(request: AuthedRequest, child: Child) -> HttpResponse:
    """htmx: the refreshed live part of the home page; otherwise back to the home page."""
    if not request.htmx:
        return redirect("seizures:home", child_id=child.public_id)
    context = live_context(child) | {"child": child, "can_write": True}
    return render(request, "seizures/home.html#live", context)


@require_POST
def tally_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers. One episode per client UUID: a repeated tap request (same UUID)
    answers the same and counts once; each new tap sends a new UUID."""
    child = child_for(request, child_id, Need.WRITE)
    form = ClientUUIDForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This tap could not be read. Reload the page and tap again."))
    try:
        recording.tap(child, request.user, key=form.cleaned_data["client_uuid"], tapped_at=timezone.now())
    except ClientUUIDConflict:
        return conflict_response(request)
    return _answer(request, child)


@require_POST
def tally_undo(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Removes the tap named in the form (the last one the page showed). Undoing a tap that
    is already undone changes nothing, so a repeated request cannot take back two."""
    child = child_for(request, child_id, Need.WRITE)
    form = TallyUndoForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("There is no tap to undo."))
    _tap, undone = recording.undo_tap(child, request.user, form.cleaned_data["episode"])
    if undone and not request.htmx:
        messages.success(request, _("The last tap was taken back."))
    return _answer(request, child)
