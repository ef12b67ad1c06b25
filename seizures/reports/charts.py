"""Plotly figures from plain lists: no queries, no request, nothing but the numbers given.

Each function returns the figure as a dict in plotly's figure schema; the page encodes it
with plotly's JSON encoder (the `figure_json` filter) and its one static script
(seizures/static/seizures/charts.js) draws it with the plotly.js the app serves. The dicts
are written here rather than through plotly's graph objects, which copy every figure whole
at least twice (a fifth of a chart page's time at a thousand seizures); the tests put every
chart through plotly's strict validators instead (tests/seizures/test_charts.py). Figures
use `template="none"` (plotly's default template adds ~6 KB of JSON to each) and one shared
layout; colours are left to charts.js, which picks a palette for the reader's light or dark
mode. Titles and text summaries live in the page, not the figure.

plotly.js reads every text it draws (legend names, axis titles, annotations, category labels)
as HTML with links, so each string given here is escaped first: a treatment someone named
`<a href=…>` is shown as typed, never as a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# Bars span their period: a day, a Monday-to-Sunday week, a calendar month.
PERIODS = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1"}
BAND_COLOUR = "rgba(128, 128, 128, 0.18)"  # readable on light and dark backgrounds
# Days with a period too frequent to count: a warm tint, apart from the treatments' grey.
UNCOUNTABLE_COLOUR = "rgba(234, 88, 12, 0.22)"
HOURS = [f"{hour:02d}:00" for hour in range(24)]


@dataclass(frozen=True)
class Band:
    """A treatment period, drawn as a shaded band with its name; `last` is its last day."""

    label: str
    first: date
    last: date


@dataclass(frozen=True)
class Marker:
    """A day note on the frequency chart: its day and what it says."""

    on: date
    label: str


def _escape(text: str) -> str:
    """Text for plotly.js to show as written. Only & < > are replaced: plotly.js's tags need
    `<`, and it decodes &amp; &lt; &gt; but would show &quot; as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped(labels: Mapping[str, str]) -> dict[str, str]:
    return {key: _escape(text) for key, text in labels.items()}


def _layout(**extra) -> dict:
    """The layout every figure shares. Axes do not zoom or pan: on a phone a drag should
    scroll the page, not the chart."""
    layout = {
        "template": "none",
        "autosize": True,
        "margin": {"l": 52, "r": 16, "t": 12, "b": 40},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        "hovermode": "x unified",
        "dragmode": False,
        "xaxis": {"type": "date", "fixedrange": True, "automargin": True, "hoverformat": "%-d %b %Y"},
        "yaxis": {"rangemode": "tozero", "fixedrange": True, "automargin": True},
    }
    for key, value in extra.items():
        layout[key] = layout.get(key, {}) | value if isinstance(value, dict) else value
    return layout


def _trace(kind: str, **props) -> dict:
    return {"type": kind, **props}


def _figure(traces: list[dict], **layout) -> dict:
    """The figure as plotly.js reads it."""
    return {"data": traces, "layout": _layout(**layout)}


def _x(starts: list[date], granularity: str) -> dict:
    """The x coordinates: a start and a step for days and weeks (half the JSON, and nothing
    for plotly to validate point by point), the list of starts for months (which vary)."""
    step = PERIODS[granularity]
    if isinstance(step, int) and starts:
        return {"x0": starts[0].isoformat(), "dx": step}
    return {"x": [start.isoformat() for start in starts]}


