"""Log a past seizure; edit with the changed-meanwhile check; delete, undo, restore."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.models import Episode
from tests.conftest import htmx_headers, make_child
from tests.support.factories import make_episode

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def add(child) -> str:
    return reverse("seizures:episode-add", args=[child.public_id])


def url(name: str, episode) -> str:
    return reverse(f"seizures:{name}", args=[episode.child.public_id, episode.public_id])


def valid(**changes) -> dict:
    data = {
        "client_uuid": str(uuid.uuid4()),
        "started_at": "2026-05-01T14:30",
        "duration_minutes": "2",
        "duration_secs": "13",
        "jerking": "on",
        "jerking_side": "left",
        "jerking_limb": "arm",
        "path_1": "left_arm",
        "path_1_at": "0:00",
        "path_2": "right_leg",
        "path_2_at": "1:10",
        "notes": "During a feed",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), tick=False):
        yield


def test_form_shows_start_in_the_childs_zone_with_a_fresh_key(owner_client, child) -> None:
    body = owner_client.get(add(child)).content.decode()
    assert 'type="datetime-local"' in body and 'value="2026-06-01T12:00"' in body
    assert 'name="client_uuid"' in body and "Europe/London" in body
    assert "Head or eyes turn to one side" in body and "Beyond the checklist" in body


def test_a_past_seizure_is_saved_in_utc_from_the_childs_local_time(owner_client, child, owner) -> None:
    response = owner_client.post(add(child), valid())
    episode = Episode.objects.get()
    assert response.status_code == 302 and f"saved={episode.public_id}" in response["Location"]
    assert episode.started_at == datetime(2026, 5, 1, 13, 30, tzinfo=ZoneInfo("UTC"))
    assert episode.duration_seconds == 133 and episode.migrated and episode.logged_by == owner
    assert episode.path == [{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 70}]
    assert not episode.in_progress and not episode.is_tally
    assert AuditEvent.objects.filter(action="create", object_id=str(episode.public_id)).count() == 1


def test_same_uuid_posted_twice_gives_one_episode_and_the_same_answer(owner_client, child) -> None:
    data = valid()
    first = owner_client.post(add(child), data)
    second = owner_client.post(add(child), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Episode.objects.count() == 1


def test_a_uuid_of_another_childs_episode_is_refused_and_nothing_changes(client, child, owner, outsider) -> None:
    data = valid()
    client.force_login(owner)
    client.post(add(child), data)
    client.force_login(outsider)
    response = client.post(add(outsider.memberships.get().child), data | {"notes": "overwritten?"})
    assert response.status_code == 409
    episode = Episode.objects.get()
    assert episode.child == child and episode.notes == "During a feed" and episode.version == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"started_at": "2026-06-01T15:00"}, "started_at", "cannot be in the future"),
        ({"started_at": "2026-02-27T09:00"}, "started_at", "before the child’s date of birth"),
        ({"started_at": "not a time"}, "started_at", "Enter a date and time"),
        ({"started_at": "2026-03-29T02:30", "_zone": "Europe/Berlin"}, "started_at", "clocks went forward"),
        ({"duration_minutes": "0", "duration_secs": "0"}, "duration_minutes", "more than zero seconds"),
        ({"duration_minutes": "1440", "duration_secs": "1"}, "duration_minutes", "over 24 hours"),
        ({"duration_minutes": "", "duration_secs": ""}, "duration_minutes", "or tick “not known”"),
        ({"duration_unknown": "on"}, "duration_unknown", "not both"),
        ({"duration_secs": "75"}, "duration_secs", "less than or equal to 59"),
        ({"jerking_side": None}, "jerking_side", "“side not seen”"),
        ({"jerking_limb": None}, "jerking_limb", "“limb not seen”"),
        ({"eye_deviation": "on"}, "eye_side", "“side not seen”"),
        ({"path_2_at": "later"}, "path_2_at", "minutes:seconds"),
        ({"path_2": ""}, "path_2", "Choose the body region"),
        ({"path_2_at": "9:00"}, "path_1", "after the seizure ended"),
        ({"path_1_at": "2:00"}, "path_1", "at or after the one before"),
        ({"path_2": "left_arm"}, "path_1", "same region twice"),
        ({"rescue_given_at": "2026-05-01T14:35"}, "rescue_medicine", "which rescue medicine"),
        ({"rescue_medicine": "Midazolam", "rescue_given_at": "2026-05-01T14:00"}, "rescue_given_at", "before the"),
    ],
)
def test_invalid_past_seizure_shows_the_error_by_its_field_keeps_the_input_and_saves_nothing(
    owner_client, owner, child, changes, field, message
) -> None:
    zone = changes.pop("_zone", None)
    if zone:
        child = make_child(owner, name="Sam", time_zone=zone)
    data = valid(**changes)
    response = owner_client.post(add(child), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    body = response.content.decode()
    assert "Nothing has been saved yet" in body and 'aria-invalid="true"' in body
    assert "During a feed</textarea>" in body  # what was typed is kept
    assert f'value="{data["client_uuid"]}"' in body  # the key is kept for the retry
    assert not Episode.objects.exists()
    assert not AuditEvent.objects.exists()


def test_duration_unknown_and_side_not_seen_are_accepted(owner_client, child) -> None:
    data = valid(duration_minutes="", duration_secs="", duration_unknown="on", jerking_side="not_seen", path_2_at="")
    assert owner_client.post(add(child), data).status_code == 302
    episode = Episode.objects.get()
    assert episode.duration_seconds is None and episode.jerking_side == "not_seen"


def test_a_time_in_the_repeated_autumn_hour_is_taken_as_the_first(owner_client, owner) -> None:
    child = make_child(owner, name="Sam", time_zone="Europe/Berlin")
    assert owner_client.post(add(child), valid(started_at="2025-10-26T02:30")).status_code == 200  # before birth
    child.born_on = date(2025, 1, 1)
    child.save()
    assert owner_client.post(add(child), valid(started_at="2025-10-26T02:30")).status_code == 302
    assert Episode.objects.get().started_at == datetime(2025, 10, 26, 0, 30, tzinfo=ZoneInfo("UTC"))


def test_clinician_cannot_log_a_past_seizure(client, child, clinician) -> None:
    client.force_login(clinician)
    assert client.get(add(child)).status_code == 403
    assert client.post(add(child), valid()).status_code == 403
    assert not Episode.objects.exists()


# --- Edit --------------------------------------------------------------------------------


def edit_data(episode: Episode, **changes) -> dict:
    local = episode.started_at.astimezone(LONDON)
    data = {
        "version": str(episode.version),
        "started_at": local.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": str(episode.duration_seconds // 60),
        "duration_secs": str(episode.duration_seconds % 60),
    }
    data.update(changes)
    return data


def test_edit_form_shows_the_current_values(owner_client, child) -> None:
    episode = make_episode(
        child, duration_seconds=133, apnea=True, path=[{"region": "left_arm", "at_seconds": 0}], notes="Kept"
    )
    body = owner_client.get(url("episode-edit", episode)).content.decode()
    assert 'name="duration_minutes" value="2"' in body and 'name="duration_secs" value="13"' in body
    assert 'name="apnea" id="id_apnea" checked' in body and "Kept</textarea>" in body
    assert '<option value="left_arm" selected>' in body and f'name="version" value="{episode.version}"' in body


def test_edit_saves_and_records_what_changed(owner_client, child) -> None:
    episode = make_episode(child)
    response = owner_client.post(url("episode-edit", episode), edit_data(episode, apnea="on", notes="After a nap"))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.apnea and episode.notes == "After a nap" and episode.version == 2
    event = AuditEvent.objects.get(action="edit")
    assert "apnea" in event.summary and "notes" in event.summary


def test_second_save_of_concurrent_edits_is_told_and_shown_the_current_version(client, child, owner, caregiver_user):
    episode = make_episode(child, notes="First version")
    form_seen_by_both = edit_data(episode)
    client.force_login(owner)
    assert client.post(url("episode-edit", episode), form_seen_by_both | {"notes": "Owner’s words"}).status_code == 302
    client.force_login(caregiver_user)
    response = client.post(url("episode-edit", episode), form_seen_by_both | {"notes": "Gran’s words", "apnea": "on"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed while you were editing" in body and "Owner’s words" in body  # the current version
    assert "Gran’s words" in body  # what she typed is kept
    episode.refresh_from_db()
    assert episode.notes == "Owner’s words" and not episode.apnea
    # Her form now carries the current version: saving again is a deliberate overwrite.
    assert f'name="version" value="{episode.version}"' in body
    retry = client.post(url("episode-edit", episode), form_seen_by_both | {"notes": "Gran’s words", "version": "2"})
    assert retry.status_code == 302
    episode.refresh_from_db()
    assert episode.notes == "Gran’s words"


def test_a_timer_tap_during_an_edit_also_counts_as_a_change(owner_client, child) -> None:
    episode = make_episode(child)
    data = edit_data(episode)
    owner_client.post(url("episode-set", episode), {"field": "apnea", "value": "on"})
    assert owner_client.post(url("episode-edit", episode), data).status_code == 409


def test_invalid_edit_saves_nothing(owner_client, child) -> None:
    episode = make_episode(child)
    response = owner_client.post(
        url("episode-edit", episode), edit_data(episode, duration_minutes="0", duration_secs="0")
    )
    assert response.status_code == 200 and "duration_minutes" in response.context["form"].errors
    episode.refresh_from_db()
    assert episode.version == 1


def test_clinician_sees_the_episode_read_only(client, child, clinician) -> None:
    episode = make_episode(child, notes="Visible")
    client.force_login(clinician)
    body = client.get(url("episode-edit", episode)).content.decode()
    assert "Visible" in body and "<fieldset disabled" in body and "Delete this seizure" not in body
    assert client.post(url("episode-edit", episode), edit_data(episode, notes="no")).status_code == 403


def test_outsider_gets_404_for_another_familys_episode(client, child, outsider) -> None:
    episode = make_episode(child)
    client.force_login(outsider)
    assert client.get(url("episode-edit", episode)).status_code == 404
    own = outsider.memberships.get().child
    hijack = reverse("seizures:episode-edit", args=[own.public_id, episode.public_id])
    assert client.get(hijack).status_code == 404


# --- Delete, undo, restore -----------------------------------------------------------------


def test_delete_with_htmx_answers_deleted_undo_and_undo_restores(owner_client, child) -> None:
    episode = make_episode(child)
    body = owner_client.post(url("episode-delete", episode), **htmx_headers()).content.decode()
    assert "Deleted" in body and "Undo" in body and url("episode-restore", episode) in body
    episode.refresh_from_db()
    assert episode.deleted_at is not None
    assert not Episode.objects.for_child(child).live().exists()
    body = owner_client.post(url("episode-restore", episode), **htmx_headers()).content.decode()
    assert f'id="episode-{episode.public_id}"' in body and "Deleted" not in body
    episode.refresh_from_db()
    assert episode.deleted_at is None
    assert list(AuditEvent.objects.order_by("at", "id").values_list("action", flat=True)) == ["delete", "restore"]


def test_delete_without_htmx_shows_undo_on_the_timeline(owner_client, child) -> None:
    episode = make_episode(child)
    response = owner_client.post(url("episode-delete", episode), follow=True)
    body = response.content.decode()
    assert "Deleted" in body and url("episode-restore", episode) in body


def test_recently_deleted_lists_30_days_and_restores(owner_client, child) -> None:
    recent = make_episode(child, deleted_at=timezone.now() - timedelta(days=29), notes="recent")
    old = make_episode(child, deleted_at=timezone.now() - timedelta(days=31))
    body = owner_client.get(reverse("seizures:episodes-deleted", args=[child.public_id])).content.decode()
    assert url("episode-restore", recent) in body and url("episode-restore", old) not in body
    response = owner_client.post(url("episode-restore", recent))
    assert response.status_code == 302
    recent.refresh_from_db()
    assert recent.deleted_at is None
    owner_client.post(url("episode-restore", old))
    old.refresh_from_db()
    assert old.deleted_at is not None


def test_restoring_a_live_episode_is_404(owner_client, child) -> None:
    assert owner_client.post(url("episode-restore", make_episode(child))).status_code == 404


def test_clinician_cannot_delete_or_restore(client, child, clinician) -> None:
    episode = make_episode(child)
    client.force_login(clinician)
    assert client.post(url("episode-delete", episode)).status_code == 403
    assert client.post(url("episode-restore", episode)).status_code == 403
    body = client.get(reverse("seizures:episodes-deleted", args=[child.public_id])).content.decode()
    assert "Restore" not in body
