"""The frequency statistics on hand-built data, with exact expected figures: local days
(zero-filled, across daylight saving in New York and in zones with odd offsets), Monday
weeks, calendar months, rolling averages at the start of a period, seizure-free stretches,
durations, burden, sign shares, time of day, and treatments judged 28 days before and after."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate

from caregiver.models import Child
from seizures.models import DayConfirmation, Episode, local_midnight
from seizures.reports import stats
from seizures.reports.periods import Period
from seizures.reports.stats.days import utc_midnights
from tests.conftest import make_child
from tests.support.factories import make_treatment


def at(child: Child, text: str) -> datetime:
    """A local wall-clock time of the child's, as an aware datetime (the earlier one when a
    wall-clock time happens twice)."""
    return datetime.fromisoformat(text).replace(tzinfo=child.zone)


def log(child: Child, *starts: datetime, **fields) -> None:
    fields.setdefault("duration_seconds", 60)
    episodes = [Episode(child=child, started_at=start, **fields) for start in starts]
    for episode in episodes:
        episode.sync_path()
    Episode.objects.bulk_create(episodes)


def confirm(child: Child, first: str | date, last: str | date) -> None:
    """Every day from `first` to `last` confirmed as recorded: a day without entries is then
    seizure-free, not unrecorded."""
    first, last = (d if isinstance(d, date) else date.fromisoformat(d) for d in (first, last))
    DayConfirmation.objects.bulk_create(
        DayConfirmation(child=child, confirmed_on=first + timedelta(days=n), confirmed_at=datetime.now(UTC))
        for n in range((last - first).days + 1)
    )


def period(first: str, last: str, granularity: str = "day") -> Period:
    return Period("custom", date.fromisoformat(first), date.fromisoformat(last), granularity)


def summary(child: Child, first: str, last: str, granularity: str = "day", *, began: str | None = None, **kw):
    began_on = date.fromisoformat(began) if began else stats.diary_began_on(child)
    return stats.summarise(child, period(first, last, granularity), began_on=began_on, **kw)


# --- Days, weeks, months ----------------------------------------------------------------------
def test_days_are_local_and_zero_filled(child) -> None:
    log(
        child,
        at(child, "2026-06-01 23:30"),
        at(child, "2026-06-02 00:30"),  # 23:30 UTC on 1 June: the child's 2 June
        at(child, "2026-06-04 10:00"),
    )
    confirm(child, "2026-06-01", "2026-06-05")
    result = summary(child, "2026-06-01", "2026-06-05")
    assert result.days == [date(2026, 6, d) for d in range(1, 6)]
    assert result.counts == [1, 1, 0, 1, 0]
    assert [b.count for b in result.buckets] == [1, 1, 0, 1, 0]
    assert result.whole.count == 3
    assert result.per_28_days == pytest.approx(3 / 5 * 28)


def test_deleted_episodes_and_other_children_are_not_counted(child, outsider) -> None:
    other = outsider.memberships.get().child
    log(child, at(child, "2026-06-01 10:00"))
    log(child, at(child, "2026-06-01 11:00"), deleted_at=datetime(2026, 6, 2, tzinfo=UTC))
    log(other, at(other, "2026-06-01 12:00"))
    assert summary(child, "2026-06-01", "2026-06-01").counts == [1]


def test_weeks_start_on_monday_and_the_period_cuts_the_first_and_last(child) -> None:
    # 3 June 2026 is a Wednesday.
    log(child, at(child, "2026-06-03 08:00"), at(child, "2026-06-07 08:00"), at(child, "2026-06-08 08:00"))
    log(child, at(child, "2026-06-16 08:00"), at(child, "2026-06-17 08:00"))
    result = summary(child, "2026-06-03", "2026-06-16", "week", began="2026-05-01")
    assert [b.origin for b in result.buckets] == [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]
    assert [(b.start, b.end) for b in result.buckets] == [
        (date(2026, 6, 3), date(2026, 6, 7)),
        (date(2026, 6, 8), date(2026, 6, 14)),
        (date(2026, 6, 15), date(2026, 6, 16)),
    ]
    assert [b.count for b in result.buckets] == [2, 1, 1]


def test_months_are_calendar_months(child) -> None:
    log(child, at(child, "2026-05-31 23:59"), at(child, "2026-06-01 00:00"), at(child, "2026-07-10 12:00"))
    result = summary(child, "2026-05-20", "2026-07-10", "month")
    assert [b.origin for b in result.buckets] == [date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)]
    assert [b.count for b in result.buckets] == [1, 1, 1]
    assert [b.days for b in result.buckets] == [12, 30, 10]


def test_a_daylight_saving_day_in_new_york(owner) -> None:
    child = make_child(owner, "Sam", time_zone="America/New_York", born_on=date(2026, 1, 1))
    # Clocks go forward at 02:00 on 8 March 2026 (a 23-hour day) and back at 02:00 on 1 November.
    log(
        child,
        datetime(2026, 3, 8, 4, 50, tzinfo=UTC),  # 23:50 EST on the 7th
        datetime(2026, 3, 8, 5, 10, tzinfo=UTC),  # 00:10 EST on the 8th
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 03:30 EDT: the hour after the gap
        datetime(2026, 3, 9, 3, 50, tzinfo=UTC),  # 23:50 EDT on the 8th
        datetime(2026, 3, 9, 4, 10, tzinfo=UTC),  # 00:10 EDT on the 9th
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, the same wall-clock hour again
    )
    spring = summary(child, "2026-03-07", "2026-03-09")
    assert spring.counts == [1, 3, 1]
    sunday = 6
    assert spring.hours[sunday][0] == 1 and spring.hours[sunday][3] == 1 and spring.hours[sunday][23] == 1
    assert spring.hours[sunday][2] == 0  # 02:00-02:59 never happened
    autumn = summary(child, "2026-11-01", "2026-11-01")
    assert autumn.counts == [2]
    assert autumn.hours[sunday][1] == 2
    # The same days as Django's own time-zone truncation, which PostgreSQL does natively.
    reference = dict(
        Episode.objects.filter(child=child)
        .annotate(day=TruncDate("started_at", tzinfo=child.zone))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    assert reference == {date(2026, 3, 7): 1, date(2026, 3, 8): 3, date(2026, 3, 9): 1, date(2026, 11, 1): 2}


@pytest.mark.parametrize(
    "zone",
    [
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "America/Santiago",
        "Pacific/Chatham",
        "America/St_Johns",
        # Clocks that jump at midnight both ways: the day of the change begins an hour late,
        # or the day before it ends an hour late.
        "America/Havana",
        "Asia/Beirut",
    ],
)
def test_days_and_hours_match_zoneinfo_in_zones_with_odd_offsets_and_midnight_changes(owner, zone) -> None:
    """Half-hour and 45-minute offsets, a half-hour daylight-saving shift, clocks that change at
    midnight: every instant lands on the day and hour zoneinfo gives it."""
    child = make_child(owner, "Kim", time_zone=zone, born_on=date(2025, 1, 1))
    tz = ZoneInfo(zone)
    start, end = datetime(2025, 12, 31, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC)
    instants = []
    for change_at, _offset in stats.offset_changes(tz, start, end)[1:]:
        instants += [change_at + timedelta(minutes=m) for m in range(-26 * 60, 26 * 60, 23)]
    instants += [datetime(2026, 6, 15, tzinfo=UTC) + timedelta(minutes=m) for m in range(0, 48 * 60, 23)]
    log(child, *instants)
    first = min(i.astimezone(tz).date() for i in instants)
    last = max(i.astimezone(tz).date() for i in instants)
    result = stats.summarise(child, Period("custom", first, last, "day"), began_on=first)

    expected_days: dict[date, int] = {}
    expected_hours = [[0] * 24 for _ in range(7)]
    for instant in instants:
        local = instant.astimezone(tz)
        expected_days[local.date()] = expected_days.get(local.date(), 0) + 1
        expected_hours[local.weekday()][local.hour] += 1
    assert {d: n for d, n in zip(result.days, result.counts, strict=True) if n} == expected_days
    assert result.hours == expected_hours


def test_the_days_begin_at_local_midnight_in_every_zone() -> None:
    """The day grid's midnights, worked out with one zoneinfo call a day, are the instants
    `local_midnight` gives: in every zone this machine knows, on every day of four years
    (midnights that do not exist or happen twice included)."""
    first = date(2025, 1, 1)
    for name in sorted(available_timezones()):
        zone = ZoneInfo(name)
        expected = [local_midnight(first + timedelta(days=n), zone).replace(tzinfo=None) for n in range(4 * 366)]
        assert utc_midnights(first, 4 * 366, zone) == expected, name


def test_offset_changes_are_found_to_the_second() -> None:
    london = ZoneInfo("Europe/London")
    changes = stats.offset_changes(london, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert changes == [
        (datetime(2026, 1, 1, tzinfo=UTC), 0),
        (datetime(2026, 3, 29, 1, tzinfo=UTC), 3600),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), 0),
    ]


# --- Rolling averages, seizure-free days ------------------------------------------------------
def test_rolling_averages_at_the_start_of_a_period_reach_back_before_it(child) -> None:
    # One seizure a day from 1 to 7 June, three on each of 8 to 10 June.
    for day in range(1, 11):
        log(child, *(at(child, f"2026-06-{day:02d} {9 + n:02d}:00") for n in range(1 if day <= 7 else 3)))
    result = summary(child, "2026-06-08", "2026-06-10")
    assert result.counts == [3, 3, 3]
    # 8 June: the seven days 2-8 June hold 6 + 3 seizures.
    assert result.rolling[7] == [round(9 / 7, 2), round(11 / 7, 2), round(13 / 7, 2)]
    # The diary began on 1 June, so the 28-day window is as long as the diary: 8, 9, 10 days.
    assert result.rolling[28] == [round(10 / 8, 2), round(13 / 9, 2), round(16 / 10, 2)]


def test_rolling_average_on_the_first_day_of_the_diary_is_that_day(child) -> None:
    log(child, at(child, "2026-06-01 09:00"), at(child, "2026-06-01 10:00"))
    confirm(child, "2026-06-02", "2026-06-03")
    result = summary(child, "2026-06-01", "2026-06-03")
    assert result.rolling[7] == [2.0, 1.0, round(2 / 3, 2)]
    assert result.rolling[28] == [2.0, 1.0, round(2 / 3, 2)]


def test_seizure_free_days_and_the_longest_stretch(child) -> None:
    for day in (1, 4, 8):
        log(child, at(child, f"2026-06-{day:02d} 12:00"))
    confirm(child, "2026-06-01", "2026-06-09")
    result = summary(child, "2026-06-01", "2026-06-09")
    assert result.counts == [1, 0, 0, 1, 0, 0, 0, 1, 0]
    assert result.free_days == 6
    assert result.longest_free == stats.Stretch(3, date(2026, 6, 5), date(2026, 6, 7))


def test_no_seizures_at_all(child) -> None:
    confirm(child, "2026-06-01", "2026-06-03")
    result = summary(child, "2026-06-01", "2026-06-03", began="2026-06-01")
    assert result.counts == [0, 0, 0]
    assert result.whole.median is None and result.whole.longest is None
    assert result.longest_free == stats.Stretch(3, date(2026, 6, 1), date(2026, 6, 3))
    assert result.hours == [[0] * 24 for _ in range(7)]


# --- Durations, burden, signs -----------------------------------------------------------------
def test_median_longest_and_burden_count_only_known_durations(child) -> None:
    for seconds, time in [(60, "09:00"), (120, "10:00"), (300, "11:00"), (None, "12:00")]:
        log(child, at(child, f"2026-06-01 {time}"), duration_seconds=seconds)
    log(child, at(child, "2026-06-02 09:00"), duration_seconds=30)
    result = summary(child, "2026-06-01", "2026-06-02")
    assert [b.median for b in result.buckets] == [120, 30]
    assert [b.longest for b in result.buckets] == [300, 30]
    assert result.whole.median == 90  # 30, 60, 120, 300: halfway between 60 and 120
    assert result.whole.longest == 300
    assert (result.whole.known, result.unknown_duration) == (4, 1)
    assert result.whole.burden_minutes == pytest.approx(510 / 60 / 2)
    assert result.buckets[0].burden_minutes == pytest.approx(480 / 60)


def test_sign_shares_are_of_episodes_logged_with_details(child) -> None:
    day = at(child, "2026-06-01 08:00")
    log(child, day, apnea=True)
    log(child, day, apnea=True, jerking=True, jerking_side="left", jerking_limb="arm")
    log(child, day, path=[{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 9}])
    log(child, day, eye_deviation=True, eye_side="right", rescue_medicine="Midazolam 2.5 mg")
    log(child, day, day, is_tally=True, duration_seconds=None)  # two bare "+1" taps
    log(child, day, is_tally=True, duration_seconds=None, apnea=True)  # a tap given details later
    result = summary(child, "2026-06-01", "2026-06-01", report=True)
    whole = result.whole
    assert (whole.count, whole.detailed) == (7, 5)
    assert result.sign_counts == {
        "apnea": 3,
        "flushing": 0,
        "eye_deviation": 1,
        "jerking": 1,
        "twitching": 0,
        "drooling": 0,
    }
    assert whole.share(result.sign_counts["apnea"]) == 60
    assert whole.share(whole.migrated) == 20
    assert result.sides == {
        "eye_deviation": {"left": 0, "right": 1, "not_seen": 0},
        "jerking": {"left": 1, "right": 0, "not_seen": 0},
    }
    assert (result.rescue, result.tallies) == (1, 3)


def test_time_of_day_is_the_childs_weekday_and_hour(child) -> None:
    # 00:30 on Monday 1 June in London is 23:30 on Sunday in UTC.
    log(child, at(child, "2026-06-01 00:30"), at(child, "2026-06-07 23:59"))
    result = summary(child, "2026-06-01", "2026-06-07")
    assert result.hours[0][0] == 1  # Monday, 00:00-00:59
    assert result.hours[6][23] == 1  # Sunday, 23:00-23:59
    assert sum(map(sum, result.hours)) == 2


# --- Treatments -------------------------------------------------------------------------------
def seizures_on(child: Child, first: date, days: int, per_day: int) -> None:
    log(child, *(local_midnight(first + timedelta(days=d), child.zone) + timedelta(hours=1 + n)
                 for d in range(days) for n in range(per_day)))  # fmt: skip


def effects(child: Child, *, began: date, today: date) -> list[stats.Effect]:
    treatments = list(child.treatments.order_by("started_on"))
    return stats.treatment_effects(child, treatments, began_on=began, today=today)


def test_a_treatment_that_halved_the_seizures_is_a_responder(child) -> None:
    began, started, today = date(2026, 4, 1), date(2026, 6, 1), date(2026, 8, 1)
    seizures_on(child, started - timedelta(days=28), 28, 4)  # 112 in the 28 days before
    seizures_on(child, today - timedelta(days=28), 28, 2)  # 56 in the latest 28 whole days
    log(child, local_midnight(today, child.zone) + timedelta(hours=1))  # today is not over: not counted
    make_treatment(child, started_on=started)
    [effect] = effects(child, began=began, today=today)
    assert (effect.before.first, effect.before.last) == (date(2026, 5, 4), date(2026, 5, 31))
    assert (effect.after.first, effect.after.last) == (date(2026, 7, 4), date(2026, 7, 31))
    assert (effect.before.count, effect.after.count) == (112, 56)
    assert effect.change_percent == -50.0
    assert effect.responder is True


def test_a_stopped_treatment_is_judged_on_its_last_28_days(child) -> None:
    started, stopped = date(2026, 6, 1), date(2026, 7, 15)
    seizures_on(child, started - timedelta(days=28), 28, 3)  # 84 before
    seizures_on(child, stopped - timedelta(days=27), 28, 2)  # 56 in its last 28 days
    seizures_on(child, stopped + timedelta(days=1), 10, 9)  # after it stopped: not its effect
    make_treatment(child, started_on=started, stopped_on=stopped)
    [effect] = effects(child, began=date(2026, 4, 1), today=date(2026, 9, 1))
    assert (effect.after.first, effect.after.last) == (date(2026, 6, 18), date(2026, 7, 15))
    assert (effect.before.count, effect.after.count) == (84, 56)
    assert effect.change_percent == -33.3
    assert effect.responder is False


def test_not_enough_data_before_or_after(child) -> None:
    make_treatment(child, name="early", started_on=date(2026, 4, 20))  # 19 days after the diary began
    make_treatment(child, name="recent", started_on=date(2026, 7, 20))  # 12 days on it so far
    seizures_on(child, date(2026, 4, 1), 122, 1)  # every day to 31 July
    early, recent = effects(child, began=date(2026, 4, 1), today=date(2026, 8, 1))
    assert (early.missing, early.before, early.change_percent, early.responder) == ("before", None, None, None)
    assert early.after.count == 28
    assert (recent.missing, recent.after, recent.change_percent) == ("after", None, None)
    assert recent.before.count == 28


def test_no_seizures_before_means_no_percent_change(child) -> None:
    make_treatment(child, started_on=date(2026, 6, 1))
    seizures_on(child, date(2026, 7, 1), 31, 1)
    confirm(child, "2026-05-04", "2026-05-31")
    [effect] = effects(child, began=date(2026, 4, 1), today=date(2026, 8, 1))
    assert (effect.before.count, effect.after.count) == (0, 28)
    assert (effect.missing, effect.change_percent, effect.responder) == ("", None, None)


def test_treatment_windows_are_four_queries(child, django_assert_num_queries) -> None:
    for n in range(4):
        make_treatment(child, name=str(n), started_on=date(2026, 5, 1) + timedelta(days=20 * n))
    treatments = list(child.treatments.all())
    # The windows' days, their confirmations, not-recorded ranges and periods too frequent to
    # count.
    with django_assert_num_queries(4):
        stats.treatment_effects(child, treatments, began_on=date(2026, 3, 1), today=date(2026, 9, 1))


def test_windows_inside_the_summarised_days_need_no_query(child, django_assert_num_queries) -> None:
    seizures_on(child, date(2026, 5, 1), 92, 2)
    make_treatment(child, started_on=date(2026, 6, 10))
    treatments = list(child.treatments.all())
    began, today = date(2026, 5, 1), date(2026, 8, 1)
    summarised = summary(child, "2026-05-01", "2026-07-31")
    with django_assert_num_queries(0):
        [from_days] = stats.treatment_effects(
            child, treatments, began_on=began, today=today, counted=summarised.counted, coverage=summarised.coverage
        )
    [from_query] = stats.treatment_effects(child, treatments, began_on=began, today=today)
    assert from_days == from_query
    assert (from_days.before.count, from_days.after.count) == (56, 56)


def test_the_diary_begins_with_the_first_seizure_or_when_the_child_was_added(child) -> None:
    added = child.created_at.astimezone(child.zone).date()
    assert stats.diary_began_on(child) == added
    log(child, at(child, "2026-05-02 00:15"))
    assert stats.diary_began_on(child) == date(2026, 5, 2)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a PostgreSQL setting")
def test_postgresql_connections_run_without_jit(db) -> None:
    """The day grid's query is estimated far above the JIT threshold at 100,000 seizures and
    would compile for longer than it runs: every connection of the app has JIT off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's own fallback")
def test_hours_are_the_same_on_a_sqlite_older_than_unixepoch(child, monkeypatch) -> None:
    log(child, at(child, "2026-06-01 00:30"), at(child, "2026-06-03 13:10"), at(child, "2026-11-02 07:45"))
    newer = summary(child, "2026-06-01", "2026-11-30").hours
    monkeypatch.setattr(connection.Database, "sqlite_version_info", (3, 37, 2))
    assert summary(child, "2026-06-01", "2026-11-30").hours == newer
