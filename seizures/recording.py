"""Every change to a child's seizures and treatments, whoever asks for it: the pages (with or
without script), the phone's outbox (`seizures.outbox`) and, later, the device API.

Nothing else creates or changes an Episode, Cluster or Treatment. Each function takes the
child its caller reached through `caregiver.access.child_for` (write access checked there),
locks what it must, applies each rule once, writes its audit event in the same transaction,
and is idempotent by client UUID: a replay gets the stored record back and changes nothing.
A client UUID stored for another child raises ClientUUIDConflict and changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from caregiver import audit
from caregiver.models import Child, User
from caregiver.text import validate_storable_text
from seizures import recording_alerts as alerts
from seizures.alert_models import Kind
from seizures.forms import EpisodeForm, TreatmentForm
from seizures.medicine_models import NOT_MEDICINES, Medicine
from seizures.models import (
    CLUSTER_GAP,
    JOIN_WINDOW,
    MAX_DURATION,
    RESTORE_WINDOW,
    Cluster,
    Episode,
    ImportUpload,
    JoinedStart,
    Treatment,
)
from seizures.signs import MAX_PATH_STEPS, SIGNS, Limb, Side

# Fields the model's own checks leave to the writer (set here, never from what was sent).
MODEL_CHECK_EXCLUDE = ["child", "cluster", "logged_by", "client_uuid", "public_id"]
# Text typed freely (not a choice), which the storable-text rule checks.
FREE_TEXT_FIELDS = [
    f.name for f in Episode._meta.fields if isinstance(f, models.CharField | models.TextField) and not f.choices
]


class ClientUUIDConflict(Exception):
    """The client UUID is already stored for another child: refuse, change nothing."""


class TooLateToRestore(Exception):
    """The episode was deleted longer ago than RESTORE_WINDOW."""


@dataclass
class Saved:
    """What a write did: `created` a record, `joined` a seizure already being timed, or
    changed nothing for the reason in `notice`."""

    episode: Episode | None
    created: bool = False
    joined: bool = False
    notice: str = ""


@dataclass
class Edit:
    """An edit's outcome: `saved`, or `conflict` (the episode changed since the form showed
    it: nothing saved); neither means the form has errors."""

    episode: Episode
    form: EpisodeForm
    saved: bool = False
    conflict: bool = False


# --- Lookups ----------------------------------------------------------------------------------
def stored(child: Child, client_uuid: UUID) -> Episode | None:
    """The child's episode that this client UUID created or joined, if any (two indexed
    lookups at most); ClientUUIDConflict when the UUID belongs to another child."""
    episode = _created_by(child, client_uuid)
    if episode is None:
        joined = JoinedStart.objects.filter(client_uuid=client_uuid).select_related("episode").first()
        episode = joined.episode if joined is not None else None
    if episode is not None and episode.child_id != child.pk:
        raise ClientUUIDConflict
    return episode


def _created_by(child: Child, client_uuid: UUID) -> Episode | None:
    """The episode this client UUID created (one indexed lookup), if it is the child's."""
    episode = Episode.objects.filter(client_uuid=client_uuid).first()
    if episode is not None and episode.child_id != child.pk:
        raise ClientUUIDConflict
    return episode


def _locked(child: Child, episode_id: UUID, *, deleted: bool = False) -> Episode:
    """The child's episode, locked for the rest of the transaction; 404 when it is not the
    child's (or is deleted, unless `deleted` asks for a deleted one). Like the child's own
    lock, it leaves rows that only refer to the episode free to be written (no_key)."""
    episodes = Episode.objects.for_child(child).select_for_update(no_key=True)
    episodes = episodes.deleted() if deleted else episodes.live()
    return get_object_or_404(episodes, public_id=episode_id)


# --- The rules, once each -----------------------------------------------------------------------
def apply_changes(episode: Episode, changes: dict[str, Any]) -> list[str]:
    """Sets the fields in `changes` (values already of the field's type); returns their
    names. Choosing a side or limb means its sign was seen; a sign seen without its side or
    limb recorded is "not seen", so an entry interrupted half-way is still a valid one."""
    for name, value in changes.items():
        setattr(episode, name, value)
    for sign in SIGNS:
        for field, unseen in ((sign.side_field, Side.NOT_SEEN), (sign.limb_field, Limb.NOT_SEEN)):
            if field and changes.get(field) and sign.key not in changes:
                setattr(episode, sign.key, True)
            if field and getattr(episode, sign.key) and not getattr(episode, field):
                setattr(episode, field, unseen)
    return list(changes)


