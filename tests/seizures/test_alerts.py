"""Which alerts a seizure queues, for whom, and what they say when sent."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from caregiver.models import Membership, Role
from seizures import recording
from seizures.alert_models import Alert, AlertPreference, Channel, Kind
from seizures.alert_text import message_for
from seizures.models import Dose
from seizures.recording_alerts import queue_overdue_doses
from tests.conftest import join, make_user
from tests.support.factories import make_medicine, make_plan


def start(child, user, at=None):
    return recording.start(child, user, key=uuid.uuid4(), started_at=at or timezone.now()).episode


def alerts_to(user, kind=None):
    alerts = Alert.objects.filter(membership__user=user)
    return alerts.filter(kind=kind) if kind else alerts


def prefer(user, child, **kinds):
    membership = Membership.objects.get(user=user, child=child)
    defaults = {"started": False, "threshold": False, "rescue": False, "cluster": False, "dose": False} | kinds
    AlertPreference.objects.update_or_create(membership=membership, defaults=defaults)


def test_start_queues_threshold_for_other_caregivers_by_default_not_started(child, owner, caregiver_user, clinician):
    episode = start(child, owner)
    (alert,) = Alert.objects.all()
    assert alert.membership.user == caregiver_user
    assert alert.kind == Kind.THRESHOLD
    assert alert.due_at == episode.started_at + timedelta(minutes=child.rescue_threshold_minutes)
    assert alert.channel == Channel.PUSH


def test_the_person_who_started_it_is_never_alerted(child, owner, caregiver_user):
    prefer(owner, child, started=True, threshold=True)
    start(child, caregiver_user)
    assert set(alerts_to(owner).values_list("kind", flat=True)) == {Kind.STARTED, Kind.THRESHOLD}
    assert not alerts_to(caregiver_user).exists()


def test_a_switched_off_account_is_not_alerted(child, owner, caregiver_user):
    caregiver_user.is_active = False
    caregiver_user.save()
    start(child, owner)
    assert not Alert.objects.exists()


def test_a_clinician_gets_nothing_until_they_ask(child, owner, clinician):
    start(child, owner, at=timezone.now() - timedelta(hours=1))
    assert not alerts_to(clinician).exists()
    prefer(clinician, child, started=True)
    start(child, owner)
    assert list(alerts_to(clinician).values_list("kind", flat=True)) == [Kind.STARTED]


def test_a_replayed_start_and_a_second_phone_joining_still_alert_once(child, owner, caregiver_user):
    prefer(caregiver_user, child, started=True, threshold=True)
    key = uuid.uuid4()
    now = timezone.now()
    recording.start(child, owner, key=key, started_at=now)
    recording.start(child, owner, key=key, started_at=now)
    third = make_user("aunt@example.com")
    join(third, child, Role.CAREGIVER)
    recording.start(child, third, key=uuid.uuid4(), started_at=now)  # joins the running one
    assert alerts_to(caregiver_user).count() == 2


def test_rescue_given_alerts_once_per_member_however_often_pressed(child, owner, caregiver_user):
    episode = start(child, owner)
    recording.give_rescue(child, owner, episode.public_id, "Buccal midazolam 2.5 mg")
    recording.give_rescue(child, owner, episode.public_id, "Buccal midazolam 2.5 mg")
    (alert,) = alerts_to(caregiver_user, Kind.RESCUE)
    message = message_for(alert)
    assert message.title == "Robin: rescue medicine given"
    assert message.body.startswith("Alex gave Buccal midazolam 2.5 mg at ")


def test_rescue_sent_from_the_phone_alerts_too(child, owner, caregiver_user):
    episode = start(child, owner)
    recording.update_timed(child, owner, episode, {"rescue_medicine": "Midazolam", "rescue_given_at": timezone.now()})
    assert alerts_to(caregiver_user, Kind.RESCUE).count() == 1


def test_cluster_alert_when_a_tap_reaches_n_in_h_hours_and_not_after(child, owner, caregiver_user):
    child.cluster_alert_count, child.cluster_alert_hours = 3, 2
    child.save()
    prefer(caregiver_user, child, cluster=True)
    now = timezone.now() - timedelta(hours=1)
    for minutes in (0, 10):
        recording.tap(child, owner, key=uuid.uuid4(), tapped_at=now + timedelta(minutes=minutes))
    assert not alerts_to(caregiver_user).exists()
    recording.tap(child, owner, key=uuid.uuid4(), tapped_at=now + timedelta(minutes=20))
    (alert,) = alerts_to(caregiver_user, Kind.CLUSTER)
    recording.tap(child, owner, key=uuid.uuid4(), tapped_at=now + timedelta(minutes=30))
    assert alerts_to(caregiver_user).count() == 1
    assert message_for(alert).body.startswith("3 seizures within 2 hours")


def test_a_seizure_ended_by_send_time_is_told_as_ended(child, owner, caregiver_user):
    prefer(caregiver_user, child, started=True)
    at = timezone.now().replace(hour=14, minute=2, second=0, microsecond=0)
    with time_machine.travel(at, tick=False):
        episode = start(child, owner, at=at)
    with time_machine.travel(at + timedelta(seconds=130), tick=False):
        recording.end(child, owner, episode.public_id)
    (alert,) = alerts_to(caregiver_user, Kind.STARTED)
    local = at.astimezone(child.zone).strftime("%H:%M")
    assert message_for(alert).body == f"Robin had a 2:10 seizure at {local}, ended."


def test_a_running_seizure_leads_to_its_timer(child, owner, caregiver_user):
    prefer(caregiver_user, child, started=True)
    episode = start(child, owner)
    message = message_for(alerts_to(caregiver_user, Kind.STARTED).get())
    assert message.title == "Robin: a seizure started"
    assert str(episode.public_id) in message.path and message.path.endswith("/timer/")


def test_threshold_alert_says_the_plan_and_is_dropped_if_it_ended_before(child, owner, caregiver_user):
    episode = start(child, owner)
    alert = alerts_to(caregiver_user, Kind.THRESHOLD).get()
    message = message_for(alert)
    assert message.title == "Robin: seizure past 5 minutes"
    assert "Rescue plan: Give buccal midazolam 2.5 mg, then call 999." in message.body
    recording.end(child, owner, episode.public_id)  # after a few milliseconds: under the threshold
    alert.refresh_from_db()
    assert message_for(Alert.objects.select_related("episode", "child").get(pk=alert.pk)) is None


def test_with_an_action_plan_the_threshold_alert_gives_its_step_for_that_minute(child, owner, caregiver_user):
    make_plan(child, owner)  # steps at 0, 5 and 10 minutes; the threshold is 5
    start(child, owner)
    body = message_for(alerts_to(caregiver_user, Kind.THRESHOLD).get()).body
    assert "Plan, from minute 5: Give buccal midazolam" in body and "Emergency number: 112" in body
    assert "Rescue plan:" not in body


def test_a_deleted_seizure_sends_nothing(child, owner, caregiver_user):
    prefer(caregiver_user, child, started=True)
    episode = start(child, owner)
    recording.delete(child, owner, episode.public_id)
    assert message_for(alerts_to(caregiver_user).select_related("episode", "child").get()) is None


def test_a_past_seizure_logged_afterwards_alerts_nobody(child, owner, caregiver_user):
    prefer(caregiver_user, child, started=True, threshold=True, rescue=True, cluster=True)
    recording.save_timed(
        child, owner, key=uuid.uuid4(), started_at=timezone.now() - timedelta(hours=2), changes={}, duration_seconds=60
    )
    assert not Alert.objects.exists()


def test_a_rolled_back_start_leaves_no_alert(child, owner, caregiver_user, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(recording.audit, "record", fail)
    with pytest.raises(RuntimeError):
        start(child, owner)
    assert not Alert.objects.exists()


@pytest.mark.parametrize("members", [1, 4])
def test_starting_costs_the_same_queries_however_big_the_team(child, owner, members, django_assert_num_queries):
    for number in range(members):
        join(make_user(f"member{number}@example.com"), child, Role.CAREGIVER)
    start(child, owner, at=timezone.now() - timedelta(days=1))  # not joined by the next one
    # Two of them are the alerts' (the members with their choices, one insert), whatever the
    # number of members.
    with django_assert_num_queries(13):
        start(child, owner)


# --- A scheduled dose gone overdue -----------------------------------------------------------------
LONDON_MORNING = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # GMT: 08:00 local


def test_a_dose_30_minutes_overdue_is_told_once_to_those_who_asked(child, owner, caregiver_user, clinician):
    medicine = make_medicine(child, "Phenobarbital", times=("08:00", "20:00"), started_on=date(2026, 11, 1))
    prefer(caregiver_user, child, dose=True)
    with time_machine.travel(LONDON_MORNING + timedelta(minutes=20), tick=False):
        assert queue_overdue_doses() == 0  # not yet 30 minutes
    with time_machine.travel(LONDON_MORNING + timedelta(minutes=31), tick=False):
        assert queue_overdue_doses() == 1
        assert queue_overdue_doses() == 0  # told once
        alert = alerts_to(caregiver_user, Kind.DOSE).select_related("child").get()
        message = message_for(alert)
    assert message.title == "Robin: Phenobarbital dose overdue"
    assert message.body == "The 08:00 dose is not recorded as given or skipped."
    # Owners and clinicians get none unless they ask (the role defaults leave it off).
    assert not alerts_to(owner, Kind.DOSE).exists() and not alerts_to(clinician, Kind.DOSE).exists()
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=LONDON_MORNING, status="skipped", reason="Asleep")
    assert message_for(alert) is None  # recorded since: nothing to tell


def test_a_dose_recorded_in_time_alerts_nobody(child, owner, caregiver_user):
    medicine = make_medicine(child, times=("08:00",), started_on=date(2026, 11, 1))
    prefer(caregiver_user, child, dose=True)
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=LONDON_MORNING, status="given",
                        given_at=LONDON_MORNING)  # fmt: skip
    with time_machine.travel(LONDON_MORNING + timedelta(hours=1), tick=False):
        assert queue_overdue_doses() == 0
