"""Every date a diary holds or a URL names is bounded (born on or after 1 January 1900 and
not in the future, seizures and treatments after birth and at most a year ahead, timeline
cursors within those dates), so a slip of the year is a form error or is ignored, never a
500; records typed before the bounds existed still show. And a chart's cost is bounded: a
period of at most 30 years and at most 400 bars, coarser bars chosen with a note."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caregiver import bounds
from caregiver.models import Child
from seizures.models import Episode, Treatment
from seizures.reports.periods import MAX_BUCKETS, Granularity, Period, bucket_count
from tests.conftest import htmx_headers
from tests.support.factories import make_episode, make_treatment

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CHILD_VALUES = {
    "name": "Robin", "born_on": "2026-02-10", "diagnosis": "MMPEI", "gene_variant": "kcnt1",
    "time_zone": "Europe/London", "rescue_plan": "", "rescue_threshold_minutes": "5",
}  # fmt: skip
CURSOR_ID = "a4f8f0a2-8a4f-4d6f-8f0a-28a4f8f0a2aa"


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, name: str, child, query: dict | None = None, **headers):
    return client.get(reverse(f"seizures:{name}", args=[child.public_id]), query or {}, **headers)


def figures(response) -> dict[str, dict]:
    found = re.findall(r'class="chart-plot chart-plot-([\w-]+)" data-figure="([^"]*)"', response.content.decode())
    return {key: json.loads(value.replace("&quot;", '"').replace("&amp;", "&")) for key, value in found}


def bars(response) -> int:
    """The frequency chart's bars (x0 and dx for days and weeks, a list of x for months)."""
    return len(figures(response)["frequency"]["data"][0]["y"])


# --- Forms and models refuse dates out of bounds ----------------------------------------------
@pytest.mark.parametrize("born_on", ["0001-01-01", "1899-12-31"])
def test_a_birth_before_1900_is_a_form_error(owner_client, born_on) -> None:
    response = owner_client.post("/children/new/", CHILD_VALUES | {"born_on": born_on})
    assert response.status_code == 200
    assert "Dates before 1 January 1900 are not accepted." in response.content.decode()
    assert not Child.objects.filter(name="Robin").exists()


def test_a_birth_on_1_january_1900_is_accepted(owner_client) -> None:
    assert owner_client.post("/children/new/", CHILD_VALUES | {"born_on": "1900-01-01"}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"started_on": "0001-01-10"}, "Dates before 1 January 1900 are not accepted."),
        ({"started_on": "2026-11-01", "stopped_on": "9999-12-31"}, "more than a year from now"),
        ({"started_on": "2028-01-01"}, "more than a year from now"),
    ],
)
def test_treatment_dates_out_of_bounds_are_form_errors(owner_client, child, data, message) -> None:
    # A child whose birth was typed before births were bounded: the treatment is still refused.
    Child.objects.filter(pk=child.pk).update(born_on=date(1, 1, 1))
    response = owner_client.post(reverse("seizures:treatment-add", args=[child.public_id]), {"kind": "acth", **data})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Treatment.objects.exists()


def test_stopping_a_treatment_in_year_9999_is_a_form_error(owner_client, child) -> None:
    treatment = make_treatment(child, started_on=date(2026, 10, 1))
    stop = reverse("seizures:treatment-stop", args=[child.public_id, treatment.public_id])
    response = owner_client.post(stop, {"stopped_on": "9999-12-31"})
    assert response.status_code == 400 and "more than a year from now" in response.content.decode()
    treatment.refresh_from_db()
    assert treatment.stopped_on is None


def test_a_seizure_before_1900_is_refused_even_after_a_birth_typed_earlier(child) -> None:
    Child.objects.filter(pk=child.pk).update(born_on=date(1, 1, 1))
    child.refresh_from_db()
    episode = Episode(child=child, started_at=datetime(1899, 6, 1, 8, tzinfo=UTC), duration_seconds=60)
    with pytest.raises(ValidationError) as raised:
        episode.full_clean(exclude=["client_uuid"])
    assert raised.value.message_dict["started_at"] == [bounds.too_early_message()]


# --- Records and URLs out of bounds never give a 500 --------------------------------------------
@pytest.fixture
def typed_before_bounds(child):
    """A birth on 1 January of year 1 and a treatment from 10 January of year 1 to 9999."""
    Child.objects.filter(pk=child.pk).update(born_on=date(1, 1, 1))
    child.refresh_from_db()
    make_treatment(child, started_on=date(1, 1, 10), stopped_on=date(9999, 12, 31))
    make_episode(child, datetime(2026, 11, 1, 8, tzinfo=UTC))
    return child


@pytest.mark.parametrize("name", ["charts", "report", "export-csv", "export-fhir", "timeline", "home", "treatments"])
@pytest.mark.parametrize("period", ["90d", "all"])
def test_dates_typed_before_the_bounds_still_show(owner_client, typed_before_bounds, name, period) -> None:
    response = page(owner_client, name, typed_before_bounds, {"period": period, "by": "day"})
    assert response.status_code == 200


def test_a_treatment_from_year_1_has_no_before_window_but_still_its_latest_28_days(
    owner_client, typed_before_bounds
) -> None:
    response = page(owner_client, "charts", typed_before_bounds)
    [effect] = response.context["effects"]
    assert (effect.before, effect.after) == ("—", "1")
    assert "the diary began less than 28 days before this started" in effect.note


