"""A clinician's reading of any of a child's pages goes in the audit trail (the family's own
reading does not, and costs the family's pages no query)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from tests.conftest import htmx_headers
from tests.seizures.test_timeline import next_link
from tests.support.factories import make_episode, make_episodes, make_treatment

PAGES = {
    "home": ("seizures:home", "Viewed the child's page"),
    "treatments": ("seizures:treatments", "Viewed the treatments"),
    "recently deleted": ("seizures:episodes-deleted", "Viewed the recently deleted seizures"),
    "care team": ("team", "Viewed the care team"),
}


def _views(user) -> list[str]:
    return list(AuditEvent.objects.filter(actor=user, action="view").values_list("summary", flat=True))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_clinicians_reading_is_audited_a_familys_is_not(client, child, owner, clinician, page) -> None:
    name, summary = PAGES[page]
    make_treatment(child)
    make_episode(child, deleted_at=timezone.now())
    url = reverse(name, args=[child.public_id])
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(clinician)
    assert client.get(url).status_code == 200
    assert _views(owner) == []
    assert AuditEvent.objects.get(actor=clinician).role == "clinician"
    assert _views(clinician) == [summary]


def test_later_timeline_pages_are_audited_with_the_seizures_they_showed(client, child, clinician) -> None:
    make_episodes(child, 60, end=timezone.now() - timedelta(days=1))
    client.force_login(clinician)
    first = client.get(reverse("seizures:timeline", args=[child.public_id])).content.decode()
    second = client.get(next_link(first), **htmx_headers())
    assert second.status_code == 200 and "<html" not in second.content.decode()
    summaries = _views(clinician)
    assert len(summaries) == 2 and "Viewed the seizure timeline" in summaries
    assert any(s.startswith("Viewed the seizure timeline, seizures before ") for s in summaries)


def test_the_home_pages_own_refreshes_are_one_event_per_half_hour(client, child, clinician) -> None:
    home = reverse("seizures:home", args=[child.public_id])
    client.force_login(clinician)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(home)
        for _ in range(3):
            clock.shift(timedelta(seconds=15))
            assert client.get(home, **htmx_headers()).status_code == 200
        assert len(_views(clinician)) == 1
        clock.shift(timedelta(minutes=31))
        client.get(home, **htmx_headers())
    assert len(_views(clinician)) == 2


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_a_clinicians_home_page_costs_two_queries_more_than_a_familys(client, child, owner, clinician) -> None:
    """The family's count is the one tests/seizures/test_home.py holds fixed; a clinician's
    page adds the look for a recent event and the event itself, a refresh only the look."""
    make_episodes(child, 20)
    home = reverse("seizures:home", args=[child.public_id])
    counts = {}
    for user in (owner, clinician):
        client.force_login(user)
        client.get(reverse("account"))  # the first request of a session also refreshes the session
        counts[user.email] = (_queries(client, home), _queries(client, home, **htmx_headers()))
    (owner_page, owner_refresh), (clinician_page, clinician_refresh) = counts.values()
    assert (clinician_page, clinician_refresh) == (owner_page + 2, owner_refresh + 1)
