"""Entries from a phone's outbox: read from JSON, checked with the model's and the forms' own
rules, and saved exactly once by their client UUID.

An entry is one JSON object with a `kind`:

- ``"episode"``: a seizure from the timer, or a whole seizure. The first entry for a client
  UUID creates it and needs ``started_at`` (the phone's time, kept apart from the server's
  ``received_at``). Later entries for the same UUID change a seizure that is still being timed
  — only the fields they carry — and end it (``"in_progress": false`` with ``ended_at`` or
  ``duration_seconds``, ``null`` when not known). A seizure that has ended or was deleted is
  left alone: the entry is acknowledged and nothing changes (a replay never undoes or
  overwrites what happened since). A new running seizure that starts within JOIN_WINDOW of
  one already being timed joins it (see `JoinedStart`).
- ``"form"``: the past-seizure form's fields as typed, checked by the same `EpisodeForm`.
- ``"tally"``: one "+1" tap at ``tapped_at``.
- ``"undo"``: takes back the "+1" tap whose client UUID it names.

A client UUID already stored for another child is refused (ClientUUIDConflict) and changes
nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from caregiver import audit, bounds
from caregiver.models import Child, User
from caregiver.text import validate_storable_text
from seizures.forms import EpisodeForm
from seizures.models import CLOCK_SKEW, JOIN_WINDOW, MAX_DURATION, Episode, JoinedStart
from seizures.recording import ClientUUIDConflict, save_once, soft_delete
from seizures.signs import MAX_PATH_STEPS, OBSERVATION_KEYS, SIGN_KEYS, SIGNS, Limb, Side

BOOLEAN_FIELDS = (*SIGN_KEYS, *OBSERVATION_KEYS)
CHOICE_FIELDS = ("eye_side", "jerking_side", "jerking_limb", "colour_change")
TEXT_FIELDS = {"rescue_medicine": 200, "notes": 5000}
# What an "episode" entry may carry besides kind and client_uuid.
EPISODE_FIELDS = frozenset(
    {
        "started_at",
        "in_progress",
        "ended_at",
        "duration_seconds",
        "path",
        "rescue_given_at",
        *BOOLEAN_FIELDS,
        *CHOICE_FIELDS,
        *TEXT_FIELDS,
    }
)
# Fields a change to a running seizure may set (its start is fixed when it is created).
CHANGEABLE_FIELDS = EPISODE_FIELDS - {"started_at", "in_progress", "ended_at", "duration_seconds"}
KINDS = ("episode", "form", "tally", "undo")
# Form fields the past-seizure form's entry carries as typed; the key comes from the entry.
IGNORED_FORM_FIELDS = {"client_uuid", "csrfmiddlewaretoken"}
MAX_FORM_FIELDS = 200
MODEL_CHECK_EXCLUDE = ["child", "cluster", "logged_by", "client_uuid", "public_id"]


class EntryError(Exception):
    """The entry cannot be saved as it is: `errors` maps field names to readable messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @property
    def message(self) -> str:
        return " ".join(dict.fromkeys(message for messages in self.errors.values() for message in messages))


def _error(field: str, message: str) -> EntryError:
    return EntryError({field: [message]})


@dataclass
class Outcome:
    """What an entry did: `created` answers 201, anything else 200. `joined` when a new running
    seizure joined one already being timed; `notice` says why an entry changed nothing."""

    kind: str
    key: UUID
    episode: Episode | None
    created: bool = False
    joined: bool = False
    notice: str = ""


# --- Reading ---------------------------------------------------------------------------------
def read_entry(data: Any) -> tuple[str, UUID]:
    """The entry's kind and client UUID; EntryError when it is not an entry at all."""
    if not isinstance(data, dict):
        raise _error("entry", _("An entry must be a JSON object."))
    kind = data.get("kind")
    if kind not in KINDS:
        raise _error("kind", _("Unknown kind of entry."))
    return kind, _uuid(data.get("client_uuid"))


