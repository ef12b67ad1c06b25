"""Every action that changes a child's records writes its audit event: each write route of
every app is performed once, for real, and the trail is checked. A new write route fails
`test_every_write_route_is_listed` until it is added to WRITES below."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent, Invitation, Membership, Role
from seizures.dues import due_list
from seizures.models import Episode, UncountablePeriod
from tests.caregiver.test_url_sweep import CHILD_ROUTES, _params, _url, _values
from tests.support.factories import (
    make_episode,
    make_medicine,
    make_plan,
    make_treatment,
    sweep_day_note,
    sweep_dose,
    sweep_dose_version,
    sweep_medicine,
    sweep_not_recorded,
    sweep_uncountable,
    sweep_weight,
)
from tests.support.push import BrowserKeys
from tests.support.sweep import _device_token, _import_upload, _push_device


def _open_period(child, user) -> dict:
    UncountablePeriod.objects.create(child=child, started_at=timezone.now() - timedelta(hours=1))
    return {}


def _running(child, user):
    return make_episode(
        child, in_progress=True, duration_seconds=None, started_at=timezone.now() - timedelta(minutes=1)
    )


def _episode_form(child):
    local = (timezone.now() - timedelta(hours=2)).astimezone(child.zone)
    return {"started_at": local.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "2", "duration_secs": "5"}


def _medicine_form(child):
    return {"medicine-name": "Clobazam", "medicine-started_on": "2026-04-01", "dose-dose": "1", "dose-dose_unit": "mg",
            "dose-schedule": "times", "dose-times_text": "08:00"}  # fmt: skip


def _due_medicine(child, user):
    """A medicine with a dose due a few minutes ago, and that dose's due time."""
    local = (timezone.now() - timedelta(minutes=5)).astimezone(child.zone)
    medicine = make_medicine(child, times=(local.strftime("%H:%M"),), started_on=child.today() - timedelta(days=1))
    (slot,) = due_list(child).now
    return {"medicine": medicine, "due": slot.scheduled_at}


