"""seizures.schedules: due times in the family's local time, right across daylight-saving
days in America/New_York and Europe/Berlin (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from seizures import schedules

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def _local_day(day: date, times: list[time], zone: ZoneInfo) -> list[str]:
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return [due.astimezone(zone).strftime("%H:%M") for due in schedules.slots(times, zone, start, end)]


def test_an_ordinary_day_has_each_time_once() -> None:
    assert _local_day(date(2026, 6, 1), [time(8), time(20)], NEW_YORK) == ["08:00", "20:00"]


@pytest.mark.parametrize(("zone", "day"), [(NEW_YORK, date(2026, 3, 8)), (BERLIN, date(2026, 3, 29))])
def test_a_dose_in_the_spring_forward_gap_is_due_when_the_clocks_jump(zone, day) -> None:
    assert _local_day(day, [time(2, 30), time(8)], zone) == ["03:00", "08:00"]


@pytest.mark.parametrize(("zone", "day"), [(NEW_YORK, date(2026, 3, 8)), (BERLIN, date(2026, 3, 29))])
def test_a_gap_time_and_the_next_time_on_the_same_instant_are_one_dose(zone, day) -> None:
    hourly = schedules.every(1, time(0))
    due = _local_day(day, hourly, zone)
    assert len(due) == 23 and due.count("03:00") == 1


@pytest.mark.parametrize(("zone", "day"), [(NEW_YORK, date(2026, 11, 1)), (BERLIN, date(2026, 10, 25))])
def test_a_dose_in_the_repeated_hour_is_not_doubled(zone, day) -> None:
    due = _local_day(day, [time(1, 30) if zone is NEW_YORK else time(2, 30), time(8)], zone)
    assert len(due) == 2
    first = datetime.combine(day, time(1, 30) if zone is NEW_YORK else time(2, 30), tzinfo=zone)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    instants = list(schedules.slots([first.time()], zone, start, start + timedelta(hours=25)))
    assert instants == [first.astimezone(UTC)]  # the first occurrence


@pytest.mark.parametrize("zone", [NEW_YORK, BERLIN])
def test_every_eight_hours_keeps_its_clock_times_across_the_change(zone) -> None:
    times = schedules.every(8, time(6))
    assert schedules.format_times(times) == "06:00, 14:00, 22:00"
    for day in (date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)):
        assert _local_day(day, times, zone) == ["06:00", "14:00", "22:00"]


def test_the_schedule_keeps_to_its_first_and_last_days() -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    due = list(
        schedules.slots(
            [time(9)], BERLIN, start, start + timedelta(days=10), first_day=date(2026, 6, 3), last_day=date(2026, 6, 5)
        )
    )
    assert [d.astimezone(BERLIN).date() for d in due] == [date(2026, 6, 3), date(2026, 6, 4), date(2026, 6, 5)]


def test_every_refuses_an_interval_that_does_not_divide_the_day() -> None:
    with pytest.raises(ValueError):
        schedules.every(5, time(8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00, 20:00", ["08:00", "20:00"]),
        ("20:00 8:00 08:00", ["08:00", "20:00"]),
        ("7:05;19:05", ["07:05", "19:05"]),
    ],
)
def test_times_are_read_sorted_and_once(text, expected) -> None:
    assert [t.strftime("%H:%M") for t in schedules.parse_times(text)] == expected


@pytest.mark.parametrize("text", ["8", "24:00", "08:60", "8am", "08:5", "-1:00"])
def test_unreadable_times_are_refused(text) -> None:
    with pytest.raises(ValueError):
        schedules.parse_times(text)
