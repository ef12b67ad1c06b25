"""Seizure now → the live timer."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.models import Episode
from tests.conftest import htmx_headers
from tests.support.factories import make_episode

pytestmark = pytest.mark.django_db


def start(child) -> str:
    return reverse("seizures:episode-start", args=[child.public_id])


def url(name: str, episode) -> str:
    return reverse(f"seizures:{name}", args=[episode.child.public_id, episode.public_id])


@pytest.fixture
def running(child, owner) -> Episode:
    return make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None, logged_by=owner)


def test_seizure_now_records_the_start_on_the_server_and_opens_the_timer(owner_client, child, owner) -> None:
    response = owner_client.post(start(child), {"client_uuid": uuid.uuid4()})
    episode = Episode.objects.get()
    assert response.status_code == 302 and response["Location"] == url("timer", episode)
    assert episode.in_progress and episode.logged_by == owner
    assert abs((episode.started_at - timezone.now()).total_seconds()) < 5
    assert AuditEvent.objects.filter(action="create", object_id=str(episode.public_id)).exists()


def test_seizure_now_posted_twice_with_one_key_opens_the_same_timer(owner_client, child) -> None:
    key = uuid.uuid4()
    first = owner_client.post(start(child), {"client_uuid": key})
    second = owner_client.post(start(child), {"client_uuid": key})
    assert first["Location"] == second["Location"] and Episode.objects.count() == 1


def test_second_caregiver_tapping_seizure_now_joins_the_running_timer(client, child, caregiver_user, running) -> None:
    client.force_login(caregiver_user)
    response = client.post(start(child), {"client_uuid": uuid.uuid4()})
    assert response["Location"] == url("timer", running) and Episode.objects.count() == 1


def test_seizure_now_with_another_childs_key_is_refused(client, child, owner, outsider) -> None:
    key = uuid.uuid4()
    client.force_login(owner)
    client.post(start(child), {"client_uuid": key})
    client.force_login(outsider)
    response = client.post(start(outsider.memberships.get().child), {"client_uuid": key})
    assert response.status_code == 409 and Episode.objects.count() == 1


def test_timer_shows_elapsed_from_the_stored_start_after_a_reload(owner_client, running) -> None:
    with time_machine.travel(running.started_at + timedelta(minutes=2, seconds=13), tick=False):
        body = owner_client.get(url("timer", running)).content.decode()
    assert "data-elapsed>2:13<" in body
    assert f'data-started-at="{running.started_at.isoformat()}' in body


def test_rescue_alert_is_hidden_before_the_threshold_and_shown_after_it(owner_client, running, child) -> None:
    with time_machine.travel(running.started_at + timedelta(minutes=4, seconds=59), tick=False):
        body = owner_client.get(url("timer", running)).content.decode()
    assert "data-rescue-alert hidden" in body and 'data-threshold="300"' in body
    with time_machine.travel(running.started_at + timedelta(minutes=5, seconds=1), tick=False):
        body = owner_client.get(url("timer", running)).content.decode()
    assert "data-rescue-alert>" in body and "buccal midazolam" in body


def test_rescue_threshold_follows_the_childs_plan(owner_client, running, child) -> None:
    child.rescue_threshold_minutes = 3
    child.save()
    body = owner_client.get(url("timer", running)).content.decode()
    assert 'data-threshold="180"' in body and "3 minutes: follow the rescue plan" in body


def test_sign_toggle_is_saved_at_once_and_answers_its_fragment(owner_client, running) -> None:
    response = owner_client.post(url("episode-set", running), {"field": "apnea", "value": "on"}, **htmx_headers())
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="sign-apnea"' in body
    assert 'aria-pressed="true"' in body
    running.refresh_from_db()
    assert running.apnea and running.version == 2
    assert AuditEvent.objects.filter(action="edit", summary="Timer: apnea on").exists()


def test_sign_set_twice_stays_set(owner_client, running) -> None:
    for _ in range(2):
        owner_client.post(url("episode-set", running), {"field": "apnea", "value": "on"})
    running.refresh_from_db()
    assert running.apnea


def test_ticking_jerking_records_side_not_seen_until_a_side_is_chosen(owner_client, running) -> None:
    body = owner_client.post(
        url("episode-set", running), {"field": "jerking", "value": "on"}, **htmx_headers()
    ).content.decode()
    assert "Which side?" in body and "Which limb?" in body
    running.refresh_from_db()
    assert (running.jerking_side, running.jerking_limb) == ("not_seen", "not_seen")
    owner_client.post(url("episode-set", running), {"field": "jerking_side", "value": "left"})
    owner_client.post(url("episode-set", running), {"field": "jerking_limb", "value": "arm"})
    running.refresh_from_db()
    assert (running.jerking, running.jerking_side, running.jerking_limb) == (True, "left", "arm")
    running.full_clean()


def test_sign_toggle_without_htmx_redirects_to_the_timer(owner_client, running) -> None:
    response = owner_client.post(url("episode-set", running), {"field": "drooling", "value": "on"})
    assert response.status_code == 302 and response["Location"] == url("timer", running)


def test_colour_change_beside_apnea_answers_its_own_fragment(owner_client, running) -> None:
    response = owner_client.post(
        url("episode-set", running), {"field": "colour_change", "value": "blue"}, **htmx_headers()
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="colour"' in body
    assert 'value="blue" class="button choice" aria-pressed="true"' in body
    running.refresh_from_db()
    assert running.colour_change == "blue" and not running.apnea
    assert AuditEvent.objects.filter(action="edit", summary="Timer: colour_change blue").exists()


def test_the_bar_comes_first_and_sides_say_whose(owner_client, running) -> None:
    """Without script too: the clock, the state and Seizure ended come before the checklist,
    whose side pickers name the child's sides."""
    running.jerking, running.jerking_side = True, "left"
    running.save()
    body = owner_client.get(url("timer", running)).content.decode()
    timer = body[body.index("data-timer-bar") :]
    assert timer.index("data-elapsed") < timer.index("Seizure in progress") < timer.index("Seizure ended")
    assert timer.index("Seizure ended") < timer.index('id="signs-heading"')
    assert "Child’s left" in body and "Child’s right" in body