# route name → (objects for the URL, form data, the audit action expected)
WRITES = {
    "child-edit": (lambda c, u: {}, lambda c, o: {
        "name": c.name, "born_on": c.born_on.isoformat(), "diagnosis": "MMPEI", "gene_variant": "unknown",
        "time_zone": c.time_zone, "rescue_threshold_minutes": "4"}, "edit"),
    "team-invite": (lambda c, u: {}, lambda c, o: {"email": "new@example.org", "role": "caregiver"}, "invite"),
    "invitation-cancel": (lambda c, u: {"invitation_id": Invitation.issue(
        child=c, email="x@example.org", role=Role.CAREGIVER, invited_by=u)[0].public_id}, lambda c, o: {},
        "cancel_invite"),
    "invitation-resend": (lambda c, u: {"invitation_id": Invitation.issue(
        child=c, email="x@example.org", role=Role.CAREGIVER, invited_by=u)[0].public_id}, lambda c, o: {},
        "resend_invite"),
    "member-role": (lambda c, u: {"member_id": Membership.objects.get(child=c, role=Role.CAREGIVER).public_id},
                    lambda c, o: {"role": "clinician"}, "change_role"),
    "member-remove": (lambda c, u: {"member_id": Membership.objects.get(child=c, role=Role.CAREGIVER).public_id},
                      lambda c, o: {}, "remove_member"),
    "team-leave": (lambda c, u: {}, lambda c, o: {}, "leave"),
    "seizures:tally-add": (lambda c, u: {}, lambda c, o: {"client_uuid": str(uuid4())}, "create"),
    "seizures:tally-undo": (
        lambda c, u: {"tap": make_episode(c, is_tally=True, duration_seconds=None)},
        lambda c, o: {"episode": str(o["tap"].public_id)}, "delete"),
    "seizures:episode-start": (lambda c, u: {}, lambda c, o: {"client_uuid": str(uuid4())}, "create"),
    "seizures:episode-add": (lambda c, u: {}, lambda c, o: _episode_form(c), "create"),
    "seizures:episode-edit": (lambda c, u: {"episode_id": make_episode(c).public_id},
                              lambda c, o: _episode_form(c) | {"version": "1", "apnea": "on"}, "edit"),
    "seizures:episode-delete": (lambda c, u: {"episode_id": make_episode(c).public_id}, lambda c, o: {}, "delete"),
    "seizures:episode-restore": (
        lambda c, u: {"episode_id": make_episode(c, deleted_at=timezone.now()).public_id},
        lambda c, o: {}, "restore"),
    "seizures:episode-set": (lambda c, u: {"episode_id": _running(c, u).public_id},
                             lambda c, o: {"field": "apnea", "value": "on"}, "edit"),
    "seizures:episode-move": (lambda c, u: {"episode_id": _running(c, u).public_id},
                              lambda c, o: {"region": "left_arm"}, "edit"),
    "seizures:episode-move-undo": (
        lambda c, u: {"episode_id": _running(c, u).public_id},
        lambda c, o: {"steps": "1"}, "edit"),
    "seizures:episode-rescue": (lambda c, u: {"episode_id": _running(c, u).public_id},
                                lambda c, o: {"rescue_medicine": "Midazolam 2.5 mg"}, "edit"),
    "seizures:episode-end": (lambda c, u: {"episode_id": _running(c, u).public_id}, lambda c, o: {}, "edit"),
    "seizures:sync": (lambda c, u: {}, lambda c, o: {
        "kind": "tally", "client_uuid": str(uuid4()), "tapped_at": timezone.now().isoformat()}, "create"),
    "seizures:treatment-add": (lambda c, u: {}, lambda c, o: {"kind": "acth", "started_on": "2026-05-01"}, "create"),
    "seizures:treatment-edit": (lambda c, u: {"treatment_id": make_treatment(c).public_id},
                                lambda c, o: {"kind": "quinidine", "dose": "20 mg", "started_on": "2026-04-01"},
                                "edit"),
    "seizures:treatment-stop": (lambda c, u: {"treatment_id": make_treatment(c).public_id},
                                lambda c, o: {"stopped_on": "2026-05-02"}, "edit"),
    "seizures:day-confirm": (lambda c, u: {}, lambda c, o: {
        "client_uuid": str(uuid4()), "day": c.today().isoformat()}, "create"),
    "seizures:not-recorded-add": (lambda c, u: {}, lambda c, o: {
        "started_on": "2026-04-01", "ended_on": "2026-04-03", "reason": "Hospital"}, "create"),
    "device-tokens": (lambda c, u: {}, lambda c, o: {"name": "bedside button"}, "create"),
    "device-token-revoke": (lambda c, u: {"token_id": _device_token(c, u)}, lambda c, o: {}, "revoke"),
    "seizures:import-upload": (lambda c, u: {}, lambda c, o: {"file": SimpleUploadedFile(
        "diary.csv", b"date,duration\n2026-11-01 10:00,60\n")}, "upload"),
    "seizures:import-map": (lambda c, u: {"upload_id": _import_upload(c, u)}, lambda c, o: {
        "col_started_at": "date", "col_duration": "duration", "time_zone": c.time_zone, "date_order": "ymd",
        "repeated_time": "ask", "import": "1"}, "import"),
    "seizures:not-recorded-remove": (lambda c, u: {"range_id": sweep_not_recorded(c, u)}, lambda c, o: {}, "delete"),
    "seizures:uncountable-start": (lambda c, u: {}, lambda c, o: {"client_uuid": str(uuid4())}, "create"),
    "seizures:uncountable-end": (_open_period, lambda c, o: {"estimated_count": "30"}, "edit"),
    "seizures:uncountable-add": (lambda c, u: {}, lambda c, o: {
        "started_at": "2026-04-01T10:00", "ended_at": "2026-04-01T12:00", "estimated_count": "50"}, "create"),
    "seizures:uncountable-edit": (lambda c, u: {"period_id": sweep_uncountable(c, u)}, lambda c, o: {
        "started_at": "2026-04-01T10:00", "ended_at": "2026-04-01T12:00"}, "edit"),
    "seizures:uncountable-delete": (lambda c, u: {"period_id": sweep_uncountable(c, u)}, lambda c, o: {}, "delete"),
    "seizures:plan-edit": (lambda c, u: {}, lambda c, o: {
        "emergency_number": "112", "written_by": "Dr Lee", "written_on": c.today().isoformat(),
        "step_0_minute": "0", "step_0_text": "Time it"}, "create"),
    "seizures:rescue-give": (lambda c, u: {"medicine": make_plan(c, u).medicines.get()}, lambda c, o: {
        "client_uuid": str(uuid4()), "medicine": str(o["medicine"].public_id),
        "given_at": timezone.now().astimezone(c.zone).strftime("%Y-%m-%dT%H:%M")}, "create"),
    "seizures:medicine-add": (lambda c, u: {}, lambda c, o: _medicine_form(c), "create"),
    "seizures:medicine-edit": (lambda c, u: {"medicine_id": sweep_medicine(c, u)},
                               lambda c, o: {"details-name": "Keppra"}, "edit"),
    "seizures:medicine-dose-change": (lambda c, u: {"medicine_id": sweep_medicine(c, u)}, lambda c, o: {
        "dose-starts_on": "2026-05-01", "dose-dose": "60", "dose-dose_unit": "mg", "dose-schedule": "times",
        "dose-times_text": "08:00, 20:00"}, "edit"),
    "seizures:medicine-stop": (lambda c, u: {"medicine_id": sweep_medicine(c, u)},
                               lambda c, o: {"stopped_on": "2026-05-02"}, "edit"),
    "seizures:weight-remove": (lambda c, u: {"weight_id": sweep_weight(c, u)}, lambda c, o: {}, "delete"),
    "seizures:medicine-dose-remove": (lambda c, u: {"medicine_id": sweep_medicine(c, u),
                                                    "version_id": sweep_dose_version(c, u)}, lambda c, o: {}, "edit"),
    "seizures:dose-remove": (lambda c, u: {"dose_id": sweep_dose(c, u)}, lambda c, o: {"back": "home"}, "delete"),
    "seizures:weights": (lambda c, u: {}, lambda c, o: {"measured_on": "2026-05-01", "kg": "4.2"}, "create"),
    "seizures:dose-record": (_due_medicine, lambda c, o: {
        "medicine": str(o["medicine"].public_id), "scheduled_at": o["due"].isoformat(), "status": "given",
        "client_uuid": str(uuid4())}, "create"),
    "seizures:note-add": (lambda c, u: {}, lambda c, o: {
        "client_uuid": str(uuid4()), "noted_on": "2026-04-02", "kind": "illness", "temperature_c": "38.2"}, "create"),
    "seizures:note-delete": (lambda c, u: {"note_id": sweep_day_note(c, u)}, lambda c, o: {}, "delete"),
    "seizures:alerts": (lambda c, u: {}, lambda c, o: {"started": "on", "channel": "push"}, "edit"),
    "seizures:alert-device-add": (lambda c, u: {}, lambda c, o: {"endpoint": "https://push.example.com/1", "keys": {
        "p256dh": BrowserKeys().p256dh, "auth": BrowserKeys().auth}}, "create"),
    "seizures:alert-device-test": (lambda c, u: {"device_id": _push_device(c, u)}, lambda c, o: {}, "create"),
    "seizures:alert-device-remove": (lambda c, u: {"device_id": _push_device(c, u)}, lambda c, o: {}, "delete"),
}  # fmt: skip
# Routes that take one JSON entry rather than a form (the phone's outbox, a push subscription).
JSON_ROUTES = {"seizures:sync", "seizures:alert-device-add"}
# Deleting the child takes its trail with it; that event is kept without a child (tested in
# test_children.py).
NOT_CHILD_TRAIL = {"child-delete"}