@pytest.mark.parametrize(
    "start",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-14:00", "9999-12-31T23:59:59+00:00", "1899-12-31T23:00:00Z"],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_timeline_cursor_out_of_bounds_is_ignored(owner_client, child, start, htmx) -> None:
    make_episode(child, datetime(2026, 11, 1, 8, tzinfo=UTC), notes="the newest")
    headers = htmx_headers() if htmx else {}
    response = page(owner_client, "timeline", child, {"before": f"{start}~{CURSOR_ID}"}, **headers)
    assert response.status_code == 200
    assert "the newest" in response.content.decode()  # from the newest, as with no cursor


def test_a_timeline_cursor_within_bounds_still_pages(owner_client, child) -> None:
    make_episode(child, datetime(2026, 11, 1, 8, tzinfo=UTC), notes="later")
    make_episode(child, datetime(2026, 10, 1, 8, tzinfo=UTC), notes="earlier")
    response = page(owner_client, "timeline", child, {"before": f"2026-10-15T00:00:00+00:00~{CURSOR_ID}"})
    html = response.content.decode()
    assert "earlier" in html and "later" not in html


@pytest.mark.parametrize("name", ["charts", "report"])
def test_custom_periods_in_year_1_or_9999_are_clipped_or_refused(owner_client, typed_before_bounds, name) -> None:
    custom = {"period": "custom", "by": "day"}
    response = page(owner_client, name, typed_before_bounds, custom | {"start": "0001-01-01", "end": "2026-11-20"})
    assert response.status_code == 200 and response.context["period"].clipped_from == date(1, 1, 1)
    response = page(owner_client, name, typed_before_bounds, custom | {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200 and "The end date cannot be after today." in response.content.decode()


# --- Chart cost --------------------------------------------------------------------------------
@pytest.fixture
def born_1900(child):
    """Born 1 January 1900, one seizure the next day and one last week."""
    Child.objects.filter(pk=child.pk).update(born_on=date(1900, 1, 1))
    child.refresh_from_db()
    make_episode(child, datetime(1900, 1, 2, 8, tzinfo=UTC))
    make_episode(child, NOW - timedelta(days=7))
    return child


@pytest.mark.parametrize("name", ["charts", "report"])
def test_a_century_per_day_is_cut_to_30_years_per_month_with_notes(owner_client, born_1900, name) -> None:
    response = page(owner_client, name, born_1900, {"period": "all", "by": "day"})
    assert response.status_code == 200
    period = response.context["period"]
    assert period.granularity == "month" and period.coarsened_from == "day"
    assert (period.capped_from, period.start) == (date(1900, 1, 2), date(1996, 11, 21))
    assert bars(response) == 361 <= MAX_BUCKETS
    html = response.content.decode()
    assert "A chart covers 30 years at most, so this one starts on 21 November 1996." in html
    assert "One bar per day would be more than the 400 a chart can show, so each bar is a month." in html
    assert 'id="by-day"' not in html and 'id="by-week"' not in html  # links that would be cut again
    assert len(response.content) < 1_000_000  # it was 18 MB


def test_the_capped_chart_runs_the_queries_of_a_short_one(owner_client, born_1900, child) -> None:
    def queries(query: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(owner_client, "charts", born_1900, query).status_code == 200
        return len(captured)

    page(owner_client, "charts", born_1900)  # the once-a-day session refresh, out of the way
    assert queries({"period": "all", "by": "day"}) == queries({"period": "30d", "by": "day"})


def test_per_day_over_two_years_becomes_per_week(owner_client, child) -> None:
    make_episode(child, NOW - timedelta(days=730))
    response = page(owner_client, "charts", child, {"period": "all", "by": "day"}, **htmx_headers())
    period = response.context["period"]
    assert (period.granularity, period.coarsened_from, period.capped_from) == ("week", "day", None)
    assert bars(response) == bucket_count(period.start, period.end, "week") <= MAX_BUCKETS
    assert "each bar is a week" in response.content.decode()


def test_a_period_within_the_caps_is_shown_as_asked(owner_client, child) -> None:
    make_episode(child, NOW - timedelta(days=400))
    response = page(owner_client, "charts", child, {"period": "1y", "by": "day"})
    period = response.context["period"]
    assert (period.granularity, period.coarsened_from, period.capped_from) == ("day", "", None)
    assert bars(response) == 365
    assert "period-coarsened" not in response.content.decode()


def test_the_csv_export_keeps_every_year_asked_for(owner_client, born_1900) -> None:
    response = page(owner_client, "export-csv", born_1900, {"period": "all"})
    text = b"".join(response.streaming_content).decode()
    assert "1900-01-02T08:00:00" in text and len(text.strip().splitlines()) == 3


@pytest.mark.parametrize(
    ("start", "end", "granularity", "count"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), "day", 1),
        (date(2026, 1, 1), date(2026, 12, 31), "day", 365),
        (date(2026, 11, 1), date(2026, 11, 30), "week", 6),  # a Sunday to a Monday
        (date(2026, 11, 2), date(2026, 11, 29), "week", 4),  # Monday to Sunday
        (date(2025, 12, 31), date(2026, 1, 1), "month", 2),
        (date(1900, 1, 2), date(2026, 11, 20), "month", 1523),
    ],
)
def test_bucket_count(start, end, granularity, count) -> None:
    assert bucket_count(start, end, granularity) == count


@pytest.mark.parametrize("granularity", Granularity.values)
def test_for_charts_never_gives_more_than_the_cap(granularity) -> None:
    for days in (1, 400, 401, 2801, 2802, 20_000, 46_000):
        end = date(2026, 11, 20)
        period = Period("custom", end - timedelta(days=days - 1), end, granularity).for_charts()
        assert bucket_count(period.start, period.end, period.granularity) <= MAX_BUCKETS, (days, granularity)
