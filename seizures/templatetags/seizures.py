"""Display helpers for seizure templates."""

from __future__ import annotations

import json

from django import template
from django.utils.translation import gettext as _
from plotly.io.json import to_json_plotly

from seizures.reports.plotly_locale import plotly_locale

register = template.Library()


@register.simple_tag
def plotly_locale_json() -> str:
    """The reader's plotly.js locale as JSON for a <meta> (see seizures.reports.plotly_locale),
    or "" when plotly's own English names serve."""
    locale = plotly_locale()
    return json.dumps(locale, separators=(",", ":")) if locale else ""


@register.filter
def json_attr(value) -> str:
    """The value as JSON, for a data attribute (autoescape escapes it there). Not json_script:
    htmx, set not to run scripts, drops every <script> element from a swapped fragment, so
    data a refreshed part needs would vanish with the first refresh."""
    return json.dumps(value, separators=(",", ":"))


@register.filter
def figure_json(figure: dict) -> str:
    """A chart's figure as JSON for its data attribute, encoded by plotly's own encoder (dates,
    decimals and NaN as plotly.js reads them); like json_attr, not json_script."""
    return to_json_plotly(figure)


@register.filter
def duration(seconds: int | None) -> str:
    """2:13, or 1:02:05 past an hour; "unknown" when not known."""
    if seconds is None or seconds == "":
        return _("duration unknown")
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def offset(seconds: int | None) -> str:
    """A time into the seizure, as m:ss; empty when not known."""
    if seconds is None or seconds == "":
        return ""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
