"""Day notes: an illness or fever, a vaccination, missed sleep, anything else that may
explain a day's seizures. Any member reads them; owners and caregivers add and delete them
(clinicians get 403 on those); another family's note is 404."""

from __future__ import annotations

from uuid import UUID, uuid4

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import recording_days
from seizures.forms import DayNoteForm
from seizures.models import DayNote
from seizures.recording import ClientUUIDConflict
from seizures.views.common import conflict_response

# The page lists the latest notes; the report lists a period's, whatever their number.
LISTED = 100


def _page(request: AuthedRequest, child: Child, form: DayNoteForm | None = None, *, status: int = 200):
    can_write = child.membership.can_write
    if form is None and can_write:
        # Each page load has its own key, so a double tap or a resent form saves one note.
        form = DayNoteForm(child=child, initial={"client_uuid": uuid4()})
    context = {
        "child": child,
        "can_write": can_write,
        "form": form,
        "notes": list(DayNote.objects.for_child(child).order_by("-noted_on", "-created_at", "-pk")[:LISTED]),
        "listed": LISTED,
    }
    return render(request, "seizures/notes.html", context, status=status)


@require_GET
def notes(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Any member: the latest notes, newest day first, and (for writers) the form to add one.
    One query after `child_for`."""
    return _page(request, child_for(request, child_id))


@require_POST
def note_add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Owners and caregivers: adds a note (once per client UUID); errors re-show the form."""
    child = child_for(request, child_id, Need.WRITE)
    form = DayNoteForm(request.POST, child=child)
    if not form.is_valid():
        return _page(request, child, form, status=400)
    try:
        noted = recording_days.add_day_note(child, request.user, form)
    except ClientUUIDConflict:
        return conflict_response(request)
    if noted.created:
        messages.success(request, _("Note added for %(day)s.") % {"day": noted.note.noted_on.strftime("%d %b %Y")})
    return redirect("seizures:notes", child_id=child.public_id)


@require_POST
def note_delete(request: AuthedRequest, child_id: UUID, note_id: UUID) -> HttpResponse:
    """Owners and caregivers: deletes one of the child's notes (another family's is 404)."""
    child = child_for(request, child_id, Need.WRITE)
    recording_days.delete_day_note(child, request.user, note_id)
    messages.success(request, _("The note was deleted."))
    return redirect("seizures:notes", child_id=child.public_id)
