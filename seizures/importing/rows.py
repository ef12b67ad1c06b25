"""One row of the file as the seizure it will be, or the problems that stop it.

Times: an offset in the time ("2026-11-01T01:30:00-04:00") or in the offset column is used
as written; otherwise the time is read in the mapping's zone, and a time the clocks skip
("does not exist") is a problem, as is one they repeat unless the mapping says which.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from seizures import recording
from seizures.importing.mapping import BY_NAME, Mapping
from seizures.models import Episode
from seizures.reports.csv_export import FORMULA
from seizures.signs import COLOUR_FIELD, SIGNS, Colour, Limb, Onset, Region, SeizureType, Side

YES = {"1", "yes", "y", "true", "t", "x", "✓", "✔", "on"}
NO = {"", "0", "no", "n", "false", "f", "-", "off"}
CHOICES = {
    **{s.side_field: Side for s in SIGNS if s.side_field},
    **{s.limb_field: Limb for s in SIGNS if s.limb_field},
    COLOUR_FIELD: Colour,
    "onset": Onset,
    "seizure_type": SeizureType,
}
FORMATS = {
    "dmy": ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M"),
    "mdy": ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m-%d-%Y %H:%M"),
    "ymd": ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"),
}
OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$", re.IGNORECASE)
DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
MAX_TEXT = {"notes": 5000, "rescue_medicine": 200}


class Problem(Exception):
    pass


def _naive(text: str, order: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace(" T", "T"))
    except ValueError:
        pass
    for pattern in FORMATS[order]:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise Problem(_("“%(text)s” is not a date and time this import can read.") % {"text": text[:40]})


def _offset(text: str) -> timezone | zoneinfo.ZoneInfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    if match := OFFSET.match(text):
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > timedelta(hours=14):
            raise Problem(_("“%(text)s” is not a UTC offset.") % {"text": text})
        return timezone(-delta if sign == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Problem(_("“%(text)s” is neither a UTC offset nor a time zone.") % {"text": text[:40]}) from None


def _in_zone(naive: datetime, zone: zoneinfo.ZoneInfo, repeated: str) -> datetime:
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise Problem(
            _("%(time)s does not exist in %(zone)s: the clocks went forward over it. Check it, or give its offset.")
            % {"time": naive.isoformat(sep=" "), "zone": zone.key}
        )
    if repeated == "earlier":
        return first
    if repeated == "later":
        return second
    raise Problem(
        _("%(time)s happened twice in %(zone)s (the clocks went back): give its offset, %(first)s or %(second)s, "
          "or choose below which one such times are.")
        % {"time": naive.isoformat(sep=" "), "zone": zone.key, "first": _utc_offset(first),
           "second": _utc_offset(second)}
    )  # fmt: skip


def _utc_offset(moment: datetime) -> str:
    return moment.isoformat()[-6:]


def moment(text: str, mapping: Mapping, offset_text: str = "") -> datetime:
    """The instant, in UTC (an aware time in a zone's repeated hour compares unequal to its
    own UTC instant, PEP 495, so none is kept)."""
    found = _local_moment(text, mapping, offset_text)
    try:
        return found.astimezone(UTC)
    except OverflowError:
        raise Problem(_("“%(text)s” is outside the dates a diary can hold.") % {"text": text[:40]}) from None


def _local_moment(text: str, mapping: Mapping, offset_text: str) -> datetime:
    text = text.strip()
    if not text:
        raise Problem(_("No date and time."))
    naive = _naive(text, mapping.date_order)
    if naive.tzinfo is not None:
        return naive
    zone = _offset(offset_text.strip()) if offset_text.strip() else mapping.zone
    if isinstance(zone, zoneinfo.ZoneInfo):
        return _in_zone(naive, zone, mapping.repeated_time)
    return naive.replace(tzinfo=zone)


def duration(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"\d+\.0*", text):
        return int(float(text))
    if match := DURATION.match(text):
        hours, minutes, seconds = match.groups()
        if int(seconds) < 60:
            return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    raise Problem(_("“%(text)s” is not a duration: use seconds (95), m:ss (1:35) or h:mm:ss.") % {"text": text[:20]})


def yes_no(text: str, column: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise Problem(_("“%(text)s” in “%(column)s” is neither yes nor no.") % {"text": text[:20], "column": column})


def choice(text: str, name: str, column: str) -> str:
    value = text.strip()
    if not value:
        return Episode._meta.get_field(name).get_default()  # onset: not known; others: none
    choices = CHOICES[name]
    for key, label in choices.choices:
        if value.lower() in (key, str(label).lower()):
            return key
    allowed = ", ".join(choices.values)
    raise Problem(_("“%(text)s” in “%(column)s” is not one of: %(allowed)s.") % {"text": value[:20],
                  "column": column, "allowed": allowed})  # fmt: skip


def path(regions: str, seconds: str) -> list[dict]:
    names = [part.strip() for part in regions.split(">")] if regions.strip() else []
    times = [part.strip() for part in seconds.split(">")] if seconds.strip() else []
    labels = {str(label).lower(): key for key, label in Region.choices}
    steps = []
    for n, name in enumerate(names):
        key = name if name in Region.values else labels.get(name.lower())
        if key is None:
            raise Problem(_("“%(text)s” in the migration path is not a body region.") % {"text": name[:30]})
        at = times[n] if n < len(times) else ""
        if at and not at.isdigit():
            raise Problem(_("“%(text)s” in the migration path’s seconds is not whole seconds.") % {"text": at[:20]})
        steps.append({"region": key, "at_seconds": int(at) if at else None})
    return steps


def episode(cells: dict[str, str], mapping: Mapping) -> tuple[Episode, UUID | None]:
    """The row's seizure (not saved, not yet checked against the model's rules) and the id it
    had in this app's own export, if the file says. Problem when a cell cannot be read."""
    value = {name: cells.get(column, "") for name, column in mapping.columns.items()}
    found = Episode(started_at=moment(value["started_at"], mapping, value.get("offset", "")))
    found.duration_seconds = duration(value.get("duration", ""))
    for name, text in value.items():
        kind = BY_NAME[name].kind
        column = mapping.columns[name]
        if kind == "boolean":
            setattr(found, "is_tally" if name == "counted_with_plus_one" else name, yes_no(text, column))
        elif kind == "choice":
            setattr(found, name, choice(text, name, column))
        elif kind == "text":
            if len(text) > MAX_TEXT[name]:
                raise Problem(
                    _("“%(column)s” is longer than %(n)d characters.") % {"column": column, "n": MAX_TEXT[name]}
                )
            setattr(found, name, _undefused(text))
        elif name in ("rescue_given_at", "received_at") and text.strip():
            setattr(found, name, moment(text, mapping))
    found.path = path(value.get("migration_path", ""), value.get("migration_path_seconds", ""))
    found.normalise()
    known_id = None
    if value.get("episode_id", "").strip():
        try:
            known_id = UUID(value["episode_id"].strip())
        except ValueError:
            raise Problem(_("“%(text)s” is not a seizure id.") % {"text": value["episode_id"][:40]}) from None
    return found, known_id


def _undefused(text: str) -> str:
    """Text as typed: the app's own export puts an apostrophe before text a spreadsheet would
    run as a formula, and that apostrophe goes again here."""
    return text[1:] if text.startswith("'") and FORMULA.match(text[1:]) else text


def problems(found: Episode) -> list[str]:
    """What the diary's own rules say of the seizure (the same check as every other way in)."""
    try:
        recording.check(found)
    except ValidationError as error:
        return [message for messages in error.message_dict.values() for message in messages]
    return []
