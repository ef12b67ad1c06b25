"""One child's whole history as a JSON document, and back: for moving a family between
installations (SQLite ↔ PostgreSQL) and for backups of a single child.

Every stored field of every record is carried (ids, timestamps, versions, soft-delete
stamps), with links between records written as public ids and people as e-mail addresses,
so an import reproduces the records exactly. Invitations and device tokens are not carried:
they are credentials of the installation that issued them (make new device tokens after a move).
Files staged for an import are not carried either (they last a day at most), nor are the
alerts' push subscriptions (bound to this installation's VAPID key) and queued alerts; each
member's alert choices are.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone

from caregiver.files import FileRefused, FileTooLarge, read_regular_file
from caregiver.models import AuditEvent, Child, Membership, User
from caregiver.text import storable
from seizures.models import (
    AlertPreference,
    Cluster,
    DayConfirmation,
    DayNote,
    Dose,
    DoseVersion,
    Episode,
    Medicine,
    NotRecordedRange,
    Treatment,
    UncountablePeriod,
    Weight,
)
from seizures.plan_models import ActionPlan, RescueDose, RescueMedicine
from seizures.signs import Onset

FORMAT = "mmpei-seizure-log/child"
VERSION = 1
MAX_BYTES = 512 * 1024 * 1024
NAME_LENGTH = User._meta.get_field("name").max_length
# Records of the child, in the order an import must create them (clusters before episodes,
# treatments before their medicines, medicines before their versions and doses).
SECTIONS: dict[str, type[models.Model]] = {
    "memberships": Membership,
    "clusters": Cluster,
    "episodes": Episode,
    "treatments": Treatment,
    "day_confirmations": DayConfirmation,
    "not_recorded_ranges": NotRecordedRange,
    "uncountable_periods": UncountablePeriod,
    "medicines": Medicine,
    "dose_versions": DoseVersion,
    "weights": Weight,
    "doses": Dose,
    "action_plans": ActionPlan,
    "rescue_medicines": RescueMedicine,
    "rescue_doses": RescueDose,
    "day_notes": DayNote,
    "alert_preferences": AlertPreference,
    "audit_events": AuditEvent,
}
# Sections added after version 1 was first written: a file made before them has none.
LATER_SECTIONS = set(SECTIONS) - {"memberships", "clusters", "episodes", "treatments", "audit_events"}
# Records other records link to, written by their public id: an import maps those back.
# Seizures only as far as a rescue dose names them (a history can hold 100,000).
LINKED = (Membership, Cluster, Treatment, Medicine, ActionPlan, RescueMedicine, Episode)
# Records that belong to the child through a membership (a member's own alert choices).
THROUGH_MEMBERSHIP = {AlertPreference}
# A field that later became another: an episode exported with "asleep when it began" ticked
# began asleep (the onset state), so an old file loses nothing.
LEGACY_ASLEEP = "asleep_at_onset"


class _Encoder(DjangoJSONEncoder):
    """Instants to the microsecond, as both databases keep them: DjangoJSONEncoder stops at
    the millisecond, and an import would not reproduce the records exactly."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat(timespec="microseconds")
        return super().default(o)


class BackupError(Exception):
    """The file cannot be imported; the message says why. Nothing was changed."""


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "child"]


def _row(obj: models.Model, links: dict[type[models.Model], dict]) -> dict:
    """`links` maps each related model (User, and those in LINKED) to {pk: exported id}."""
    row = {}
    for field in _fields(type(obj)):
        value = field.value_from_object(obj)
        if field.is_relation:
            value = links[field.related_model].get(value) if value is not None else None
        row[field.name] = value
    return row


