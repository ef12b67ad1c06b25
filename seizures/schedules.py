"""When a medicine's doses fall due: pure functions of a schedule, a time zone and a window,
with no database and no clock, so daylight-saving days can be tested exactly.

A schedule is a list of local times of day ("08:00", "20:00"). "Every N hours" is stored
as the same list, expanded from the first dose's time (N divides 24), so that a dose keeps
its place on the family's clock across a daylight-saving change.

Each (day, time) gives exactly one instant:
- a time that does not exist that day (the clocks went forward past it) is due at the
  moment the clocks jump: a 02:30 dose on the spring-forward day is due at 03:00;
- a time that happens twice (the clocks went back) is due at its first occurrence only;
- two times that land on the same instant that way are one dose.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The intervals "every N hours" may use: each divides the day, so the times repeat daily.
EVERY_HOURS = (1, 2, 3, 4, 6, 8, 12, 24)


def every(hours: int, first: time) -> list[time]:
    """The local times of "every `hours` hours" starting at `first`, in clock order."""
    if hours not in EVERY_HOURS:
        raise ValueError(f"every {hours} hours does not divide the day")
    start = first.hour * 60 + first.minute
    return sorted(time(((start + step * hours * 60) // 60) % 24, first.minute) for step in range(24 // hours))


def parse_times(text: str) -> list[time]:
    """ "08:00, 20:00" into sorted distinct times; ValueError when any is unreadable."""
    times = set()
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        hours, sep, minutes = part.partition(":")
        if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2 or len(hours) > 2:
            raise ValueError(part)
        times.add(time(int(hours), int(minutes)))  # ValueError past 23:59
    return sorted(times)


def format_times(times: Iterable[time]) -> str:
    return ", ".join(t.strftime("%H:%M") for t in times)


def instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the local `day` `at` is due (see the module's rules)."""
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone)  # fold=0: the first of a repeated time
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == wall:
        return utc
    # In the gap: the first instant whose local clock has reached `wall` is the jump itself.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = utc
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def slots(
    times: list[time],
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
) -> Iterator[datetime]:
    """The due instants (UTC) in [start, end), in order, on local days from `first_day` to
    `last_day` inclusive (the schedule's start and stop dates; None: no limit)."""
    if not times:
        return
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    if first_day is not None:
        day = max(day, first_day)
    if last_day is not None:
        last = min(last, last_day)
    previous = None
    while day <= last:
        for at in times:
            due = instant(day, at, zone)
            # A skipped time can land on the next one (02:00 and 03:00 on the spring-forward
            # day): one dose, not two.
            if start <= due < end and due != previous:
                yield due
                previous = due
        day += timedelta(days=1)