def duration_until(episode: Episode, ended_at: datetime) -> int | None:
    """Whole seconds from the stored start to `ended_at`, at least one; unknown (None) for a
    timer left running over MAX_DURATION. ValidationError for an end before the start."""
    elapsed = (ended_at - episode.started_at).total_seconds()
    if elapsed < 0:
        raise ValidationError({"ended_at": [_("The seizure’s end (ended_at) is before its start; check the times.")]})
    return max(1, round(elapsed)) if elapsed <= MAX_DURATION.total_seconds() else None


def _end(episode: Episode, *, ended_at: datetime | None = None, duration_seconds: Any = ...) -> None:
    """Ends the seizure with the duration given (None: not known) or timed to `ended_at`."""
    episode.duration_seconds = duration_until(episode, ended_at) if duration_seconds is ... else duration_seconds
    episode.in_progress = False


def check(episode: Episode) -> None:
    """The one rule for storable text, then the model's own rules (Episode.clean());
    ValidationError lists what is wrong. For values that did not come through a form."""
    errors = {}
    for name in FREE_TEXT_FIELDS:
        try:
            validate_storable_text(getattr(episode, name))
        except ValidationError as error:
            errors[name] = [f"{capfirst(Episode._meta.get_field(name).verbose_name)}: {error.messages[0]}"]
    if errors:
        raise ValidationError(errors)
    episode.full_clean(exclude=MODEL_CHECK_EXCLUDE, validate_unique=False, validate_constraints=False)


def _cluster_for(child: Child, at: datetime) -> Cluster:
    """The cluster a tap at `at` belongs to, opened when the last tap was too long ago. The
    caller holds the child's row lock, so two phones tapping together share one."""
    cluster = Cluster.objects.filter(child=child, last_at__gte=at - CLUSTER_GAP).order_by("-last_at").first()
    if cluster is None:
        return Cluster.objects.create(child=child, started_at=at, last_at=at)
    if at > cluster.last_at:
        cluster.last_at = at
        cluster.save(update_fields=["last_at"])
    return cluster


def _save_once(
    episode: Episode, *, actor: User, summary: str, then: Callable[[Child, User, Episode], None] | None = None
) -> Saved:
    """Saves a new episode unless its `client_uuid` is stored. A replay gets the stored
    episode back (even if deleted since: a replay never resurrects or changes anything). Two
    simultaneous requests with one UUID race on the unique constraint; the loser reads the
    winner's row. `then` runs in the same transaction after a save (it queues alerts)."""
    child = episode.child
    existing = _created_by(child, episode.client_uuid)
    if existing is not None:
        return Saved(existing)
    try:
        with transaction.atomic():
            if episode.is_tally:
                child.lock()
                episode.cluster = _cluster_for(child, episode.started_at)
            episode.save()
            audit.record(actor, "create", child=child, obj=episode, summary=summary)
            if then is not None:
                then(child, actor, episode)
    except IntegrityError:
        existing = _created_by(child, episode.client_uuid)
        if existing is None:
            raise
        return Saved(existing)
    return Saved(episode, created=True)


# --- Starting and timing --------------------------------------------------------------------------
def start(child: Child, user: User, *, key: UUID, started_at: datetime, changes: dict[str, Any] | None = None) -> Saved:
    """ "Seizure now" at `started_at`: joins a seizure of the child already being timed within
    JOIN_WINDOW of it (`joined`; later entries under `key` land there), else starts one. The
    child's row is locked, so two phones (or two taps) starting at once make one seizure."""
    changes = changes or {}
    episode = Episode(child=child, logged_by=user, client_uuid=key, started_at=started_at, in_progress=True)
    apply_changes(episode, changes)
    check(episode)
    try:
        with transaction.atomic():
            child.lock()
            existing = stored(child, key)
            if existing is not None:  # a replay
                result = update_timed(child, user, existing, changes)
                result.joined = existing.client_uuid != key
                return result
            running = (
                Episode.objects.for_child(child)
                .live()
                .in_progress()
                .filter(started_at__gte=started_at - JOIN_WINDOW, started_at__lte=started_at + JOIN_WINDOW)
                .newest_first()
                .first()
            )
            if running is None:
                return _save_once(episode, actor=user, summary="Started the timer", then=alerts.queue_start)
            JoinedStart.objects.create(client_uuid=key, episode=running)
            result = update_timed(child, user, running, changes, summary="Timer joined from another phone")
            result.joined = True
            return result
    except IntegrityError:
        # The same start, sent twice at once, lost the race on the unique key: read the winner.
        existing = stored(child, key)
        if existing is None:
            raise
        return Saved(existing, joined=existing.client_uuid != key)


