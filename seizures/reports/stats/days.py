"""Counting in the database, in the child's local time: the day grid and the hours of the
week (see the package docstring for why this way)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import orjson
from django.db import connection
from django.db.models import Min

from caregiver.models import Child
from seizures.models import Episode
from seizures.signs import SIGN_KEYS, SIGNS, Onset, SeizureType, Side

SIDED = tuple(sign for sign in SIGNS if sign.side_field)
SIDES = tuple(Side.values)
ONSETS = tuple(Onset.values)
TYPES = tuple(SeizureType.values)


# --- Local time -----------------------------------------------------------------------------
def diary_began_on(child: Child) -> date:
    """The first day of the diary: the day of the first live episode, or the day the child was
    added if that is earlier (days before it are unknown, not seizure-free). One query."""
    first = Episode.objects.for_child(child).live().aggregate(first=Min("started_at"))["first"]
    added = child.created_at.astimezone(child.zone).date()
    return min(first.astimezone(child.zone).date(), added) if first else added


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


def without(ranges: list[tuple[datetime, datetime]], excluded: list[tuple[datetime, datetime]]) -> list[list]:
    """For each half-open range, the parts of it outside every `excluded` range (the periods
    too frequent to count): none when one covers it, two when one sits inside it."""
    out = []
    for start, end in ranges:
        parts = [(start, end)]
        for x0, x1 in excluded:
            if x1 <= start or x0 >= end:
                continue
            kept = []
            for p0, p1 in parts:
                if x1 <= p0 or x0 >= p1:
                    kept.append((p0, p1))
                    continue
                if p0 < x0:
                    kept.append((p0, x0))
                if x1 < p1:
                    kept.append((x1, p1))
            parts = kept
        out.append(parts)
    return out


def epoch_sql(column: str) -> str:
    """SQL for a timestamp column's whole seconds since 1970-01-01 UTC, native to each
    database. ('%%' is a literal '%' in SQL sent with parameters.)"""
    if connection.vendor == "postgresql":
        return f"FLOOR(DATE_PART('epoch', {column}))::bigint"
    if connection.Database.sqlite_version_info >= (3, 38):
        return f"unixepoch({column})"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"  # older SQLite: slower, the same answer


# --- The days -------------------------------------------------------------------------------
class DayRow(NamedTuple):
    """One local day's aggregates. `detailed` counts episodes logged with the checklist (not
    bare "+1" taps): the fair denominator for sign and migration shares. `sides`, `rescue`
    and `tallies` are counted only when asked for (the report), as each costs a little at
    100,000 rows. A named tuple: a page makes one for each day with seizures, and a tuple is
    made several times faster than a frozen dataclass."""

    on: date
    count: int
    detailed: int
    signs: tuple[int, ...]  # in SIGN_KEYS order
    migrated: int
    onsets: tuple[int, ...]  # in ONSETS order
    types: tuple[int, ...]  # in TYPES order (a seizure with no type given is in none)
    durations: list[int]  # the known durations in seconds, in no order
    hours: bytes  # the local hour (0-23) each seizure began, a byte each, in no order
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
        # Onset states and types are the choices' own constants, never user input.
        *(f"COUNT(*) FILTER (WHERE e.onset = '{onset}')" for onset in ONSETS),
        *(f"COUNT(*) FILTER (WHERE e.seizure_type = '{kind}')" for kind in TYPES),
    ]
    if report:
        columns += [
            # Side values are the checklist's own constants, never user input.
            *(f"COUNT(*) FILTER (WHERE e.{sign.side_field} = '{side}')" for sign in SIDED for side in SIDES),
            "COUNT(*) FILTER (WHERE e.rescue_medicine <> '')",
            "COUNT(*) FILTER (WHERE e.is_tally)",
        ]
    return columns


# A half-open range of instants, as naive UTC datetimes (cheaper to make, compare and write
# out, a thousand times a page), and its UTC offset in seconds.
Part = tuple[datetime, datetime, int]


def _texts(parts: list[Part]) -> list[tuple[str, str, int]]:
    """The parts with their instants as naive UTC text (as SQLite stores `started_at`, so text
    order is time order); an end that is the next part's start (the same midnight) is
    written once."""
    texts, previous, end_text = [], None, ""
    for start, end, offset in parts:
        start_text = end_text if start is previous else str(start)
        previous, end_text = end, str(end)
        texts.append((start_text, end_text, offset))
    return texts


# PostgreSQL sends each local hour as a letter ("A" is midnight): a string per day is sent
# and read far faster than an array of numbers. This turns the letters into the hours.
_LETTER_HOURS = bytes.maketrans(bytes(range(65, 65 + 24)), bytes(range(24)))


def _day_values(child: Child, parts: list[Part], report: bool) -> list[tuple[int, list]]:
    """For each part with seizures, its index and its values: the aggregates, then the known
    durations, then each seizure's local hour as a byte (its epoch seconds plus the part's
    offset, so no time-zone lookup per row). Parts without seizures are left out before any
    aggregate is started: on a sparse diary most days are empty, and their thirty aggregates
    would cost more than the days that had seizures."""
    if not parts:  # periods too frequent to count cover every day
        return []
    table = connection.ops.quote_name(Episode._meta.db_table)
    aggregates = ", ".join(_aggregates(report))
    live = "e.child_id = %s AND e.deleted_at IS NULL"
    inside = "e.started_at >= d.day_start AND e.started_at < d.day_end"
    hour = f"({epoch_sql('e.started_at')} + d.utc_offset) / 3600 %% 24"
    if connection.vendor == "sqlite":
        # Materialised, so each part's bounds and offset are read from its JSON once, not for
        # every row (a third of the query's time at 100,000 seizures); older SQLite has no hint.
        hint = "MATERIALIZED" if connection.Database.sqlite_version_info >= (3, 35) else ""
        sql = (
            f"WITH d(n, day_start, day_end, utc_offset) AS {hint} (SELECT key, json_extract(value, '$[0]'),"
            " json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(%s))"
            f" SELECT d.n, (SELECT json_array({aggregates},"
            " json_group_array(e.duration_seconds) FILTER (WHERE e.duration_seconds IS NOT NULL),"
            f" json_group_array({hour})) FROM {table} e WHERE {live} AND {inside}) FROM d"
            f" WHERE EXISTS (SELECT 1 FROM {table} e WHERE {live} AND {inside}) ORDER BY d.n"
        )  # not joined and grouped as on PostgreSQL: SQLite would sort every row to group them
        with connection.cursor() as cursor:
            cursor.execute(sql, [orjson.dumps(_texts(parts)).decode(), child.pk, child.pk])
            found = cursor.fetchall()
        # Every part's values (the arrays inside them) parsed in one call, by orjson (2.5
        # times the standard library's speed on a 100,000-seizure diary's arrays).
        values = orjson.loads("[" + ",".join(text for _, text in found) + "]")
        return [(n, [*part[:-1], bytes(part[-1])]) for (n, _), part in zip(found, values, strict=True)]
    if connection.vendor == "postgresql":
        # Joined and grouped by part: the parts come out of unnest in order, so PostgreSQL
        # aggregates the index's rows as they arrive, without sorting them, and a part
        # without seizures joins nothing.
        sql = (
            f"SELECT {aggregates}, COALESCE(string_agg(e.duration_seconds::text, ',')"
            f" FILTER (WHERE e.duration_seconds IS NOT NULL), ''), string_agg(chr(65 + ({hour})::int), ''), d.n - 1"
            " FROM unnest(%s::timestamptz[], %s::timestamptz[], %s::integer[])"
            f" WITH ORDINALITY AS d(day_start, day_end, utc_offset, n) JOIN {table} e ON {live} AND {inside}"
            " GROUP BY d.n ORDER BY d.n"
        )
        # JIT is off for the connection (seizures.receivers.no_jit): the planner overestimates
        # the per-day ranges and would spend longer compiling this query than running it.
        with connection.cursor() as cursor:
            starts, ends, offsets = zip(*_texts(parts), strict=True)
            # Arrays as literals of UTC instants: one text parameter each, not a thousand
            # adapted values.
            arrays = ["{" + "+00,".join(starts) + "+00}", "{" + "+00,".join(ends) + "+00}"]
            cursor.execute(sql, [*arrays, "{" + ",".join(map(str, offsets)) + "}", child.pk])
            rows = cursor.fetchall()
        # Every part's durations (sent as text, like the hours) parsed in one call.
        durations = orjson.loads("[" + ",".join(f"[{row[-3]}]" for row in rows) + "]")
        return [
            (row[-1], [*row[:-3], known, row[-2].encode().translate(_LETTER_HOURS)])
            for row, known in zip(rows, durations, strict=True)
        ]
    raise NotImplementedError(f"seizure statistics support SQLite and PostgreSQL, not {connection.vendor}")


Range = tuple[datetime, datetime]
DAY = timedelta(days=1)


def utc_midnights(first: date, count: int, zone: ZoneInfo) -> list[datetime]:
    """The instants at which `count` local days from `first` begin, as naive UTC: each
    wall-clock midnight less the zone's offset at it (fold 0), which is `local_midnight`
    (tests/seizures/test_stats.py checks every zone) with one call into zoneinfo, not three."""
    wall, midnights = datetime.combine(first, time()), []
    for _ in range(count):
        midnights.append(wall - zone.utcoffset(wall))
        wall += DAY
    return midnights


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _day_parts(midnights: list[datetime], zone: ZoneInfo, excluded: list[Range]) -> list[list[Part]]:
    """Each day (from one midnight to the next, naive UTC) as parts of constant UTC offset,
    outside every `excluded` range (naive UTC too): one part on most days, two across a
    daylight-saving change, none when an excluded range covers the day. Only a day that is
    not 24 hours long has its change looked for."""
    offset = int(midnights[0].replace(tzinfo=UTC).astimezone(zone).utcoffset().total_seconds())
    days = []
    for start, end in zip(midnights, midnights[1:], strict=False):
        if end - start == DAY:
            days.append([(start, end, offset)])
            continue
        # Where the clocks change at midnight, the day's offset is new from its first instant.
        (_, offset), *changes = offset_changes(zone, start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))
        parts = []
        for instant, then in changes:
            instant = _naive(instant)
            if instant < end:  # a change at the next midnight is the next day's
                parts.append((start, instant, offset))
                start = instant
            offset = then
        parts.append((start, end, offset))
        days.append(parts)
    if not excluded:
        return days
    return [
        [(a, b, offset) for start, end, offset in parts for a, b in without([(start, end)], excluded)[0]]
        for parts in days
    ]


def _merged(parts: list[list], width: int) -> list:
    """One day's values from those of its parts: the counts summed, the arrays joined."""
    if len(parts) == 1:
        return parts[0]
    return [
        *(sum(column) for column in zip(*(p[:width] for p in parts), strict=True)),
        [d for p in parts for d in p[width]],
        b"".join(p[width + 1] for p in parts),
    ]


