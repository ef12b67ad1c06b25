"""The write functions, one rule each: whoever calls them (a page, the phone's outbox), these
are the rules a family's records follow. Views and the outbox keep only their wiring tests."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures import recording
from seizures.forms import EpisodeForm, TreatmentForm
from seizures.models import CLUSTER_GAP, JOIN_WINDOW, MAX_DURATION, Cluster, Episode, JoinedStart, Treatment
from seizures.signs import MAX_PATH_STEPS, Limb, Side
from tests.conftest import make_child
from tests.support.factories import make_episode, make_treatment

pytestmark = pytest.mark.django_db


def events(obj, action: str) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.public_id)).count()


@pytest.fixture
def running(child, owner) -> Episode:
    return recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now() - timedelta(seconds=40)).episode


# --- Client UUIDs ----------------------------------------------------------------------------
def test_a_key_of_another_childs_record_is_refused_and_changes_nothing(child, owner, outsider) -> None:
    key = uuid.uuid4()
    recording.tap(child, owner, key=key, tapped_at=timezone.now())
    other = make_child(outsider, name="Sam")
    with pytest.raises(recording.ClientUUIDConflict):
        recording.tap(other, outsider, key=key, tapped_at=timezone.now())
    with pytest.raises(recording.ClientUUIDConflict):
        recording.start(other, outsider, key=key, started_at=timezone.now())
    assert Episode.objects.count() == 1 and not Episode.objects.filter(child=other).exists()


# --- Starting -----------------------------------------------------------------------------------
def test_start_creates_a_running_seizure_with_its_audit_event(child, owner) -> None:
    result = recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now())
    assert result.created and not result.joined
    assert result.episode.in_progress and result.episode.logged_by == owner
    assert events(result.episode, "create") == 1


def test_start_replayed_with_its_key_returns_the_same_seizure(child, owner) -> None:
    key = uuid.uuid4()
    first = recording.start(child, owner, key=key, started_at=timezone.now())
    again = recording.start(child, owner, key=key, started_at=timezone.now())
    assert again.episode == first.episode and not again.created and Episode.objects.count() == 1


def test_start_within_the_join_window_joins_the_running_seizure(child, owner, caregiver_user, running) -> None:
    key = uuid.uuid4()
    with time_machine.travel(running.started_at + JOIN_WINDOW, tick=False):
        joined = recording.start(child, caregiver_user, key=key, started_at=timezone.now())
    assert joined.joined and joined.episode == running and Episode.objects.count() == 1
    assert JoinedStart.objects.get(client_uuid=key).episode == running
    # The joining phone's later entries, under its own key, land on the joined seizure.
    assert recording.stored(child, key) == running
    assert recording.start(child, caregiver_user, key=key, started_at=timezone.now()).joined


def test_start_after_the_join_window_is_a_new_seizure(child, owner, running) -> None:
    with time_machine.travel(running.started_at + JOIN_WINDOW + timedelta(seconds=1), tick=False):
        later = recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now())
    assert later.created and Episode.objects.count() == 2


def test_start_does_not_join_an_ended_seizure(child, owner, running) -> None:
    recording.end(child, owner, running.public_id)
    assert recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now()).created


# --- Signs, sides, the path, rescue ----------------------------------------------------------------
def test_a_sign_seen_without_its_side_is_side_not_seen(child, owner, running) -> None:
    episode = recording.set_value(child, owner, running.public_id, "jerking", True)
    assert episode.jerking_side == Side.NOT_SEEN and episode.jerking_limb == Limb.NOT_SEEN
    assert events(episode, "edit") == 1


def test_choosing_a_side_means_the_sign_was_seen(child, owner, running) -> None:
    episode = recording.set_value(child, owner, running.public_id, "eye_side", Side.LEFT)
    assert episode.eye_deviation and episode.eye_side == Side.LEFT


def test_unticking_a_sign_clears_its_side(child, owner, running) -> None:
    recording.set_value(child, owner, running.public_id, "eye_side", Side.LEFT)
    episode = recording.set_value(child, owner, running.public_id, "eye_deviation", False)
    assert not episode.eye_deviation and episode.eye_side == ""


def test_move_stamps_the_time_into_the_seizure_and_a_double_tap_adds_one_step(child, owner, running) -> None:
    recording.move(child, owner, running.public_id, "left_arm")
    episode = recording.move(child, owner, running.public_id, "left_arm")
    assert len(episode.path) == 1 and episode.path[0]["region"] == "left_arm"
    assert 40 <= episode.path[0]["at_seconds"] < 40 + 60


def test_move_stops_at_the_longest_path(child, owner, running) -> None:
    for n in range(MAX_PATH_STEPS + 2):
        episode = recording.move(child, owner, running.public_id, ("left_arm", "right_arm")[n % 2])
    assert len(episode.path) == MAX_PATH_STEPS


def test_undo_move_takes_back_one_step_only_when_the_path_is_as_shown(child, owner, running) -> None:
    recording.move(child, owner, running.public_id, "left_arm")
    recording.move(child, owner, running.public_id, "right_leg")
    assert len(recording.undo_move(child, owner, running.public_id, "2").path) == 1
    assert len(recording.undo_move(child, owner, running.public_id, "2").path) == 1  # the repeat


def test_rescue_medicine_is_recorded_as_given_now(child, owner, running) -> None:
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        episode = recording.give_rescue(child, owner, running.public_id, "Midazolam 2.5 mg")
        assert episode.rescue_given_at == timezone.now() and episode.rescue_medicine == "Midazolam 2.5 mg"


# --- Ending ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.2, 1), (89.4, 89), (89.6, 90), (MAX_DURATION.total_seconds(), 86400), (MAX_DURATION.total_seconds() + 1, None)],
)
def test_duration_is_whole_seconds_at_least_one_and_unknown_after_a_day(child, seconds, expected) -> None:
    episode = Episode(child=child, started_at=timezone.now())
    assert recording.duration_until(episode, episode.started_at + timedelta(seconds=seconds)) == expected


def test_end_stores_the_duration_from_the_stored_start_once(child, owner, running) -> None:
    with time_machine.travel(running.started_at + timedelta(seconds=95), tick=False):
        episode, ended = recording.end(child, owner, running.public_id)
    assert ended and not episode.in_progress and episode.duration_seconds == 95
    episode, ended = recording.end(child, owner, running.public_id)
    assert not ended and episode.duration_seconds == 95 and events(episode, "edit") == 1


def test_a_change_sent_after_the_seizure_ended_is_left_out_with_a_notice(child, owner, running) -> None:
    recording.update_timed(child, owner, running, {"apnea": True}, duration_seconds=60)
    same = recording.update_timed(child, owner, running, {"apnea": True}, duration_seconds=60)
    late = recording.update_timed(child, owner, running, {"drooling": True})
    running.refresh_from_db()
    assert same.notice == "" and "already ended" in late.notice
    assert running.duration_seconds == 60 and not running.drooling


def test_a_change_that_breaks_the_rules_saves_nothing_and_records_nothing(child, owner, running) -> None:
    with pytest.raises(ValidationError):
        recording.update_timed(child, owner, running, {"apnea": True}, duration_seconds=0)
    running.refresh_from_db()
    assert running.in_progress and not running.apnea and events(running, "edit") == 0


# --- The tally -------------------------------------------------------------------------------------------
def test_taps_an_hour_apart_share_a_cluster_and_a_later_one_opens_another(child, owner) -> None:
    at = timezone.now() - timedelta(hours=5)
    first = recording.tap(child, owner, key=uuid.uuid4(), tapped_at=at).episode
    second = recording.tap(child, owner, key=uuid.uuid4(), tapped_at=at + CLUSTER_GAP).episode
    third = recording.tap(child, owner, key=uuid.uuid4(), tapped_at=at + CLUSTER_GAP * 3).episode
    assert first.cluster == second.cluster != third.cluster
    assert Cluster.objects.get(pk=first.cluster_id).last_at == at + CLUSTER_GAP


def test_a_replayed_tap_counts_once(child, owner) -> None:
    key = uuid.uuid4()
    first = recording.tap(child, owner, key=key, tapped_at=timezone.now())
    again = recording.tap(child, owner, key=key, tapped_at=timezone.now())
    assert first.created and not again.created and Episode.objects.count() == 1


def test_undo_tap_takes_back_one_tap_once(child, owner) -> None:
    tap = recording.tap(child, owner, key=uuid.uuid4(), tapped_at=timezone.now()).episode
    assert recording.undo_tap(child, owner, tap.public_id)[1]
    episode, undone = recording.undo_tap(child, owner, tap.public_id)
    assert not undone and episode.deleted_at is not None and events(tap, "delete") == 1


def test_undo_tap_refuses_a_seizure_that_is_not_a_tap(child, owner, running) -> None:
    with pytest.raises(Http404):
        recording.undo_tap(child, owner, running.public_id)


# --- Past seizures and edits -------------------------------------------------------------------------------
def past_form(child, **fields) -> EpisodeForm:
    data = QueryDict(mutable=True)
    data.update({"started_at": "2026-05-01T14:30", "duration_minutes": "1", "duration_secs": "30"} | fields)
    return EpisodeForm(data, child=child, instance=Episode(child=child))


def test_a_past_seizure_saves_once_per_key_whatever_the_replay_holds(child, owner) -> None:
    key = uuid.uuid4()
    saved = recording.save_past(child, owner, key=key, form=past_form(child))
    replay = recording.save_past(child, owner, key=key, form=past_form(child, started_at="nonsense"))
    assert saved.created and replay.episode == saved.episode and not replay.created
    assert saved.episode.duration_seconds == 90 and saved.episode.logged_by == owner


def test_a_past_seizure_with_errors_saves_nothing(child, owner) -> None:
    form = past_form(child, started_at="2026-01-01T10:00")  # before the child was born
    assert recording.save_past(child, owner, key=uuid.uuid4(), form=form) is None
    assert "started_at" in form.errors and not Episode.objects.exists()


def edit_data(episode: Episode, **changes) -> QueryDict:
    form = EpisodeForm(child=episode.child, instance=episode)
    data = QueryDict(mutable=True)
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False, ""):
            data[name] = str(value) if not hasattr(value, "strftime") else value.strftime("%Y-%m-%dT%H:%M")
    data.update(changes)
    return data


def test_edit_saves_when_the_version_is_the_one_shown(child, owner) -> None:
    episode = make_episode(child, started_at=timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1))
    result = recording.edit(child, owner, episode.public_id, edit_data(episode, notes="After a feed"))
    assert result.saved and result.episode.notes == "After a feed" and result.episode.version == 2
    assert AuditEvent.objects.get(action="edit").summary == "Edited: notes"


def test_edit_of_a_version_changed_meanwhile_saves_nothing(child, owner, caregiver_user) -> None:
    episode = make_episode(child)
    shown = edit_data(episode, notes="Mine")
    recording.edit(child, caregiver_user, episode.public_id, edit_data(episode, notes="Theirs"))
    result = recording.edit(child, owner, episode.public_id, shown)
    episode.refresh_from_db()
    assert result.conflict and not result.saved and episode.notes == "Theirs"
    assert result.form["notes"].value() == "Mine"  # what was typed is kept, beside the current version


# --- Delete and restore ------------------------------------------------------------------------------------
def test_delete_then_restore_within_thirty_days(child, owner) -> None:
    episode = make_episode(child)
    recording.delete(child, owner, episode.public_id)
    assert not Episode.objects.live().exists()
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        recording.restore(child, owner, episode.public_id)
    assert Episode.objects.live().get() == episode and events(episode, "restore") == 1


def test_restore_after_thirty_days_is_refused(child, owner) -> None:
    episode = make_episode(child)
    recording.delete(child, owner, episode.public_id)
    with time_machine.travel(timezone.now() + timedelta(days=31)), pytest.raises(recording.TooLateToRestore):
        recording.restore(child, owner, episode.public_id)
    assert not Episode.objects.live().exists() and events(episode, "restore") == 0


# --- Treatments ------------------------------------------------------------------------------------------------
def test_treatments_added_edited_and_stopped_each_leave_an_event(child, owner) -> None:
    form = TreatmentForm({"kind": "quinidine", "started_on": "2026-04-01"}, child=child)
    assert form.is_valid()
    treatment = recording.add_treatment(child, owner, form)
    form = TreatmentForm(
        {"kind": "quinidine", "started_on": "2026-04-01", "dose": "5 mg"}, child=child, instance=treatment
    )
    assert form.is_valid()
    recording.edit_treatment(child, owner, form)
    recording.stop_treatment(child, owner, treatment, date(2026, 6, 1))
    treatment = Treatment.objects.get()
    assert treatment.dose == "5 mg" and treatment.stopped_on == date(2026, 6, 1)
    assert [e.summary for e in AuditEvent.objects.filter(object_id=str(treatment.public_id)).order_by("pk")] == [
        "Added Quinidine",
        "Edited Quinidine: dose",
        "Stopped Quinidine on 2026-06-01",
    ]


def test_stopping_an_existing_treatment_keeps_its_other_fields(child, owner) -> None:
    treatment = make_treatment(child, dose="10 mg/kg")
    recording.stop_treatment(child, owner, treatment, date(2026, 5, 1))
    treatment.refresh_from_db()
    assert treatment.dose == "10 mg/kg" and treatment.stopped_on == date(2026, 5, 1)
