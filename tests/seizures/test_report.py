"""The chart page and the clinician report: what they show, the period picker (htmx and
plain links), bad dates, who may see them and what the audit trail records, and a query
count that stays the same with 10 or 5,000 seizures."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caregiver.models import AuditEvent
from seizures.models import Episode, local_midnight
from seizures.reports import stats
from seizures.reports.periods import Period
from tests.conftest import htmx_headers
from tests.support.factories import make_episode, make_episodes, make_treatment

NOW = timezone.make_aware(timezone.datetime(2026, 11, 20, 12, 0))


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name: str, child, **query) -> str:
    return reverse(f"seizures:{name}", args=[child.public_id]) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()))


def figures(response) -> dict[str, dict]:
    """The figure JSON of each chart, by chart."""
    html = response.content.decode()
    found = re.findall(r'class="chart-plot chart-plot-([\w-]+)" data-figure="([^"]*)"', html)
    return {key: json.loads(value.replace("&quot;", '"').replace("&amp;", "&")) for key, value in found}


@pytest.fixture
def history(child):
    """A seizure every seven hours for 120 days, and a treatment started 60 days ago."""
    make_episodes(child, 410, end=NOW - timedelta(hours=1), spacing=timedelta(hours=7))
    make_treatment(child, started_on=(NOW - timedelta(days=60)).date(), name="")
    return child


# --- What the pages show ----------------------------------------------------------------------
def test_chart_page_draws_six_charts_each_with_a_summary_and_a_table(owner_client, history) -> None:
    response = owner_client.get(url("charts", history))
    assert response.status_code == 200
    drawn = figures(response)
    assert list(drawn) == ["frequency", "duration", "burden", "signs", "onset", "time-of-day"]
    assert all(figure["data"] for figure in drawn.values())
    html = response.content.decode()
    assert html.count('class="chart-summary"') == 6 and html.count('<details class="chart-table">') == 6
    # The history has entries on every one of the 90 days: every summary says so.
    assert html.count("90 of 90 days recorded.") == 6 and "307 seizures on the recorded days" in html
    assert "Quinidine" in html  # the band, and the before-and-after table
    assert "vendor/plotly-cartesian.min.js" in html and 'id="plotly.js-style-global"' in html


def test_default_is_the_last_90_days_per_day_and_links_switch_without_javascript(owner_client, history) -> None:
    page = owner_client.get(url("charts", history)).content.decode()
    assert re.search(r'id="period-90d"[^>]*aria-current="true"', page)
    assert re.search(r'id="by-day"[^>]*aria-current="true"', page)
    # Every control is a plain link (or a GET form) that htmx merely speeds up.
    link = re.search(r'id="period-30d" class="choice" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    thirty = owner_client.get(link).content.decode()
    assert re.search(r'id="period-30d"[^>]*aria-current="true"', thirty) and "of 30 days recorded" in thirty
    weekly = owner_client.get(url("charts", history, period="1y", by="week")).content.decode()
    assert re.search(r'id="by-week"[^>]*aria-current="true"', weekly)


def test_a_longer_period_defaults_to_coarser_bars(owner_client, history) -> None:
    year = figures(owner_client.get(url("charts", history, period="1y")))["frequency"]["data"][0]
    assert year["dx"] == 7 * 86_400_000  # weeks
    everything = figures(owner_client.get(url("charts", history, period="all", by="month")))["frequency"]
    assert everything["data"][0]["xperiod"] == "M1"


def test_htmx_gets_the_chart_panel_alone_with_a_status_for_screen_readers(owner_client, history) -> None:
    response = owner_client.get(url("charts", history, period="30d"), **htmx_headers())
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="chart-panel"')
    assert 'id="chart-status"' in html and 'hx-swap-oob="true"' in html
    assert len(figures(response)) == 6


def test_a_period_reaching_before_the_diary_starts_where_the_diary_does(owner_client, child) -> None:
    make_episode(child, NOW - timedelta(days=10))
    html = owner_client.get(url("charts", child, period="90d")).content.decode()
    assert "The diary begins on 10 November 2026, so the period starts then." in html
    assert "of 11 days recorded" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2026-11-10", "end": "2026-11-01"}, "on or before the end date"),
        ({"period": "custom", "start": "2026-11-10", "end": "2026-12-01"}, "cannot be after today"),
        ({"period": "custom", "start": "2026-02-30", "end": "2026-11-01"}, "Enter a valid date"),
        ({"period": "custom", "start": "2026-11-01"}, "Give both a start and an end date"),
        ({"period": "custom", "start": "1999-01-01", "end": "1999-02-01"}, "The diary begins on"),
        ({"period": "forever"}, "Select a valid choice"),
        ({"period": "30d", "by": "fortnight"}, "Select a valid choice"),
    ],
)
def test_bad_dates_get_a_clear_message_never_a_500(owner_client, history, query, message) -> None:
    for page in ("charts", "report"):
        response = owner_client.get(url(page, history, **query))
        assert response.status_code == 200, page
        html = response.content.decode()
        assert message in html, page
        assert "chart-plot" not in html, page
    assert owner_client.get(url("export-csv", history, **query)).status_code == 400


def test_the_custom_dates_fields_keep_what_was_typed_and_tie_each_error_to_its_field(owner_client, history) -> None:
    """The period picker's fields are written out in the template: each keeps the text typed,
    stops at today, and a field's error is named by its input's aria-describedby."""
    html = owner_client.get(url("charts", history, period="custom", start="2026-02-30", end="2026-11-01", by="week"))
    html = html.content.decode()
    assert '<ul class="errorlist" id="id_start_error"><li>Enter a valid date.</li></ul>' in html
    assert (
        '<input type="date" name="start" value="2026-02-30" max="2026-11-20" aria-invalid="true"'
        ' aria-describedby="id_start_error" id="id_start">'
    ) in html
    assert '<input type="date" name="end" value="2026-11-01" max="2026-11-20" id="id_end">' in html
    assert '<label for="id_by">Show per:</label>' in html and '<option value="week" selected>Week</option>' in html
    shown = owner_client.get(url("charts", history, period="custom", start="2026-10-01", end="2026-10-14"))
    shown = shown.content.decode()
    assert 'value="2026-10-01" max="2026-11-20" id="id_start"' in shown  # the period in view, ready to change
    assert '<option value="" selected>Automatic</option>' in shown and "errorlist" not in shown


def test_custom_dates_show_that_period(owner_client, history) -> None:
    html = owner_client.get(url("charts", history, period="custom", start="2026-10-01", end="2026-10-14")).content
    assert "1 Oct 2026 to 14 Oct 2026" in html.decode() and "of 14 days recorded" in html.decode()


def test_report_has_the_child_the_period_the_date_and_every_section(owner_client, history) -> None:
    html = owner_client.get(url("report", history, period="30d")).content.decode()
    assert "Seizure report: Robin" in html
    assert "22 Oct 2026 to 20 Nov 2026" in html and "printed 20 Nov 2026 12:00" in html
    for section in ("Summary", "Day notes", "Treatments", "Charts", "Seizures"):
        assert f">{section}</h2>" in html
    assert html.count("chart-plot chart-plot-") == 6
    assert "Rescue medicine given" in html and "Migrated during the seizure" in html


def test_report_lists_the_latest_seizures_and_says_the_export_has_them_all(owner_client, history) -> None:
    html = owner_client.get(url("report", history, period="90d")).content.decode()
    body = html.split('class="episode-table"')[1].split("</table>")[0]
    assert body.count('<th scope="row">') == 100
    since = local_midnight(NOW.date() - timedelta(days=89), history.zone)
    total = Episode.objects.filter(child=history, started_at__gte=since).count()
    assert total > 300
    assert f"The latest 100 of {total}; the CSV export has them all." in html


def test_report_of_a_quiet_period(owner_client, child) -> None:
    html = owner_client.get(url("report", child, period="30d")).content.decode()
    assert "No seizures were logged in this period." in html
    assert "No treatments have been recorded." in html


# --- Who may see, and the audit trail ---------------------------------------------------------
def test_a_clinician_may_view_charts_report_and_export_and_each_is_recorded(client, history, clinician) -> None:
    client.force_login(clinician)
    assert client.get(url("charts", history, period="30d")).status_code == 200
    assert client.get(url("charts", history, period="90d"), **htmx_headers()).status_code == 200
    assert client.get(url("report", history)).status_code == 200
    export = client.get(url("export-csv", history))
    assert export.status_code == 200
    b"".join(export.streaming_content)
    events = list(AuditEvent.objects.filter(child=history).order_by("id").values_list("action", "role", "summary"))
    assert [e[:2] for e in events] == [("view", "clinician")] * 3 + [("export", "clinician")]
    assert events[0][2] == "Charts: 2026-10-22 to 2026-11-20"


def test_family_views_are_not_recorded_but_their_exports_are(owner_client, history) -> None:
    owner_client.get(url("charts", history))
    owner_client.get(url("report", history))
    b"".join(owner_client.get(url("export-csv", history)).streaming_content)
    assert list(AuditEvent.objects.filter(child=history).values_list("action", flat=True)) == ["export"]


def test_a_stranger_gets_404_everywhere(client, history, outsider) -> None:
    client.force_login(outsider)
    for name in ("charts", "report", "export-csv"):
        assert client.get(url(name, history)).status_code == 404


# --- Query counts -----------------------------------------------------------------------------
def _queries(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **headers).status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", [{}, {"period": "all"}, {"period": "all", "by": "day"}, {"period": "1y"}])
def test_chart_and_report_queries_do_not_grow_with_history(owner_client, child, query) -> None:
    make_treatment(child, started_on=(NOW - timedelta(days=300)).date(), stopped_on=(NOW - timedelta(days=200)).date())
    make_treatment(child, name="later", started_on=(NOW - timedelta(days=45)).date())
    # Both histories span the same 333 days, so the diary begins on the same day.
    make_episodes(child, 10, end=NOW - timedelta(hours=1), spacing=timedelta(days=37))
    owner_client.get(url("charts", child))  # the once-a-day session refresh, out of the way
    pages = [("charts", {}), ("charts", htmx_headers()), ("report", {})]
    few = [_queries(owner_client, url(page, child, **query), **headers) for page, headers in pages]
    make_episodes(child, 4990, end=NOW - timedelta(hours=2), spacing=timedelta(minutes=96))
    many = [_queries(owner_client, url(page, child, **query), **headers) for page, headers in pages]
    assert child.episodes.count() == 5000
    assert many == few


def test_statistics_take_a_fixed_number_of_queries(child, django_assert_num_queries) -> None:
    make_episodes(child, 300, end=NOW - timedelta(hours=1), spacing=timedelta(hours=3))
    began = stats.diary_began_on(child)
    period = Period("all", began, NOW.date(), "week")
    # The days (their hours of the week too) and the days confirmed, not recorded and too
    # frequent to count.
    with django_assert_num_queries(4):
        stats.summarise(child, period, began_on=began)
