"""Sync entries with text no database can store (U+0000, a lone UTF-16 surrogate) or times
that cannot be: refused with a 400 naming the field, nothing saved — never a 500 that keeps
the phone resending. Failures the server did not foresee say whether resending can help."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import DataError

from caregiver.models import AuditEvent
from seizures.models import Episode
from tests.seizures.test_sync import moment, send, started, tally, whole

pytestmark = pytest.mark.django_db

UNSTORABLE = {"nul": "a\x00b", "surrogate": "a\ud800b"}


def form(**fields) -> dict:
    """The past-seizure form's fields as the phone sends them."""
    typed = {
        "started_at": "2026-05-01T14:30",
        "duration_minutes": "2",
        "duration_secs": "13",
        "jerking": "on",
        "jerking_side": "left",
        "jerking_limb": "arm",
        "path_1": "left_arm",
        "path_1_at": "0:00",
        "rescue_medicine": "Midazolam",
        "rescue_given_at": "2026-05-01T14:33",
        "notes": "During a feed",
    } | fields
    return {"kind": "form", "client_uuid": str(uuid.uuid4()), "fields": typed}


def assert_refused(client, child, entry: dict, field: str) -> dict:
    # json.dumps writes both characters as \u escapes, as a phone's JSON.stringify does.
    response = send(client, child, json.dumps(entry))
    assert response.status_code == 400, response.content
    answer = response.json()
    assert field in answer["errors"] and answer["message"]
    assert not Episode.objects.filter(child=child).exclude(in_progress=True).exists()
    return answer


@pytest.fixture
def born_earlier(child):
    child.born_on = child.born_on.replace(year=2025)
    child.save()
    return child


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"notes": "{}"}, "notes"),
        ({"rescue_medicine": "{}", "rescue_given_at": moment(-timedelta(minutes=19))}, "rescue_medicine"),
        ({"eye_deviation": True, "eye_side": "{}"}, "eye_side"),
        ({"jerking_side": "{}"}, "jerking_side"),
        ({"jerking_limb": "{}"}, "jerking_limb"),
        ({"colour_change": "{}"}, "colour_change"),
        ({"path": [{"region": "{}", "at_seconds": 0}]}, "path"),
        ({"started_at": "{}"}, "started_at"),
        ({"rescue_given_at": "{}"}, "rescue_given_at"),
        ({"client_uuid": "{}"}, "client_uuid"),
        ({"kind": "{}"}, "kind"),
    ],
)
def test_an_episode_entry_with_unstorable_text_is_refused_naming_the_field(
    owner_client, child, text, fields, field
) -> None:
    entry = whole(
        **{name: value.replace("{}", text) if isinstance(value, str) else value for name, value in fields.items()}
    )
    if "path" in fields:
        entry["path"] = [{"region": text, "at_seconds": 0}]
    answer = assert_refused(owner_client, child, entry, field)
    if field in ("notes", "rescue_medicine"):
        assert answer["message"].startswith(("Notes:", "Rescue medicine"))
    assert not AuditEvent.objects.filter(child=child).exists()


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("field", ["notes", "rescue_medicine", "ended_at"])
def test_a_change_to_a_running_seizure_with_unstorable_text_is_refused_and_it_keeps_running(
    owner_client, child, text, field
) -> None:
    key = uuid.uuid4()
    assert send(owner_client, child, started(key)).status_code == 201
    change = {"kind": "episode", "client_uuid": str(key), field: text}
    if field == "ended_at":
        change["in_progress"] = False
    response = send(owner_client, child, json.dumps(change))
    assert response.status_code == 400 and field in response.json()["errors"]
    episode = Episode.objects.get()
    assert episode.in_progress and episode.notes == "" and episode.rescue_medicine == ""


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize(
    "field",
    [
        "notes",
        "rescue_medicine",
        "started_at",
        "rescue_given_at",
        "duration_minutes",
        "duration_secs",
        "jerking_side",
        "jerking_limb",
        "colour_change",
        "path_1",
        "path_1_at",
    ],
)
def test_a_form_entry_with_unstorable_text_is_refused_naming_the_field(owner_client, born_earlier, text, field) -> None:
    assert_refused(owner_client, born_earlier, form(**{field: text}), field)


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("field", ["tapped_at", "client_uuid", "kind"])
def test_a_tally_entry_with_unstorable_text_is_refused_naming_the_field(owner_client, child, text, field) -> None:
    assert_refused(owner_client, child, tally(**{field: text}), field)


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_an_undo_entry_with_unstorable_text_is_refused_and_the_tap_stays(owner_client, child, text) -> None:
    assert send(owner_client, child, tally(key := uuid.uuid4())).status_code == 201
    for entry, field in [
        ({"kind": "undo", "client_uuid": text}, "client_uuid"),
        ({"kind": "undo", "client_uuid": str(key), text: True}, text),
    ]:
        response = send(owner_client, child, json.dumps(entry))
        assert response.status_code == 400 and field in response.json()["errors"]
    assert Episode.objects.get().deleted_at is None


def test_the_past_seizure_form_with_a_surrogate_is_saved_once_retyped(owner_client, born_earlier) -> None:
    entry = form(notes="Broken \ud83d")
    assert send(owner_client, born_earlier, json.dumps(entry)).status_code == 400
    entry["fields"]["notes"] = "Fixed \U0001f600"  # a real emoji is a surrogate pair in JSON
    assert send(owner_client, born_earlier, json.dumps(entry)).status_code == 201
    assert Episode.objects.get().notes == "Fixed \U0001f600"


# --- End before start ------------------------------------------------------------------------
def test_a_whole_seizure_ending_before_it_started_is_refused_not_saved_as_one_second(owner_client, child) -> None:
    entry = whole(started_at=moment(-timedelta(minutes=5)), ended_at=moment(-timedelta(minutes=6)))
    del entry["duration_seconds"]
    answer = assert_refused(owner_client, child, entry, "ended_at")
    assert "before its start" in answer["message"]


def test_ending_a_running_seizure_before_its_start_is_refused_and_it_keeps_running(owner_client, child) -> None:
    key = uuid.uuid4()
    send(owner_client, child, started(key, started_at=moment(-timedelta(minutes=2))))
    end = {"kind": "episode", "client_uuid": str(key), "in_progress": False, "ended_at": moment(-timedelta(minutes=3))}
    response = send(owner_client, child, end)
    assert response.status_code == 400 and "ended_at" in response.json()["errors"]
    assert Episode.objects.get().in_progress


def test_a_form_entry_with_a_negative_duration_is_refused(owner_client, born_earlier) -> None:
    assert_refused(owner_client, born_earlier, form(duration_minutes="-1"), "duration_minutes")


# --- Failures nobody foresaw -----------------------------------------------------------------
def test_values_the_database_refuses_answer_422_never_worth_resending(owner_client, child, monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise DataError("invalid byte sequence")

    monkeypatch.setattr("seizures.views.outbox.save_entry", refused)
    response = send(owner_client, child, tally())
    assert response.status_code == 422
    assert response.json()["status"] == "unstorable" and response.json()["message"]
    assert "invalid byte" not in response.content.decode()


def test_any_other_failure_answers_500_in_json_so_the_phone_keeps_the_entry(owner_client, child, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("seizures.views.outbox.save_entry", broken)
    response = send(owner_client, child, tally())
    assert response.status_code == 500
    assert response.json()["status"] == "failed" and "client_uuid" not in response.json()
