"""The timeline: days in the child's zone, newest first, keyset pages, sign filter."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.models import UncountablePeriod
from seizures.views.timeline import PAGE_SIZE
from tests.conftest import htmx_headers, make_child
from tests.support.factories import make_episode, make_episodes

pytestmark = pytest.mark.django_db


def timeline(child) -> str:
    return reverse("seizures:timeline", args=[child.public_id])


def ids_on(body: str) -> list[str]:
    return re.findall(r'<li class="episode[^"]*" id="episode-([0-9a-f-]+)"', body)


def next_link(body: str) -> str | None:
    match = re.search(r'hx-get="([^"]+)"', body.split('class="button load-more"')[-1]) if "load-more" in body else None
    return match.group(1).replace("&amp;", "&") if match else None


def test_anonymous_outsider_and_wrong_method(client, child, outsider) -> None:
    assert client.get(timeline(child))["Location"].startswith("/accounts/login/")
    client.force_login(outsider)
    assert client.get(timeline(child)).status_code == 404
    assert client.post(timeline(child)).status_code == 405


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/New_York", date(2026, 3, 8)),  # 23 hours
        ("America/New_York", date(2026, 11, 1)),  # 25 hours
        ("Europe/Berlin", date(2026, 3, 29)),  # 23 hours
        ("Europe/Berlin", date(2026, 10, 25)),  # 25 hours
    ],
)
def test_a_daylight_saving_day_is_one_day_with_all_its_seizures(client, owner, zone, day) -> None:
    child = make_child(owner, name="Sam", time_zone=zone, born_on=date(2025, 1, 1))
    tz = ZoneInfo(zone)
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    inside = [
        midnight + timedelta(minutes=5),
        datetime.combine(day, datetime.min.time().replace(hour=23, minute=55), tzinfo=tz),
    ]
    outside = [
        midnight - timedelta(minutes=5),
        datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    ]
    for moment in inside + outside:
        make_episode(child, started_at=moment)
    client.force_login(owner)
    body = client.get(timeline(child)).content.decode()
    heading = re.search(rf'id="day-{day:%Y-%m-%d}"[^>]*>.*?</h2>', body, re.S).group(0)
    assert "2 seizures" in heading
    headings = re.findall(r'<h2 id="day-([0-9-]+)"', body)
    assert headings == [f"{day + timedelta(days=1):%Y-%m-%d}", f"{day:%Y-%m-%d}", f"{day - timedelta(days=1):%Y-%m-%d}"]
    assert "00:05" in body and "23:55" in body  # shown in the child's local time


def test_episode_shows_time_duration_signs_and_migrated(owner_client, child) -> None:
    make_episode(
        child,
        started_at=datetime(2026, 5, 1, 14, 30, tzinfo=ZoneInfo("Europe/London")),
        duration_seconds=133,
        apnea=True,
        jerking=True,
        jerking_side="left",
        jerking_limb="arm",
        path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 70}],
    )
    body = owner_client.get(timeline(child)).content.decode()
    assert "14:30" in body and "2:13" in body and "migrated" in body
    assert "Left arm → Right leg" in body.replace(' <span class="muted">0:00</span>', "").replace(
        ' <span class="muted">1:10</span>', ""
    )
    assert 'class="sign sign-apnea"' in body and ">Apnea</li>" in body and ">Jerking</li>" in body


def test_pages_follow_by_keyset_without_gaps_or_repeats(owner_client, child) -> None:
    # Several episodes share one start time, so the page boundary falls inside a tie.
    start = timezone.now() - timedelta(hours=1)
    for n in range(PAGE_SIZE + 30):
        make_episode(child, started_at=start - timedelta(minutes=5 * (n // 4)))
    first = owner_client.get(timeline(child)).content.decode()
    seen = ids_on(first)
    assert len(seen) == PAGE_SIZE
    link = next_link(first)
    second = owner_client.get(link, **htmx_headers()).content.decode()
    assert "<html" not in second
    seen += ids_on(second)
    assert len(seen) == len(set(seen)) == PAGE_SIZE + 30
    assert next_link(second) is None


def test_a_day_split_across_pages_shows_its_whole_count_once(owner_client, child) -> None:
    day_start = datetime(2026, 5, 1, 0, 0, tzinfo=ZoneInfo("Europe/London"))
    for n in range(PAGE_SIZE + 10):
        make_episode(child, started_at=day_start + timedelta(minutes=10 * n))
    first = owner_client.get(timeline(child)).content.decode()
    assert f"{PAGE_SIZE + 10} seizures" in first
    second = owner_client.get(next_link(first), **htmx_headers()).content.decode()
    assert "<h2" not in second and len(ids_on(second)) == 10


def test_filter_by_sign_and_by_migrated(owner_client, child) -> None:
    apnea = make_episode(child, apnea=True)
    migrated = make_episode(child, path=[{"region": "left_arm"}, {"region": "right_arm"}])
    plain = make_episode(child)
    body = owner_client.get(timeline(child) + "?sign=apnea").content.decode()
    assert ids_on(body) == [str(apnea.public_id)]
    body = owner_client.get(timeline(child) + "?sign=migrated").content.decode()
    assert ids_on(body) == [str(migrated.public_id)]
    body = owner_client.get(timeline(child) + "?sign=nonsense").content.decode()
    assert set(ids_on(body)) == {str(e.public_id) for e in (apnea, migrated, plain)}


def test_deleted_episodes_are_left_out(owner_client, child) -> None:
    make_episode(child, deleted_at=timezone.now())
    assert ids_on(owner_client.get(timeline(child)).content.decode()) == []


@pytest.mark.parametrize("before", ["garbage", "2026-01-01T00:00~nope", "~", "2026-13-45T99:00+00:00~" + "0" * 32])
def test_an_unreadable_cursor_starts_from_the_newest(owner_client, child, before) -> None:
    episode = make_episode(child)
    response = owner_client.get(timeline(child), {"before": before})
    assert response.status_code == 200 and ids_on(response.content.decode()) == [str(episode.public_id)]


def test_clinician_sees_details_links_but_no_edit_or_delete(client, child, clinician) -> None:
    make_episode(child)
    client.force_login(clinician)
    body = client.get(timeline(child)).content.decode()
    assert "Details" in body and ">Delete<" not in body and "Log a past seizure" not in body


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_timeline_runs_the_same_queries_with_10_and_2000_episodes(owner_client, child, owner) -> None:
    make_episodes(child, 10)
    owner_client.get(timeline(child))  # the first request of a session also refreshes the session
    small = _queries(owner_client, timeline(child)), _queries(owner_client, timeline(child) + "?sign=apnea")
    make_episodes(child, 1990, end=timezone.now() - timedelta(days=1))
    body = owner_client.get(timeline(child)).content.decode()
    page_two = next_link(body)
    large = _queries(owner_client, timeline(child)), _queries(owner_client, timeline(child) + "?sign=apnea")
    assert small == large
    assert _queries(owner_client, page_two, **htmx_headers()) <= small[0]
    assert small[0] <= 7  # 6, and the periods too frequent to count on the days shown


def test_a_clinicians_reading_is_audited_a_familys_is_not(client, child, owner, clinician) -> None:
    episode = make_episode(child)
    client.force_login(owner)
    client.get(timeline(child))
    assert not AuditEvent.objects.exists()
    client.force_login(clinician)
    client.get(timeline(child))
    client.get(reverse("seizures:episode-edit", args=[child.public_id, episode.public_id]))
    events = AuditEvent.objects.filter(action="view", actor=clinician, role="clinician")
    assert sorted(events.values_list("object_type", flat=True)) == ["child", "episode"]


def _day_headings(body: str) -> list[str]:
    return re.findall(r'<h2 id="day-(\d{4}-\d\d-\d\d)"', body)


def test_a_period_too_frequent_to_count_shows_on_its_days_even_without_a_single_entry(owner_client, child) -> None:
    """A day spent in a period may hold no single entry: it is still in the timeline, under
    its own date, between the days around it, on whichever page covers it — once."""
    zone = child.zone
    now = timezone.now().astimezone(zone)
    newest = now - timedelta(hours=1)
    # Page 1 ends three days ago; a period two days ago sits between pages 1's days.
    for n in range(PAGE_SIZE):
        make_episode(child, started_at=newest - timedelta(days=3) + timedelta(minutes=n))
    make_episode(child, started_at=newest)
    # An older one, beyond the first page, and a period on days with nothing else.
    make_episode(child, started_at=newest - timedelta(days=9))
    recent = now.replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=2)
    older = recent - timedelta(days=4, hours=14)  # 20:00 six days before that, over midnight
    UncountablePeriod.objects.create(child=child, started_at=recent, ended_at=recent + timedelta(hours=2))
    UncountablePeriod.objects.create(
        child=child, started_at=older, ended_at=older + timedelta(hours=6), estimated_count=80
    )

    first = owner_client.get(timeline(child)).content.decode()
    days = _day_headings(first)
    assert str(recent.date()) in days and days == sorted(days, reverse=True)
    assert str(older.date()) not in days  # older than this page's last day: the next page's
    second = owner_client.get(next_link(first), **htmx_headers()).content.decode()
    later = _day_headings(second)
    assert later[:2] == [str((older + timedelta(hours=6)).date()), str(older.date())]
    assert not set(days) & set(later)
    assert second.count("about 80 seizures") == 2  # once under each of its two days
    assert ">0 seizures<" not in first + second
