"""The device API (/api/v1/): one-press logging from a bedside button, a watch or a phone
shortcut, with a device token (`Authorization: Bearer <token>`).

django-ninja serves it and its OpenAPI document (/api/v1/openapi.json). Every operation
reaches the child through `caregiver.access.child_for_device` (the token's own child only:
any other is 404; read-only tokens get 403 on writes; revoked or unknown tokens 401) and
writes through `seizures.recording`, the same functions the phone's pages call, so the same
rules hold: a start near a running seizure joins it, a tap lands in the current cluster, a
client UUID sent again changes nothing. Each token has its own rate limit (429 with
Retry-After). Audit events name the token ("via device token …").
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from caregiver import audit, devices
from caregiver.access import Need, child_for_device
from caregiver.models import Child, DeviceToken
from seizures import recording, recording_medicines
from seizures.forms import TimerSetForm
from seizures.medicine_models import DoseStatus
from seizures.models import CLOCK_SKEW, Episode, Medicine
from seizures.recording import ClientUUIDConflict

MAX_PAGE = 200


class DeviceBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> DeviceToken | None:
        return devices.authenticate(token)


api = NinjaAPI(
    title="MMPEI seizure diary — device API",
    version="1",
    urls_namespace="api",
    auth=DeviceBearer(),
    throttle=[AuthRateThrottle(settings.DEVICE_API_RATE)],
    docs_url=None,  # the document is served; an interactive page would need a CDN's scripts
)


class Problem(Schema):
    detail: str | dict


class SeizureOut(Schema):
    id: UUID
    started_at: datetime
    duration_seconds: int | None
    in_progress: bool
    counted_with_plus_one: bool
    onset: str = Field(description="awake, asleep, feeding or unknown: what the child was doing as it began.")
    seizure_type: str = Field(description="An ILAE 2017 basic type, or empty when not given.")
    signs: dict[str, bool | str] = Field(description="The signs seen, and their sides, limbs and colour.")

    @staticmethod
    def of(episode: Episode) -> SeizureOut:
        signs = {name: True for name in TimerSetForm.BOOLEAN_FIELDS if getattr(episode, name)}
        signs |= {
            name: getattr(episode, name)
            for name in TimerSetForm.CHOICE_FIELDS
            if name != "onset" and getattr(episode, name)
        }
        return SeizureOut(
            id=episode.public_id,
            started_at=episode.started_at,
            duration_seconds=episode.duration_seconds,
            in_progress=episode.in_progress,
            counted_with_plus_one=episode.is_tally,
            onset=episode.onset,
            seizure_type=episode.seizure_type,
            signs=signs,
        )


class Written(Schema):
    seizure: SeizureOut
    created: bool = Field(description="This request stored something new.")
    joined: bool = Field(False, description="It joined a seizure already being timed.")


class StartIn(Schema):
    client_uuid: UUID | None = Field(None, description="Send one to make a retried request safe.")
    started_at: datetime | None = Field(None, description="With its UTC offset; now when left out.")


class TallyIn(Schema):
    client_uuid: UUID | None = Field(None, description="Send one to make a retried request safe.")
    tapped_at: datetime | None = Field(None, description="With its UTC offset; now when left out.")


class SignIn(Schema):
    sign: str = Field(description="A sign, side, limb, observation or `onset`, named as in the CSV export.")
    value: bool | str = Field(description="true/false for a sign; a side, limb, colour or onset key otherwise.")


class Page(Schema):
    seizures: list[SeizureOut]
    next_after: str | None = Field(description="Pass as `after` for the next (older) page; null on the last.")


class ListQuery(Schema):
    after: str | None = Field(None, description="The `next_after` of the page before.")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _child(request: HttpRequest, child_id: UUID, need: Need) -> Child:
    return child_for_device(request.auth, child_id, need)


def _moment(value: datetime | None) -> datetime:
    if value is None:
        return timezone.now()
    if value.tzinfo is None:
        raise HttpError(422, "Give the time with its UTC offset, like 2026-05-01T14:30:00Z.")
    if value > timezone.now() + CLOCK_SKEW:
        raise HttpError(422, "This time is in the future.")
    return value


def _written(saved: recording.Saved) -> Status:
    written = Written(seizure=SeizureOut.of(saved.episode), created=saved.created, joined=saved.joined)
    return Status(201 if saved.created else 200, written)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "This token may not do that."}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return api.create_response(request, {"detail": exc.message_dict}, status=422)


@api.exception_handler(ClientUUIDConflict)
def _conflict(request, exc):
    return api.create_response(request, {"detail": "This client_uuid belongs to another record."}, status=409)


def _write(request: HttpRequest, child_id: UUID):
    """The child for a write, and the audit trail told it came through this token."""
    return _child(request, child_id, Need.WRITE), audit.via(str(request.auth.label))


WRITE_RESPONSES = {200: Written, 201: Written, 400: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


@api.post("/children/{child_id}/seizures/start", response=WRITE_RESPONSES, operation_id="start_seizure")
def start_seizure(request, child_id: UUID, body: StartIn):
    """A seizure starts now (or at `started_at`): the timer starts, or joins the one running."""
    child, via = _write(request, child_id)
    with via:
        saved = recording.start(
            child, child.membership.user, key=body.client_uuid or uuid4(), started_at=_moment(body.started_at)
        )
    return _written(saved)


@api.post("/children/{child_id}/seizures/{seizure_id}/end", response=WRITE_RESPONSES, operation_id="end_seizure")
def end_seizure(request, child_id: UUID, seizure_id: UUID):
    """The seizure ends now. Ending one that has ended changes nothing (200)."""
    child, via = _write(request, child_id)
    with via:
        episode, ended = recording.end(child, child.membership.user, seizure_id)
    return Written(seizure=SeizureOut.of(episode), created=ended)


@api.post("/children/{child_id}/seizures/{seizure_id}/signs", response=WRITE_RESPONSES, operation_id="set_sign")
def set_sign(request, child_id: UUID, seizure_id: UUID, body: SignIn):
    """One sign, side, limb or observation set (not toggled: a repeat is harmless)."""
    child, via = _write(request, child_id)
    value = ("on" if body.value else "off") if isinstance(body.value, bool) else body.value
    form = TimerSetForm({"field": body.sign, "value": value})
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    with via:
        episode = recording.set_value(child, child.membership.user, seizure_id, *form.cleaned_data.values())
    return Written(seizure=SeizureOut.of(episode), created=False)


@api.post("/children/{child_id}/tally", response=WRITE_RESPONSES, operation_id="add_tally")
def add_tally(request, child_id: UUID, body: TallyIn):
    """One "+1" in a cluster: a seizure at that moment, duration unknown."""
    child, via = _write(request, child_id)
    with via:
        key = body.client_uuid or uuid4()
        saved = recording.tap(child, child.membership.user, key=key, tapped_at=_moment(body.tapped_at))
    return _written(saved)


@api.post("/children/{child_id}/tally/{seizure_id}/undo", response=WRITE_RESPONSES, operation_id="undo_tally")
def undo_tally(request, child_id: UUID, seizure_id: UUID):
    """Takes back a "+1" (by the id its answer gave). Again changes nothing."""
    child, via = _write(request, child_id)
    with via:
        episode, undone = recording.undo_tap(child, child.membership.user, seizure_id)
    return Written(seizure=SeizureOut.of(episode), created=undone)


class DoseIn(Schema):
    client_uuid: UUID | None = Field(None, description="Send one to make a retried request safe.")
    medicine: UUID = Field(description="The medicine's id (its page address holds it).")
    due_at: datetime = Field(description="The due time this dose is for, with its UTC offset.")
    given_at: datetime | None = Field(None, description="When it was given; now when left out.")
    extra: bool = Field(False, description="Give it although someone already gave this due dose (an extra dose).")


class DoseOut(Schema):
    id: UUID | None = Field(description="The dose stored; null when nothing was stored.")
    medicine: str
    due_at: datetime
    given_at: datetime | None
    late: bool
    extra: bool
    already_given_by: str | None = Field(description="Who gave (or skipped) this due dose first, when someone did.")
    already_at: datetime | None


DOSE_RESPONSES = {200: DoseOut, 201: DoseOut, 400: Problem, 403: Problem, 404: Problem, 409: DoseOut, 422: Problem}


@api.post("/children/{child_id}/doses", response=DOSE_RESPONSES, operation_id="give_dose")
def give_dose(request, child_id: UUID, body: DoseIn):
    """One scheduled dose given. When someone already gave (or skipped) that due dose, nothing
    is stored and the answer is 409 naming them; send it again with `extra: true` to record a
    second dose on purpose (stored as an extra dose)."""
    child, via = _write(request, child_id)
    medicine = get_object_or_404(Medicine.objects.filter(child=child), public_id=body.medicine)
    due_at, given_at = _moment(body.due_at), _moment(body.given_at)
    if not recording_medicines.is_due_time(medicine, due_at):
        raise HttpError(422, "No dose of this medicine is due at that time.")
    with via:
        result = recording_medicines.record_dose(
            child, child.membership.user, key=body.client_uuid or uuid4(), medicine=medicine,
            scheduled_at=due_at, status=DoseStatus.GIVEN, given_at=given_at, extra=body.extra,
        )  # fmt: skip
    dose = result.dose
    first = result.already or (recording_medicines.first_dose(medicine, due_at) if dose and dose.extra else None)
    answer = DoseOut(
        id=dose.public_id if dose else None,
        medicine=medicine.name,
        due_at=due_at,
        given_at=dose.given_at if dose else None,
        late=bool(dose and dose.late),
        extra=bool(dose and dose.extra),
        already_given_by=str(first.logged_by or "someone") if first else None,
        already_at=(first.given_at or first.scheduled_at) if first else None,
    )
    return Status(409 if dose is None else 201 if result.created else 200, answer)


READ_RESPONSES = {200: Page, 403: Problem, 404: Problem, 422: Problem}


@api.get("/children/{child_id}/seizures", response=READ_RESPONSES, operation_id="list_seizures")
def list_seizures(request, child_id: UUID, query: Query[ListQuery]):
    """The child's seizures, newest first, a page at a time: each page names where the next
    begins (the last seizure's start and id, so seizures starting at the same moment are
    neither skipped nor repeated)."""
    child = _child(request, child_id, Need.READ)
    episodes = Episode.objects.for_child(child).live()
    if query.after:
        started_at, public_id = _cursor(query.after)
        episodes = episodes.filter(Q(started_at__lt=started_at) | Q(started_at=started_at, public_id__lt=public_id))
    page = list(episodes.order_by("-started_at", "-public_id")[: query.limit + 1])
    more = len(page) > query.limit
    page = page[: query.limit]
    after = f"{page[-1].started_at.isoformat()}~{page[-1].public_id}" if more else None
    return Page(seizures=[SeizureOut.of(e) for e in page], next_after=after)


def _cursor(text: str) -> tuple[datetime, UUID]:
    try:
        moment, public_id = text.split("~")
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed, UUID(public_id)
    except ValueError:
        raise HttpError(422, "`after` is not a page position this API gave.") from None


def _without_sign_in(patterns: list) -> list:
    """The API's routes, exempt from the site's sign-in redirect: a token, not a session,
    says who calls (a request without one gets 401, not a login page)."""
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return patterns


# Included at /api/v1/ by the project's URLs.
_patterns, _app, _namespace = api.urls
urlpatterns = [path("", include((_without_sign_in(_patterns), _app), namespace=_namespace))]