def save_timed(
    child: Child, user: User, *, key: UUID, started_at: datetime, changes: dict[str, Any], **ending: Any
) -> Saved:
    """A seizure timed on the phone that reaches the server already ended (`ending` as for
    `update_timed`). ValidationError when it breaks the model's rules."""
    episode = Episode(child=child, logged_by=user, client_uuid=key, started_at=started_at)
    apply_changes(episode, changes)
    _end(episode, **ending)
    check(episode)
    return _save_once(episode, actor=user, summary="Logged a seizure (sent from the phone)")


def update_timed(
    child: Child, user: User, episode: Episode, changes: dict[str, Any], *, summary: str = "", **ending: Any
) -> Saved:
    """The phone's changes to a seizure still being timed, and its end when `ending` gives
    `ended_at` or `duration_seconds` (None: not known). An ended or deleted seizure is left
    alone: a replay never undoes or overwrites what happened since. ValidationError when the
    result breaks the model's rules (nothing saved)."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update(no_key=True).get(pk=episode.pk)
        if episode.deleted_at is not None:
            return Saved(episode, notice=_("This seizure was deleted; the entry changed nothing."))
        if not episode.in_progress:
            if not _would_change(episode, changes):
                return Saved(episode)
            notice = _(
                "This seizure had already ended, so what was sent after that was not added. "
                "Open it to add anything that is missing."
            )
            return Saved(episode, notice=notice)
        changed = apply_changes(episode, changes)
        if ending:
            _end(episode, **ending)
            changed.append("ended")
        check(episode)
        if changed or summary:
            episode.save()
            shown = summary or "Timer (sent from the phone): " + ", ".join(changed)
            audit.record(user, "edit", child=child, obj=episode, summary=shown)
        if episode.rescue_given_at and {"rescue_medicine", "rescue_given_at"} & set(changed):
            alerts.queue(child, user, episode, {Kind.RESCUE: episode.rescue_given_at})
    return Saved(episode)


def _would_change(episode: Episode, changes: dict[str, Any]) -> bool:
    """Whether `changes` differ from what the ended seizure holds. A replay of the phone's own
    final entry does not; signs ticked on a phone after another phone ended it do."""
    probe = copy.copy(episode)
    return any(getattr(probe, name) != getattr(episode, name) for name in apply_changes(probe, changes))


def set_value(child: Child, user: User, episode_id: UUID, name: str, value: Any) -> Episode:
    """One tap on the timer's checklist. Setting (not toggling) makes a repeat harmless."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        apply_changes(episode, {name: value})
        episode.save()
        shown = ("on" if value else "off") if isinstance(value, bool) else (value or "none")
        audit.record(user, "edit", child=child, obj=episode, summary=f"Timer: {name} {shown}")
    return episode


def move(child: Child, user: User, episode_id: UUID, region: str) -> Episode:
    """Appends a body region to the migration path, stamped with the time into the seizure.
    The same region twice in a row is one step (a double tap adds it once)."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        last = episode.path[-1]["region"] if episode.path else None
        if region != last and len(episode.path) < MAX_PATH_STEPS:
            at = episode.elapsed_seconds() if episode.in_progress else None
            episode.path = [*episode.path, {"region": region, "at_seconds": at}]
            episode.save()
            audit.record(user, "edit", child=child, obj=episode, summary=f"Timer: moved to {region}")
    return episode


def undo_move(child: Child, user: User, episode_id: UUID, shown_steps: str) -> Episode:
    """Removes the last step if the path still has the length the page showed, so a repeated
    request removes one step, not two."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        if episode.path and shown_steps == str(len(episode.path)):
            removed = episode.path[-1]["region"]
            episode.path = episode.path[:-1]
            episode.save()
            audit.record(user, "edit", child=child, obj=episode, summary=f"Timer: removed step {removed}")
    return episode


