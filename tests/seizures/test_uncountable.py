"""Periods too frequent to count: the writer's rules, and what each figure does with them
(hand-built diaries, across midnight and a daylight-saving change), and the pages."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from caregiver.models import AuditEvent
from seizures import recording_days
from seizures.forms import UncountableForm
from seizures.models import UncountablePeriod
from seizures.reports import panels
from tests.conftest import make_child, make_user
from tests.seizures.test_stats import at, confirm, log, summary

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def period(child, start, end=None, estimate=None) -> UncountablePeriod:
    return UncountablePeriod.objects.create(child=child, started_at=start, ended_at=end, estimated_count=estimate)


def add(child, user, **data):
    form = UncountableForm(data, child=child)
    assert form.is_valid(), form.errors
    return recording_days.add_uncountable(child, user, form)


# --- Figures ----------------------------------------------------------------------------------
def test_a_period_across_midnight_records_both_days_and_is_reported_once(child) -> None:
    # 1 June: one seizure at 09:00, then 22:00 to 03:00 too frequent to count (an estimate of
    # 300, with 40 "+1" taps logged before the family gave up counting), 2 June one at 10:00.
    log(child, at(child, "2026-06-01 09:00"), at(child, "2026-06-02 10:00"))
    taps = [at(child, "2026-06-01 22:00") + timedelta(minutes=7 * n) for n in range(40)]  # to 02:33
    log(child, *taps, duration_seconds=None, is_tally=True)
    period(child, at(child, "2026-06-01 22:00"), at(child, "2026-06-02 03:00"), 300)
    result = summary(child, "2026-05-31", "2026-06-03")
    assert result.counts == [0, 1, 1, 0]  # neither day counts a seizure from the period
    assert result.recorded == [False, True, True, False]
    assert result.free_days == 0  # a day with a period is never seizure-free
    assert (result.whole.count, result.whole.recorded) == (2, 2)
    assert result.whole.per_day == 1.0
    assert len(result.uncountable) == 1
    assert result.uncountable[0].seconds == 5 * 3600
    assert sum(map(sum, result.hours)) == 2  # the time-of-day grid leaves them out too
    chart = panels.frequency_chart(result, [str(d) for d in result.days], [])
    assert chart.summary.endswith(
        "Also about 300 seizures in 5 h 0 min, too frequent to count: not in the counts and averages above."
    )
    assert chart.summary.count("too frequent to count") == 1
    shapes = chart.figure["layout"]["shapes"]
    assert [(s["x0"], s["x1"]) for s in shapes] == [("2026-06-01", "2026-06-03")]
    assert chart.table.rows[1][1] == "1, plus a period too frequent to count"


def test_a_period_across_the_autumn_change_counts_its_25_hour_day(child) -> None:
    # 25 October 2026 is 25 hours long in London; 00:30 to 02:30 local is three hours.
    start, end = at(child, "2026-10-25 00:30"), at(child, "2026-10-25 02:30")
    log(child, at(child, "2026-10-25 01:15"), at(child, "2026-10-25 23:30"), at(child, "2026-10-24 23:59"))
    period(child, start, end, None)
    result = summary(child, "2026-10-24", "2026-10-25")
    assert result.counts == [1, 1]
    assert result.recorded == [True, True]
    assert result.uncountable[0].seconds == 3 * 3600
    assert panels.estimate_text(result.uncountable[0]) == "3 h 0 min too frequent to count, not estimated"


def test_several_periods_are_summed_once_each(child) -> None:
    log(child, at(child, "2026-06-01 09:00"))
    period(child, at(child, "2026-06-01 10:00"), at(child, "2026-06-01 12:30"), 100)
    period(child, at(child, "2026-06-02 10:00"), at(child, "2026-06-02 11:00"), None)
    period(child, at(child, "2026-06-03 10:00"), at(child, "2026-06-03 11:00"), 50)
    result = summary(child, "2026-06-01", "2026-06-03")
    assert panels.uncountable_text(result.uncountable) == (
        "Also 3 periods too frequent to count (4 h 30 min in all): about 150 seizures, 1 period not estimated; "
        "not in the counts and averages above."
    )


def test_a_period_across_midnight_into_the_spring_change_is_three_hours(child) -> None:
    # 29 March 2026 is 23 hours long in London: 23:00 to 03:00 local lasts three hours.
    period(child, at(child, "2026-03-28 23:00"), at(child, "2026-03-29 03:00"), 90)
    log(child, at(child, "2026-03-28 23:30"), at(child, "2026-03-29 00:30"), at(child, "2026-03-29 03:00"))
    result = summary(child, "2026-03-28", "2026-03-29")
    assert (result.counts, result.recorded) == ([0, 1], [True, True])
    assert panels.estimate_text(result.uncountable[0]) == "about 90 seizures in 3 h 0 min, too frequent to count"


def test_a_day_inside_a_period_only_is_recorded_with_no_exact_count(child) -> None:
    period(child, at(child, "2026-06-01 20:00"), at(child, "2026-06-03 04:00"), 1000)
    log(child, at(child, "2026-06-02 12:00"))
    confirm(child, "2026-06-04", "2026-06-04")
    result = summary(child, "2026-06-01", "2026-06-04")
    assert result.recorded == [True, True, True, True]
    assert result.counts == [0, 0, 0, 0]
    assert result.free_days == 1  # 4 June only
    assert result.longest_free.days == 1


def test_seizures_inside_a_period_are_out_of_the_treatment_windows(child) -> None:
    from seizures.reports import stats

    began, started = date(2026, 4, 1), date(2026, 6, 1)
    log(child, *(at(child, f"2026-05-{d:02d} 08:00") for d in range(4, 32)))  # one a day before
    log(child, *(at(child, "2026-05-10 12:00") + timedelta(minutes=n) for n in range(50)))
    period(child, at(child, "2026-05-10 11:00"), at(child, "2026-05-10 13:00"), 200)
    child.treatments.create(kind="quinidine", started_on=started)
    (effect,) = stats.treatment_effects(child, list(child.treatments.all()), began_on=began, today=date(2026, 7, 1))
    assert effect.before.count == 28


def test_an_open_period_runs_to_now_and_says_so(child) -> None:
    with time_machine.travel(NOW, tick=False):
        period(child, NOW - timedelta(hours=2))
        log(child, NOW - timedelta(hours=1), NOW - timedelta(hours=3))
        result = summary(child, "2026-07-01", "2026-07-01")
    assert result.counts == [1]
    assert result.uncountable[0].ongoing
    assert panels.estimate_text(result.uncountable[0]) == "2 h 0 min so far too frequent to count, not estimated"


@pytest.mark.parametrize("periods", [1, 19])
def test_figures_run_a_fixed_number_of_queries_whatever_the_periods(child, django_assert_num_queries, periods) -> None:
    log(child, *(at(child, f"2026-06-{day:02d} 10:30") for day in range(1, 29)))
    for day in range(1, periods + 1):
        period(child, at(child, f"2026-06-{day:02d} 10:00"), at(child, f"2026-06-{day:02d} 11:00"), day)
    # The coverage (three) and the days (their hours too).
    with django_assert_num_queries(4):
        result = summary(child, "2026-06-01", "2026-06-30", began="2026-06-01")
    assert result.whole.count == 28 - periods


# --- The writer -------------------------------------------------------------------------------
def test_start_and_end_once_by_key_and_audited(child, owner) -> None:
    key = uuid.uuid4()
    with time_machine.travel(NOW, tick=False):
        first = recording_days.start_uncountable(child, owner, key=key, started_at=NOW - timedelta(hours=1))
        again = recording_days.start_uncountable(child, owner, key=key, started_at=NOW)
        other = recording_days.start_uncountable(child, owner, key=uuid.uuid4(), started_at=NOW)
        ended = recording_days.end_uncountable(child, owner, ended_at=NOW, estimated_count=80)
        replay = recording_days.end_uncountable(child, owner, ended_at=NOW, estimated_count=5, started_key=key)
    assert first.changed and not again.changed and not other.changed
    assert again.period == first.period == other.period
    assert ended.changed and not replay.changed
    stored = UncountablePeriod.objects.get()
    assert (stored.ended_at, stored.estimated_count) == (NOW, 80)
    actions = list(AuditEvent.objects.filter(object_type="uncountableperiod").values_list("action", flat=True))
    assert sorted(actions) == ["create", "edit"]


def test_ending_with_none_going_on_is_a_clear_error(child, owner) -> None:
    with pytest.raises(ValidationError, match="No period too frequent to count is going on"):
        recording_days.end_uncountable(child, owner, ended_at=NOW)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"started_at": "2026-06-02T10:00", "ended_at": "2026-06-02T09:00"}, "ended_at", "must come after"),
        ({"started_at": "2026-06-02T10:00", "ended_at": "2026-06-20T10:00"}, "ended_at", "at most 14 days"),
        ({"started_at": "2026-07-02T10:00"}, "started_at", "in the future"),
        ({"started_at": "2026-06-02T10:00", "estimated_count": "100001"}, "estimated_count", "100000"),
        ({"started_at": "2026-06-02T10:00", "estimated_count": "-1"}, "estimated_count", "0"),
        ({"started_at": "2026-03-29T01:30"}, "started_at", "clocks went forward"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(child, data, field, message) -> None:
    with time_machine.travel(NOW, tick=False):
        form = UncountableForm({"ended_at": "", **data}, child=child)
        assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_an_overlapping_period_is_refused_and_nothing_saved(child, owner) -> None:
    with time_machine.travel(NOW, tick=False):
        add(child, owner, started_at="2026-06-01T22:00", ended_at="2026-06-02T03:00")
        form = UncountableForm({"started_at": "2026-06-02T02:00", "ended_at": "2026-06-02T05:00"}, child=child)
        assert form.is_valid()
        with pytest.raises(ValidationError):
            recording_days.add_uncountable(child, owner, form)
    assert "overlaps another period" in " ".join(form.errors["started_at"])
    assert UncountablePeriod.objects.count() == 1


def test_a_second_open_period_is_refused(child, owner) -> None:
    with time_machine.travel(NOW, tick=False):
        period(child, NOW - timedelta(hours=5), NOW - timedelta(hours=4))
        period(child, NOW - timedelta(hours=1))
        form = UncountableForm({"started_at": "2026-07-01T08:00", "ended_at": ""}, child=child)
        assert form.is_valid()
        with pytest.raises(ValidationError):
            recording_days.add_uncountable(child, owner, form)


def test_another_familys_period_is_404_to_the_writer(child, owner) -> None:
    other = make_child(make_user("other@example.com"), "Sam")
    theirs = period(other, NOW - timedelta(days=1), NOW - timedelta(hours=20))
    with pytest.raises(Http404):
        recording_days.delete_uncountable(child, owner, theirs.public_id)
    with pytest.raises(Http404):
        recording_days.end_uncountable(child, owner, ended_at=NOW, period_id=theirs.public_id)
    assert UncountablePeriod.objects.filter(pk=theirs.pk, ended_at__isnull=False).exists()


# --- Pages ------------------------------------------------------------------------------------
def test_caregiver_marks_a_period_and_the_timeline_lists_it(client, child, caregiver_user) -> None:
    client.force_login(caregiver_user)
    log(child, at(child, "2026-07-01 01:00"))
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("seizures:uncountable-add", args=[child.public_id]),
            {"started_at": "2026-06-30T22:00", "ended_at": "2026-07-01T03:20", "estimated_count": "150",
             "client_uuid": str(uuid.uuid4())},
        )  # fmt: skip
        assert response.status_code == 302
        page = client.get(reverse("seizures:uncountable", args=[child.public_id]))
        timeline = client.get(reverse("seizures:timeline", args=[child.public_id]))
    assert "about 150 seizures in 5 h 20 min, too frequent to count" in page.content.decode()
    assert "too frequent to count" in timeline.content.decode()
    stored = UncountablePeriod.objects.get()
    assert stored.started_at == at(child, "2026-06-30 22:00")


def test_start_from_home_then_end_with_an_estimate(client, child, owner) -> None:
    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        home = client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
        assert "Too frequent to count" in home
        response = client.post(
            reverse("seizures:uncountable-start", args=[child.public_id]), {"client_uuid": str(uuid.uuid4())}
        )
        assert response.status_code == 302
        home = client.get(reverse("seizures:home", args=[child.public_id])).content.decode()
        assert "Too frequent to count since 13:00" in home  # London summer time
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        response = client.post(reverse("seizures:uncountable-end", args=[child.public_id]), {"estimated_count": "60"})
    assert response.status_code == 302
    stored = UncountablePeriod.objects.get()
    assert (stored.length(), stored.estimated_count) == (timedelta(hours=2), 60)


def test_bad_input_gets_400_with_the_message(client, child, owner) -> None:
    client.force_login(owner)
    response = client.post(
        reverse("seizures:uncountable-add", args=[child.public_id]),
        {"started_at": "yesterday", "ended_at": "", "estimated_count": "lots"},
    )
    assert response.status_code == 400
    assert "Enter a date and time" in response.content.decode()
    response = client.post(reverse("seizures:uncountable-end", args=[child.public_id]), {})
    assert response.status_code == 400
    assert "No period too frequent to count is going on" in response.content.decode()


def test_clinician_reads_but_cannot_write(client, child, clinician) -> None:
    theirs = period(child, NOW - timedelta(days=1), NOW - timedelta(hours=20), 10)
    client.force_login(clinician)
    assert client.get(reverse("seizures:uncountable", args=[child.public_id])).status_code == 200
    details = client.get(reverse("seizures:uncountable-edit", args=[child.public_id, theirs.public_id]))
    assert details.status_code == 200
    assert "Save changes" not in details.content.decode() and "30 Jun 2026 13:00" in details.content.decode()
    for name, args in [
        ("seizures:uncountable-start", []),
        ("seizures:uncountable-end", []),
        ("seizures:uncountable-add", []),
        ("seizures:uncountable-delete", [theirs.public_id]),
        ("seizures:uncountable-edit", [theirs.public_id]),
    ]:
        response = client.post(reverse(name, args=[child.public_id, *args]), {"client_uuid": str(uuid.uuid4())})
        assert response.status_code == 403, name
    assert UncountablePeriod.objects.count() == 1


def test_outsider_and_another_familys_period_get_404(client, child, owner, outsider) -> None:
    other = make_child(make_user("other@example.com"), "Sam")
    theirs = period(other, NOW - timedelta(days=1), NOW - timedelta(hours=20))
    client.force_login(owner)
    edit = reverse("seizures:uncountable-edit", args=[child.public_id, theirs.public_id])
    assert client.get(edit).status_code == 404
    delete = reverse("seizures:uncountable-delete", args=[child.public_id, theirs.public_id])
    assert client.post(delete).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("seizures:uncountable", args=[child.public_id])).status_code == 404


def test_edit_and_delete(client, child, owner) -> None:
    mine = period(child, at(child, "2026-06-01 10:00"), at(child, "2026-06-01 12:00"))
    client.force_login(owner)
    edit = reverse("seizures:uncountable-edit", args=[child.public_id, mine.public_id])
    with time_machine.travel(NOW, tick=False):
        page = client.get(edit).content.decode()
        assert "2026-06-01T10:00" in page  # shown in the child's time
        response = client.post(edit, {"started_at": "2026-06-01T10:00", "ended_at": "2026-06-01T13:00",
                                      "estimated_count": "40"})  # fmt: skip
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.length(), mine.estimated_count) == (timedelta(hours=3), 40)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("seizures:uncountable-delete", args=[child.public_id, mine.public_id]))
    assert response.status_code == 302
    assert not UncountablePeriod.objects.exists()


def test_report_lists_each_period_with_its_estimate(client, child, owner) -> None:
    log(child, at(child, "2026-06-01 09:00"))
    period(child, at(child, "2026-06-01 22:00"), at(child, "2026-06-02 03:00"), 300)
    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("seizures:report", args=[child.public_id]), {"start": "2026-06-01", "end": "2026-06-02"}
        )
    body = response.content.decode()
    assert "1 Jun 2026 22:00 – 2 Jun 2026 03:00" in body
    assert body.count("about 300 seizures in 5 h 0 min, too frequent to count") >= 1


def test_download_all_data_holds_the_periods(client, child, owner) -> None:
    period(child, datetime(2026, 6, 1, 21, tzinfo=UTC), datetime(2026, 6, 2, 2, tzinfo=UTC), 300)
    client.force_login(owner)
    (exported,) = client.get("/account/export.json").json()["children"]
    (row,) = exported["diary_days"]["too_frequent_to_count"]
    assert row | {"id": None} == {
        "id": None, "started_at": "2026-06-01T21:00:00+00:00", "ended_at": "2026-06-02T02:00:00+00:00",
        "estimated_count": 300, "notes": "", "marked_by": None,
    }  # fmt: skip


def test_a_period_left_open_counts_for_14_days_at_most(child) -> None:
    with time_machine.travel(NOW, tick=False):
        period(child, NOW - timedelta(days=30))
        log(child, NOW - timedelta(days=10))
        result = summary(child, "2026-06-01", "2026-06-30")
    assert result.whole.count == 1  # 20 June is after the 14 days the open period can cover
    assert result.uncountable[0].seconds == 14 * 86400


def test_the_diary_days_page_says_a_day_was_too_frequent_to_count(client, child, owner) -> None:
    with time_machine.travel(NOW, tick=False):
        period(child, NOW - timedelta(hours=3), NOW - timedelta(hours=1))
        client.force_login(owner)
        body = client.get(reverse("seizures:days", args=[child.public_id])).content.decode()
    assert "Recorded (too frequent to count for a while)" in body


def test_csv_marks_the_seizures_inside_a_period(client, child, owner) -> None:
    log(child, at(child, "2026-06-01 21:59"), at(child, "2026-06-01 22:00"), at(child, "2026-06-02 02:59"))
    log(child, at(child, "2026-06-02 03:00"))
    period(child, at(child, "2026-06-01 22:00"), at(child, "2026-06-02 03:00"), 300)
    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("seizures:export-csv", args=[child.public_id]), {"period": "all"})
    text = b"".join(response.streaming_content).decode("utf-8")[1:]
    marks = [row["too_frequent_to_count"] for row in csv.DictReader(io.StringIO(text))]
    assert marks == ["0", "1", "1", "0"]
