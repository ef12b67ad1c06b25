"""Episodes as CSV rows, streamed: one row per episode, memory flat at any history length.

Made for spreadsheets: UTF-8 with a byte-order mark (so Excel reads it as UTF-8) and a header
row. Columns are named by the model's field names, a contract like the sign keys. Text a
family typed is defused if a spreadsheet would read it as a formula (OWASP's CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime

from caregiver.models import Child
from seizures.models import Episode
from seizures.signs import COLOUR_FIELD, OBSERVATION_KEYS, SIGNS

CHUNK = 2000
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIGN_COLUMNS = [name for sign in SIGNS for name in (sign.key, sign.side_field, sign.limb_field) if name]
HEADER = [
    "episode_id",
    "started_at",
    "duration_seconds",
    "in_progress",
    *SIGN_COLUMNS,
    COLOUR_FIELD,
    *OBSERVATION_KEYS,
    "migrated",
    "migration_path",
    "migration_path_seconds",
    "rescue_medicine",
    "rescue_given_at",
    "counted_with_plus_one",
    "notes",
    "logged_by",
]
# Between the start and the path, the columns are stored values written out as they are.
_PLAIN = ["duration_seconds", "in_progress", *SIGN_COLUMNS, COLOUR_FIELD, *OBSERVATION_KEYS, "migrated"]
_FIELDS = [
    "public_id",
    "started_at",
    *_PLAIN,
    "path",
    "rescue_medicine",
    "rescue_given_at",
    "is_tally",
    "notes",
    "logged_by__name",
    "logged_by__email",
]


def defuse(text: str) -> str:
    """Text a spreadsheet would run as a formula, prefixed with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return defuse(value)
    return "" if value is None else value


def _path(path) -> tuple[str, str]:
    """The regions in order, and the seconds into the seizure of each (blank when unknown)."""
    steps = [step for step in path if isinstance(step, dict)] if isinstance(path, list) else []
    regions = " > ".join(str(step.get("region", "")) for step in steps)
    seconds = " > ".join("" if step.get("at_seconds") is None else str(step["at_seconds"]) for step in steps)
    return defuse(regions), seconds


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def chunks(child: Child, start: datetime, end: datetime) -> Iterator[str]:
    """The CSV text in pieces of up to CHUNK lines: the header, then the child's live episodes
    that started in [start, end), oldest first. One query, read CHUNK rows at a time."""
    writer = csv.writer(_Echo())
    zone = child.zone
    yield BOM + writer.writerow(HEADER)
    episodes = (
        Episode.objects.for_child(child)
        .live()
        .between(start, end)
        .order_by("started_at", "public_id")
        .values_list(*_FIELDS)
    )
    plain = len(_PLAIN)
    batch = []
    for public_id, started_at, *rest in episodes.iterator(chunk_size=CHUNK):
        path, rescue, rescue_at, is_tally, notes, name, email = rest[plain:]
        batch.append(
            writer.writerow(
                [
                    public_id,
                    started_at.astimezone(zone).isoformat(timespec="seconds"),
                    *map(_cell, rest[:plain]),
                    *_path(path),
                    defuse(rescue),
                    rescue_at.astimezone(zone).isoformat(timespec="seconds") if rescue_at else "",
                    int(is_tally),
                    defuse(notes),
                    defuse(name or email or ""),
                ]
            )
        )
        if len(batch) == CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