def test_every_write_route_is_listed(client, child, clinician) -> None:
    client.force_login(clinician)
    unlisted = []
    for route, name, _view in CHILD_ROUTES:
        if name in WRITES or name in NOT_CHILD_TRAIL:
            continue
        url = _url(route, _values(route, child, clinician))
        if client.post(url).status_code != 405:
            unlisted.append(name)
    assert unlisted == [], "write routes missing from WRITES"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_action_is_audited(client, owner, child, caregiver_user, name) -> None:
    objects_for, data_for, action = WRITES[name]
    objects = objects_for(child, owner)
    if name == "team-leave":  # the last owner may not leave; a second owner does
        Membership.objects.filter(user=caregiver_user).update(role=Role.OWNER)
    if name == "seizures:episode-move-undo":
        episode = Episode.objects.get(public_id=objects["episode_id"])
        episode.path = [{"region": "left_arm", "at_seconds": 0}]
        episode.save()
    route = next(r for r, n, _v in CHILD_ROUTES if n == name)
    kwargs = {k: v for k, v in objects.items() if k in _params(route)} | {"child_id": child.public_id}
    client.force_login(owner)
    before = set(AuditEvent.objects.filter(child=child).values_list("pk", flat=True))
    data = data_for(child, objects)
    if name in JSON_ROUTES:
        response = client.post(reverse(name, kwargs=kwargs), data, content_type="application/json")
    else:
        response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code in (200, 201, 302), (name, response.status_code)
    new = AuditEvent.objects.filter(child=child).exclude(pk__in=before)
    assert [(e.action, e.actor_id) for e in new] == [(action, owner.pk)], name
