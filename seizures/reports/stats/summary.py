"""The period summed from its days: buckets (days, Monday weeks, months), rolling averages,
seizure-free stretches, medians, burden and shares. Python arithmetic over days, never over
episodes.

Only recorded days count (seizures/coverage.py): a day nobody recorded is not a day without
seizures, so sums, medians and shares are of recorded days, and rates, averages and
seizure-free days divide by or count recorded days only. Seizures that began inside a period
too frequent to count are in no exact figure: the periods are summed apart (`Summary.
uncountable`), as estimates; the days they touch are recorded but never seizure-free."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, chain

from caregiver.models import Child
from seizures.coverage import Coverage, Span, load_coverage
from seizures.reports.periods import Granularity, Period
from seizures.reports.stats.days import ONSETS, SIDED, SIDES, TYPES, DayRow, day_rows
from seizures.signs import SIGN_KEYS

WINDOW_DAYS = 28  # the standard trial window: seizures per 28 days
ROLLING = (7, 28)


# --- The period, summed -----------------------------------------------------------------------
@dataclass(frozen=True)
class Bucket:
    """A run of days summed: one bar of a chart (a day, a Monday-to-Sunday week or a month, cut
    to the period), or the whole period. `origin` is the day its week or month begins, where
    the bar is drawn, even when the period starts later. Counts are of its `recorded` days
    only; durations count only seizures whose duration is known."""

    origin: date
    start: date
    end: date
    recorded: int
    count: int
    detailed: int
    signs: tuple[int, ...]  # in SIGN_KEYS order
    migrated: int
    onsets: tuple[int, ...]  # in ONSETS order
    types: tuple[int, ...]  # in TYPES order
    known: int
    seconds: int
    longest: int | None
    median: float | None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_day(self) -> float | None:
        """Seizures per recorded day; None when no day was recorded."""
        return self.count / self.recorded if self.recorded else None

    @property
    def burden_minutes(self) -> float | None:
        """Minutes spent seizing per recorded day."""
        return self.seconds / 60 / self.recorded if self.recorded else None

    def share(self, n: int) -> float | None:
        """`n` as a percentage of the episodes logged with details; None when there were none."""
        return 100 * n / self.detailed if self.detailed else None


@dataclass(frozen=True)
class Stretch:
    days: int
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Summary:
    period: Period
    days: list[date]
    counts: list[int]  # seizures on each of `days`
    recorded: list[bool]  # whether each of `days` was recorded
    # window (7, 28) -> mean count per recorded day over the window ending each day (None:
    # no recorded day in it), and how many days that window had.
    rolling: dict[int, list[float | None]]
    rolling_days: dict[int, list[int]]
    buckets: list[Bucket]
    whole: Bucket
    free_days: int
    longest_free: Stretch
    hours: list[list[int]]  # [weekday, Monday first][hour]
    # Seizures per day from up to 27 days before the period to its end: treatment windows
    # that fall inside are counted from here rather than by another query.
    counted: dict[date, int]
    coverage: Coverage
    # The periods too frequent to count that overlap the period, each reported whole, once.
    uncountable: tuple[Span, ...] = ()
    # Counted for the report only.
    sides: dict[str, dict[str, int]] | None = None
    rescue: int | None = None
    tallies: int | None = None

    @property
    def per_28_days(self) -> float | None:
        per_day = self.whole.per_day
        return None if per_day is None else per_day * WINDOW_DAYS

    @property
    def unrecorded_days(self) -> int:
        """Days nobody recorded or confirmed (days marked as not recorded are apart)."""
        return sum(
            1 for on, rec in zip(self.days, self.recorded, strict=True) if not rec and not self.coverage.marked(on)
        )

    @property
    def not_recorded_days(self) -> int:
        return sum(1 for on in self.days if self.coverage.marked(on))

    @property
    def unknown_duration(self) -> int:
        return self.whole.count - self.whole.known

    @property
    def sign_counts(self) -> dict[str, int]:
        return dict(zip(SIGN_KEYS, self.whole.signs, strict=True))

    @property
    def onset_counts(self) -> dict[str, int]:
        """Seizures of the recorded days by what the child was doing as each began."""
        return dict(zip(ONSETS, self.whole.onsets, strict=True))

    @property
    def type_counts(self) -> dict[str, int]:
        """Seizures of the recorded days by type; those with no type given are in none."""
        return dict(zip(TYPES, self.whole.types, strict=True))


def bucket_start(day: date, granularity: str) -> date:
    if granularity == Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day


def _counts(parts: list[DayRow] | list[Bucket]) -> dict:
    """The counts of days or of buckets, summed."""
    return {
        "count": sum(p.count for p in parts),
        "detailed": sum(p.detailed for p in parts),
        "signs": _columns(parts, "signs", len(SIGN_KEYS)),
        "migrated": sum(p.migrated for p in parts),
        "onsets": _columns(parts, "onsets", len(ONSETS)),
        "types": _columns(parts, "types", len(TYPES)),
    }


def _columns(parts: list[DayRow] | list[Bucket], name: str, width: int) -> tuple[int, ...]:
    """The tuples held under `name` by each part, summed column by column."""
    return tuple(sum(column) for column in zip(*(getattr(p, name) for p in parts), strict=True)) or (0,) * width


def _bucket(origin: date, start: date, end: date, recorded: int, rows: list[DayRow], durations: list[int]) -> Bucket:
    """The days from `start` to `end`, `recorded` of them recorded: `rows` are those recorded
    days that had seizures, summed; `durations` are their known durations, sorted."""
    n = len(durations)
    return Bucket(
        origin=origin,
        start=start,
        end=end,
        recorded=recorded,
        **_counts(rows),
        known=n,
        seconds=sum(durations),
        longest=durations[-1] if n else None,
        median=(durations[(n - 1) // 2] + durations[n // 2]) / 2 if n else None,
    )


def _spans(start: date, size: int, granularity: str) -> list[tuple[date, int, int]]:
    """The bars of `size` days from `start`: each one's origin and its days' indexes [a, b)."""
    spans, a = [], 0
    while a < size:
        origin = bucket_start(start + timedelta(days=a), granularity)
        if granularity == Granularity.WEEK:
            after = origin + timedelta(days=7)
        elif granularity == Granularity.MONTH:
            after = (origin + timedelta(days=31)).replace(day=1)
        else:
            after = origin + timedelta(days=1)
        b = min(size, (after - start).days)
        spans.append((origin, a, b))
        a = b
    return spans


def _sorted_durations(rows: list[DayRow]) -> list[int]:
    return sorted(chain.from_iterable(row.durations for row in rows))


def _kth(runs: list[list[int]], k: int) -> int:
    """The k-th smallest (from 0) of whole numbers spread over sorted runs, without merging
    them: a bisection on the value, counting with bisect in each run."""
    low, high = min(run[0] for run in runs if run), max(run[-1] for run in runs if run)
    while low < high:
        middle = (low + high) // 2
        if sum(bisect_right(run, middle) for run in runs) > k:
            high = middle
        else:
            low = middle + 1
    return low


def _whole(buckets: list[Bucket], runs: list[list[int]]) -> Bucket:
    """The buckets as one; the median picked from their sorted durations."""
    known = sum(b.known for b in buckets)
    longest = max((b.longest for b in buckets if b.longest is not None), default=None)
    return Bucket(
        origin=buckets[0].start,
        start=buckets[0].start,
        end=buckets[-1].end,
        recorded=sum(b.recorded for b in buckets),
        **_counts(buckets),
        known=known,
        seconds=sum(b.seconds for b in buckets),
        longest=longest,
        median=(_kth(runs, (known - 1) // 2) + _kth(runs, known // 2)) / 2 if known else None,
    )


def _rolling(counts: list[int], recorded: list[bool], lead: int) -> dict[int, tuple[list[float | None], list[int]]]:
    """For each window in ROLLING and each day after the first `lead` (there only to fill the
    first windows), the mean count per recorded day over that day and the `window - 1` days
    before it (None when none of them was recorded), and how many days the window spans.
    Near the start of the diary the window is shorter: days before the diary began are
    unknown, not zero."""
    sums = [0, *accumulate(c if r else 0 for c, r in zip(counts, recorded, strict=True))]
    days = [0, *accumulate(map(int, recorded))]
    ends = range(lead + 1, len(counts) + 1)
    rolling = {}
    for window in ROLLING:
        firsts = [max(0, end - window) for end in ends]
        means = [
            round((sums[end] - sums[first]) / seen, 2) if (seen := days[end] - days[first]) else None
            for end, first in zip(ends, firsts, strict=True)
        ]
        rolling[window] = (means, [end - first for end, first in zip(ends, firsts, strict=True)])
    return rolling


def _longest_run_of_zeros(days: list[date], free: list[bool]) -> Stretch:
    """The longest run of seizure-free days (any other day ends a run)."""
    best = Stretch(0)
    run_start = None
    for n, is_free in enumerate(free):
        if not is_free:
            run_start = None
            continue
        run_start = n if run_start is None else run_start
        if n - run_start + 1 > best.days:
            best = Stretch(n - run_start + 1, days[run_start], days[n])
    return best


def _hours(rows: list[DayRow]) -> list[list[int]]:
    """Seizures by local weekday (Monday first) and hour over the days of `rows` (the
    recorded ones: seizures logged on a day marked not recorded are left out, as everywhere)."""
    by_weekday: list[list[bytes]] = [[] for _ in range(7)]
    for row in rows:
        by_weekday[row.on.weekday()].append(row.hours)
    return [[hours.count(hour) for hour in range(24)] for hours in map(b"".join, by_weekday)]


def summarise(child: Child, period: Period, *, began_on: date, report: bool = False) -> Summary:
    """Every figure for `period` (which starts no earlier than `began_on`). Four queries: the
    coverage (three) and the days (from up to 27 days before the period, for the first
    rolling averages)."""
    lead_start = min(period.start, max(period.start - timedelta(days=max(ROLLING) - 1), began_on))
    lead = (period.start - lead_start).days
    coverage = load_coverage(child, lead_start, period.end)
    grid = day_rows(child, lead_start, period.end, report=report, excluded=coverage.periods.excluded)
    all_recorded, all_free = coverage.statuses(lead_start, grid.counts)
    counts, recorded, free = grid.counts[lead:], all_recorded[lead:], all_free[lead:]
    # The period's days that had seizures, and those of them that were recorded.
    rows = [row for row in grid.rows if row.on >= period.start]
    kept = [row for row in rows if recorded[(row.on - period.start).days]]

    buckets, runs, at = [], [], 0
    for origin, a, b in _spans(period.start, len(counts), period.granularity):
        inside = []
        while at < len(kept) and (kept[at].on - period.start).days < b:
            inside.append(kept[at])
            at += 1
        runs.append(_sorted_durations(inside))
        first, last = period.start + timedelta(days=a), period.start + timedelta(days=b - 1)
        buckets.append(_bucket(origin, first, last, sum(recorded[a:b]), inside, runs[-1]))
    whole = _whole(buckets, runs)

    extra = {}
    if report:
        totals = [sum(column) for column in zip(*(r.sides for r in kept), strict=True)] or [0] * len(SIDED) * len(SIDES)
        extra = {
            "sides": {
                sign.key: dict(zip(SIDES, totals[n * len(SIDES) : (n + 1) * len(SIDES)], strict=True))
                for n, sign in enumerate(SIDED)
            },
            "rescue": sum(r.rescue for r in kept),
            "tallies": sum(r.tallies for r in kept),
        }
    all_days = list(map(date.fromordinal, range(lead_start.toordinal(), lead_start.toordinal() + len(grid.counts))))
    days = all_days[lead:]
    start, end = period.bounds(child.zone)
    rolling = _rolling(grid.counts, all_recorded, lead)
    return Summary(
        period=period,
        days=days,
        counts=counts,
        recorded=recorded,
        rolling={window: means for window, (means, _spans) in rolling.items()},
        rolling_days={window: spans for window, (_means, spans) in rolling.items()},
        buckets=buckets,
        whole=whole,
        free_days=sum(free),
        longest_free=_longest_run_of_zeros(days, free),
        counted=dict(zip(all_days, grid.counts, strict=True)),
        coverage=coverage,
        uncountable=tuple(span for span in coverage.periods.spans if span.end > start and span.start < end),
        hours=_hours(kept),
        **extra,
    )