def export_child(child: Child) -> dict:
    """The child and every record of theirs. Queries: one per section, plus the people."""
    user_ids = set(Membership.objects.filter(child=child).values_list("user", flat=True))
    user_ids |= set(Episode.objects.filter(child=child, logged_by__isnull=False).values_list("logged_by", flat=True))
    user_ids |= set(
        DayConfirmation.objects.filter(child=child, confirmed_by__isnull=False).values_list("confirmed_by", flat=True)
    )
    user_ids |= set(
        NotRecordedRange.objects.filter(child=child, created_by__isnull=False).values_list("created_by", flat=True)
    )
    user_ids |= set(DayNote.objects.filter(child=child, created_by__isnull=False).values_list("created_by", flat=True))
    user_ids |= set(AuditEvent.objects.filter(child=child, actor__isnull=False).values_list("actor", flat=True))
    for model, name in (
        (UncountablePeriod, "created_by"),
        (DoseVersion, "set_by"),
        (Weight, "logged_by"),
        (Dose, "logged_by"),
        (ActionPlan, "saved_by"),
        (RescueDose, "given_by"),
    ):
        user_ids |= set(model.objects.filter(child=child, **{f"{name}__isnull": False}).values_list(name, flat=True))
    people = User.objects.filter(pk__in=user_ids).order_by("email")
    links: dict[type[models.Model], dict] = {User: {u.pk: u.email for u in people}}
    for model in LINKED:
        if model is not Episode:
            links[model] = dict(model.objects.filter(child=child).values_list("pk", "public_id"))
    links[Episode] = dict(
        RescueDose.objects.filter(child=child, episode__isnull=False).values_list("episode", "episode__public_id")
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "child": _row(child, links),
        "people": [{"email": u.email, "name": u.name} for u in people],
    }
    for section, model in SECTIONS.items():
        scope = {"membership__child": child} if model in THROUGH_MEMBERSHIP else {"child": child}
        rows = model.objects.filter(**scope).order_by("pk")
        document[section] = [_row(obj, links) for obj in rows.iterator(chunk_size=2000)]
    return json.loads(json.dumps(document, cls=_Encoder))


def write_export(child: Child, path: Path) -> None:
    path.write_text(json.dumps(export_child(child), ensure_ascii=False), encoding="utf-8")


def read_document(path: Path) -> dict:
    """The parsed file, or BackupError with a message a person can act on."""
    try:
        raw = read_regular_file(path, MAX_BYTES)
    except FileTooLarge as error:
        raise BackupError(f"{error}; the limit is {MAX_BYTES:,}") from None
    except FileRefused as error:
        raise BackupError(str(error)) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a child export (not UTF-8 JSON: {error})") from None
    except RecursionError:
        raise BackupError(f"{path} is not a child export (its JSON is nested too deeply)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not a child export from this app")
    if document.get("version") != VERSION:
        raise BackupError(f"{path} has export version {document.get('version')!r}; this app reads {VERSION}")
    for key in LATER_SECTIONS:
        document.setdefault(key, [])
    for key in ["child", "people", *SECTIONS]:
        expected = dict if key == "child" else list
        if not isinstance(document.get(key), expected):
            raise BackupError(f"{path} is damaged: '{key}' is missing or malformed")
    return document


