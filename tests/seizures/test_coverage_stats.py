"""Figures that never mistake an unrecorded day for a seizure-free one, on hand-built
diaries: gaps instead of zeros, rates per recorded day, days marked as not recorded left
out, a diary abandoned while a treatment goes on (no verdict), a window at exactly the
recorded-day threshold, and a confirmed 25-hour day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seizures.coverage import Coverage, Periods
from seizures.models import NotRecordedRange, Treatment
from seizures.reports import panels, stats
from tests.conftest import make_child
from tests.seizures.test_stats import at, confirm, log, seizures_on, summary
from tests.support.factories import make_treatment
from tests.support.fuzz import fuzz

pytestmark = pytest.mark.django_db


def test_unrecorded_days_are_gaps_not_zeros(child) -> None:
    # Two seizures on each of 1 and 2 June, nothing said about 3 and 4 June, 5 June confirmed.
    for day in (1, 2):
        log(child, at(child, f"2026-06-0{day} 09:00"), at(child, f"2026-06-0{day} 10:00"))
    confirm(child, "2026-06-05", "2026-06-05")
    result = summary(child, "2026-06-01", "2026-06-05")
    assert result.recorded == [True, True, False, False, True]
    assert (result.whole.count, result.whole.recorded, result.whole.days) == (4, 3, 5)
    assert result.whole.per_day == pytest.approx(4 / 3)
    assert result.per_28_days == pytest.approx(4 / 3 * 28)
    assert result.free_days == 1  # 5 June only: 3 and 4 June are unknown
    assert result.longest_free == stats.Stretch(1, date(2026, 6, 5), date(2026, 6, 5))
    assert result.rolling[7] == [2.0, 2.0, 2.0, 2.0, round(4 / 3, 2)]
    assert (result.unrecorded_days, result.not_recorded_days) == (2, 0)
    chart = panels.frequency_chart(result, [str(d) for d in result.days], [])
    assert chart.figure["data"][0]["y"] == [2, 2, None, None, 0]
    assert chart.summary.startswith("3 of 5 days recorded. 4 seizures on the recorded days: 1.3 a recorded day")
    assert [row[1] for row in chart.table.rows] == ["2", "2", "not recorded", "not recorded", "0"]


def test_a_day_with_no_recorded_day_in_its_window_has_no_average(child) -> None:
    log(child, at(child, "2026-06-01 09:00"))
    result = summary(child, "2026-06-20", "2026-06-21", began="2026-06-01")
    assert result.rolling[7] == [None, None]
    assert result.rolling[28] == [1.0, 1.0]  # per recorded day: 1 June is the only one in the window
    chart = panels.frequency_chart(result, ["20 Jun", "21 Jun"], [])
    assert chart.summary == "0 of 2 days recorded. No day of this period was recorded, so there is nothing to count."


def test_a_day_marked_not_recorded_is_left_out_even_with_entries(child) -> None:
    log(child, at(child, "2026-06-01 09:00"))
    log(child, at(child, "2026-06-02 09:00"), at(child, "2026-06-02 10:00"), at(child, "2026-06-02 11:00"))
    NotRecordedRange.objects.create(child=child, started_on=date(2026, 6, 2), ended_on=date(2026, 6, 2))
    result = summary(child, "2026-06-01", "2026-06-02")
    assert (result.whole.count, result.whole.recorded) == (1, 1)
    assert (result.unrecorded_days, result.not_recorded_days) == (0, 1)
    assert result.whole.median == 60
    # The time-of-day grid too: 1 June (a Monday) at 09:00, nothing of 2 June.
    assert sum(map(sum, result.hours)) == 1 and result.hours[0][9] == 1


def test_a_confirmed_25_hour_day_is_a_recorded_seizure_free_day(owner) -> None:
    child = make_child(owner, name="Sam", time_zone="America/New_York")
    # New York's clocks go back on 1 November 2026: that day has 25 hours.
    log(child, at(child, "2026-10-31 23:30"), at(child, "2026-11-02 00:30"))
    confirm(child, "2026-11-01", "2026-11-01")
    result = summary(child, "2026-10-31", "2026-11-02")
    assert result.counts == [1, 0, 1] and result.recorded == [True, True, True]
    assert result.free_days == 1


# --- Before and after ---------------------------------------------------------------------------
def effect_for(child, *, today: date) -> stats.Effect:
    [effect] = stats.treatment_effects(
        child, list(Treatment.objects.filter(child=child)), began_on=date(2026, 3, 1), today=today
    )
    return effect


def test_a_diary_abandoned_with_a_treatment_ongoing_gets_no_verdict(child) -> None:
    # 20 seizures a day for the 28 days before quinidine, five days logged on it, then nothing.
    started = date(2026, 6, 1)
    seizures_on(child, started - timedelta(days=28), 28, 20)
    seizures_on(child, started, 5, 18)
    make_treatment(child, started_on=started)
    effect = effect_for(child, today=date(2026, 8, 1))
    assert (effect.before.count, effect.before.recorded) == (560, 28)
    assert (effect.after.count, effect.after.recorded) == (0, 0)
    assert (effect.missing, effect.change_percent, effect.responder) == ("incomplete", None, None)
    [row] = panels.effect_rows([effect])
    assert (row.change, row.responder) == ("—", "—")
    assert row.note == "Diary incomplete (0 of 28 days recorded), so no percent change or verdict."


@pytest.mark.parametrize(("recorded", "judged"), [(26, True), (25, False)])
def test_a_window_is_judged_from_exactly_26_recorded_days(child, recorded, judged) -> None:
    started, today = date(2026, 6, 1), date(2026, 8, 1)
    seizures_on(child, started - timedelta(days=28), 28, 4)  # 112 before
    # The latest 28 whole days (4 to 31 July): `recorded` days with two seizures each, the rest unknown.
    seizures_on(child, date(2026, 7, 4), recorded, 2)
    make_treatment(child, started_on=started)
    effect = effect_for(child, today=today)
    assert effect.after.recorded == recorded
    if judged:
        # 52 seizures in 26 recorded days is 56 per 28 days: half of 112.
        assert (effect.missing, effect.change_percent, effect.responder) == ("", -50.0, True)
    else:
        assert (effect.missing, effect.change_percent, effect.responder) == ("incomplete", None, None)
        assert "25 of 28 days recorded" in panels.effect_rows([effect])[0].note


def test_the_recorded_days_a_window_needs_is_a_setting(child, settings) -> None:
    settings.WINDOW_RECORDED_DAYS = 20
    started = date(2026, 6, 1)
    seizures_on(child, started - timedelta(days=28), 28, 4)
    seizures_on(child, date(2026, 7, 4), 20, 2)
    make_treatment(child, started_on=started)
    assert effect_for(child, today=date(2026, 8, 1)).change_percent == -50.0


# --- Display --------------------------------------------------------------------------------------
def test_percent_change_shows_one_decimal() -> None:
    treatment = Treatment(kind="quinidine", started_on=date(2026, 6, 1))
    before = stats.Window(date(2026, 5, 4), date(2026, 5, 31), 22, 28)
    after = stats.Window(date(2026, 7, 4), date(2026, 7, 31), 32, 28)
    [row] = panels.effect_rows([stats.Effect(treatment, before, after, "")])
    assert row.change == "+45.5%"  # 45.45…, rounded once


def test_a_first_average_over_fewer_than_28_days_says_so(child) -> None:
    for day in range(1, 11):
        log(child, at(child, f"2026-06-{day:02d} 09:00"))
    chart = panels.frequency_chart(summary(child, "2026-06-01", "2026-06-10"), [str(d) for d in range(10)], [])
    assert "from 1 a day (over the diary’s first 1 day) to 1 a day (over 28 days)" in chart.summary


def test_a_median_of_64_and_a_half_seconds_is_1_05_everywhere(owner_client, child) -> None:
    log(child, at(child, "2026-06-01 09:00"), duration_seconds=64)
    log(child, at(child, "2026-06-01 10:00"), duration_seconds=65)
    result = summary(child, "2026-06-01", "2026-06-01")
    assert result.whole.median == 64.5
    chart = panels.duration_chart(result, ["1 Jun"])
    assert "Median 1:05" in chart.summary and chart.table.rows[0][1] == "1:05"
    page = owner_client.get(
        f"/c/{child.public_id}/charts/", {"period": "custom", "start": "2026-06-01", "end": "2026-06-01"}
    ).content.decode()
    assert "Median duration</dt><dd>1:05" in page


def test_sign_shares_are_rounded_once(child) -> None:
    # Apnea in 5 of 11 seizures: 45.45…%, shown as 45% (rounding to 45.5 first made it 46%).
    log(child, *(at(child, f"2026-06-01 {h:02d}:00") for h in range(5)), apnea=True)
    log(child, *(at(child, f"2026-06-01 {h:02d}:00") for h in range(5, 11)), jerking=True, jerking_side="left",
        jerking_limb="arm")  # fmt: skip
    chart = panels.signs_chart(summary(child, "2026-06-01", "2026-06-01"), ["1 Jun"])
    assert "apnea 45%" in chart.summary
    assert chart.table.rows[0][2] == "45%"
    assert chart.figure["data"][0]["y"][0] == 45.5  # the figure's own one decimal


days_in = st.integers(0, 40).map(lambda n: date(2026, 6, 1) + timedelta(days=n))


@fuzz(200)
@given(
    counts=st.lists(st.integers(0, 3), min_size=1, max_size=30),
    confirmed=st.frozensets(days_in),
    marked=st.lists(st.tuples(days_in, days_in).map(sorted).map(tuple), max_size=3),
    touched=st.frozensets(days_in),
)
def test_statuses_of_every_day_at_once_are_those_asked_day_by_day(counts, confirmed, marked, touched) -> None:
    """The summary sets each day's status from the few days confirmed, touched or marked;
    the answer is the one `recorded` and `seizure_free` give for each day."""
    first = date(2026, 6, 5)  # some of the marks fall before the days asked about
    coverage = Coverage(first, first + timedelta(days=len(counts) - 1), confirmed, tuple(marked), Periods((), touched))
    days = [first + timedelta(days=n) for n in range(len(counts))]
    assert coverage.statuses(first, counts) == (
        [coverage.recorded(day, n) for day, n in zip(days, counts, strict=True)],
        [coverage.seizure_free(day, n) for day, n in zip(days, counts, strict=True)],
    )
