"""The report's action plan section: the current version printed, and rescue doses per week
in the child's time zone, in one query whatever the history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from seizures.plan_models import RescueDose
from seizures.reports.stats.rescue import rescue_weeks
from tests.support.factories import make_plan

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _dose(child, at: datetime, **fields) -> RescueDose:
    return RescueDose.objects.create(child=child, medicine_name="Midazolam", given_at=at, **fields)


def test_weeks_are_counted_in_the_childs_zone_across_a_clock_change(child) -> None:
    child.time_zone = "Europe/Berlin"
    child.save()
    # Clocks go back on Sunday 25 October 2026. 23:30 local that Sunday is 22:30 UTC: still
    # the week of Monday 19 October. 00:30 local on Monday 26 is 23:30 UTC on the Sunday.
    _dose(child, datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
    _dose(child, datetime(2026, 10, 25, 23, 30, tzinfo=UTC), override=True)
    _dose(child, datetime(2026, 10, 27, 9, 0, tzinfo=UTC), over_guard=True)
    _dose(child, datetime(2026, 10, 12, 9, 0, tzinfo=UTC))  # before the period
    weeks = rescue_weeks(child, date(2026, 10, 14), date(2026, 11, 1))
    assert [(w.first, w.doses, w.crossed) for w in weeks] == [
        (date(2026, 10, 14), 0, 0),
        (date(2026, 10, 19), 1, 0),
        (date(2026, 10, 26), 2, 2),
    ]


def test_rescue_weeks_are_one_query_whatever_the_history(child, django_assert_num_queries) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(200):
        _dose(child, start + timedelta(hours=13 * i))
    with django_assert_num_queries(1):
        weeks = rescue_weeks(child, date(2026, 1, 1), date(2026, 6, 30))
    assert sum(w.doses for w in weeks) == 200


def test_the_report_prints_the_current_plan_and_the_rescue_weeks(owner_client, child) -> None:
    type(child).objects.filter(pk=child.pk).update(created_at=NOW - timedelta(days=90))  # a diary begun long ago
    make_plan(child)
    make_plan(child, emergency_number="999")
    _dose(child, datetime(2026, 11, 18, 9, tzinfo=UTC), override=True)
    url = reverse("seizures:report", args=[child.public_id]) + "?period=30d"
    page = owner_client.get(url).content.decode()
    assert "Seizure action plan and rescue doses" in page
    assert "999" in page and "Version 2" in page and "Give buccal midazolam" in page
    assert '<th scope="row">16 Nov 2026</th><td>1</td><td>1</td>' in page