def _uuid(value: Any) -> UUID:
    try:
        return UUID(value) if isinstance(value, str) else UUID("")
    except ValueError:
        raise _error("client_uuid", _("The entry’s key (client_uuid) is missing or unreadable.")) from None


def _moment(value: Any, field: str) -> datetime:
    """An aware date and time within the years a diary can mean."""
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None or not bounds.within(parsed.date()):
        raise _error(field, _("Give a date and time with its offset from UTC, like 2026-05-01T14:30:00Z."))
    return parsed


def _only(data: dict, allowed: frozenset | set, kind: str) -> None:
    unknown = sorted(set(data) - allowed - {"kind", "client_uuid"})
    if unknown:
        raise _error(
            unknown[0], _("A %(kind)s entry has no field called “%(name)s”.") % {"kind": kind, "name": unknown[0]}
        )


def _path(value: Any) -> list[dict]:
    """The shape of a migration path; which regions and times are allowed is Episode.clean()'s."""
    if not isinstance(value, list) or len(value) > MAX_PATH_STEPS:
        raise _error("path", _("A migration path is a list of at most %(n)d steps.") % {"n": MAX_PATH_STEPS})
    steps = []
    for step in value:
        at = step.get("at_seconds") if isinstance(step, dict) else None
        if (
            not isinstance(step, dict)
            or set(step) - {"region", "at_seconds"}
            or not isinstance(step.get("region"), str)
            or not (at is None or (isinstance(at, int) and not isinstance(at, bool)))
        ):
            raise _error("path", _("Each step of the path is a body region with its time into the seizure."))
        steps.append({"region": step["region"], "at_seconds": at})
    return steps


def _apply(episode: Episode, data: dict, fields: frozenset | set) -> list[str]:
    """Sets the episode's fields named in `fields` that the entry carries; returns their names."""
    changed = []
    for name in sorted(fields & set(data)):
        value = data[name]
        if name in BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                raise _error(name, _("Use true or false."))
        elif name in CHOICE_FIELDS:
            if not isinstance(value, str):
                raise _error(name, _("Choose one of the listed values."))
        elif name in TEXT_FIELDS:
            if not isinstance(value, str) or len(value) > TEXT_FIELDS[name]:
                raise _error(name, _("Use text of at most %(n)d characters.") % {"n": TEXT_FIELDS[name]})
            _storable(name, value)
        elif name == "path":
            value = _path(value)
        elif name == "rescue_given_at":
            value = None if value is None else _moment(value, name)
        setattr(episode, name, value)
        changed.append(name)
    # Like the timer's own taps: a sign seen without its side recorded is "side not seen", so
    # an entry interrupted half-way is still a valid one.
    for sign in SIGNS:
        if getattr(episode, sign.key):
            if sign.side_field and not getattr(episode, sign.side_field):
                setattr(episode, sign.side_field, Side.NOT_SEEN)
            if sign.limb_field and not getattr(episode, sign.limb_field):
                setattr(episode, sign.limb_field, Limb.NOT_SEEN)
    return changed


def _storable(name: str, value: str) -> None:
    try:
        validate_storable_text(value)
    except ValidationError as error:
        label = capfirst(Episode._meta.get_field(name).verbose_name)
        raise _error(name, f"{label}: {error.messages[0]}") from None


def _end(episode: Episode, data: dict) -> None:
    """Stores how long the seizure lasted: given, or from its stored start to `ended_at` (a
    timer left running over a day is saved with the duration unknown, as on the timer)."""
    if "duration_seconds" in data:
        value = data["duration_seconds"]
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise _error("duration_seconds", _("Give the duration in whole seconds, or null when not known."))
        episode.duration_seconds = value
    elif "ended_at" in data:
        ended_at = _moment(data["ended_at"], "ended_at")
        if ended_at > timezone.now() + CLOCK_SKEW:
            raise _error("ended_at", _("This time is in the future."))
        elapsed = (ended_at - episode.started_at).total_seconds()
        if elapsed < 0:
            raise _error("ended_at", _("The seizure’s end (ended_at) is before its start; check the times."))
        episode.duration_seconds = max(1, round(elapsed)) if elapsed <= MAX_DURATION.total_seconds() else None
    else:
        raise _error("duration_seconds", _("Say how long the seizure lasted (null when not known) or when it ended."))
    episode.in_progress = False


