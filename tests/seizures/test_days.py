"""Diary days: "no more seizures today" / "today is recorded", days confirmed later, and the
owners' not-recorded ranges. A day without entries is unrecorded until someone says so."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures.models import DayConfirmation, NotRecordedRange
from tests.conftest import htmx_headers, make_child
from tests.support.factories import make_episode, make_episodes

pytestmark = pytest.mark.django_db

# 13:00 in London (BST), a Wednesday.
NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def confirm(client, child, day: date, key=None, **headers):
    data = {"client_uuid": str(key or uuid.uuid4()), "day": day.isoformat()}
    return client.post(reverse("seizures:day-confirm", args=[child.public_id]), data, **headers)


def days_page(client, child) -> str:
    return client.get(reverse("seizures:days", args=[child.public_id])).content.decode()


def test_no_more_seizures_today_confirms_today_from_the_home_page(owner_client, child, owner) -> None:
    home = owner_client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
    assert "No more seizures today" in home
    response = confirm(owner_client, child, TODAY)
    assert response.status_code == 302 and response["Location"] == reverse("seizures:home", args=[child.public_id])
    confirmation = DayConfirmation.objects.get(child=child)
    assert confirmation.confirmed_on == TODAY and not confirmation.late and confirmation.confirmed_by == owner
    assert AuditEvent.objects.filter(child=child, object_type="dayconfirmation", action="create").count() == 1
    home = owner_client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
    assert "Today is recorded." in home and "No more seizures today" not in home


def test_a_day_with_entries_offers_today_is_recorded(owner_client, child) -> None:
    make_episode(child, started_at=NOON - timedelta(hours=1))
    home = owner_client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
    assert "Today is recorded" in home and "No more seizures today" not in home


def test_htmx_confirmation_answers_with_the_status_line(owner_client, child) -> None:
    response = confirm(owner_client, child, TODAY, **htmx_headers())
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "Today is recorded." in body


def test_a_repeat_or_a_second_caregiver_stores_one_confirmation(client, child, owner, caregiver_user) -> None:
    key = uuid.uuid4()
    client.force_login(owner)
    confirm(client, child, TODAY, key)
    confirm(client, child, TODAY, key)
    client.force_login(caregiver_user)
    confirm(client, child, TODAY)
    assert DayConfirmation.objects.filter(child=child).count() == 1
    assert AuditEvent.objects.filter(child=child, object_type="dayconfirmation").count() == 1


def test_a_past_day_confirmed_later_is_marked_late(owner_client, child) -> None:
    response = confirm(owner_client, child, TODAY - timedelta(days=2))
    assert response["Location"] == reverse("seizures:days", args=[child.public_id])
    assert DayConfirmation.objects.get(child=child).late
    assert "confirmed late" in days_page(owner_client, child)


def test_a_day_is_late_only_once_it_has_ended_in_the_childs_zone(owner_client, owner, clock) -> None:
    # 23:30 on 9 June in London is 22:30 UTC: still the 9th there, so not late.
    child = make_child(owner, name="Sam")
    clock.move_to(datetime(2026, 6, 9, 22, 30, tzinfo=UTC))
    confirm(owner_client, child, date(2026, 6, 9))
    assert not DayConfirmation.objects.get(child=child).late


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + timedelta(days=1), "only be confirmed once it has begun"),
        (date(2026, 2, 1), "before the child’s date of birth"),
    ],
)
def test_a_day_not_begun_or_before_birth_is_refused(owner_client, child, day, message) -> None:
    response = confirm(owner_client, child, day)
    assert response.status_code == 400 and message in response.content.decode()
    assert not DayConfirmation.objects.exists() and not AuditEvent.objects.filter(object_type="dayconfirmation")


def test_an_unreadable_day_is_a_form_error_not_a_500(owner_client, child) -> None:
    response = owner_client.post(
        reverse("seizures:day-confirm", args=[child.public_id]), {"client_uuid": "x", "day": "31/02"}
    )
    assert response.status_code == 400 and not DayConfirmation.objects.exists()


def test_clinician_sees_the_days_but_cannot_confirm(client, child, clinician) -> None:
    client.force_login(clinician)
    assert "Unrecorded" in days_page(client, child)
    assert "Confirm" not in days_page(client, child)
    assert confirm(client, child, TODAY).status_code == 403
    assert not DayConfirmation.objects.exists()


def test_a_key_of_another_childs_confirmation_is_refused(owner_client, child, owner) -> None:
    other = make_child(owner, name="Sam")
    key = uuid.uuid4()
    confirm(owner_client, other, TODAY, key)
    assert confirm(owner_client, child, TODAY - timedelta(days=1), key).status_code == 409
    assert not DayConfirmation.objects.filter(child=child).exists()


@pytest.mark.parametrize(
    ("utc", "shown"),
    [(datetime(2026, 6, 10, 16, 59, tzinfo=UTC), False), (datetime(2026, 6, 10, 17, 0, tzinfo=UTC), True)],
)
def test_the_reminder_shows_from_six_in_the_evening_local_time(owner_client, child, clock, utc, shown) -> None:
    clock.move_to(utc)  # 17:59 and 18:00 in London (BST)
    home = owner_client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
    assert ("is today’s diary complete?" in home) is shown


def test_the_reminder_is_gone_once_today_is_confirmed(owner_client, child, clock) -> None:
    clock.move_to(datetime(2026, 6, 10, 19, 0, tzinfo=UTC))
    confirm(owner_client, child, date(2026, 6, 10))
    home = owner_client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
    assert "is today’s diary complete?" not in home


def test_days_page_tells_recorded_confirmed_not_recorded_and_unrecorded_apart(owner_client, child, owner) -> None:
    make_episode(child, started_at=NOON - timedelta(days=1))
    confirm(owner_client, child, TODAY - timedelta(days=2))
    NotRecordedRange.objects.create(
        child=child, started_on=TODAY - timedelta(days=4), ended_on=TODAY - timedelta(days=3)
    )
    page = days_page(owner_client, child)
    rows = [row.split("</li>")[0] for row in page.split('<li class="diary-day">')[1:]]
    assert len(rows) == 14
    assert "Unrecorded" in rows[0]  # today, nothing logged, not confirmed
    assert "Recorded (seizures logged)" in rows[1] and "1 seizure" in rows[1]
    assert "Recorded (confirmed)" in rows[2] and "confirmed late" in rows[2]
    assert "Not recorded" in rows[3] and "Not recorded" in rows[4] and "Confirm" not in rows[3]
    assert "Unrecorded" in rows[5]


def test_days_page_counts_a_whole_25_hour_day(client, owner, clock) -> None:
    # London's clocks go back on 25 October 2026: that day runs 00:00 BST to 00:00 GMT.
    child = make_child(owner, name="Sam")
    clock.move_to(datetime(2026, 10, 26, 12, 0, tzinfo=UTC))
    client.force_login(owner)  # a sign-in from June would have lapsed by October
    make_episode(child, started_at=datetime(2026, 10, 25, 23, 30, tzinfo=UTC))  # 23:30 GMT on the 25th
    make_episode(child, started_at=datetime(2026, 10, 24, 23, 30, tzinfo=UTC))  # 00:30 BST on the 25th
    page = days_page(client, child)
    sunday = page.split("Sun 25 Oct")[1].split("</li>")[0]
    assert "2 seizures" in sunday


def test_days_page_runs_the_same_queries_whatever_the_history(owner_client, child) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            days_page(owner_client, child)
        return len(captured)

    make_episodes(child, 10, end=NOON)
    days_page(owner_client, child)  # the first request of a session also touches the session
    small = queries()
    make_episodes(child, 2000, end=NOON)
    assert queries() == small


def test_owner_marks_and_unmarks_days_as_not_recorded(owner_client, child, owner) -> None:
    url = reverse("seizures:not-recorded-add", args=[child.public_id])
    response = owner_client.post(url, {"started_on": "2026-06-01", "ended_on": "2026-06-05", "reason": "Hospital"})
    assert response.status_code == 302
    marked = NotRecordedRange.objects.get(child=child)
    assert (marked.started_on, marked.ended_on, marked.created_by) == (date(2026, 6, 1), date(2026, 6, 5), owner)
    assert "Hospital" in days_page(owner_client, child)
    owner_client.post(reverse("seizures:not-recorded-remove", args=[child.public_id, marked.public_id]))
    assert not NotRecordedRange.objects.exists()
    actions = list(AuditEvent.objects.filter(object_type="notrecordedrange").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]


def test_a_range_ending_before_it_starts_is_refused_with_a_message(owner_client, child) -> None:
    url = reverse("seizures:not-recorded-add", args=[child.public_id])
    response = owner_client.post(url, {"started_on": "2026-06-05", "ended_on": "2026-06-01"})
    assert response.status_code == 400 and "cannot be before the first day" in response.content.decode()
    assert not NotRecordedRange.objects.exists()


def test_only_owners_mark_days_as_not_recorded(client, child, caregiver_user) -> None:
    client.force_login(caregiver_user)
    assert "Mark days as not recorded" not in days_page(client, child)
    url = reverse("seizures:not-recorded-add", args=[child.public_id])
    assert client.post(url, {"started_on": "2026-06-01", "ended_on": "2026-06-05"}).status_code == 403
    assert not NotRecordedRange.objects.exists()


def test_download_all_data_holds_the_diary_days(owner_client, child, owner) -> None:
    confirm(owner_client, child, TODAY - timedelta(days=1))
    NotRecordedRange.objects.create(child=child, started_on=date(2026, 6, 1), ended_on=date(2026, 6, 3), reason="Away")
    (exported,) = owner_client.get("/account/export.json").json()["children"]
    confirmed = exported["diary_days"]["confirmed"]
    assert confirmed == [
        {"day": "2026-06-09", "confirmed_at": NOON.isoformat(), "late": True, "confirmed_by": owner.email}
    ]
    assert exported["diary_days"]["not_recorded"][0] | {"id": None} == {
        "id": None, "first_day": "2026-06-01", "last_day": "2026-06-03", "reason": "Away"
    }  # fmt: skip


def test_an_htmx_confirmation_with_errors_shows_them_in_the_status_line(owner_client, child) -> None:
    response = confirm(owner_client, child, TODAY + timedelta(days=1), **htmx_headers())
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'role="alert"' in body and "only be confirmed once it has begun" in body
    assert not DayConfirmation.objects.exists()
