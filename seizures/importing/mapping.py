"""Which column of the file holds which of the diary's fields, and how to read its times.

One shape for the page's form and for `manage.py import_csv --mapping mapping.json`:
`{"columns": {"started_at": "Date", "duration": "Seconds", "apnea": "Apnea", …},
"time_zone": "America/New_York", "date_order": "ymd", "repeated_time": "ask"}`.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caregiver.models import time_zone_names
from seizures.signs import COLOUR_FIELD, OBSERVATIONS, SIGNS


@dataclass(frozen=True)
class Target:
    name: str
    label: Promise
    kind: str  # moment, offset, duration, boolean, choice, path, path_seconds, text, uuid


def _sign_targets() -> list[Target]:
    targets = []
    for sign in SIGNS:
        targets.append(Target(sign.key, sign.label, "boolean"))
        if sign.side_field:
            targets.append(
                Target(sign.side_field, format_lazy(gettext_lazy("{}: which side"), sign.short_label), "choice")
            )
        if sign.limb_field:
            targets.append(
                Target(sign.limb_field, format_lazy(gettext_lazy("{}: which limb"), sign.short_label), "choice")
            )
    return targets


TARGETS: tuple[Target, ...] = (
    Target("started_at", gettext_lazy("Date and time it began"), "moment"),
    Target("offset", gettext_lazy("UTC offset or time zone of that time"), "offset"),
    Target("duration", gettext_lazy("Duration (seconds, m:ss or h:mm:ss)"), "duration"),
    *_sign_targets(),
    Target(COLOUR_FIELD, gettext_lazy("Colour change"), "choice"),
    Target("onset", gettext_lazy("What the child was doing as it began (awake, asleep, feeding)"), "choice"),
    Target("seizure_type", gettext_lazy("Seizure type"), "choice"),
    *(Target(o.key, o.label, "boolean") for o in OBSERVATIONS),
    Target("migration_path", gettext_lazy("Migration path (regions separated by “>”)"), "path"),
    Target("migration_path_seconds", gettext_lazy("Seconds of each migration step"), "path_seconds"),
    Target("rescue_medicine", gettext_lazy("Rescue medicine given"), "text"),
    Target("rescue_given_at", gettext_lazy("Rescue medicine given at"), "moment"),
    Target("counted_with_plus_one", gettext_lazy("Counted with “+1” (no details)"), "boolean"),
    Target("notes", gettext_lazy("Notes"), "text"),
    Target("received_at", gettext_lazy("When it was first logged"), "moment"),
    Target("episode_id", gettext_lazy("Seizure id (this app’s own export)"), "uuid"),
)
BY_NAME = {target.name: target for target in TARGETS}
# Names other diaries and spreadsheets use, for the first guess (compared case-blind).
ALIASES = {
    "started_at": ("started_at", "date and time", "datetime", "date/time", "start", "started", "time", "date"),
    "duration": ("duration_seconds", "duration", "duration (s)", "seconds", "length"),
    "notes": ("notes", "note", "comments", "comment", "description"),
}
DATE_ORDERS = {"ymd": gettext_lazy("Year first (2026-05-01)"), "dmy": gettext_lazy("Day first (01/05/2026)"),
               "mdy": gettext_lazy("Month first (05/01/2026)")}  # fmt: skip
REPEATED = {
    "ask": gettext_lazy("List them as problems, to fix in the file"),
    "earlier": gettext_lazy("Take the first (still summer time)"),
    "later": gettext_lazy("Take the second (after the clocks went back)"),
}


class MappingError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]
    time_zone: str
    date_order: str = "ymd"
    repeated_time: str = "ask"
    unused: list[str] = field(default_factory=list)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def as_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "time_zone": self.time_zone, "date_order": self.date_order,
                "repeated_time": self.repeated_time}  # fmt: skip


def read_mapping(data: Any, header: list[str], default_zone: str) -> Mapping:
    """The mapping `data` describes for a file with `header`; MappingError names each mistake
    (a column the file does not have, a field the diary does not have, no start column)."""
    if not isinstance(data, dict):
        raise MappingError({"mapping": _("A mapping is an object with “columns”.")})
    errors: dict[str, str] = {}
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        columns, errors["columns"] = {}, _("“columns” maps the diary’s fields to the file’s columns.")
    chosen: dict[str, str] = {}
    for name, column in columns.items():
        if column in ("", None):
            continue
        if name not in BY_NAME:
            errors[str(name)] = _("The diary has no field called “%(name)s”.") % {"name": name}
        elif not isinstance(column, str) or column not in header:
            errors[name] = _("The file has no column called “%(column)s”.") % {"column": column}
        else:
            chosen[name] = column
    if "started_at" not in chosen and "started_at" not in errors:
        errors["started_at"] = _("Choose the column with the date and time each seizure began.")
    zone = data.get("time_zone") or default_zone
    if zone not in time_zone_names():
        errors["time_zone"] = _("Choose a time zone from the list.")
    date_order = data.get("date_order") or "ymd"
    if date_order not in DATE_ORDERS:
        errors["date_order"] = _("Choose how the dates are written.")
    repeated = data.get("repeated_time") or "ask"
    if repeated not in REPEATED:
        errors["repeated_time"] = _("Choose what to do with times the clocks repeat.")
    unknown = set(data) - {"columns", "time_zone", "date_order", "repeated_time"}
    if unknown:
        errors[sorted(unknown)[0]] = _("A mapping has no setting called “%(name)s”.") % {"name": sorted(unknown)[0]}
    if errors:
        raise MappingError(errors)
    unused = [column for column in header if column not in chosen.values()]
    return Mapping(columns=chosen, time_zone=zone, date_order=date_order, repeated_time=repeated, unused=unused)


def guess(header: list[str]) -> dict[str, str]:
    """A first mapping: columns named as the app's own export names them, or as the usual
    aliases; the parent checks and changes it."""
    by_lower = {column.strip().lower(): column for column in header}
    guessed = {}
    for target in TARGETS:
        for alias in ALIASES.get(target.name, (target.name,)):
            if alias in by_lower and by_lower[alias] not in guessed.values():
                guessed[target.name] = by_lower[alias]
                break
    return guessed
