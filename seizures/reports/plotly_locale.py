"""plotly.js's locale for the reader's language, from Django's own translations.

plotly.js formats the charts' date axes itself (month and day names, the decimal mark), in
English unless given a locale. Rather than ship one plotly.js locale file per language, the
page carries the names Django already translates for every language it supports, so a new
language's charts need nothing more than the project's catalog.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import dates, formats

from caregiver.languages import active_language

# Django's date-format letters that plotly (d3-time-format) spells differently.
_D3 = {"d": "%d", "j": "%-d", "m": "%m", "n": "%-m", "Y": "%Y", "y": "%y", "b": "%b", "M": "%b", "F": "%B"}


def _d3_date(django_format: str) -> str:
    return "".join(_D3.get(char, char.replace("%", "%%")) for char in django_format)


def plotly_locale() -> dict | None:
    """{"name", "format"} for plotly's `config.locales`, or None for the site's default
    language, whose names are plotly's own."""
    language = active_language()
    if language == settings.LANGUAGE_CODE:
        return None
    # Django counts weekdays from Monday, plotly from Sunday.
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    return {
        "name": language,
        "format": {
            "months": [str(dates.MONTHS[month]) for month in range(1, 13)],
            "shortMonths": [str(dates.MONTHS_3[month]) for month in range(1, 13)],
            "days": [str(dates.WEEKDAYS[day]) for day in sunday_first],
            "shortDays": [str(dates.WEEKDAYS_ABBR[day]) for day in sunday_first],
            "decimal": formats.get_format("DECIMAL_SEPARATOR"),
            "thousands": formats.get_format("THOUSAND_SEPARATOR"),
            "date": _d3_date(formats.get_format("SHORT_DATE_FORMAT")),
        },
    }
