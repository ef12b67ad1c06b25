"""The rescue guard: a second dose inside the plan's interval, or over its 24-hour maximum,
shows the previous dose and needs an explicit, audited override; a dose sent from a phone's
outbox is never lost, only flagged when it arrived over the guard."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures import recording_plan
from seizures.outbox import save_entry
from seizures.plan_models import RescueDose
from tests.support.factories import make_episode, make_plan

pytestmark = pytest.mark.django_db


def _give(child, user, medicine, at, **kwargs):
    return recording_plan.give(
        child, user, key=kwargs.pop("key", uuid.uuid4()), medicine=medicine, given_at=at, **kwargs
    )


def _form(medicine, at: datetime, zone="UTC", **extra) -> dict:
    local = at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    return {"client_uuid": str(uuid.uuid4()), "medicine": str(medicine.public_id), "given_at": local} | extra


def test_a_second_dose_inside_the_interval_is_refused_and_shows_the_first(child, owner, caregiver_user) -> None:
    medicine = make_plan(child, interval=10).medicines.get()
    now = timezone.now()
    first = _give(child, caregiver_user, medicine, now - timedelta(minutes=4))
    assert first.created and not first.dose.override
    second = _give(child, owner, medicine, now)
    assert second.refused and second.guard.too_soon == first.dose
    assert second.guard.previous.given_by == caregiver_user
    assert RescueDose.objects.count() == 1
    # After the interval it is allowed.
    third = _give(child, owner, medicine, now + timedelta(minutes=6, seconds=1))
    assert third.created and not third.guard.blocks


def test_the_page_shows_the_previous_dose_and_needs_an_override(client, child, owner, caregiver_user) -> None:
    child.time_zone = "Europe/Berlin"
    child.save()
    medicine = make_plan(child, interval=10).medicines.get()
    _give(child, caregiver_user, medicine, timezone.now() - timedelta(minutes=3))
    client.force_login(owner)
    url = reverse("seizures:rescue-give", args=[child.public_id])
    data = _form(medicine, timezone.now(), "Europe/Berlin")
    page = client.post(url, data).content.decode()
    assert "Too soon: the plan says at least 10 minutes between doses." in page
    assert "Previous dose:" in page and str(caregiver_user) in page
    assert RescueDose.objects.count() == 1
    # Overriding without a reason is not enough.
    page = client.post(url, data | {"override": "on"}).content.decode()
    assert "Say why this dose is given past the guard." in page and RescueDose.objects.count() == 1
    response = client.post(url, data | {"override": "on", "override_reason": "Paramedic said so"})
    assert response.status_code == 302
    dose = RescueDose.objects.newest_first().first()
    assert dose.override and dose.override_reason == "Paramedic said so" and not dose.over_guard
    event = AuditEvent.objects.filter(object_type="rescuedose").latest("pk")
    assert "guard overridden (inside the minimum interval): Paramedic said so" in event.summary
    plan_page = client.get(reverse("seizures:plan", args=[child.public_id])).content.decode()
    assert "given past the guard" in plan_page


def test_the_24_hour_maximum_counts_real_hours_across_a_dst_change(child, owner) -> None:
    child.time_zone = "America/New_York"
    child.save()
    # Clocks go back at 02:00 on 1 November 2026: that local day has 25 hours.
    first_at = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)  # 00:30 EDT
    with time_machine.travel(first_at + timedelta(hours=30), tick=False):
        medicine = make_plan(child, interval=60, max_per_day=2).medicines.get()
        _give(child, owner, medicine, first_at)
        _give(child, owner, medicine, first_at + timedelta(hours=2))
        # 23 local wall-clock hours after the first dose is 24 real hours less one: still inside.
        inside = first_at + timedelta(hours=23, minutes=59)
        refused = _give(child, owner, medicine, inside)
        assert refused.refused and refused.guard.over_max and refused.guard.too_soon is None
        assert refused.guard.in_day == 2
        # 24 real hours after the first dose, it no longer counts.
        allowed = _give(child, owner, medicine, first_at + timedelta(hours=24))
        assert allowed.created


def test_the_override_is_recorded_on_the_dose_and_in_the_audit_trail(child, owner) -> None:
    medicine = make_plan(child, interval=30, max_per_day=1).medicines.get()
    now = timezone.now()
    _give(child, owner, medicine, now - timedelta(hours=2))
    given = _give(child, owner, medicine, now, override=True, reason="Neurologist on the phone")
    assert given.created and given.dose.override and given.guard.over_max
    summary = AuditEvent.objects.filter(object_type="rescuedose").latest("pk").summary
    assert "over the 24-hour maximum" in summary and "Neurologist on the phone" in summary


def test_an_override_without_need_is_not_marked(child, owner) -> None:
    medicine = make_plan(child).medicines.get()
    given = _give(child, owner, medicine, timezone.now(), override=True, reason="just in case")
    assert not given.dose.override and given.dose.override_reason == ""


def test_offline_dose_arriving_over_the_guard_is_kept_and_flagged(child, owner, caregiver_user) -> None:
    medicine = make_plan(child, interval=10).medicines.get()
    now = timezone.now()
    _give(child, owner, medicine, now - timedelta(minutes=5))
    key = str(uuid.uuid4())
    entry = {"kind": "rescue", "client_uuid": key, "medicine": str(medicine.public_id), "given_at": now.isoformat()}
    outcome = save_entry(child, caregiver_user, entry)
    assert outcome.result.created and "over the guard" in outcome.result.notice
    dose = RescueDose.objects.get(client_uuid=key)
    assert dose.over_guard and not dose.override and dose.given_by == caregiver_user
    assert (
        "arrived from a phone over the guard"
        in AuditEvent.objects.filter(object_type="rescuedose").latest("pk").summary
    )
    # Exactly once: the replay changes nothing.
    again = save_entry(child, caregiver_user, entry)
    assert not again.result.created and RescueDose.objects.filter(client_uuid=key).count() == 1


def test_offline_dose_with_the_override_confirmed_on_the_phone(child, owner) -> None:
    medicine = make_plan(child, interval=10).medicines.get()
    now = timezone.now()
    _give(child, owner, medicine, now - timedelta(minutes=5))
    entry = {
        "kind": "rescue",
        "client_uuid": str(uuid.uuid4()),
        "medicine": str(medicine.public_id),
        "given_at": now.isoformat(),
        "override": True,
        "override_reason": "Seizure not stopping",
    }
    save_entry(child, owner, entry)
    dose = RescueDose.objects.newest_first().first()
    assert dose.override and not dose.over_guard and dose.override_reason == "Seizure not stopping"


def test_offline_dose_on_the_timer_marks_the_seizure(child, owner) -> None:
    medicine = make_plan(child).medicines.get()
    running = make_episode(child, started_at=timezone.now() - timedelta(minutes=6), in_progress=True)
    running.duration_seconds = None
    entry = {
        "kind": "rescue",
        "client_uuid": str(uuid.uuid4()),
        "medicine": str(medicine.public_id),
        "given_at": timezone.now().isoformat(),
        "episode": str(running.client_uuid),
    }
    save_entry(child, owner, entry)
    dose = RescueDose.objects.get()
    running.refresh_from_db()
    assert dose.episode == running and running.rescue_medicine.startswith("Midazolam 2.5 mg")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"medicine": "nope"}, "medicine"),
        ({"medicine": None}, "medicine"),
        ({"given_at": "yesterday"}, "given_at"),
        ({"given_at": "2999-01-01T00:00:00Z"}, "given_at"),
        ({"override": "yes"}, "override"),
        ({"override": True}, "override_reason"),
        ({"episode": "x"}, "episode"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_unreadable_rescue_entries_are_refused(child, owner, change, field) -> None:
    from seizures.outbox import EntryError

    medicine = make_plan(child).medicines.get()
    entry = {
        "kind": "rescue",
        "client_uuid": str(uuid.uuid4()),
        "medicine": str(medicine.public_id),
        "given_at": timezone.now().isoformat(),
    } | change
    with pytest.raises(EntryError) as error:
        save_entry(child, owner, entry)
    assert field in error.value.errors
    assert not RescueDose.objects.exists()


def test_a_medicine_of_another_child_is_refused(child, owner, outsider) -> None:
    from seizures.outbox import EntryError

    other = make_plan(outsider.memberships.get().child, outsider).medicines.get()
    entry = {
        "kind": "rescue",
        "client_uuid": str(uuid.uuid4()),
        "medicine": str(other.public_id),
        "given_at": timezone.now().isoformat(),
    }
    with pytest.raises(EntryError):
        save_entry(child, owner, entry)
    assert not RescueDose.objects.exists()


def test_a_dose_key_of_another_child_is_a_conflict(child, owner, outsider) -> None:
    from seizures.recording import ClientUUIDConflict

    theirs = outsider.memberships.get().child
    medicine = make_plan(theirs, outsider).medicines.get()
    key = uuid.uuid4()
    _give(theirs, outsider, medicine, timezone.now(), key=key)
    mine = make_plan(child).medicines.get()
    with pytest.raises(ClientUUIDConflict):
        _give(child, owner, mine, timezone.now(), key=key)


def test_the_guard_reads_one_query_whatever_the_history(child, owner, django_assert_num_queries) -> None:
    medicine = make_plan(child, interval=1, max_per_day=12).medicines.get()
    start = timezone.now() - timedelta(days=20)
    for i in range(40):
        RescueDose.objects.create(child=child, medicine_name="Midazolam", given_at=start + timedelta(hours=11 * i))
    with django_assert_num_queries(1):
        recording_plan.guard(child, medicine, timezone.now())


# --- On the timer ------------------------------------------------------------------------------------
def _timer_url(name: str, episode) -> str:
    return reverse(f"seizures:{name}", args=[episode.child.public_id, episode.public_id])


def test_the_timer_shows_the_plan_step_that_applies_now(owner_client, child, owner) -> None:
    make_plan(child)
    running = make_episode(
        child, started_at=timezone.now() - timedelta(minutes=6), in_progress=True, duration_seconds=None
    )
    page = owner_client.get(_timer_url("timer", running)).content.decode()
    assert "Plan, from minute 5: Give buccal midazolam" in page
    assert "Emergency number: 112" in page
    config = owner_client.get(_timer_url("timer", running)).context["logging"]
    assert [s["minute"] for s in config["plan"]["steps"]] == [0, 5, 10]
    assert config["plan"]["medicines"][0]["interval_seconds"] == 600
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert "Plan, from minute 10: Call 112" in owner_client.get(_timer_url("timer", running)).content.decode()


def test_rescue_on_the_timer_offers_the_plans_medicines_and_guards_a_second_dose(
    client, child, owner, caregiver_user
) -> None:
    medicine = make_plan(child, interval=10).medicines.get()
    running = make_episode(
        child, started_at=timezone.now() - timedelta(minutes=6), in_progress=True, duration_seconds=None
    )
    client.force_login(caregiver_user)
    page = client.get(_timer_url("timer", running)).content.decode()
    assert 'name="medicine"' in page and "Midazolam 2.5 mg (0.5 mL)" in page
    first = {"client_uuid": str(uuid.uuid4()), "medicine": str(medicine.public_id)}
    assert client.post(_timer_url("episode-rescue", running), first).status_code == 302
    running.refresh_from_db()
    assert running.rescue_given_at is not None and running.rescue_medicine.startswith("Midazolam")
    client.force_login(owner)
    second = {"client_uuid": str(uuid.uuid4()), "medicine": str(medicine.public_id)}
    page = client.post(_timer_url("episode-rescue", running), second, HTTP_HX_REQUEST="true").content.decode()
    assert "Too soon" in page and "Previous dose:" in page and str(caregiver_user) in page
    assert RescueDose.objects.count() == 1
    confirmed = second | {"override": "on", "override_reason": "Still seizing, paramedic agreed"}
    client.post(_timer_url("episode-rescue", running), confirmed, HTTP_HX_REQUEST="true")
    assert RescueDose.objects.count() == 2
    assert RescueDose.objects.filter(override=True, episode=running).exists()


def test_rescue_on_the_timer_without_a_choice_says_so(owner_client, child) -> None:
    make_plan(child)
    running = make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None)
    body = owner_client.post(
        _timer_url("episode-rescue", running), {"client_uuid": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Choose the medicine that was given." in body and not RescueDose.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_phones_giving_at_once_store_one_dose_and_show_the_other_the_guard(child, owner, caregiver_user) -> None:
    """The child's row lock makes the two gives take turns: the second sees the first."""
    medicine = make_plan(child, interval=10).medicines.get()
    now = timezone.now()
    barrier = threading.Barrier(2)
    results = []

    def give_as(user) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(_give(child, user, medicine, now))
        finally:
            connection.close()

    threads = [threading.Thread(target=give_as, args=(user,)) for user in (owner, caregiver_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.refused for r in results) == [False, True]
    refused = next(r for r in results if r.refused)
    assert refused.guard.too_soon == RescueDose.objects.get()
