"""The server's half of the phone's outbox: entries read from JSON, checked with the model's
and the forms' own rules, and saved exactly once by their client UUID.

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
- ``"confirm"``: the local ``day`` (``"2026-05-01"``) is recorded, as of ``confirmed_at`` (the
  phone's time when the button was pressed: a day confirmed that evening but sent the next
  morning is not late). One confirmation per day, so a replay or a second phone changes nothing.

Entries queued on a phone before the onset state replaced the yes/no "asleep when it began"
may still carry ``asleep_at_onset`` (true/false in an ``"episode"`` entry, the box's ``"on"``
in a ``"form"``): true arrives as onset ``"asleep"``, so nothing a phone held is lost.

A client UUID already stored for another child is refused (ClientUUIDConflict) and changes
nothing. This module only reads entries; `seizures.recording` saves them, as it does for the
pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from caregiver import bounds
from caregiver.models import Child, User
from seizures import recording, recording_days
from seizures.forms import EpisodeForm
from seizures.models import CLOCK_SKEW, Episode
from seizures.signs import MAX_PATH_STEPS, OBSERVATION_KEYS, SIGN_KEYS, Onset

BOOLEAN_FIELDS = (*SIGN_KEYS, *OBSERVATION_KEYS)
CHOICE_FIELDS = ("eye_side", "jerking_side", "jerking_limb", "colour_change", "onset", "seizure_type")
# Sent by phones before the onset state replaced it; read as onset "asleep" when true.
LEGACY_ASLEEP = "asleep_at_onset"
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
        LEGACY_ASLEEP,
    }
)
# Fields a change to a running seizure may set (its start is fixed when it is created).
CHANGEABLE_FIELDS = EPISODE_FIELDS - {"started_at", "in_progress", "ended_at", "duration_seconds", LEGACY_ASLEEP}
KINDS = ("episode", "form", "tally", "undo", "confirm")
# Form fields the past-seizure form's entry carries as typed; the key comes from the entry.
IGNORED_FORM_FIELDS = {"client_uuid", "csrfmiddlewaretoken"}
MAX_FORM_FIELDS = 200


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
    """What an entry of `kind` under `key` did (`result.created` answers 201, anything else 200)."""

    kind: str
    key: UUID
    result: recording.Saved


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


def _changes(data: dict, fields: frozenset | set) -> dict[str, Any]:
    """The fields named in `fields` that the entry carries, each read as its field's type."""
    changes: dict[str, Any] = {}
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
        elif name == "path":
            value = _path(value)
        elif name == "rescue_given_at":
            value = None if value is None else _moment(value, name)
        changes[name] = value
    return changes


def _legacy_onset(data: dict, changes: dict[str, Any]) -> None:
    """An entry queued before the onset state existed may carry "asleep when it began": true
    is onset "asleep" (unless the entry names an onset itself); false said nothing."""
    if LEGACY_ASLEEP not in data:
        return
    if not isinstance(data[LEGACY_ASLEEP], bool):
        raise _error(LEGACY_ASLEEP, _("Use true or false."))
    if data[LEGACY_ASLEEP] and "onset" not in changes:
        changes["onset"] = Onset.ASLEEP


def _ending(data: dict) -> dict[str, Any]:
    """How long the seizure lasted: given (null when not known), or when it ended."""
    if "duration_seconds" in data:
        value = data["duration_seconds"]
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise _error("duration_seconds", _("Give the duration in whole seconds, or null when not known."))
        return {"duration_seconds": value}
    if "ended_at" in data:
        ended_at = _moment(data["ended_at"], "ended_at")
        if ended_at > timezone.now() + CLOCK_SKEW:
            raise _error("ended_at", _("This time is in the future."))
        return {"ended_at": ended_at}
    raise _error("duration_seconds", _("Say how long the seizure lasted (null when not known) or when it ended."))


def _in_progress(data: dict, default: bool) -> bool:
    value = data.get("in_progress", default)
    if not isinstance(value, bool):
        raise _error("in_progress", _("Use true or false."))
    return value


