"""The write side for the diary's days, beside `seizures.recording` (same rules: the child
comes from `caregiver.access.child_for`, each change is audited in its own transaction, and
what the phone sends is saved once by its client UUID): confirming that a day is recorded,
the owners' not-recorded ranges, the periods too frequent to count, and day notes (an illness,
a vaccination, missed sleep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from caregiver import audit
from caregiver.models import Child, User
from seizures.forms import DayNoteForm, NotRecordedForm, UncountableForm
from seizures.models import MAX_UNCOUNTABLE, DayConfirmation, DayNote, NotRecordedRange, UncountablePeriod
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


# --- Periods too frequent to count ---------------------------------------------------------------
# Fields the model's own checks leave to the writer (set here, never from what was sent).
PERIOD_CHECK_EXCLUDE = ["child", "created_by", "client_uuid", "end_client_uuid", "public_id"]


@dataclass
class PeriodSaved:
    """A period write's outcome: the period, and whether this call changed it (a replay, or a
    second caregiver pressing the same button, gets the stored period back unchanged)."""

    period: UncountablePeriod
    changed: bool = False


def _period_by_key(child: Child, key: UUID | None) -> UncountablePeriod | None:
    """The period this client UUID made, if any; ClientUUIDConflict for another child's."""
    if key is None:
        return None
    period = UncountablePeriod.objects.filter(client_uuid=key).first()
    if period is not None and period.child_id != child.pk:
        raise ClientUUIDConflict
    return period


def _check_period(child: Child, period: UncountablePeriod) -> None:
    """The model's rules, then no overlap with another of the child's periods (the child is
    locked by the caller, so two writers cannot both pass). ValidationError otherwise."""
    period.full_clean(exclude=PERIOD_CHECK_EXCLUDE, validate_unique=False, validate_constraints=False)
    if period.ended_at is None and timezone.now() - period.started_at > MAX_UNCOUNTABLE:
        raise ValidationError(
            {"started_at": _("A period too frequent to count can last at most 14 days; check the dates.")}
        )
    others = UncountablePeriod.objects.for_child(child).exclude(pk=period.pk)
    if period.ended_at is None and others.open().exists():
        raise ValidationError({"ended_at": _("Another period too frequent to count is still going on; end it first.")})
    far = period.ended_at or timezone.now() + timedelta(days=1)
    clash = others.touching(period.started_at, far).order_by("started_at").first()
    if clash is not None:
        raise ValidationError(
            {
                "started_at": _(
                    "This overlaps another period too frequent to count (from %(start)s). "
                    "Change the times, or edit that period."
                )
                % {"start": clash.started_at.astimezone(child.zone).strftime("%d %b %Y %H:%M")}
            }
        )


def _describe(child: Child, period: UncountablePeriod) -> str:
    start = period.started_at.astimezone(child.zone).strftime("%Y-%m-%d %H:%M")
    end = period.ended_at.astimezone(child.zone).strftime("%Y-%m-%d %H:%M") if period.ended_at else "ongoing"
    estimate = "not estimated" if period.estimated_count is None else f"about {period.estimated_count}"
    return f"{start} to {end}, {estimate}"


def start_uncountable(child: Child, user: User, *, key: UUID, started_at: datetime) -> PeriodSaved:
    """Starts a period too frequent to count at `started_at` (the phone's time when sent
    offline). Saved once per key; when a period is already going on (another caregiver
    started it) that one is returned unchanged. ValidationError when the start is refused."""
    with transaction.atomic():
        child.lock()
        existing = _period_by_key(child, key) or UncountablePeriod.objects.for_child(child).open().first()
        if existing is not None:
            return PeriodSaved(existing)
        period = UncountablePeriod(child=child, started_at=started_at, created_by=user, client_uuid=key)
        _check_period(child, period)
        period.save()
        audit.record(
            user, "create", child=child, obj=period, summary=f"Too frequent to count: {_describe(child, period)}"
        )
    return PeriodSaved(period, changed=True)


def end_uncountable(
    child: Child,
    user: User,
    *,
    ended_at: datetime,
    estimated_count: int | None = None,
    period_id: UUID | None = None,
    started_key: UUID | None = None,
    key: UUID | None = None,
) -> PeriodSaved:
    """Ends the period named by `period_id` or by the `started_key` that started it, else
    the one going on, at `ended_at` with the estimate. Once per `key` (the end's own client
    UUID): a replay gets the period it ended back, even if another has begun since. A period
    already ended is returned unchanged. 404 for another child's period; ClientUUIDConflict
    for another child's key; ValidationError when none is going on or the end is refused."""
    with transaction.atomic():
        child.lock()
        if key is not None and (done := UncountablePeriod.objects.filter(end_client_uuid=key).first()) is not None:
            if done.child_id != child.pk:
                raise ClientUUIDConflict
            return PeriodSaved(done)
        periods = UncountablePeriod.objects.for_child(child).select_for_update()
        if period_id is not None:
            period = get_object_or_404(periods, public_id=period_id)
        elif started_key is not None and (by_key := _period_by_key(child, started_key)) is not None:
            period = by_key
        else:
            period = periods.open().first()
            if period is None:
                raise ValidationError({"ended_at": _("No period too frequent to count is going on.")})
        if period.ended_at is not None:
            return PeriodSaved(period)
        period.ended_at = ended_at
        period.estimated_count = estimated_count
        period.end_client_uuid = key
        _check_period(child, period)
        period.save()
        audit.record(user, "edit", child=child, obj=period, summary=f"Ended: {_describe(child, period)}")
    return PeriodSaved(period, changed=True)


def add_uncountable(child: Child, user: User, form: UncountableForm) -> PeriodSaved:
    """Saves a valid UncountableForm made for `child`, once per its client UUID. Errors the
    form cannot see (an overlap) are added to it and raised as ValidationError."""
    key = form.cleaned_data.get("client_uuid")
    with transaction.atomic():
        child.lock()
        existing = _period_by_key(child, key)
        if existing is not None:
            return PeriodSaved(existing)
        period = form.save(commit=False)
        period.created_by = user
        if key is not None:
            period.client_uuid = key
        _check_with_form(child, period, form)
        period.save()
        audit.record(
            user, "create", child=child, obj=period, summary=f"Too frequent to count: {_describe(child, period)}"
        )
    return PeriodSaved(period, changed=True)


def edit_uncountable(child: Child, user: User, form: UncountableForm) -> PeriodSaved:
    """Saves a valid UncountableForm bound to one of the child's periods (the caller loaded
    it through `period_for`)."""
    with transaction.atomic():
        child.lock()
        period = form.save(commit=False)
        _check_with_form(child, period, form)
        period.save()
        audit.record(user, "edit", child=child, obj=period, summary=f"Edited: {_describe(child, period)}")
    return PeriodSaved(period, changed=True)


def _check_with_form(child: Child, period: UncountablePeriod, form: UncountableForm) -> None:
    try:
        _check_period(child, period)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        raise


def delete_uncountable(child: Child, user: User, period_id: UUID) -> None:
    """Removes one of the child's periods (404 when it is none of theirs): its seizures are
    counted exactly again."""
    with transaction.atomic():
        period = get_object_or_404(UncountablePeriod.objects.for_child(child).select_for_update(), public_id=period_id)
        audit.record(user, "delete", child=child, obj=period, summary=f"Removed: {_describe(child, period)}")
        period.delete()


def period_for(child: Child, period_id: UUID) -> UncountablePeriod:
    """One of the child's periods; 404 for any other (read-only: for the edit form)."""
    return get_object_or_404(UncountablePeriod.objects.for_child(child), public_id=period_id)


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