@dataclass(frozen=True)
class Days:
    """Local days from `first` on: how many seizures each had (`counts[n]` is day n's) and,
    for the days that had any, in order, their aggregates (a day without seizures has none
    to give)."""

    first: date
    counts: list[int]
    rows: list[DayRow]

    @property
    def counted(self) -> dict[date, int]:
        """Seizures on each day, by day."""
        return {self.first + timedelta(days=n): count for n, count in enumerate(self.counts)}


def day_rows(
    child: Child, first: date, last: date, *, report: bool = False, excluded: list[tuple[datetime, datetime]] = ()
) -> Days:
    """Every local day from `first` to `last` inclusive, leaving out seizures that began inside
    an `excluded` range (the periods too frequent to count: a day they touch is counted in
    parts). One query."""
    size = (last - first).days + 1
    if size <= 0:
        return Days(first, [], [])
    midnights = utc_midnights(first, size + 1, child.zone)
    days = _day_parts(midnights, child.zone, [(_naive(a), _naive(b)) for a, b in excluded])
    day_of_part = [n for n, parts in enumerate(days) for _part in parts]
    found: dict[int, list[list]] = {}
    for part, values in _day_values(child, [part for parts in days for part in parts], report):
        found.setdefault(day_of_part[part], []).append(values)
    width = len(_aggregates(report))
    signs_at, migrated_at = 2, 2 + len(SIGN_KEYS)
    onsets_at = migrated_at + 1
    types_at = onsets_at + len(ONSETS)
    sides_at = types_at + len(TYPES)
    rescue_at = sides_at + len(SIDED) * len(SIDES)
    counts, rows, origin = [0] * size, [], first.toordinal()
    for n, parts in found.items():
        values = _merged(parts, width)
        counts[n] = values[0]
        extra = {}
        if report:
            extra = {
                "sides": tuple(values[sides_at:rescue_at]),
                "rescue": values[rescue_at],
                "tallies": values[rescue_at + 1],
            }
        rows.append(
            DayRow(
                date.fromordinal(origin + n),
                values[0],
                values[1],
                tuple(values[signs_at:migrated_at]),
                values[migrated_at],
                tuple(values[onsets_at:types_at]),
                tuple(values[types_at:sides_at]),
                values[width],
                values[width + 1],
                **extra,
            )
        )
    return Days(first, counts, rows)