def _errors(error: ValidationError) -> EntryError:
    return EntryError({field: [str(m) for m in messages] for field, messages in error.message_dict.items()})


# --- Saving ----------------------------------------------------------------------------------
def save_entry(child: Child, user: User, data: Any) -> Outcome:
    """Saves one entry for `child` as `user` (whose right to write the caller has checked).
    Raises EntryError (nothing saved) or ClientUUIDConflict (nothing changed)."""
    kind, key = read_entry(data)
    reader = {"episode": _episode, "form": _form, "tally": _tally, "undo": _undo, "confirm": _confirm}[kind]
    try:
        return Outcome(kind, key, reader(child, user, data, key))
    except ValidationError as error:
        raise _errors(error) from None


def _episode(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    _only(data, EPISODE_FIELDS, "episode")
    changes = _changes(data, CHANGEABLE_FIELDS)
    _legacy_onset(data, changes)
    existing = recording.stored(child, key)
    if existing is not None:
        ending = {} if _in_progress(data, True) else _ending(data)
        result = recording.update_timed(child, user, existing, changes, **ending)
        result.joined = existing.client_uuid != key  # a replayed start that joined: the same answer
        return result
    if "started_at" not in data:
        raise _error("started_at", _("This seizure is not on the server yet: its start (started_at) is needed."))
    started_at = _moment(data["started_at"], "started_at")
    if not _in_progress(data, False):
        return recording.save_timed(child, user, key=key, started_at=started_at, changes=changes, **_ending(data))
    if "duration_seconds" in data or "ended_at" in data:
        raise _error("duration_seconds", _("A seizure still being timed has no duration yet."))
    return recording.start(child, user, key=key, started_at=started_at, changes=changes)


def _form(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    _only(data, {"fields"}, "form")
    fields = data.get("fields")
    if (
        not isinstance(fields, dict)
        or len(fields) > MAX_FORM_FIELDS
        or not all(isinstance(value, str) for value in fields.values())
    ):
        raise _error("fields", _("The form’s fields could not be read."))
    posted = QueryDict(mutable=True)
    for name, value in fields.items():
        if name not in IGNORED_FORM_FIELDS | {LEGACY_ASLEEP}:
            posted[name] = value
    # The form's old "asleep when it began" box, ticked, on a form queued before the change.
    if fields.get(LEGACY_ASLEEP) and not fields.get("onset"):
        posted["onset"] = Onset.ASLEEP
    form = EpisodeForm(posted, child=child, instance=Episode(child=child))
    result = recording.save_past(child, user, key=key, form=form)
    if result is None:
        raise EntryError(
            {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
        )
    return result


def _tally(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    _only(data, {"tapped_at"}, "tally")
    return recording.tap(child, user, key=key, tapped_at=_moment(data.get("tapped_at"), "tapped_at"))


def _undo(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    """Takes back the tap with this client UUID. Already taken back, or never stored (a tap
    refused and discarded on the phone): nothing to do, and acknowledged."""
    _only(data, set(), "undo")
    tap = recording.stored(child, key)
    if tap is None:
        return recording.Saved(None, notice=_("There was no such tap to take back."))
    if not tap.is_tally:
        raise _error("client_uuid", _("Only a “+1” tap can be taken back this way."))
    return recording.Saved(recording.undo_tap(child, user, tap.public_id)[0])


def _confirm(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    _only(data, {"day", "confirmed_at"}, "confirm")
    day = None
    if isinstance(data.get("day"), str):
        try:
            day = parse_date(data["day"].strip())
        except ValueError:
            day = None
    if day is None or not bounds.within(day):
        raise _error("day", _("Give the day as a date, like 2026-05-01."))
    confirmed_at = _moment(data.get("confirmed_at"), "confirmed_at")
    if confirmed_at > timezone.now() + CLOCK_SKEW:
        raise _error("confirmed_at", _("This time is in the future."))
    confirmed = recording_days.confirm_day(child, user, key=key, day=day, confirmed_at=confirmed_at)
    return recording.Saved(None, created=confirmed.created)
