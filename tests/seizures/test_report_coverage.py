"""The report opens with coverage (recorded, confirmed seizure-free, unrecorded and
not-recorded days, how soon seizures were entered), and entries made over 24 hours after
the seizure are flagged "backfilled" on the timeline and in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from seizures.models import DayConfirmation, NotRecordedRange
from seizures.reports import stats
from tests.support.factories import make_episode

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def diary(child):
    """Ten days, 11 to 20 November: seizures on three, one confirmed seizure-free, two marked
    not recorded, four unrecorded. One seizure entered 2 minutes after, one 10 minutes after,
    one 3 days after (from memory)."""
    for day, delay in ((11, timedelta(minutes=2)), (12, timedelta(minutes=10)), (13, timedelta(days=3))):
        started = datetime(2026, 11, day, 9, tzinfo=UTC)
        make_episode(child, started, received_at=started + delay)
    DayConfirmation.objects.create(child=child, confirmed_on=date(2026, 11, 14), confirmed_at=NOW)
    NotRecordedRange.objects.create(child=child, started_on=date(2026, 11, 15), ended_on=date(2026, 11, 16))
    return child


def test_the_report_opens_with_coverage(owner_client, diary) -> None:
    query = {"period": "custom", "start": "2026-11-11", "end": "2026-11-20"}
    html = owner_client.get(reverse("seizures:report", args=[diary.public_id]), query).content.decode()
    coverage = html.split('id="coverage-title"')[1].split("</section>")[0]
    assert html.index('id="coverage-title"') < html.index('id="summary-title"')
    text = " ".join(coverage.split())
    for shown in (
        "Days recorded</dt><dd>4 of 10",
        "Confirmed seizure-free days</dt><dd>1",
        "Unrecorded days</dt><dd>4",
        "Marked as not recorded</dt><dd>2",
        "Median time from a seizure to its entry</dt><dd>10 minutes",
        "Entered over 24 hours later (backfilled)</dt><dd>1 of 3",
    ):
        assert shown in text, shown


def test_entry_times_are_one_query_whatever_the_history(diary, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        times = stats.entry_times(diary, datetime(2026, 11, 1, tzinfo=UTC), NOW)
    assert (times.entries, times.backfilled, times.median) == (3, 1, timedelta(minutes=10))


def test_an_even_number_of_entries_has_the_mean_of_the_middle_two(child) -> None:
    for minutes in (1, 3, 5, 100):
        started = datetime(2026, 11, 10, minutes % 24, tzinfo=UTC)
        make_episode(child, started, received_at=started + timedelta(minutes=minutes))
    times = stats.entry_times(child, datetime(2026, 11, 1, tzinfo=UTC), NOW)
    assert times.median == timedelta(minutes=4)


def test_an_entry_exactly_24_hours_later_is_not_backfilled_a_second_more_is(child) -> None:
    started = datetime(2026, 11, 10, 9, tzinfo=UTC)
    make_episode(child, started, received_at=started + timedelta(hours=24))
    make_episode(child, started + timedelta(hours=1), received_at=started + timedelta(hours=25, seconds=1))
    times = stats.entry_times(child, datetime(2026, 11, 1, tzinfo=UTC), NOW)
    assert (times.entries, times.backfilled) == (2, 1)


def test_backfilled_entries_are_flagged_on_the_timeline_and_in_the_csv(owner_client, diary) -> None:
    timeline = owner_client.get(reverse("seizures:timeline", args=[diary.public_id])).content.decode()
    assert timeline.count(">backfilled</span>") == 1
    response = owner_client.get(reverse("seizures:export-csv", args=[diary.public_id]), {"period": "all"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert [row["backfilled"] for row in rows] == ["0", "0", "1"]
    assert rows[2]["received_at"] == "2026-11-16T09:00:00+00:00"


def test_the_report_gives_the_time_since_the_last_seizure(owner_client, diary) -> None:
    html = owner_client.get(reverse("seizures:report", args=[diary.public_id])).content.decode()
    text = " ".join(html.split())
    # The latest seizure began at 09:00 UTC on 13 November, a week and 3 hours before now.
    assert "Time since the last seizure</dt><dd>1 week <span" in text  # the largest units only
    assert "(13 Nov 2026 09:00)" in text
