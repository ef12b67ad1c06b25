"""Frequency statistics for one child, counted in the database, in the child's time zone.

Plain functions; none loops over episodes in Python. The figures come from three queries
whatever the history (the days, the hours of the week, the treatment windows):

- **Days.** Python works out each local midnight of the period with zoneinfo (exact on
  daylight-saving days, and in zones whose clocks change at midnight); one query then
  aggregates every day's half-open range of `started_at` through the index of live episodes,
  one row per day, zero-filled by construction. Weeks (Monday start), months and the whole
  period are sums of those days. Not `Trunc*(tzinfo=...)`: SQLite has no time zones, so
  Django calls back into Python for every row (about 0.8 s at 100,000 episodes), and on both
  databases a GROUP BY sorts every row where the day ranges walk the index in order.
- **Hours of the week.** Local time is the UTC instant plus the offset in force then; the
  query has one part per stretch of constant offset that zoneinfo reports inside the period
  (two changes a year at most), so the 168 weekday-hours are grouped in SQL with no per-row
  time-zone lookup.
- **Medians.** SQLite has no percentile function, so each day's row carries its known
  durations as an array (only that column); a week's, month's or period's median merges
  those already-fetched lists (a second pass over the table to sort durations costs more
  than the whole page).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, chain
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from caregiver.models import Child
from seizures.models import Episode, Treatment, local_midnight
from seizures.periods import Granularity, Period
from seizures.signs import SIGN_KEYS, SIGNS, Side

WINDOW_DAYS = 28  # the standard trial window: seizures per 28 days
ROLLING = (7, 28)
RESPONSE = 0.5  # a 50% drop in seizures per 28 days is a "responder"
SIDED = tuple(sign for sign in SIGNS if sign.side_field)
SIDES = tuple(Side.values)


# --- Local time -----------------------------------------------------------------------------
def diary_began_on(child: Child) -> date:
    """The first day of the diary: the day of the first live episode, or the day the child was
    added if that is earlier (days before it are unknown, not seizure-free). One query."""
    first = Episode.objects.for_child(child).live().aggregate(first=Min("started_at"))["first"]
    added = child.created_at.astimezone(child.zone).date()
    return min(first.astimezone(child.zone).date(), added) if first else added


def local_today(child: Child) -> date:
    return datetime.now(UTC).astimezone(child.zone).date()


def offset_changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(instant, offset in seconds from then on)] over [start, end), the first at `start`.
    Steps a day at a time and pins each change to the second by bisection."""
    step = timedelta(days=1)

    def offset(at: datetime) -> int:
        return int(at.astimezone(zone).utcoffset().total_seconds())

    changes = [(start, offset(start))]
    here = start
    while here < end:
        there = min(here + step, end)
        if offset(there) != changes[-1][1]:
            low, high = int(here.timestamp()), int(there.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if offset(datetime.fromtimestamp(middle, UTC)) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            instant = datetime.fromtimestamp(high, UTC)
            changes.append((instant, offset(instant)))
        here = there
    return changes


def _epoch_sql(column: str) -> str:
    """SQL for a timestamp column's whole seconds since 1970-01-01 UTC, native to each
    database. ('%%' is a literal '%' in SQL sent with parameters.)"""
    if connection.vendor == "postgresql":
        return f"FLOOR(DATE_PART('epoch', {column}))::bigint"
    if connection.Database.sqlite_version_info >= (3, 38):
        return f"unixepoch({column})"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"  # older SQLite: slower, the same answer


# --- The days -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DayRow:
    """One local day's aggregates. `detailed` counts episodes logged with the checklist (not
    bare "+1" taps): the fair denominator for sign and migration shares. `sides`, `rescue`
    and `tallies` are counted only when asked for (the report), as each costs a little at
    100,000 rows."""

    on: date
    count: int
    detailed: int
    signs: tuple[int, ...]  # in SIGN_KEYS order
    migrated: int
    durations: list[int]  # the known durations in seconds, in no order
    sides: tuple[int, ...] = ()  # for each sided sign, each Side, in order
    rescue: int = 0
    tallies: int = 0


def _aggregates(report: bool) -> list[str]:
    """The per-day aggregates, as SQL both databases accept, in DayRow order."""
    any_detail = " OR ".join(["NOT e.is_tally", "e.migrated", *(f"e.{key}" for key in SIGN_KEYS)])
    columns = [
        "COUNT(*)",
        f"COUNT(*) FILTER (WHERE {any_detail})",
        *(f"COUNT(*) FILTER (WHERE e.{key})" for key in SIGN_KEYS),
        "COUNT(*) FILTER (WHERE e.migrated)",
    ]
    if report:
        columns += [
            # Side values are the checklist's own constants, never user input.
            *(f"COUNT(*) FILTER (WHERE e.{sign.side_field} = '{side}')" for sign in SIDED for side in SIDES),
            "COUNT(*) FILTER (WHERE e.rescue_medicine <> '')",
            "COUNT(*) FILTER (WHERE e.is_tally)",
        ]
    return columns


def _utc_text(value: datetime) -> str:
    """An instant as SQLite stores `started_at` (naive UTC text), so text order is time order."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _day_values(child: Child, midnights: list[datetime], report: bool) -> list[tuple]:
    """One tuple per day between consecutive `midnights`: the aggregates, then the durations."""
    table = connection.ops.quote_name(Episode._meta.db_table)
    aggregates = ", ".join(_aggregates(report))
    live = "e.child_id = %s AND e.deleted_at IS NULL"
    if connection.vendor == "sqlite":
        texts = [_utc_text(m) for m in midnights]
        days = json.dumps(list(zip(texts, texts[1:], strict=False)))
        sql = (
            f"SELECT (SELECT json_array({aggregates}, json_group_array(e.duration_seconds)"
            f" FILTER (WHERE e.duration_seconds IS NOT NULL)) FROM {table} e"
            f" WHERE {live} AND e.started_at >= json_extract(d.value, '$[0]')"
            " AND e.started_at < json_extract(d.value, '$[1]')) FROM json_each(%s) d ORDER BY d.key"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [child.pk, days])
            # Every day's row (the durations an array inside it) parsed in one call, in C.
            return json.loads("[" + ",".join(row[0] for row in cursor.fetchall()) + "]")
    if connection.vendor == "postgresql":
        sql = (
            "SELECT s.* FROM unnest(%s::timestamptz[], %s::timestamptz[]) WITH ORDINALITY AS d(day_start, day_end, n)"
            f" CROSS JOIN LATERAL (SELECT {aggregates}, array_agg(e.duration_seconds)"
            f" FILTER (WHERE e.duration_seconds IS NOT NULL) FROM {table} e"
            f" WHERE {live} AND e.started_at >= d.day_start AND e.started_at < d.day_end) s ORDER BY d.n"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # The planner overestimates the per-day ranges and would spend longer compiling
            # the query with JIT than running it (0.3 s against 0.07 s at 100,000 episodes).
            cursor.execute("SET LOCAL jit = off")
            # Arrays as literals: one text parameter each, not a thousand adapted datetimes.
            starts, ends = (
                "{" + ",".join(m.isoformat() for m in part) + "}" for part in (midnights[:-1], midnights[1:])
            )
            cursor.execute(sql, [starts, ends, child.pk])
            return cursor.fetchall()
    raise NotImplementedError(f"seizure statistics support SQLite and PostgreSQL, not {connection.vendor}")


def day_rows(child: Child, first: date, last: date, *, report: bool = False) -> list[DayRow]:
    """Every local day from `first` to `last` inclusive, days without seizures included. One
    query (on PostgreSQL inside a transaction, with one SET)."""
    count = (last - first).days + 1
    if count <= 0:
        return []
    midnights = [local_midnight(first + timedelta(days=n), child.zone) for n in range(count + 1)]
    signs_at, migrated_at = 2, 2 + len(SIGN_KEYS)
    sides_at = migrated_at + 1
    rows = []
    for n, values in enumerate(_day_values(child, midnights, report)):
        extra = {}
        if report:
            rescue_at = sides_at + len(SIDED) * len(SIDES)
            extra = {"sides": tuple(values[sides_at:rescue_at]), "rescue": values[rescue_at], "tallies": values[-2]}
        rows.append(
            DayRow(
                on=first + timedelta(days=n),
                count=values[0],
                detailed=values[1],
                signs=tuple(values[signs_at:migrated_at]),
                migrated=values[migrated_at],
                durations=values[-1] or [],
                **extra,
            )
        )
    return rows


# --- Hours of the week ----------------------------------------------------------------------
def hour_of_week(child: Child, start: datetime, end: datetime) -> list[list[int]]:
    """Seizures by local weekday (Monday first) and hour, over [start, end). One query: a
    UNION ALL with one part per stretch of constant UTC offset, so each row's local time is
    its epoch seconds plus a constant (a CASE over the changes costs a third more on SQLite),
    counted from index entries alone."""
    changes = offset_changes(child.zone, start, end)
    ends = [instant for instant, _ in changes[1:]] + [end]
    table = connection.ops.quote_name(Episode._meta.db_table)
    # 1970-01-01 was a Thursday: hour 0 of the epoch is hour 72 of a week that starts on Monday.
    part = (
        f"SELECT (({_epoch_sql('started_at')} + %s) / 3600 + 72) %% 168, COUNT(*) FROM {table}"
        " WHERE child_id = %s AND deleted_at IS NULL AND started_at >= %s AND started_at < %s GROUP BY 1"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params = []
    for (since, offset), until in zip(changes, ends, strict=True):
        params += [offset, child.pk, adapt(since), adapt(until)]
    grid = [[0] * 24 for _ in range(7)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([part] * len(changes)), params)
        for slot, n in cursor.fetchall():
            grid[slot // 24][slot % 24] += n
    return grid


# --- The period, summed -----------------------------------------------------------------------
@dataclass(frozen=True)
class Bucket:
    """A run of days summed: one bar of a chart (a day, a Monday-to-Sunday week or a month, cut
    to the period), or the whole period. `origin` is the day its week or month begins, where
    the bar is drawn, even when the period starts later. Durations count only seizures whose
    duration is known."""

    origin: date
    start: date
    end: date
    count: int
    detailed: int
    signs: tuple[int, ...]  # in SIGN_KEYS order
    migrated: int
    known: int
    seconds: int
    longest: int | None
    median: float | None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def burden_minutes(self) -> float:
        """Minutes spent seizing per day."""
        return self.seconds / 60 / self.days

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
    rolling: dict[int, list[float]]  # window (7, 28) -> mean daily count over the window ending each day
    buckets: list[Bucket]
    whole: Bucket
    free_days: int
    longest_free: Stretch
    hours: list[list[int]]  # [weekday, Monday first][hour]
    # Seizures per day from up to 27 days before the period to its end: treatment windows
    # that fall inside are counted from here rather than by another query.
    counted: dict[date, int]
    # Counted for the report only.
    sides: dict[str, dict[str, int]] | None = None
    rescue: int | None = None
    tallies: int | None = None

    @property
    def per_28_days(self) -> float:
        return self.whole.count / self.whole.days * WINDOW_DAYS

    @property
    def unknown_duration(self) -> int:
        return self.whole.count - self.whole.known

    @property
    def sign_counts(self) -> dict[str, int]:
        return dict(zip(SIGN_KEYS, self.whole.signs, strict=True))


def bucket_start(day: date, granularity: str) -> date:
    if granularity == Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day


def _bucket(origin: date, rows: list[DayRow], durations: list[int]) -> Bucket:
    """The days summed; `durations` are their known durations, sorted."""
    n = len(durations)
    return Bucket(
        origin=origin,
        start=rows[0].on,
        end=rows[-1].on,
        count=sum(r.count for r in rows),
        detailed=sum(r.detailed for r in rows),
        signs=tuple(map(sum, zip(*(r.signs for r in rows), strict=True))),
        migrated=sum(r.migrated for r in rows),
        known=n,
        seconds=sum(durations),
        longest=durations[-1] if n else None,
        median=(durations[(n - 1) // 2] + durations[n // 2]) / 2 if n else None,
    )


def _sorted_durations(rows: list[DayRow]) -> list[int]:
    return sorted(chain.from_iterable(row.durations for row in rows))


def _rolling(counts: list[int], lead: int, window: int) -> list[float]:
    """Mean of each day's count and the `window - 1` days before it, for the days after the
    first `lead` (which are there only to fill the first windows). Near the start of the
    diary the window is shorter: days before the diary began are unknown, not zero."""
    sums = [0, *accumulate(counts)]
    out = []
    for n in range(lead, len(counts)):
        first = max(0, n - window + 1)
        out.append(round((sums[n + 1] - sums[first]) / (n + 1 - first), 2))
    return out


def _longest_run_of_zeros(days: list[date], counts: list[int]) -> Stretch:
    best = Stretch(0)
    run_start = None
    for n, count in enumerate(counts):
        if count:
            run_start = None
            continue
        run_start = n if run_start is None else run_start
        if n - run_start + 1 > best.days:
            best = Stretch(n - run_start + 1, days[run_start], days[n])
    return best


def summarise(child: Child, period: Period, *, began_on: date, report: bool = False) -> Summary:
    """Every figure for `period` (which starts no earlier than `began_on`). Two queries: the
    days (from up to 27 days before the period, for the first rolling averages) and the hours
    of the week."""
    lead_start = min(period.start, max(period.start - timedelta(days=max(ROLLING) - 1), began_on))
    lead = (period.start - lead_start).days
    all_rows = day_rows(child, lead_start, period.end, report=report)
    all_counts = [r.count for r in all_rows]
    rows, counts = all_rows[lead:], all_counts[lead:]

    groups: dict[date, list[DayRow]] = {}
    for row in rows:
        groups.setdefault(bucket_start(row.on, period.granularity), []).append(row)
    sorted_durations = {origin: _sorted_durations(group) for origin, group in groups.items()}
    buckets = [_bucket(origin, group, sorted_durations[origin]) for origin, group in groups.items()]
    # Concatenated sorted runs: the sort merges them rather than sorting from scratch.
    whole = _bucket(period.start, rows, sorted(chain.from_iterable(sorted_durations.values())))

    extra = {}
    if report:
        totals = [sum(column) for column in zip(*(r.sides for r in rows), strict=True)]
        extra = {
            "sides": {
                sign.key: dict(zip(SIDES, totals[n * len(SIDES) : (n + 1) * len(SIDES)], strict=True))
                for n, sign in enumerate(SIDED)
            },
            "rescue": sum(r.rescue for r in rows),
            "tallies": sum(r.tallies for r in rows),
        }
    days = [r.on for r in rows]
    return Summary(
        period=period,
        days=days,
        counts=counts,
        rolling={window: _rolling(all_counts, lead, window) for window in ROLLING},
        buckets=buckets,
        whole=whole,
        free_days=counts.count(0),
        longest_free=_longest_run_of_zeros(days, counts),
        counted={r.on: r.count for r in all_rows},
        hours=hour_of_week(
            child, local_midnight(period.start, child.zone), local_midnight(period.end + timedelta(days=1), child.zone)
        ),
        **extra,
    )


# --- Treatments -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    first: date
    last: date
    count: int = 0


@dataclass(frozen=True)
class Effect:
    """A treatment judged the standard way: seizures in the 28 days before it started against
    the latest 28 days on it (for a stopped treatment, its last 28 days)."""

    treatment: Treatment
    before: Window | None
    after: Window | None
    missing: str  # why there is no comparison ("" when there is one)

    @property
    def change_percent(self) -> float | None:
        if self.missing or not self.before or not self.after or not self.before.count:
            return None
        return round(100 * (self.after.count - self.before.count) / self.before.count, 1)

    @property
    def responder(self) -> bool | None:
        if self.change_percent is None:
            return None
        return self.after.count <= self.before.count * (1 - RESPONSE)


def _windows(treatment: Treatment, *, began_on: date, today: date) -> tuple[Window | None, Window | None, str]:
    before = Window(treatment.started_on - timedelta(days=WINDOW_DAYS), treatment.started_on - timedelta(days=1))
    if treatment.stopped_on is not None and treatment.stopped_on < today:
        after = Window(treatment.stopped_on - timedelta(days=WINDOW_DAYS - 1), treatment.stopped_on)
    else:
        # The latest 28 whole days: today is not over yet.
        after = Window(today - timedelta(days=WINDOW_DAYS), today - timedelta(days=1))
    if before.first < began_on:
        return None, after if after.first >= treatment.started_on else None, "before"
    if after.first < treatment.started_on:
        return before, None, "after"
    return before, after, ""


def treatment_effects(
    child: Child,
    treatments: list[Treatment],
    *,
    began_on: date,
    today: date,
    counted: dict[date, int] | None = None,
) -> list[Effect]:
    """Before-and-after windows for each treatment. Windows whose days are all in `counted`
    (seizures per day, from `summarise`) are summed from it; the rest are counted in one
    query, so at most one. `missing` is "before" when the diary began less than 28 days
    before the start, "after" when the treatment has run for less than 28 whole days."""
    planned = [(t, *_windows(t, began_on=began_on, today=today)) for t in treatments]
    windows = {w for _, before, after, _ in planned for w in (before, after) if w is not None}
    counted = counted or {}
    totals = {}
    for w in windows:
        days = [w.first + timedelta(days=n) for n in range(WINDOW_DAYS)]
        if all(day in counted for day in days):
            totals[w] = sum(counted[day] for day in days)
    if uncounted := windows - totals.keys():
        totals |= _count_windows(child, uncounted)

    def counted_window(window: Window | None) -> Window | None:
        return Window(window.first, window.last, totals[window]) if window else None

    return [Effect(t, counted_window(before), counted_window(after), missing) for t, before, after, missing in planned]


def _count_windows(child: Child, windows: set[Window]) -> dict[Window, int]:
    """Seizures in each window: one query, an index range count per window as a scalar
    subquery of the child's own row."""
    zone = child.zone
    names = {w: f"w{n}" for n, w in enumerate(windows)}
    live = Episode.objects.filter(child=OuterRef("pk"), deleted_at__isnull=True).order_by().values("child")
    counts = (
        Child.objects.filter(pk=child.pk)
        .annotate(
            **{
                names[w]: Coalesce(
                    Subquery(
                        live.filter(
                            started_at__gte=local_midnight(w.first, zone),
                            started_at__lt=local_midnight(w.last + timedelta(days=1), zone),
                        )
                        .annotate(n=Count("*"))
                        .values("n")
                    ),
                    0,
                )
                for w in windows
            }
        )
        .values(*names.values())
        .get()
    )
    return {w: counts[name] for w, name in names.items()}