def give_rescue(child: Child, user: User, episode_id: UUID, medicine: str, given_at: datetime | None = None) -> Episode:
    """Records the rescue medicine as given at `given_at` (default now), and queues the team's
    "rescue given" alert (one per member however often it is pressed). The dose itself, with
    its guard, is `seizures.recording_plan.give`'s."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        episode.rescue_medicine = medicine[:200]
        episode.rescue_given_at = given_at or timezone.now()
        episode.save()
        audit.record(user, "edit", child=child, obj=episode, summary="Timer: rescue medicine given")
        alerts.queue(child, user, episode, {Kind.RESCUE: episode.rescue_given_at})
    return episode


def end(child: Child, user: User, episode_id: UUID) -> tuple[Episode, bool]:
    """ "Seizure ended" now; returns the episode and whether this call ended it (ending one
    that has ended changes nothing)."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        if not episode.in_progress:
            return episode, False
        elapsed = episode.elapsed_seconds()
        # A start a phone stamped slightly ahead of the server's clock is not "after" the end.
        _end(episode, ended_at=max(timezone.now(), episode.started_at))
        episode.save()
        audit.record(user, "edit", child=child, obj=episode, summary=f"Timer: ended after {elapsed} seconds")
    return episode, True


# --- The cluster tally -----------------------------------------------------------------------------
def tap(child: Child, user: User, *, key: UUID, tapped_at: datetime) -> Saved:
    """One "+1": a seizure at `tapped_at`, duration unknown, in the child's current cluster.
    ValidationError when the time breaks the model's rules."""
    episode = Episode(child=child, started_at=tapped_at, is_tally=True, logged_by=user, client_uuid=key)
    check(episode)
    return _save_once(episode, actor=user, summary="Counted a seizure (+1)", then=alerts.queue_tally)


def undo_tap(child: Child, user: User, tap_id: UUID) -> tuple[Episode, bool]:
    """Takes back the child's tap (404 when it is none); returns it and whether this call
    took it back (one already taken back changes nothing, so a repeat cannot take two)."""
    with transaction.atomic():
        episode = get_object_or_404(
            Episode.objects.for_child(child).tallies().select_for_update(no_key=True), public_id=tap_id
        )
        if episode.deleted_at is not None:
            return episode, False
        _soft_delete(episode, user, "Undid a +1 tap")
    return episode, True


# --- Past seizures, edits, deletes -------------------------------------------------------------------
def save_past(child: Child, user: User, *, key: UUID, form: EpisodeForm) -> Saved | None:
    """A past seizure from its form, once per client UUID: a replay gets the stored episode
    whatever the form holds now. None when the form has errors (nothing saved)."""
    existing = stored(child, key)
    if existing is not None:
        return Saved(existing)
    if not form.is_valid():
        return None
    episode = form.save(commit=False)
    episode.in_progress = False
    episode.logged_by = user
    episode.client_uuid = key
    return _save_once(episode, actor=user, summary="Logged a seizure")