@contextmanager
def _stored_timestamps() -> Iterator[None]:
    """Let auto_now / auto_now_add fields keep the exported values while importing: a
    restore must reproduce when records were made and changed, not when they were copied."""
    fields = [
        f
        for model in (Child, *SECTIONS.values())
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _build(model: type[models.Model], row: dict, links: dict[type[models.Model], dict], **parent):
    """An unsaved, validated record from an exported row; `links` maps each related model to
    {exported id: record}. A link to a record the file does not hold is damage."""
    if model is Episode and row.get(LEGACY_ASLEEP) is True and "onset" not in row:
        row = {**row, "onset": Onset.ASLEEP}
    values = dict(parent)
    for field in _fields(model):
        if field.name not in row:
            continue
        value = row[field.name]
        if field.is_relation:
            value = links[field.related_model].get(str(value)) if value is not None else None
            if value is None and not field.null:
                raise ValidationError(f"{model._meta.model_name} {field.name} names a record the file does not hold")
        elif value is not None and not isinstance(field, models.JSONField):
            value = field.to_python(value)
            # Django checks a TextField's max_length only in forms: held to the forms' limits here.
            if isinstance(value, str) and field.max_length and len(value) > field.max_length:
                name = f"{model._meta.model_name} {field.name}"
                raise ValidationError(f"{name} is {len(value):,} characters; the limit is {field.max_length:,}")
        values[field.name] = value
    obj = model(**values)
    relations = [f.name for f in model._meta.fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return obj


def _unstorable_at(document: dict) -> str | None:
    """Where the first text that no database can store sits ("episodes[3].notes"), if any.
    Walked without recursion: a document can nest as deep as the JSON parser allowed."""
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if not storable(value):
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if not storable(key):
                    return f"a field name in {where or 'the file'}"
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
    return None


def _person(person: dict) -> tuple[str, str]:
    """A person's e-mail address and name, held to the sign-up form's rules."""
    email = str(person["email"]).strip().lower()
    name = str(person.get("name", ""))
    try:
        validate_email(email)
    except ValidationError:
        raise BackupError(f"a person has no valid e-mail address ({email!r}); nothing was imported") from None
    if len(name) > NAME_LENGTH:
        raise BackupError(f"the name of {email} is over {NAME_LENGTH} characters; nothing was imported")
    return email, name


def import_child(document: dict) -> tuple[Child, bool]:
    """Recreate the child from `document`; returns (child, created). A child that is already
    here (same id) is left exactly as it is, so importing a file twice changes nothing."""
    where = _unstorable_at(document)
    if where is not None:
        raise BackupError(
            f"the file holds text that cannot be stored (a null character or a broken one) at {where}; "
            "nothing was imported"
        )
    try:
        child_id = uuid.UUID(str(document["child"].get("public_id")))
    except ValueError:
        raise BackupError("the file has no valid child id; nothing was imported") from None
    existing = Child.objects.filter(public_id=child_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic(), _stored_timestamps():
            users = {}
            for person in document["people"]:
                email, name = _person(person)
                user = User.objects.filter(email__iexact=email).first()
                if user is None:
                    # A new person signs in after choosing a password through "forgotten password".
                    user = User(email=email, name=name)
                    user.set_unusable_password()
                    user.save()
                users[email] = user
            links: dict[type[models.Model], dict] = {User: users, **{model: {} for model in LINKED}}
            child = _build(Child, document["child"], links)
            child.save()
            for section, model in SECTIONS.items():
                if model is RescueDose:
                    links[Episode] = _named_episodes(child, document[section])
                parent = {} if model in THROUGH_MEMBERSHIP else {"child": child}
                objects = [_build(model, row, links, **parent) for row in document[section]]
                model.objects.bulk_create(objects, batch_size=2000)
                if model in LINKED and model is not Episode:
                    links[model] = {str(obj.public_id): obj for obj in model.objects.filter(child=child)}
    except IntegrityError as error:
        raise BackupError(
            f"this installation already holds some of these records ({error}); nothing was imported"
        ) from None
    except ValidationError as error:
        problems = "; ".join(error.messages)
        raise BackupError(f"the file holds invalid records ({problems}); nothing was imported") from None
    except DataError as error:
        raise BackupError(f"the database refused a value in the file ({error}); nothing was imported") from None
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
        raise BackupError(f"the file is damaged ({error!r}); nothing was imported") from None
    return child, True


def _named_episodes(child: Child, rows: list) -> dict[str, Episode]:
    """The imported seizures the rescue doses name (by public id), and only those."""
    named = {str(row.get("episode")) for row in rows if isinstance(row, dict) and row.get("episode")}
    found: dict[str, Episode] = {}
    names = sorted(named)
    for start in range(0, len(names), 500):
        valid = []
        for name in names[start : start + 500]:
            try:
                valid.append(uuid.UUID(name))
            except ValueError:
                continue
        found |= {str(e.public_id): e for e in Episode.objects.filter(child=child, public_id__in=valid)}
    return found
