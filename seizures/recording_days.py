"""The write side for the diary's days, beside `seizures.recording` (same rules: the child
comes from `caregiver.access.child_for`, each change is audited in its own transaction, and
what the phone sends is saved once by its client UUID): confirming that a day is recorded,
the owners' not-recorded ranges, and day notes (an illness, a vaccination, missed sleep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404

from caregiver import audit
from caregiver.models import Child, User
from seizures.forms import DayNoteForm, NotRecordedForm
from seizures.models import DayConfirmation, DayNote, NotRecordedRange
from seizures.recording import ClientUUIDConflict


@dataclass
class Confirmed:
    """The day's confirmation, and whether this call made it (a repeat, or a second
    caregiver confirming the same day, gets the stored one back)."""

    confirmation: DayConfirmation
    created: bool = False


def _stored(child: Child, key: UUID, day: date) -> DayConfirmation | None:
    """The confirmation this key made, else the day's; ClientUUIDConflict for another child's key."""
    by_key = DayConfirmation.objects.filter(client_uuid=key).first()
    if by_key is not None:
        if by_key.child_id != child.pk:
            raise ClientUUIDConflict
        return by_key
    return DayConfirmation.objects.filter(child=child, confirmed_on=day).first()


def confirm_day(child: Child, user: User, *, key: UUID, day: date, confirmed_at: datetime) -> Confirmed:
    """Marks `day` as recorded, as of `confirmed_at` (the phone's time when it was sent from
    there): late when that is after the day ended in the child's time zone. ValidationError
    for a day not begun yet or before the child's birth."""
    existing = _stored(child, key, day)
    if existing is not None:
        return Confirmed(existing)
    confirmation = DayConfirmation(
        child=child,
        confirmed_on=day,
        confirmed_at=confirmed_at,
        late=child.today(confirmed_at) > day,
        confirmed_by=user,
        client_uuid=key,
    )
    confirmation.full_clean(exclude=["child", "confirmed_by", "client_uuid", "public_id"], validate_unique=False)
    try:
        with transaction.atomic():
            confirmation.save()
            summary = f"Confirmed {day} as recorded" + (" (late)" if confirmation.late else "")
            audit.record(user, "create", child=child, obj=confirmation, summary=summary)
    except IntegrityError:
        # The same day confirmed at the same moment from two phones: the loser reads the winner.
        existing = _stored(child, key, day)
        if existing is None:
            raise
        return Confirmed(existing)
    return Confirmed(confirmation, created=True)


def mark_not_recorded(child: Child, user: User, form: NotRecordedForm) -> NotRecordedRange:
    """Saves a valid NotRecordedForm made for `child` (owners only: the caller checked)."""
    with transaction.atomic():
        marked = form.save(commit=False)
        marked.created_by = user
        marked.save()
        summary = f"Marked {marked.started_on} to {marked.ended_on} as not recorded"
        audit.record(user, "create", child=child, obj=marked, summary=summary)
    return marked


def unmark_not_recorded(child: Child, user: User, range_id: UUID) -> None:
    """Removes one of the child's not-recorded ranges (404 when it is none of theirs)."""
    with transaction.atomic():
        marked = get_object_or_404(NotRecordedRange.objects.filter(child=child).select_for_update(), public_id=range_id)
        summary = f"Removed the not-recorded mark from {marked.started_on} to {marked.ended_on}"
        audit.record(user, "delete", child=child, obj=marked, summary=summary)
        marked.delete()


# --- Day notes --------------------------------------------------------------------------------
@dataclass
class Noted:
    """The note, and whether this call made it (a repeat with the same key gets it back)."""

    note: DayNote
    created: bool = False


def _note_by_key(child: Child, key: UUID) -> DayNote | None:
    note = DayNote.objects.filter(client_uuid=key).first()
    if note is not None and note.child_id != child.pk:
        raise ClientUUIDConflict
    return note


def add_day_note(child: Child, user: User, form: DayNoteForm) -> Noted:
    """Saves the note of a valid DayNoteForm made for `child`, once per client UUID: a repeat
    gets the stored note back. ClientUUIDConflict when the key is another child's."""
    key = form.cleaned_data["client_uuid"]
    existing = _note_by_key(child, key)
    if existing is not None:
        return Noted(existing)
    note = form.save(commit=False)
    note.created_by = user
    note.client_uuid = key
    try:
        with transaction.atomic():
            note.save()
            audit.record(user, "create", child=child, obj=note, summary=f"Noted {note.kind} on {note.noted_on}")
    except IntegrityError:
        # The same note sent twice at once: the loser reads the winner.
        existing = _note_by_key(child, key)
        if existing is None:
            raise
        return Noted(existing)
    return Noted(note, created=True)


def delete_day_note(child: Child, user: User, note_id: UUID) -> None:
    """Removes one of the child's notes (404 when it is none of theirs)."""
    with transaction.atomic():
        note = get_object_or_404(DayNote.objects.filter(child=child).select_for_update(), public_id=note_id)
        audit.record(user, "delete", child=child, obj=note, summary=f"Removed the {note.kind} note on {note.noted_on}")
        note.delete()
