"""The plotly figures, built from plain lists; the plotly.js the app serves (only that file
from the plotly package), with its styles as a file so the strict CSP holds; and the
logging pages, which never load plotly.js."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.urls import reverse

from seizures.management.commands import fetch_plotly
from seizures.reports import charts
from tests.support import plotly_css
from tests.support.factories import make_episodes, make_treatment
from tests.support.sweep import SWEEP_OBJECTS

PLOTLY_PATH = "seizures/vendor/plotly-cartesian.min.js"

DAYS = [date(2026, 3, 1) + timedelta(days=n) for n in range(60)]
WEEKS = [date(2026, 2, 23) + timedelta(weeks=n) for n in range(9)]
MONTHS = [date(2026, 3, 1), date(2026, 4, 1)]
ROLLING = {7: [1.0] * 60, 28: [2.0] * 60}
FREQUENCY_LABELS = {"bars": "Seizures", "axis": "per week", "rolling7": "7-day", "rolling28": "28-day",
                    "rolling_axis": "per day"}  # fmt: skip


def every_figure() -> dict[str, dict]:
    return {
        "frequency": charts.frequency(granularity="week", starts=WEEKS, counts=list(range(9)), days=DAYS,
                                      rolling=ROLLING, bands=[charts.Band("ACTH", DAYS[5], DAYS[20])],
                                      labels=FREQUENCY_LABELS),
        "durations": charts.durations(granularity="month", starts=MONTHS, median=[1.5, None], longest=[3.0, None],
                                      labels={"median": "Median", "longest": "Longest", "axis": "Minutes"}),
        "burden": charts.burden(granularity="day", starts=DAYS, minutes_per_day=[0.5] * 60,
                                labels={"bars": "Minutes", "axis": "Minutes per day"}),
        "signs": charts.signs(granularity="month", starts=MONTHS, shares={"apnea": [50.0, None]},
                              labels={"apnea": "Apnea", "axis": "Share"}),
        "time_of_day": charts.time_of_day(counts=[[n] * 24 for n in range(7)], weekdays=list("MTWTFSS"),
                                          labels={"count": "Seizures"}),
    }  # fmt: skip


def test_every_figure_is_valid_plotly_with_the_shared_layout_and_no_template() -> None:
    figures = every_figure()
    for name, figure in figures.items():
        go.Figure(figure)  # raises on any property plotly.js does not know
        layout = figure["layout"]
        # template="none": not the ~6 KB of defaults plotly adds to every figure otherwise.
        assert len(json.dumps(layout["template"])) < 100, name
        assert layout["dragmode"] is False and layout["xaxis"]["fixedrange"] is True, name
        assert layout["font"] == figures["burden"]["layout"]["font"], name
        assert "colorway" not in layout, name  # colours are charts.js's, per light or dark mode


def test_days_and_weeks_are_a_start_and_a_step_months_a_list() -> None:
    burden = every_figure()["burden"]["data"][0]
    assert (burden["x0"], burden["dx"], "x" in burden) == ("2026-03-01", 86_400_000, False)
    signs = every_figure()["signs"]["data"][0]
    assert signs["x"] == ["2026-03-01", "2026-04-01"] and signs["xperiod"] == "M1"


def test_weekly_bars_get_the_rolling_averages_on_a_second_axis_once_a_week() -> None:
    bars, seven, twenty_eight = every_figure()["frequency"]["data"]
    assert bars["type"] == "bar" and bars["x0"] == "2026-02-23" and bars["dx"] == 7 * 86_400_000
    assert seven["yaxis"] == "y2" and twenty_eight["yaxis"] == "y2"
    # 60 days, one point a week ending on the last day: days 3, 10, ..., 59.
    assert seven["x0"] == DAYS[3].isoformat() and len(seven["y"]) == 9
    # Round numbers of its own on the second axis, not ticks lined up with the bars' axis.
    assert every_figure()["frequency"]["layout"]["yaxis2"]["tickmode"] == "auto"


def test_daily_bars_share_their_axis_with_daily_averages() -> None:
    figure = charts.frequency(granularity="day", starts=DAYS, counts=[1] * 60, days=DAYS, rolling=ROLLING,
                              bands=[], labels=FREQUENCY_LABELS)  # fmt: skip
    _bars, seven, _ = figure["data"]
    assert seven["yaxis"] == "y" and len(seven["y"]) == 60
    assert "yaxis2" not in figure["layout"]


def test_treatments_are_shaded_bands_with_their_names() -> None:
    layout = every_figure()["frequency"]["layout"]
    [band] = layout["shapes"]
    assert (band["x0"], band["x1"], band["yref"]) == ("2026-03-06", "2026-03-22", "paper")  # the day after the last
    assert [a["text"] for a in layout["annotations"]] == ["ACTH"]


HOSTILE = '<a href="https://evil.example/">x</a> & <b>'
SHOWN = '&lt;a href="https://evil.example/"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'  # plotly.js shows it as typed


def test_every_string_reaching_a_figure_is_escaped_for_plotly() -> None:
    frequency = charts.frequency(
        granularity="week", starts=WEEKS, counts=[1] * 9, days=DAYS, rolling=ROLLING,
        bands=[charts.Band(HOSTILE, DAYS[5], DAYS[20])], labels=dict.fromkeys(FREQUENCY_LABELS, HOSTILE),
    )  # fmt: skip
    assert [a["text"] for a in frequency["layout"]["annotations"]] == [SHOWN]
    assert {trace["name"] for trace in frequency["data"]} == {SHOWN}
    assert frequency["layout"]["yaxis"]["title"]["text"] == frequency["layout"]["yaxis2"]["title"]["text"] == SHOWN
    heatmap = charts.time_of_day(counts=[[1] * 24] * 7, weekdays=[HOSTILE] * 7, labels={"count": HOSTILE})
    assert heatmap["data"][0]["y"] == [SHOWN] * 7 and heatmap["data"][0]["name"] == SHOWN
    others = [
        charts.durations(granularity="month", starts=MONTHS, median=[1.0, 2.0], longest=[1.0, 2.0],
                         labels=dict.fromkeys(("median", "longest", "axis"), HOSTILE)),
        charts.burden(granularity="day", starts=DAYS, minutes_per_day=[0.5] * 60,
                      labels=dict.fromkeys(("bars", "axis"), HOSTILE)),
        charts.signs(granularity="month", starts=MONTHS, shares={"apnea": [50.0, None]},
                     labels=dict.fromkeys(("apnea", "axis"), HOSTILE)),
    ]  # fmt: skip
    for figure in others:
        assert "<a" not in json.dumps(figure) and SHOWN in figure["layout"]["yaxis"]["title"]["text"]


def test_time_of_day_is_a_weekday_by_hour_heatmap_without_a_colour_bar() -> None:
    [heatmap] = every_figure()["time_of_day"]["data"]
    assert len(heatmap["z"]) == 7 and all(len(row) == 24 for row in heatmap["z"])
    # plotly.js draws the colour bar with style attributes, which the CSP refuses.
    assert heatmap["showscale"] is False


def test_an_empty_period_still_makes_valid_figures() -> None:
    figure = charts.frequency(granularity="day", starts=[], counts=[], days=[], rolling={7: [], 28: []},
                              bands=[], labels=FREQUENCY_LABELS)  # fmt: skip
    drawn = go.Figure(figure).to_plotly_json()  # plotly accepts it again, as plotly.js will
    assert [(trace["type"], len(trace["y"])) for trace in drawn["data"]] == [("bar", 0), ("scatter", 0), ("scatter", 0)]


# --- plotly.js, served by the app -----------------------------------------------------------
def test_the_served_plotly_js_is_the_recorded_cartesian_bundle_of_the_python_packages_version(capsys) -> None:
    """The file is the pinned release (its SHA-256 as fetch_plotly records it), and the same
    plotly.js version the Python package builds its figures for."""
    call_command("fetch_plotly", "--check")
    assert "as recorded" in capsys.readouterr().out
    served = Path(finders.find(PLOTLY_PATH)).read_text()[:80]
    packaged = (Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js").read_text()[:80]
    version = re.search(r"plotly\.js v([\d.]+)", packaged).group(1)
    assert f"plotly.js (cartesian - minified) v{version}" in served and version == fetch_plotly.VERSION
    assert (Path(finders.find(PLOTLY_PATH)).parent / "plotly.js-LICENSE.txt").read_text().startswith("MIT License")


def test_a_changed_bundle_fails_the_check(tmp_path, monkeypatch) -> None:
    changed = tmp_path / "plotly-cartesian.min.js"
    changed.write_text("/* not plotly */")
    monkeypatch.setattr(fetch_plotly, "BUNDLE", changed)
    with pytest.raises(CommandError, match="not plotly.js"):
        call_command("fetch_plotly", "--check")


def test_the_app_serves_plotly_js_itself(client) -> None:
    response = client.get(settings.STATIC_URL + PLOTLY_PATH)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:40].startswith(b"/**\n* plotly.js (cartesian")


def test_collectstatic_copies_the_bundle_with_a_hashed_name(tmp_path, settings) -> None:
    # Hashing only: the production build's compression is covered by the caregiver tests.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    vendor = sorted(p.name for p in (tmp_path / "seizures" / "vendor").iterdir() if p.suffix == ".js")
    assert len(vendor) == 2 and "plotly-cartesian.min.js" in vendor
    hashed = next(name for name in vendor if name != "plotly-cartesian.min.js")
    assert re.fullmatch(r"plotly-cartesian\.min\.[0-9a-f]{12}\.js", hashed)
    assert not list(tmp_path.rglob("widgetbundle*")) and not list(tmp_path.rglob("*.csv.gz"))


def test_the_static_plotly_css_matches_the_bundled_plotly_js() -> None:
    """plotly.js skips injecting its <style> (which the CSP blocks) only because the chart
    pages link these same rules as a file. After a plotly upgrade, regenerate the file."""
    ours = Path(settings.BASE_DIR / "seizures" / "static" / "seizures" / "plotly.css").read_text()
    assert ours == plotly_css.css(), (
        "run: .venv/bin/python -m tests.support.plotly_css > seizures/static/seizures/plotly.css"
    )


def test_the_chart_pages_carry_the_element_plotly_checks_before_injecting_map_styles() -> None:
    source = plotly_css.SOURCE.read_text()
    ids = set(re.findall(r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)', source))
    head = (settings.BASE_DIR / "seizures" / "templates" / "seizures" / "_plotly_head.html").read_text()
    assert ids and all(f'id="{style_id}"' in head for style_id in ids)


# --- Logging pages ----------------------------------------------------------------------------
LOGGING_EXEMPT = {"seizures:charts", "seizures:report", "seizures:export-csv"}


def _seizure_pages(child, owner):
    from tests.caregiver.test_url_sweep import CHILD_ROUTES, _params, _url

    for route, name, _view in CHILD_ROUTES:
        if not (name or "").startswith("seizures:") or name in LOGGING_EXEMPT:
            continue
        values = {"child_id": child.public_id}
        values |= {key: SWEEP_OBJECTS[key](child, owner) for key in _params(route) if key != "child_id"}
        yield name, _url(route, values)


def test_logging_pages_never_load_plotly(owner_client, child, owner) -> None:
    make_episodes(child, 20)
    make_treatment(child)
    seen = 0
    for name, url in _seizure_pages(child, owner):
        response = owner_client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        assert b"plotly" not in response.content.lower(), name
    assert seen >= 4
    charts_page = owner_client.get(reverse("seizures:charts", args=[child.public_id]))
    assert PLOTLY_PATH.encode() in charts_page.content


@pytest.mark.parametrize("name", ["seizures:home", "seizures:timeline"])
def test_the_named_logging_pages_are_among_those_checked(child, owner, name) -> None:
    assert name in {page for page, _url in _seizure_pages(child, owner)}


@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_every_chart_of_a_full_history_passes_plotlys_validators(owner_client, history, by) -> None:
    """The pages build figures without plotly's per-property checks (for speed): here every
    property of every figure goes through them, strictly (an unknown one fails)."""
    page = owner_client.get(reverse("seizures:charts", args=[history.public_id]), {"period": "all", "by": by})
    figures = [chart.figure for chart in page.context["charts"]]
    assert len(figures) == 6
    for figure in figures:
        validated = go.Figure(figure, skip_invalid=False).to_plotly_json()
        assert [trace["type"] for trace in validated["data"]] == [trace["type"] for trace in figure["data"]]