def _check(episode: Episode) -> None:
    try:
        episode.full_clean(exclude=MODEL_CHECK_EXCLUDE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise EntryError(
            {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        ) from None


# --- Saving ----------------------------------------------------------------------------------
def stored(child: Child, client_uuid: UUID) -> Episode | None:
    """The child's episode that this client UUID created or joined, if any (two indexed
    lookups at most); ClientUUIDConflict when the UUID belongs to another child."""
    episode = Episode.objects.filter(client_uuid=client_uuid).first()
    if episode is None:
        joined = JoinedStart.objects.filter(client_uuid=client_uuid).select_related("episode").first()
        episode = joined.episode if joined is not None else None
    if episode is not None and episode.child_id != child.pk:
        raise ClientUUIDConflict
    return episode


def save_entry(child: Child, user: User, data: Any) -> Outcome:
    """Saves one entry for `child` as `user` (whose right to write the caller has checked).
    Raises EntryError (nothing saved) or ClientUUIDConflict (nothing changed)."""
    kind, key = read_entry(data)
    if kind == "episode":
        return _episode(child, user, data, key)
    if kind == "form":
        return _form(child, user, data, key)
    if kind == "tally":
        return _tally(child, user, data, key)
    return _undo(child, user, data, key)


def _episode(child: Child, user: User, data: dict, key: UUID) -> Outcome:
    _only(data, EPISODE_FIELDS, "episode")
    existing = stored(child, key)
    if existing is not None:
        outcome = _change(child, user, data, key, existing)
        outcome.joined = existing.client_uuid != key  # a replayed start that joined: the same answer
        return outcome
    if "started_at" not in data:
        raise _error("started_at", _("This seizure is not on the server yet: its start (started_at) is needed."))
    in_progress = data.get("in_progress", False)
    if not isinstance(in_progress, bool):
        raise _error("in_progress", _("Use true or false."))
    episode = Episode(
        child=child,
        logged_by=user,
        client_uuid=key,
        started_at=_moment(data["started_at"], "started_at"),
        in_progress=in_progress,
    )
    _apply(episode, data, CHANGEABLE_FIELDS)
    if not in_progress:
        _end(episode, data)
    elif "duration_seconds" in data or "ended_at" in data:
        raise _error("duration_seconds", _("A seizure still being timed has no duration yet."))
    _check(episode)
    if in_progress:
        return _start(child, user, data, key, episode)
    episode, created = save_once(episode, actor=user, action="create", summary="Logged a seizure (sent from the phone)")
    return Outcome("episode", key, episode, created=created)


def _start(child: Child, user: User, data: dict, key: UUID, episode: Episode) -> Outcome:
    """A seizure the phone started timing: joins one already being timed near its start, else
    is saved. The child's row is locked, so two phones starting at once cannot both create."""
    try:
        with transaction.atomic():
            list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
            existing = stored(child, key)  # a replay that raced this one
            if existing is not None:
                outcome = _change(child, user, data, key, existing)
                outcome.joined = existing.client_uuid != key
                return outcome
            running = (
                Episode.objects.for_child(child)
                .live()
                .in_progress()
                .filter(
                    started_at__gte=episode.started_at - JOIN_WINDOW,
                    started_at__lte=episode.started_at + JOIN_WINDOW,
                )
                .newest_first()
                .first()
            )
            if running is None:
                episode, created = save_once(episode, actor=user, action="create", summary="Started the timer")
                return Outcome("episode", key, episode, created=created)
            JoinedStart.objects.create(client_uuid=key, episode=running)
            outcome = _change(child, user, data, key, running, summary="Timer joined from another phone")
            outcome.joined = True
            return outcome
    except IntegrityError:
        # The same entry, sent twice at once, lost the race on the unique key: read the winner.
        existing = stored(child, key)
        if existing is None:
            raise
        return Outcome("episode", key, existing)


def _change(child: Child, user: User, data: dict, key: UUID, episode: Episode, summary: str = "") -> Outcome:
    """Applies an entry to a seizure still being timed. An ended or deleted one is left alone."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.deleted_at is not None:
            return Outcome("episode", key, episode, notice=_("This seizure was deleted; the entry changed nothing."))
        if not episode.in_progress:
            notice = (
                ""
                if not _would_change(episode, data)
                else _(
                    "This seizure had already ended, so what was sent after that was not added. "
                    "Open it to add anything that is missing."
                )
            )
            return Outcome("episode", key, episode, notice=notice)
        changed = _apply(episode, data, CHANGEABLE_FIELDS)
        in_progress = data.get("in_progress", True)
        if not isinstance(in_progress, bool):
            raise _error("in_progress", _("Use true or false."))
        if not in_progress:
            _end(episode, data)
            changed.append("ended")
        _check(episode)
        if changed or summary:
            episode.save()
            shown = summary or "Timer (sent from the phone): " + ", ".join(changed)
            audit.record(user, "edit", child=child, obj=episode, summary=shown)
    return Outcome("episode", key, episode)


def _would_change(episode: Episode, data: dict) -> bool:
    """Whether the entry differs from what the ended seizure holds. A replay of the phone's own
    final entry does not; signs ticked on a phone after another phone ended it do."""
    probe = copy.copy(episode)
    try:
        changed = _apply(probe, data, CHANGEABLE_FIELDS)
    except EntryError:
        return True
    return any(getattr(probe, name) != getattr(episode, name) for name in changed)


def _form(child: Child, user: User, data: dict, key: UUID) -> Outcome:
    _only(data, {"fields"}, "form")
    fields = data.get("fields")
    if (
        not isinstance(fields, dict)
        or len(fields) > MAX_FORM_FIELDS
        or not all(isinstance(value, str) for value in fields.values())
    ):
        raise _error("fields", _("The form’s fields could not be read."))
    existing = stored(child, key)
    if existing is not None:
        return Outcome("form", key, existing)
    posted = QueryDict(mutable=True)
    for name, value in fields.items():
        if name not in IGNORED_FORM_FIELDS:
            posted[name] = value
    form = EpisodeForm(posted, child=child, instance=Episode(child=child, logged_by=user))
    if not form.is_valid():
        raise EntryError(
            {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
        )
    episode = form.save(commit=False)
    episode.client_uuid = key
    episode, created = save_once(episode, actor=user, action="create", summary="Logged a seizure")
    return Outcome("form", key, episode, created=created)


def _tally(child: Child, user: User, data: dict, key: UUID) -> Outcome:
    _only(data, {"tapped_at"}, "tally")
    existing = stored(child, key)
    if existing is not None:
        return Outcome("tally", key, existing)
    episode = Episode(
        child=child,
        started_at=_moment(data.get("tapped_at"), "tapped_at"),
        is_tally=True,
        logged_by=user,
        client_uuid=key,
    )
    _check(episode)
    episode, created = save_once(episode, actor=user, action="create", summary="Counted a seizure (+1)")
    return Outcome("tally", key, episode, created=created)


def _undo(child: Child, user: User, data: dict, key: UUID) -> Outcome:
    """Takes back the tap with this client UUID. Already taken back, or never stored (a tap
    refused and discarded on the phone): nothing to do, and acknowledged."""
    _only(data, set(), "undo")
    tap = stored(child, key)
    if tap is None:
        return Outcome("undo", key, None, notice=_("There was no such tap to take back."))
    if not tap.is_tally:
        raise _error("client_uuid", _("Only a “+1” tap can be taken back this way."))
    with transaction.atomic():
        tap = Episode.objects.select_for_update().get(pk=tap.pk)
        if tap.deleted_at is None:
            soft_delete(tap, actor=user, summary="Undid a +1 tap")
    return Outcome("undo", key, tap)
