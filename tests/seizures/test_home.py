"""The child's home page and the +1 tally."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.models import Episode, TreatmentKind
from tests.conftest import htmx_headers, join, make_child, make_user
from tests.support.factories import make_episode, make_episodes, make_medicine, make_treatment

pytestmark = pytest.mark.django_db


def home(child) -> str:
    return reverse("seizures:home", args=[child.public_id])


def tally(child) -> str:
    return reverse("seizures:tally-add", args=[child.public_id])


def undo(child) -> str:
    return reverse("seizures:tally-undo", args=[child.public_id])


def test_anonymous_is_sent_to_sign_in(client, child) -> None:
    response = client.get(home(child))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404(client, child, outsider) -> None:
    client.force_login(outsider)
    assert client.get(home(child)).status_code == 404
    assert client.post(tally(child), {"client_uuid": uuid.uuid4()}).status_code == 404
    assert not Episode.objects.exists()


def test_wrong_method_is_405(owner_client, child) -> None:
    assert owner_client.post(home(child)).status_code == 405
    assert owner_client.get(tally(child)).status_code == 405


def test_plain_request_gets_the_full_page_with_seizure_now_and_tally(owner_client, child) -> None:
    body = owner_client.get(home(child)).content.decode()
    assert "<html" in body and "Seizure now" in body and "Count one seizure now" in body
    assert reverse("seizures:episode-start", args=[child.public_id]) in body


def test_htmx_request_gets_only_the_live_part(owner_client, child) -> None:
    body = owner_client.get(home(child), **htmx_headers()).content.decode()
    assert "<html" not in body and "Today" in body and "Seizure now" not in body


def test_clinician_sees_no_write_buttons_and_cannot_tap(client, child, clinician) -> None:
    make_episode(child, apnea=True)
    client.force_login(clinician)
    body = client.get(home(child)).content.decode()
    assert "Seizure now" not in body and "Count one seizure now" not in body and "Log a past seizure" not in body
    assert "apnea" in body
    assert client.post(tally(child), {"client_uuid": uuid.uuid4()}).status_code == 403
    assert not Episode.objects.filter(is_tally=True).exists()


def test_last_episode_and_ongoing_treatments_are_shown(owner_client, child) -> None:
    make_episode(child, duration_seconds=133, jerking=True, jerking_side="left", jerking_limb="arm")
    make_treatment(child, TreatmentKind.QUINIDINE, dose="30 mg/kg/day", started_on=date(2026, 3, 2))
    make_treatment(child, TreatmentKind.ACTH, started_on=date(2026, 3, 2), stopped_on=date(2026, 3, 9))
    body = owner_client.get(home(child)).content.decode()
    assert "2:13" in body and "jerking" in body
    assert "Quinidine" in body and "30 mg/kg/day" in body and "ACTH" not in body


def test_a_seizure_in_progress_shows_to_other_caregivers_with_its_elapsed_time(client, child, owner) -> None:
    gran = make_user("gran@example.com", "Gran")
    join(gran, child, "caregiver")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None, logged_by=owner)
        traveller.shift(timedelta(minutes=2, seconds=13))
        client.force_login(gran)
        body = client.get(home(child), **htmx_headers()).content.decode()
    assert "Seizure in progress" in body and "2:13" in body and "Alex" in body and "Open the timer" in body


def test_cluster_alert_shows_the_rescue_plan_when_the_count_is_reached(owner_client, child) -> None:
    child.cluster_alert_count, child.cluster_alert_hours = 3, 2
    child.save()
    for minutes in (10, 20):
        make_episode(child, started_at=timezone.now() - timedelta(minutes=minutes))
    make_episode(child, started_at=timezone.now() - timedelta(hours=3))
    assert "Clusters" not in owner_client.get(home(child)).content.decode()
    owner_client.post(tally(child), {"client_uuid": uuid.uuid4()})
    body = owner_client.get(home(child), **htmx_headers()).content.decode()
    assert "3 seizures in the last 2 hours" in body and "buccal midazolam" in body


def test_tally_records_one_seizure_now_and_returns_the_count(owner_client, child, owner) -> None:
    response = owner_client.post(tally(child), {"client_uuid": uuid.uuid4()}, **htmx_headers())
    assert response.status_code == 200 and "<html" not in response.content.decode()
    episode = Episode.objects.get()
    assert episode.is_tally and episode.duration_seconds is None and episode.logged_by == owner
    assert episode.cluster is not None
    assert abs((episode.started_at - timezone.now()).total_seconds()) < 5
    assert "data-today-count>1<" in response.content.decode()
    assert AuditEvent.objects.filter(action="create", object_id=str(episode.public_id)).exists()


def test_tally_without_htmx_redirects_home(owner_client, child) -> None:
    response = owner_client.post(tally(child), {"client_uuid": uuid.uuid4()})
    assert response.status_code == 302 and response["Location"] == home(child)


def test_same_tap_posted_twice_counts_once_and_answers_the_same(owner_client, child) -> None:
    key = uuid.uuid4()
    first = owner_client.post(tally(child), {"client_uuid": key}, **htmx_headers())
    second = owner_client.post(tally(child), {"client_uuid": key}, **htmx_headers())
    assert first.status_code == second.status_code == 200
    assert without_tokens(first.content) == without_tokens(second.content)
    assert Episode.objects.count() == 1


def test_a_key_of_another_childs_tap_is_refused_and_changes_nothing(client, child, owner, outsider) -> None:
    key = uuid.uuid4()
    client.force_login(owner)
    client.post(tally(child), {"client_uuid": key})
    other_child = outsider.memberships.get().child
    client.force_login(outsider)
    response = client.post(tally(other_child), {"client_uuid": key}, **htmx_headers())
    assert response.status_code == 409
    episode = Episode.objects.get()
    assert episode.child == child and episode.version == 1
    assert not Episode.objects.filter(child=other_child).exists()


def test_tally_without_a_key_is_a_clear_400(owner_client, child) -> None:
    response = owner_client.post(tally(child), {"client_uuid": "not-a-uuid"})
    assert response.status_code == 400 and not Episode.objects.exists()


def test_tally_undo_removes_last_tap(owner_client, child) -> None:
    for _ in range(5):
        owner_client.post(tally(child), {"client_uuid": uuid.uuid4()})
    last = Episode.objects.order_by("-started_at", "-pk").first()
    response = owner_client.post(undo(child), {"episode": last.public_id}, **htmx_headers())
    assert "data-today-count>4<" in response.content.decode()
    last.refresh_from_db()
    assert last.deleted_at is not None
    assert AuditEvent.objects.filter(action="delete", object_id=str(last.public_id)).exists()


def test_tally_undo_cannot_reach_a_logged_seizure_or_another_childs_tap(client, child, owner, outsider) -> None:
    logged = make_episode(child)
    client.force_login(owner)
    assert client.post(undo(child), {"episode": logged.public_id}).status_code == 404
    other = make_episode(outsider.memberships.get().child, is_tally=True)
    assert client.post(undo(child), {"episode": other.public_id}).status_code == 404
    assert Episode.objects.live().count() == 2


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Europe/Berlin", date(2026, 10, 25)),
    ],
)
def test_todays_count_runs_midnight_to_midnight_on_daylight_saving_days(client, owner, zone, day) -> None:
    child = make_child(owner, name="Sam", time_zone=zone, born_on=date(2025, 1, 1))
    tz = ZoneInfo(zone)
    before = datetime.combine(day - timedelta(days=1), datetime.max.time(), tzinfo=tz) - timedelta(seconds=30)
    first = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(minutes=1)
    late = datetime.combine(day, datetime.min.time().replace(hour=23, minute=58), tzinfo=tz)
    after = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz) + timedelta(minutes=1)
    for moment in (before, first, late, after):
        make_episode(child, started_at=moment)
    client.force_login(owner)
    with time_machine.travel(late + timedelta(seconds=30), tick=False):
        body = client.get(home(child), **htmx_headers()).content.decode()
    assert "data-today-count>2<" in body


def without_tokens(content: bytes) -> str:
    """A response with its CSRF tokens (masked afresh on every response) and the server's clock
    reading (for the page's script) blanked."""
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    return re.sub(r"&quot;server_now&quot;:&quot;[^&]+&quot;", "", content)


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_home_runs_the_same_queries_with_10_and_2000_episodes(owner_client, child) -> None:
    child.cluster_alert_count, child.cluster_alert_hours = 5, 2
    child.save()
    make_treatment(child)
    make_medicine(child)  # the due list: medicines, their versions, the doses around now
    make_episodes(child, 10)
    make_episode(child, started_at=timezone.now() - timedelta(seconds=20), in_progress=True, duration_seconds=None)
    owner_client.get(home(child))  # the first request of a session also refreshes the session
    small = _queries(owner_client, home(child)), _queries(owner_client, home(child), **htmx_headers())
    make_episodes(child, 1990, end=timezone.now() - timedelta(days=2))
    assert Episode.objects.count() == 2001
    large = _queries(owner_client, home(child)), _queries(owner_client, home(child), **htmx_headers())
    assert small == large
    assert small[0] <= 14  # 13, and the period too frequent to count going on


def test_an_htmx_tap_without_the_csrf_header_is_refused(child, owner) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(tally(child), {"client_uuid": uuid.uuid4()}, **htmx_headers())
    assert response.status_code == 403 and not Episode.objects.exists()
    page = client.get(home(child)).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(tally(child), {"client_uuid": uuid.uuid4()}, HTTP_X_CSRFTOKEN=token, **htmx_headers())
    assert response.status_code == 200 and Episode.objects.count() == 1
