"""The dates a diary may hold, defined once for models, forms, cursors and chart periods.

Anything outside is a typing slip (year 0001 or 9999), and near either end of Python's
calendar adding a day or changing time zone overflows: such a date in a record or a URL
would answer 500 on every page that reads it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST_ON = date(1900, 1, 1)  # no birth, seizure or treatment before it
AHEAD = timedelta(days=366)  # how far ahead a treatment's planned dates may go


def latest_on() -> date:
    return timezone.now().date() + AHEAD


def within(day: date) -> bool:
    return EARLIEST_ON <= day <= latest_on()


def too_early_message() -> str:
    return _("Dates before %(day)s are not accepted.") % {"day": date_format(EARLIEST_ON, "j F Y")}


def too_late_message() -> str:
    return _("Dates more than a year from now are not accepted.")


def day_error(day: date | None) -> str | None:
    """Why `day` is outside the bounds, or None when it is inside (or not given)."""
    if day and day < EARLIEST_ON:
        return too_early_message()
    if day and day > latest_on():
        return too_late_message()
    return None


def bounded_instant(value: datetime) -> datetime | None:
    """`value` in UTC when it falls between EARLIEST_ON and a year from now, else None
    (also when it cannot be converted to UTC at all, as 0001-01-01T00:00+14:00 cannot)."""
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        return None
    return instant if within(instant.date()) else None
