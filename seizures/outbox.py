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
- ``"uncountable"``: seizures too frequent to count, ``"action": "start"`` at ``at`` (the
  phone's time; a period already going on is kept), or ``"action": "end"`` at ``at`` with an
  optional ``estimated_count``, ending the period this phone started (``started_key``, its
  start's client UUID) or else the one going on. Each is saved once by its client UUID: a
  replayed end never ends a later period.
- ``"rescue"``: a rescue dose of the plan's ``medicine`` (its id) at ``given_at``, on the timer
  of the seizure whose client UUID is ``episode`` (optional), with ``override`` and
  ``override_reason`` when the giver confirmed it past the guard on the phone. The guard is
  checked again here; a dose it would refuse is kept (it was given) and flagged
  ``over_guard``, and the answer's notice says so.
- ``"dose"``: Given or Skipped for one due dose: ``medicine`` (its public id), ``scheduled_at``
  (the due time), ``status`` (``"given"`` or ``"skipped"``), ``given_at`` (the phone's time of
  the tap) or ``given_at_local`` (a time typed on the child's clock, "2026-05-01T08:00"), and
  ``reason``. A dose given on a phone while another caregiver
  gave the same dose really was given twice: it is stored as an extra dose and the answer
  names the first. A Skipped for a dose already given or skipped stores nothing.

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
from seizures import recording, recording_days, recording_medicines, recording_plan
from seizures.forms import EpisodeForm, LocalDateTimeField
from seizures.forms_medicines import EARLIEST_BEFORE_DUE
from seizures.models import CLOCK_SKEW, MAX_ESTIMATE, Episode, Medicine
from seizures.plan_models import RescueMedicine
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
KINDS = ("episode", "form", "tally", "undo", "confirm", "uncountable", "rescue", "dose")
DOSE_FIELDS = frozenset({"medicine", "scheduled_at", "status", "given_at", "given_at_local", "reason"})
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
    reader = {
        "episode": _episode,
        "form": _form,
        "tally": _tally,
        "undo": _undo,
        "confirm": _confirm,
        "uncountable": _uncountable,
        "rescue": _rescue,
        "dose": _dose,
    }[kind]
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


def _uncountable(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    action = data.get("action")
    if action == "start":
        _only(data, {"action", "at"}, "uncountable")
        saved = recording_days.start_uncountable(child, user, key=key, started_at=_moment(data.get("at"), "at"))
        return recording.Saved(None, created=saved.changed)
    if action != "end":
        raise _error("action", _("Say whether counting stopped (start) or started again (end)."))
    _only(data, {"action", "at", "estimated_count", "started_key"}, "uncountable")
    estimate = data.get("estimated_count")
    if estimate is not None and (
        not isinstance(estimate, int) or isinstance(estimate, bool) or not 0 <= estimate <= MAX_ESTIMATE
    ):
        raise _error("estimated_count", _("Give the estimate as a whole number from 0 to 100,000, or null."))
    started_key = _uuid(data["started_key"]) if data.get("started_key") is not None else None
    saved = recording_days.end_uncountable(
        child, user, ended_at=_moment(data.get("at"), "at"), estimated_count=estimate, started_key=started_key, key=key
    )
    return recording.Saved(None, created=saved.changed)


def _rescue(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    _only(data, {"medicine", "given_at", "episode", "override", "override_reason"}, "rescue")
    medicine = None
    if isinstance(data.get("medicine"), str):
        try:
            medicine = RescueMedicine.objects.filter(child=child, public_id=UUID(data["medicine"])).first()
        except ValueError:
            medicine = None
    if medicine is None:
        raise _error("medicine", _("Choose a rescue medicine from the child’s action plan."))
    given_at = _moment(data.get("given_at"), "given_at")
    if given_at > timezone.now() + CLOCK_SKEW:
        raise _error("given_at", _("This time is in the future."))
    override = data.get("override", False)
    if not isinstance(override, bool):
        raise _error("override", _("Use true or false."))
    reason = data.get("override_reason", "")
    if not isinstance(reason, str) or len(reason) > 500:
        raise _error("override_reason", _("Use text of at most %(n)d characters.") % {"n": 500})
    if override and not reason.strip():
        raise _error("override_reason", _("Say why this dose is given past the guard."))
    episode = None
    if "episode" in data:
        try:
            episode_key = UUID(data["episode"]) if isinstance(data["episode"], str) else None
        except ValueError:
            episode_key = None
        if episode_key is None:
            raise _error("episode", _("The seizure’s key (episode) is unreadable."))
        # A seizure not on the server (refused, or never sent): the dose is kept on its own.
        episode = recording.stored(child, episode_key)
    given = recording_plan.give(
        child,
        user,
        key=key,
        medicine=medicine,
        given_at=given_at,
        episode=episode,
        override=override,
        reason=reason,
        from_phone=True,
    )
    notice = ""
    if given.dose.over_guard:
        notice = _(
            "This rescue dose reached the server after another one within the plan’s limits. "
            "It is kept and marked “arrived over the guard”: check the doses."
        )
    return recording.Saved(None, created=given.created, notice=notice)


def _dose(child: Child, user: User, data: dict, key: UUID) -> recording.Saved:
    _only(data, DOSE_FIELDS, "dose")
    medicine = None
    if isinstance(data.get("medicine"), str):
        try:
            medicine = Medicine.objects.filter(child=child, public_id=UUID(data["medicine"])).first()
        except ValueError:
            medicine = None
    if medicine is None:
        raise _error("medicine", _("This medicine is not on this child’s list."))
    scheduled_at = _moment(data.get("scheduled_at"), "scheduled_at")
    status = data.get("status")
    if status not in ("given", "skipped"):
        raise _error("status", _("Say whether the dose was given or skipped."))
    reason = data.get("reason", "")
    if not isinstance(reason, str) or len(reason) > 200:
        raise _error("reason", _("Use text of at most %(n)d characters.") % {"n": 200})
    given_at = None
    if status == "given":
        given_at = _given_at(child, data)
        if given_at > timezone.now() + CLOCK_SKEW:
            raise _error("given_at", _("This time is in the future."))
        if given_at < scheduled_at - EARLIEST_BEFORE_DUE:
            raise _error("given_at", _("This is long before the dose was due: check the day and time."))
    if not recording_medicines.is_due_time(medicine, scheduled_at):
        raise _error("scheduled_at", _("No dose of this medicine is due at that time."))
    result = recording_medicines.record_dose(
        child, user, key=key, medicine=medicine, scheduled_at=scheduled_at, status=status,
        given_at=given_at, reason=reason, extra=True,
    )  # fmt: skip
    first = result.already
    if first is None and result.dose is not None and result.created and result.dose.extra:
        first = recording_medicines.first_dose(medicine, scheduled_at)
    notice = ""
    if first is not None:
        who = str(first.logged_by or _("someone"))
        if first.status == "given":
            said = _("Given by %(who)s at %(time)s") % {"who": who, "time": _local_time(child, first.given_at)}
        else:
            said = _("Skipped by %(who)s") % {"who": who}
        notice = (
            said + ". " + (_("Nothing was saved.") if result.already else _("This one is recorded as an extra dose."))
        )
    return recording.Saved(None, created=result.created, notice=notice)


def _given_at(child: Child, data: dict) -> datetime:
    """The phone's instant, or a wall time typed on the child's clock (read as the form does)."""
    if "given_at_local" not in data:
        return _moment(data.get("given_at"), "given_at")
    value = data["given_at_local"]
    try:
        moment = LocalDateTimeField(zone=child.zone).clean(value if isinstance(value, str) else "")
    except ValidationError as error:
        raise _error("given_at_local", error.messages[0]) from None
    if moment is None:
        raise _error("given_at_local", _("Give the time the dose was given."))
    return moment


def _local_time(child: Child, moment: datetime) -> str:
    return moment.astimezone(child.zone).strftime("%H:%M")
