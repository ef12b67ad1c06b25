"""The phone's outbox endpoint: one JSON entry at a time, saved exactly once by client UUID."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.models import Episode, JoinedStart
from tests.support.factories import make_episode, make_episodes

pytestmark = pytest.mark.django_db


def sync_url(child) -> str:
    return reverse("seizures:sync", args=[child.public_id])


def send(client, child, entry: dict | str):
    body = entry if isinstance(entry, str) else json.dumps(entry)
    return client.post(sync_url(child), body, content_type="application/json")


def moment(delta: timedelta = timedelta()) -> str:
    return (timezone.now() + delta).isoformat()


def tally(key=None, **fields) -> dict:
    return {
        "kind": "tally",
        "client_uuid": str(key or uuid.uuid4()),
        "tapped_at": moment(-timedelta(minutes=3)),
    } | fields


def whole(key=None, **fields) -> dict:
    """A whole seizure as the phone sends it (the timer's final state, all in one entry)."""
    return {
        "kind": "episode",
        "client_uuid": str(key or uuid.uuid4()),
        "started_at": moment(-timedelta(minutes=20)),
        "in_progress": False,
        "duration_seconds": 95,
        "apnea": True,
        "jerking": True,
        "jerking_side": "left",
        "jerking_limb": "arm",
        "path": [{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 40}],
        "notes": "In the car",
    } | fields


def started(key, **fields) -> dict:
    return {
        "kind": "episode",
        "client_uuid": str(key),
        "started_at": moment(-timedelta(seconds=30)),
        "in_progress": True,
    } | fields


# --- Exactly once --------------------------------------------------------------------------------
def test_a_tap_sent_twice_is_saved_once_and_answered_the_same(owner_client, child, owner) -> None:
    entry = tally()
    first, second = send(owner_client, child, entry), send(owner_client, child, entry)
    assert (first.status_code, second.status_code) == (201, 200)
    for response in (first, second):
        assert response.json()["client_uuid"] == entry["client_uuid"] and response.json()["status"] == "saved"
        assert response.json()["tally"]["today_count"] == 1
    tap = Episode.objects.get()
    assert tap.is_tally and tap.logged_by == owner and tap.cluster is not None
    # The seizure's own time is the phone's; when the server heard of it is kept apart.
    assert tap.started_at.isoformat() == entry["tapped_at"] and tap.received_at > tap.started_at
    assert AuditEvent.objects.filter(action="create", object_id=str(tap.public_id)).count() == 1


def test_a_whole_seizure_is_saved_with_its_signs_sides_and_path(owner_client, child) -> None:
    entry = whole()
    response = send(owner_client, child, entry)
    episode = Episode.objects.get()
    assert response.status_code == 201
    assert (
        response.json()["url"] == reverse("seizures:timeline", args=[child.public_id]) + f"?saved={episode.public_id}"
    )
    assert (episode.apnea, episode.jerking, episode.jerking_side, episode.jerking_limb) == (True, True, "left", "arm")
    assert episode.migrated and episode.duration_seconds == 95 and not episode.in_progress
    assert episode.notes == "In the car" and str(episode.client_uuid) == entry["client_uuid"]
    replay = send(owner_client, child, entry)
    assert replay.status_code == 200 and "notice" not in replay.json()
    assert replay.json()["url"] == response.json()["url"]
    # The same key with other contents changes nothing either, and the phone is told.
    other = send(owner_client, child, entry | {"notes": "changed on the way"})
    episode.refresh_from_db()
    assert other.status_code == 200 and other.json()["notice"] and episode.notes == "In the car"
    assert Episode.objects.count() == 1 and episode.version == 1


def test_timer_entries_start_change_and_end_one_seizure(owner_client, child) -> None:
    key = uuid.uuid4()
    assert send(owner_client, child, started(key)).status_code == 201
    running = Episode.objects.get()
    assert running.in_progress and running.duration_seconds is None
    # A sign ticked: its side is "not seen" until one is chosen, like on the timer.
    change = {"kind": "episode", "client_uuid": str(key), "eye_deviation": True}
    assert send(owner_client, child, change).status_code == 200
    running.refresh_from_db()
    assert running.eye_deviation and running.eye_side == "not_seen" and running.in_progress
    ended_at = running.started_at + timedelta(seconds=83)
    end = {
        "kind": "episode",
        "client_uuid": str(key),
        "eye_side": "right",
        "in_progress": False,
        "ended_at": ended_at.isoformat(),
    }
    response = send(owner_client, child, end)
    running.refresh_from_db()
    assert response.status_code == 200 and response.json()["in_progress"] is False
    assert (running.in_progress, running.duration_seconds, running.eye_side) == (False, 83, "right")
    version = running.version
    replay = send(owner_client, child, end)  # the answer was lost; the phone sends it again
    running.refresh_from_db()
    assert replay.status_code == 200 and "notice" not in replay.json() and running.version == version


def test_a_seizure_started_online_is_completed_with_the_phones_final_state(owner_client, child, owner) -> None:
    running = make_episode(child, started_at=timezone.now() - timedelta(minutes=2), in_progress=True,
                           duration_seconds=None, logged_by=owner)  # fmt: skip
    final = {"kind": "episode", "client_uuid": str(running.client_uuid), "in_progress": False, "flushing": True,
             "ended_at": moment(), "path": [{"region": "mouth", "at_seconds": 10}]}  # fmt: skip
    assert send(owner_client, child, final).status_code == 200
    running.refresh_from_db()
    assert not running.in_progress and running.flushing and 115 <= running.duration_seconds <= 125
    assert running.path == [{"region": "mouth", "at_seconds": 10}]


def test_changes_after_another_phone_ended_the_seizure_are_not_added_and_the_phone_is_told(owner_client, child) -> None:
    ended = make_episode(child, duration_seconds=60)
    late = {"kind": "episode", "client_uuid": str(ended.client_uuid), "in_progress": False, "apnea": True,
            "ended_at": moment()}  # fmt: skip
    response = send(owner_client, child, late)
    ended.refresh_from_db()
    assert response.status_code == 200 and "already ended" in response.json()["notice"]
    assert not ended.apnea and ended.duration_seconds == 60 and ended.version == 1


def test_a_deleted_seizure_is_never_brought_back_or_changed(owner_client, child) -> None:
    gone = make_episode(child, in_progress=True, duration_seconds=None, deleted_at=timezone.now())
    response = send(owner_client, child, {"kind": "episode", "client_uuid": str(gone.client_uuid), "apnea": True})
    gone.refresh_from_db()
    assert response.status_code == 200 and "deleted" in response.json()["notice"]
    assert gone.deleted_at is not None and not gone.apnea


def test_a_start_near_a_seizure_being_timed_joins_it(owner_client, child, owner) -> None:
    running = make_episode(child, started_at=timezone.now() - timedelta(minutes=3), in_progress=True,
                           duration_seconds=None)  # fmt: skip
    key = uuid.uuid4()
    response = send(owner_client, child, started(key, apnea=True))
    assert response.status_code == 200 and response.json()["status"] == "joined"
    assert response.json()["started_at"] == running.started_at.isoformat()
    assert Episode.objects.count() == 1 and JoinedStart.objects.get().episode == running
    running.refresh_from_db()
    assert running.apnea  # what the joining phone ticked is added
    again = send(owner_client, child, started(key))  # a replay joins again: still one seizure
    assert again.json()["status"] == "joined" and Episode.objects.count() == 1
    end = {"kind": "episode", "client_uuid": str(key), "in_progress": False, "ended_at": moment()}
    assert send(owner_client, child, end).status_code == 200
    running.refresh_from_db()
    assert not running.in_progress and 175 <= running.duration_seconds <= 185


def test_the_past_seizure_form_is_checked_by_the_form_itself(owner_client, child) -> None:
    local = (timezone.now() - timedelta(hours=1)).astimezone(child.zone).strftime("%Y-%m-%dT%H:%M")
    key = str(uuid.uuid4())
    fields = {"client_uuid": key, "started_at": local, "duration_minutes": "", "drooling": "on", "version": ""}
    refused = send(owner_client, child, {"kind": "form", "client_uuid": key, "fields": fields})
    assert refused.status_code == 400 and not Episode.objects.exists()
    assert "Give the duration" in refused.json()["errors"]["duration_minutes"][0]
    fields["duration_minutes"] = "2"
    saved = send(owner_client, child, {"kind": "form", "client_uuid": key, "fields": fields})
    episode = Episode.objects.get()
    assert saved.status_code == 201 and episode.drooling and episode.duration_seconds == 120
    # In the child's time zone, like the form on the page.
    assert episode.started_at.astimezone(child.zone).strftime("%Y-%m-%dT%H:%M") == local
    assert send(owner_client, child, {"kind": "form", "client_uuid": key, "fields": fields}).status_code == 200


def test_undo_takes_back_the_named_tap_once(owner_client, child) -> None:
    entry = tally()
    send(owner_client, child, entry)
    undo = {"kind": "undo", "client_uuid": entry["client_uuid"]}
    first = send(owner_client, child, undo)
    tap = Episode.objects.get()
    assert first.status_code == 200 and tap.deleted_at is not None and first.json()["tally"]["today_count"] == 0
    second = send(owner_client, child, undo)
    assert second.status_code == 200 and AuditEvent.objects.filter(action="delete").count() == 1
    never = send(owner_client, child, {"kind": "undo", "client_uuid": str(uuid.uuid4())})
    assert never.status_code == 200 and "no such tap" in never.json()["notice"]


def test_undo_cannot_take_back_a_logged_seizure(owner_client, child) -> None:
    logged = make_episode(child)
    response = send(owner_client, child, {"kind": "undo", "client_uuid": str(logged.client_uuid)})
    logged.refresh_from_db()
    assert response.status_code == 400 and logged.deleted_at is None


# --- Another family's key ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["tally", "episode", "form", "undo"])
def test_another_childs_key_is_refused_and_changes_nothing(client, child, outsider, kind) -> None:
    theirs = make_episode(outsider.memberships.get().child, is_tally=True, in_progress=True, duration_seconds=None)
    entry = {
        "tally": tally(theirs.client_uuid),
        "episode": {
            "kind": "episode",
            "client_uuid": str(theirs.client_uuid),
            "in_progress": False,
            "ended_at": moment(),
        },
        "form": {"kind": "form", "client_uuid": str(theirs.client_uuid), "fields": {}},
        "undo": {"kind": "undo", "client_uuid": str(theirs.client_uuid)},
    }[kind]
    client.force_login(child.memberships.get().user)
    response = send(client, child, entry)
    theirs.refresh_from_db()
    assert response.status_code == 409 and "another child" in response.json()["message"]
    assert theirs.version == 1 and theirs.in_progress and theirs.deleted_at is None
    assert Episode.objects.count() == 1


# --- Refusals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("not json", "entry"),
        ("[1, 2]", "entry"),
        ({"kind": "mystery", "client_uuid": str(uuid.uuid4())}, "kind"),
        ({"kind": "tally", "client_uuid": "nope", "tapped_at": "2026-05-01T10:00:00Z"}, "client_uuid"),
        (tally(tapped_at="2026-05-01T10:00:00"), "tapped_at"),  # no offset: which time zone?
        (tally(tapped_at=(timezone.now() + timedelta(hours=1)).isoformat()), "started_at"),
        (tally(tapped_at="2020-01-01T10:00:00Z"), "started_at"),  # before the child was born
        (tally(color="red"), "color"),
        (whole(apnea="yes"), "apnea"),
        (whole(eye_deviation=True, eye_side="up"), "eye_side"),
        (whole(path=[{"region": "tail"}]), "path"),
        (whole(path=[{"region": []}]), "path"),
        (whole(path="left_arm"), "path"),
        (whole(notes="x" * 5001), "notes"),
        (whole(duration_seconds=0), "duration_seconds"),
        (whole(duration_seconds=True), "duration_seconds"),
        (whole(duration_seconds=10**12), "duration_seconds"),
        ({k: v for k, v in whole().items() if k != "duration_seconds"}, "duration_seconds"),
        ({k: v for k, v in whole().items() if k != "started_at"}, "started_at"),
        (whole(rescue_given_at=moment()), "rescue_medicine"),
        (started(uuid.uuid4(), duration_seconds=10), "duration_seconds"),
        ({"kind": "form", "client_uuid": str(uuid.uuid4()), "fields": {"notes": 3}}, "fields"),
    ],
)
def test_a_bad_entry_is_refused_with_a_reason_and_saves_nothing(owner_client, child, entry, field) -> None:
    response = send(owner_client, child, entry)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and response.json()["message"]
    assert not Episode.objects.exists() and not AuditEvent.objects.filter(child=child).exists()