def edit(child: Child, user: User, episode_id: UUID, data) -> Edit:
    """Saves the edit form's `data` if the episode still has the version the form showed;
    otherwise nothing is saved and the form shows the current version with what was typed."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        if data.get("version", "") != str(episode.version):
            data = data.copy()
            data["version"] = str(episode.version)
            return Edit(episode, EpisodeForm(data, child=child, instance=episode), conflict=True)
        form = EpisodeForm(data, child=child, instance=episode)
        if not form.is_valid():
            return Edit(episode, form)
        # The form always settles the duration (given or "not known"), so any timer stops here.
        episode = form.save(commit=False)
        episode.in_progress = False
        episode.save()
        changed = ", ".join(name for name in form.changed_data if name != "version") or "nothing"
        audit.record(user, "edit", child=child, obj=episode, summary=f"Edited: {changed}")
    return Edit(episode, form, saved=True)


def _soft_delete(episode: Episode, user: User, summary: str) -> None:
    episode.deleted_at = timezone.now()
    episode.in_progress = False
    episode.save()
    audit.record(user, "delete", child=episode.child, obj=episode, summary=summary)


def delete(child: Child, user: User, episode_id: UUID) -> Episode:
    """Soft delete: restorable for RESTORE_WINDOW."""
    with transaction.atomic():
        episode = _locked(child, episode_id)
        _soft_delete(episode, user, "Deleted a seizure")
    return episode


def restore(child: Child, user: User, episode_id: UUID) -> Episode:
    """Brings back an episode deleted within RESTORE_WINDOW; TooLateToRestore after that."""
    with transaction.atomic():
        episode = _locked(child, episode_id, deleted=True)
        if episode.deleted_at < timezone.now() - RESTORE_WINDOW:
            raise TooLateToRestore
        episode.deleted_at = None
        episode.save()
        audit.record(user, "restore", child=child, obj=episode, summary="Restored a deleted seizure")
    return episode


# --- Treatments ------------------------------------------------------------------------------------
def add_treatment(child: Child, user: User, form: TreatmentForm) -> Treatment:
    """Saves a valid TreatmentForm made for `child`."""
    with transaction.atomic():
        treatment = form.save()
        if treatment.kind not in NOT_MEDICINES:
            # Every medicine treatment has its medicine, where doses can be added later.
            Medicine.objects.create(child=child, treatment=treatment, name=treatment.label)
        audit.record(user, "create", child=child, obj=treatment, summary=f"Added {treatment.label}")
    return treatment


def edit_treatment(child: Child, user: User, form: TreatmentForm) -> Treatment:
    """Saves a valid TreatmentForm bound to one of the child's treatments."""
    with transaction.atomic():
        treatment = form.save()
        changed = ", ".join(form.changed_data) or "nothing"
        audit.record(user, "edit", child=child, obj=treatment, summary=f"Edited {treatment.label}: {changed}")
    return treatment


def stop_treatment(child: Child, user: User, treatment: Treatment, stopped_on) -> Treatment:
    """Sets the last day the treatment was given (checked against its start by the form)."""
    with transaction.atomic():
        treatment.stopped_on = stopped_on
        treatment.save(update_fields=["stopped_on", "updated_at"])
        summary = f"Stopped {treatment.label} on {treatment.stopped_on}"
        audit.record(user, "edit", child=child, obj=treatment, summary=summary)
    return treatment


# --- Import from another diary -------------------------------------------------------------------
IMPORT_BATCH = 500
UPLOAD_LIFETIME = timedelta(days=1)


def stage_import(child: Child, user: User, *, name: str, content: bytes) -> ImportUpload:
    """Keeps an uploaded file for the mapping and preview steps (an owner's, `child_for` with
    Need.MANAGE); drops the child's uploads left over from earlier days."""
    with transaction.atomic():
        ImportUpload.objects.filter(child=child, uploaded_at__lt=timezone.now() - UPLOAD_LIFETIME).delete()
        upload = ImportUpload.objects.create(child=child, uploaded_by=user, name=name[:255], content=content)
        audit.record(user, "upload", child=child, obj=upload, summary=f"Uploaded {upload.name} to import")
    return upload


def import_episodes(
    child: Child, user: User, episodes: list[Episode], *, source: str, upload: ImportUpload | None = None
) -> int:
    """A planned import (seizures.importing.plan), all or nothing; then the upload, if the
    page staged one, is deleted. `source` names the file in the audit trail.
    Each episode carries the key made from its file and row; keys stored meanwhile (the same
    file imported at once from two pages) are left out, so a row is never imported twice.
    Returns how many seizures were added."""
    with transaction.atomic():
        child.lock()
        keys = [episode.client_uuid for episode in episodes]
        stored = set()
        for start in range(0, len(keys), IMPORT_BATCH):
            batch = keys[start : start + IMPORT_BATCH]
            stored |= set(Episode.objects.filter(client_uuid__in=batch).values_list("client_uuid", flat=True))
        fresh = [episode for episode in episodes if episode.client_uuid not in stored]
        for episode in fresh:
            check(episode)
            episode.normalise()
        Episode.objects.bulk_create(fresh, batch_size=IMPORT_BATCH)
        audit.record(user, "import", child=child, summary=f"Imported {len(fresh)} seizures from {source}")
        if upload is not None:
            upload.delete()
    return len(fresh)