def _bands(bands: list[Band]) -> dict:
    """Translucent bands over the plot, names in the margin above (alternating height, so
    treatments that start close together do not print over each other)."""
    if not bands:
        return {}
    shapes, annotations = [], []
    for n, band in enumerate(bands):
        first, after = band.first.isoformat(), (band.last + timedelta(days=1)).isoformat()
        shapes.append(
            {"type": "rect", "xref": "x", "yref": "paper", "x0": first, "x1": after, "y0": 0, "y1": 1,
             "fillcolor": BAND_COLOUR, "line": {"width": 0}, "layer": "above"}
        )  # fmt: skip
        annotations.append(
            {"text": _escape(band.label), "xref": "x", "yref": "paper", "x": first, "y": 1, "yshift": 15 * (n % 2),
             "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 11}}
        )  # fmt: skip
    return {"shapes": shapes, "annotations": annotations, "margin": {"t": 12 + 15 * min(len(bands), 2)}}


def _uncountable(bands: list[Band]) -> list[dict]:
    """The days a period too frequent to count touched, shaded under the bars (their counts
    leave its seizures out), named once in the legend."""
    return [
        {"type": "rect", "xref": "x", "yref": "paper", "x0": band.first.isoformat(),
         "x1": (band.last + timedelta(days=1)).isoformat(), "y0": 0, "y1": 1, "fillcolor": UNCOUNTABLE_COLOUR,
         "line": {"width": 0}, "layer": "below", "name": _escape(band.label), "legendgroup": "uncountable",
         "showlegend": n == 0}
        for n, band in enumerate(bands)
    ]  # fmt: skip


def frequency(
    *,
    granularity: str,
    starts: list[date],
    counts: list[int],
    days: list[date],
    rolling: dict[int, list[float]],
    bands: list[Band],
    labels: dict[str, str],
    uncountable: list[Band] = (),
    markers: list[Marker] = (),
    dose_marks: list[Marker] = (),
) -> dict:
    """Seizures per period as bars, with the 7- and 28-day rolling averages of the daily count
    as lines, treatments as bands, the days of periods too frequent to count (`uncountable`)
    shaded, day notes as markers on the baseline (each day's notes in its hover text), and the
    days with a dose missed or an extra dose (`dose_marks`) as crosses beside them.
    Under weekly or monthly bars the averages are on a
    second axis (they are per day) and drawn once a week, ending on the last day: a phone
    cannot show a thousand points, and a tenth of them is a tenth of the JSON.
    `days` and each `rolling` list run day by day. `labels`: "bars", "axis", "rolling7",
    "rolling28", "rolling_axis" and, with markers, "notes"."""
    labels = _escaped(labels)
    traces = [
        _trace(
            "bar", **_x(starts, granularity), y=counts, name=labels["bars"], xperiod=PERIODS[granularity],
            xperiodalignment="middle", hovertemplate="%{y}<extra></extra>",
        )
    ]  # fmt: skip
    same_axis = granularity == "day"
    step = 1 if same_axis else 7
    picked = range((len(days) - 1) % step, len(days), step)
    line_x = {"x0": days[picked[0]].isoformat(), "dx": step * PERIODS["day"]} if days else {"x": []}
    for window in sorted(rolling):
        traces.append(
            _trace(
                "scatter", **line_x, y=[rolling[window][n] for n in picked], name=labels[f"rolling{window}"],
                mode="lines", xperiod=PERIODS["day"], xperiodalignment="middle", yaxis="y" if same_axis else "y2",
                line={"width": 2.5 if window == 28 else 1.5}, hovertemplate="%{y:.1f}<extra></extra>",
            )
        )  # fmt: skip
    for marks, name, symbol in ((markers, "notes", "diamond"), (dose_marks, "doses", "x")):
        if marks:
            traces.append(_marker_trace(marks, labels[name], symbol))
    extra = {"yaxis": {"title": {"text": labels["axis"]}}, **_bands(bands)}
    if uncountable:
        extra["shapes"] = _uncountable(list(uncountable)) + extra.get("shapes", [])
    if not same_axis:
        extra["yaxis2"] = {
            "title": {"text": labels["rolling_axis"]}, "overlaying": "y", "side": "right",
            "rangemode": "tozero", "fixedrange": True, "showgrid": False, "automargin": True,
            # plotly.js 4 aligns an overlaying axis's ticks with the first axis's ("sync"),
            # which puts them at odd values (1.37, 2.74); its own round numbers read better.
            "tickmode": "auto",
        }  # fmt: skip
        extra["margin"] = extra.get("margin", {}) | {"r": 52}
    return _figure(traces, **extra)


def _marker_trace(marks: list[Marker], name: str, symbol: str) -> dict:
    """Marks on the baseline, one a day (that day's texts together in its hover text)."""
    by_day: dict[date, list[str]] = {}
    for mark in marks:
        by_day.setdefault(mark.on, []).append(_escape(mark.label))
    return _trace(
        "scatter", x=[day.isoformat() for day in by_day], y=[0] * len(by_day), name=name,
        mode="markers", marker={"symbol": symbol, "size": 12, "line": {"width": 1}}, cliponaxis=False,
        xperiod=PERIODS["day"], xperiodalignment="middle",
        text=["<br>".join(texts) for texts in by_day.values()], hovertemplate="%{text}<extra></extra>",
    )  # fmt: skip


def onsets(*, granularity: str, starts: list[date], counts: dict[str, list[int | None]], labels: dict) -> dict:
    """Seizures per period stacked by what the child was doing as each began; gaps where no
    day was recorded. `counts` and `labels` share keys; `labels["axis"]` names the y axis."""
    labels = _escaped(labels)
    x, period = _x(starts, granularity), PERIODS[granularity]
    traces = [
        _trace(
            "bar", **x, y=values, name=labels[key], xperiod=period, xperiodalignment="middle",
            hovertemplate="%{y}<extra></extra>",
        )
        for key, values in counts.items()
    ]  # fmt: skip
    # Stacked bars list their legend bottom-up by default; the choices' order reads better.
    return _figure(traces, barmode="stack", legend={"traceorder": "normal"}, yaxis={"title": {"text": labels["axis"]}})


def durations(
    *, granularity: str, starts: list[date], median: list[float | None], longest: list[float | None], labels: dict
) -> dict:
    """Median and longest duration per period, in minutes; gaps where none was known.
    `labels`: "median", "longest", "axis"."""
    labels = _escaped(labels)
    x, period = _x(starts, granularity), PERIODS[granularity]
    traces = [
        _trace(
            "scatter", **x, y=median, name=labels["median"], mode="lines+markers", connectgaps=False,
            xperiod=period, xperiodalignment="middle", hovertemplate="%{y:.1f}<extra></extra>",
        ),
        _trace(
            "scatter", **x, y=longest, name=labels["longest"], mode="markers",
            marker={"symbol": "triangle-up", "size": 8},
            xperiod=period, xperiodalignment="middle", hovertemplate="%{y:.1f}<extra></extra>",
        ),
    ]  # fmt: skip
    return _figure(traces, yaxis={"title": {"text": labels["axis"]}})


def burden(*, granularity: str, starts: list[date], minutes_per_day: list[float], labels: dict) -> dict:
    """Minutes spent seizing per day (known durations only), averaged over each period.
    `labels`: "bars", "axis"."""
    labels = _escaped(labels)
    trace = _trace(
        "bar", **_x(starts, granularity), y=minutes_per_day, name=labels["bars"], xperiod=PERIODS[granularity],
        xperiodalignment="middle", hovertemplate="%{y:.1f}<extra></extra>",
    )  # fmt: skip
    return _figure([trace], showlegend=False, yaxis={"title": {"text": labels["axis"]}})


def signs(*, granularity: str, starts: list[date], shares: dict[str, list[float | None]], labels: dict) -> dict:
    """The share of detailed episodes showing each sign (and migrating) per period, in percent.
    `shares` and `labels` share keys; `labels["axis"]` names the y axis."""
    labels = _escaped(labels)
    x, period = _x(starts, granularity), PERIODS[granularity]
    traces = [
        _trace(
            "scatter", **x, y=values, name=labels[key], mode="lines+markers", connectgaps=False, marker={"size": 5},
            xperiod=period, xperiodalignment="middle", hovertemplate="%{y:.0f}%<extra></extra>",
        )
        for key, values in shares.items()
    ]  # fmt: skip
    return _figure(traces, yaxis={"title": {"text": labels["axis"]}, "range": [0, 100], "ticksuffix": "%"})


def time_of_day(*, counts: list[list[int]], weekdays: list[str], labels: dict) -> dict:
    """A weekday × hour heatmap of seizure counts, Monday on top; darker is more.
    `labels`: "count" names the trace."""
    labels, weekdays = _escaped(labels), [_escape(day) for day in weekdays]
    # No colour bar: plotly.js draws it with style attributes, which the CSP forbids. The page
    # says what the darkest cell holds, and the table has every number.
    trace = _trace(
        "heatmap", z=counts, x=HOURS, y=weekdays, xgap=1, ygap=1, showscale=False, name=labels["count"],
        hovertemplate="%{y} %{x}: %{z}<extra></extra>",
    )  # fmt: skip
    return _figure(
        [trace],
        hovermode="closest",
        xaxis={"type": "category", "tickangle": 0, "tickvals": HOURS[::3], "ticktext": [h[:2] for h in HOURS[::3]]},
        yaxis={"type": "category", "autorange": "reversed", "rangemode": "normal"},
    )
