"""Episodes as CSV, streamed: one row per episode, memory flat at any history length.

Made for spreadsheets: UTF-8 with a byte-order mark (so Excel reads it as UTF-8) and a header
row. Columns are named by the model's field names, a contract like the sign keys; yes/no
columns are 1 and 0, so a spreadsheet can sum them. Text a family typed is defused when a
spreadsheet would read it as a formula (OWASP's CSV injection advice). `too_frequent_to_count`
is 1 for a seizure logged inside a period marked too frequent to count: the charts and the
report leave those out of their exact counts.
"""

from __future__ import annotations

import csv
import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import BooleanField, F, IntegerField, TextField
from django.db.models.functions import Cast

from caregiver.models import Child
from seizures.coverage import Span, load_periods
from seizures.models import Episode, is_backfilled
from seizures.signs import COLOUR_FIELD, OBSERVATION_KEYS, SIGNS

CHUNK = 2000
BOM = "\ufeff"
# OWASP: a cell is read as a formula when it starts with = + - @ (Excel and LibreOffice also
# take their full-width forms) even after leading spaces, line breaks or invisible characters,
# which spreadsheets skip; a leading tab or carriage return is defused whatever follows.
FORMULA = re.compile(r"[\t\r]|[\s\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
SIGN_COLUMNS = [name for sign in SIGNS for name in (sign.key, sign.side_field, sign.limb_field) if name]
# Stored values written as they are: yes/no as 1/0, choices as their keys.
# The onset state and seizure type sit with the signs they describe.
STORED = ["in_progress", *SIGN_COLUMNS, COLOUR_FIELD, *OBSERVATION_KEYS, "onset", "seizure_type", "migrated"]
HEADER = [
    "episode_id",
    "started_at",
    "duration_seconds",
    *STORED,
    "migration_path",
    "migration_path_seconds",
    "rescue_medicine",
    "rescue_given_at",
    "counted_with_plus_one",
    "notes",
    "logged_by",
    "received_at",
    "backfilled",
    "too_frequent_to_count",
]


def defuse(text: str) -> str:
    """Text a spreadsheet would run as a formula, prefixed with an apostrophe."""
    return "'" + text if FORMULA.match(text) else text


def _path(text: str) -> tuple[str, str]:
    """The regions in order, and the seconds into the seizure of each (blank when unknown)."""
    steps = json.loads(text) if text not in ("", "[]") else []
    steps = [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []
    regions = " > ".join(str(step.get("region", "")) for step in steps)
    seconds = " > ".join("" if step.get("at_seconds") is None else str(step["at_seconds"]) for step in steps)
    return defuse(regions), seconds


def _columns() -> dict:
    """What to read for each stored column: yes/no fields as integers, and the path as its
    JSON text, so the database does those conversions instead of Python for every row."""
    columns = {}
    for name in STORED:
        field = Episode._meta.get_field(name)
        columns[name] = Cast(name, IntegerField()) if isinstance(field, BooleanField) else F(name)
    return columns


def _inside(spans: tuple[Span, ...]):
    """A test of whether an instant falls in one of the (non-overlapping, sorted) spans."""
    starts = [span.start for span in spans]

    def inside(at: datetime) -> bool:
        n = bisect_right(starts, at) - 1
        return n >= 0 and at < spans[n].end

    return inside


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def episode_rows(child: Child, start: datetime, end: datetime, stored: dict | None = None):
    """The period's live episodes as the CSV reads them, oldest first: the stored columns
    converted in the database (yes/no as 1/0, the path as its JSON text), then the rest."""
    stored = stored or _columns()
    return (
        Episode.objects.for_child(child)
        .live()
        .between(start, end)
        .order_by("started_at", "public_id")
        .annotate(**{f"csv_{name}": value for name, value in stored.items()}, csv_path=Cast("path", TextField()))
        .values_list(
            "public_id",
            "started_at",
            "duration_seconds",
            *(f"csv_{name}" for name in stored),
            "csv_path",
            "rescue_medicine",
            "rescue_given_at",
            Cast("is_tally", IntegerField()),
            "notes",
            "logged_by__name",
            "logged_by__email",
            "received_at",
        )
    )


def _raw(rows) -> Iterator[tuple]:
    """The query's rows as the database driver gives them, CHUNK at a time, through the cursor
    Django streams with (server-side on PostgreSQL, so memory stays flat): Django's own
    per-value converters cost more than the rest of the export together."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while found := cursor.fetchmany(CHUNK):
            yield from found


def _readers():
    """How to read an instant and an id as the driver gives them: SQLite keeps UTC text and
    hex ids; PostgreSQL gives aware datetimes and UUIDs."""
    if connection.vendor == "sqlite":
        return _sqlite_instant, _sqlite_key
    return (lambda value: value), str


def _sqlite_instant(value) -> datetime:
    """A UTC instant SQLite gave as text (or, with its converters, as a naive datetime)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _sqlite_key(value: str) -> str:
    """A UUID SQLite keeps as 32 hex digits, written as UUIDs are."""
    if len(value) != 32:
        return value
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def chunks(child: Child, start: datetime, end: datetime) -> Iterator[str]:
    """The CSV text in pieces of up to CHUNK lines: the header, then the child's live episodes
    that started in [start, end), oldest first. Two queries (the periods too frequent to
    count, then the episodes, read CHUNK rows at a time)."""
    writer = csv.writer(_Echo())
    zone = child.zone
    spans = load_periods(
        child, start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()
    )
    inside = _inside(spans.spans)
    yield BOM + writer.writerow(HEADER)
    stored = _columns()
    width = len(stored)
    instant, key = _readers()
    batch = []
    for public_id, started_at, duration, *rest in _raw(episode_rows(child, start, end, stored)):
        path, rescue, rescue_at, tally, notes, name, email, received_at = rest[width:]
        public_id, started_at, received_at = key(public_id), instant(started_at), instant(received_at)
        rescue_at = instant(rescue_at) if rescue_at else None
        batch.append(
            writer.writerow(
                [
                    public_id,
                    started_at.astimezone(zone).isoformat(timespec="seconds"),
                    "" if duration is None else duration,
                    # Choice fields hold the checklist's keys; defused all the same, as a row
                    # bulk-loaded from elsewhere was never checked against the choices.
                    *(defuse(value) if isinstance(value, str) else value for value in rest[:width]),
                    *_path(path),
                    defuse(rescue),
                    rescue_at.astimezone(zone).isoformat(timespec="seconds") if rescue_at else "",
                    tally,
                    defuse(notes),
                    defuse(name or email or ""),
                    received_at.astimezone(zone).isoformat(timespec="seconds"),
                    int(is_backfilled(started_at, received_at)),
                    int(inside(started_at)),
                ]
            )
        )
        if len(batch) == CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