# --- Who may send ---------------------------------------------------------------------------------
def test_a_clinician_gets_403_and_nothing_is_saved(client, child, clinician) -> None:
    client.force_login(clinician)
    assert send(client, child, tally()).status_code == 403
    assert client.get(sync_url(child)).status_code == 403
    assert not Episode.objects.exists()


def test_a_stranger_gets_404(client, child, outsider) -> None:
    client.force_login(outsider)
    assert send(client, child, tally()).status_code == 404 and not Episode.objects.exists()


def test_without_a_sign_in_the_phone_is_sent_to_sign_in(client, child) -> None:
    response = send(client, child, tally())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_post_without_the_csrf_token_is_refused_and_a_get_hands_one_out(child, owner) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert send(client, child, tally()).status_code == 403 and not Episode.objects.exists()
    token = client.get(sync_url(child)).json()["csrf_token"]
    response = client.post(
        sync_url(child), json.dumps(tally()), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201 and Episode.objects.count() == 1


# --- Cost ----------------------------------------------------------------------------------------
def _queries(client, child, entry) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert send(client, child, entry).status_code in (200, 201)
    return len(queries)


def test_a_tap_and_its_replay_cost_the_same_few_queries_whatever_the_history(owner_client, child) -> None:
    send(owner_client, child, tally())  # the first request of a session also refreshes the session
    small = _queries(owner_client, child, entry := tally()), _queries(owner_client, child, entry)
    make_episodes(child, 2000, end=timezone.now() - timedelta(days=2))
    large = _queries(owner_client, child, entry := tally()), _queries(owner_client, child, entry)
    assert small == large
    assert small[0] <= 15 and small[1] <= 7


def test_a_whole_seizure_costs_a_fixed_number_of_queries(owner_client, child) -> None:
    send(owner_client, child, tally())
    assert _queries(owner_client, child, whole()) <= 12


def test_the_answer_never_echoes_another_childs_data(client, child, outsider) -> None:
    theirs = make_episode(outsider.memberships.get().child, notes="Their secret")
    client.force_login(child.memberships.get().user)
    response = send(client, child, tally(theirs.client_uuid))
    assert not re.search(r"secret|" + str(theirs.public_id), response.content.decode())


def test_a_busy_database_answers_503_so_the_phone_keeps_the_entry(owner_client, child, monkeypatch) -> None:
    from django.db import OperationalError

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("seizures.views.outbox.save_entry", busy)
    response = send(owner_client, child, tally())
    assert response.status_code == 503 and response["Retry-After"] == "5" and "client_uuid" not in response.json()