@pytest.mark.parametrize(
    "data",
    [{"field": "notes", "value": "x"}, {"field": "apnea", "value": "maybe"}, {"field": "eye_side", "value": "up"}, {}],
)
def test_timer_refuses_unknown_fields_and_values_with_400(owner_client, running, data) -> None:
    assert owner_client.post(url("episode-set", running), data).status_code == 400
    running.refresh_from_db()
    assert running.version == 1


def test_moves_are_stamped_with_the_time_into_the_seizure(owner_client, running) -> None:
    with time_machine.travel(running.started_at + timedelta(seconds=2), tick=False) as traveller:
        owner_client.post(url("episode-move", running), {"region": "left_arm"})
        traveller.shift(timedelta(seconds=68))
        body = owner_client.post(
            url("episode-move", running), {"region": "right_face"}, **htmx_headers()
        ).content.decode()
    running.refresh_from_db()
    assert running.path == [{"region": "left_arm", "at_seconds": 2}, {"region": "right_face", "at_seconds": 70}]
    assert running.migrated and "1:10" in body and "Moved to…" in body


def test_removing_the_last_step_happens_once_per_shown_path(owner_client, running) -> None:
    for region in ("left_arm", "right_leg"):
        owner_client.post(url("episode-move", running), {"region": region})
    for _ in range(2):
        owner_client.post(url("episode-move-undo", running), {"steps": "2"})
    running.refresh_from_db()
    assert [s["region"] for s in running.path] == ["left_arm"]


def test_rescue_medicine_is_recorded_with_the_time_given(owner_client, running) -> None:
    body = owner_client.post(
        url("episode-rescue", running), {"rescue_medicine": "Midazolam 2.5 mg"}, **htmx_headers()
    ).content.decode()
    running.refresh_from_db()
    assert running.rescue_medicine == "Midazolam 2.5 mg" and running.rescue_given_at is not None
    assert "given at" in body


def test_rescue_without_a_name_shows_the_error_and_saves_nothing(owner_client, running) -> None:
    body = owner_client.post(url("episode-rescue", running), {"rescue_medicine": ""}, **htmx_headers()).content
    assert b"Say which medicine was given" in body
    running.refresh_from_db()
    assert running.rescue_given_at is None


def test_seizure_ended_stores_the_duration_and_goes_home(owner_client, running, child) -> None:
    with time_machine.travel(running.started_at + timedelta(minutes=2, seconds=13), tick=False):
        response = owner_client.post(url("episode-end", running))
    assert response["Location"] == reverse("seizures:home", args=[child.public_id])
    running.refresh_from_db()
    assert (running.in_progress, running.duration_seconds) == (False, 133)


def test_a_timer_left_running_over_a_day_ends_with_duration_unknown(owner_client, running) -> None:
    with time_machine.travel(running.started_at + timedelta(hours=30), tick=False):
        response = owner_client.post(url("episode-end", running))
    running.refresh_from_db()
    assert running.duration_seconds is None and not running.in_progress
    assert response["Location"] == url("episode-edit", running)


def test_timer_of_an_ended_seizure_opens_its_edit_page(owner_client, child) -> None:
    episode = make_episode(child)
    assert owner_client.get(url("timer", episode))["Location"] == url("episode-edit", episode)


def test_clinician_sees_the_timer_without_controls_and_cannot_change_it(client, clinician, running) -> None:
    client.force_login(clinician)
    body = client.get(url("timer", running)).content.decode()
    assert "Seizure ended" not in body and "Moved to" not in body and "Began in" not in body
    for name, data in [
        ("episode-set", {"field": "apnea", "value": "on"}),
        ("episode-move", {"region": "left_arm"}),
        ("episode-rescue", {"rescue_medicine": "x"}),
        ("episode-end", {}),
    ]:
        assert client.post(url(name, running), data).status_code == 403
    running.refresh_from_db()
    assert running.version == 1


def test_outsider_gets_404_for_the_timer(client, outsider, running) -> None:
    client.force_login(outsider)
    assert client.get(url("timer", running)).status_code == 404
    assert client.post(url("episode-set", running), {"field": "apnea", "value": "on"}).status_code == 404


def test_a_deleted_episode_cannot_be_changed_from_the_timer(owner_client, running) -> None:
    running.deleted_at = timezone.now()
    running.save()
    assert owner_client.post(url("episode-set", running), {"field": "apnea", "value": "on"}).status_code == 404
