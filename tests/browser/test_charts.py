"""The charts and the report in real headless Chromium: plotly draws every chart (its SVG
exists) at phone and desktop sizes, the period switch redraws them through htmx without a
page load, nothing breaks the Content-Security-Policy, logging pages never fetch plotly.js,
and axe finds no serious issue in light or dark mode."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import expect_charts_drawn, watch_for_errors
from tests.support.factories import make_episodes, make_treatment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False, "device_scale_factor": 1}
SIZES = {"phone": {}, "small phone": {"viewport": {"width": 360, "height": 740}}, "desktop": DESKTOP}
CHARTS = 6


@pytest.fixture
def history(child):
    """Four months of seizures, every five hours, and a treatment started six weeks ago."""
    make_episodes(child, 600, end=timezone.now() - timedelta(minutes=30), spacing=timedelta(hours=5))
    make_treatment(child, started_on=timezone.localdate() - timedelta(days=42), name="")
    return child


@pytest.mark.parametrize("size", SIZES)
def test_charts_draw_and_the_period_switch_redraws_them_in_place(new_context, owner, history, size) -> None:
    page = new_context(owner, **SIZES[size]).new_page()
    problems = watch_for_errors(page)
    page.goto(f"/c/{history.public_id}/charts/")
    expect(page.locator(".chart-plot")).to_have_count(CHARTS)
    expect_charts_drawn(page)
    expect(page.locator("#period-90d")).to_have_attribute("aria-current", "true")
    first_bars = page.locator(".chart-plot-frequency .bars path").count()

    page.evaluate("window.__sameDocument = true")  # gone if the browser loads a new page
    page.locator("#period-30d").click()
    expect(page.locator("#period-30d")).to_have_attribute("aria-current", "true")
    expect(page).to_have_url(re.compile(r"period=30d"))
    expect_charts_drawn(page)
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator(".chart-plot-frequency .bars path").count() < first_bars
    expect(page.locator("#chart-status")).to_contain_text("Charts updated")

    page.locator("#by-week").click()
    expect(page.locator("#by-week")).to_have_attribute("aria-current", "true")
    expect_charts_drawn(page)
    # Nothing wider than the screen but the tables, which scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []


def test_custom_dates_update_the_charts_and_bad_dates_get_a_message(new_context, owner, history) -> None:
    page = new_context(owner).new_page()
    problems = watch_for_errors(page)
    page.goto(f"/c/{history.public_id}/charts/")
    page.get_by_text("Choose dates").click()
    today = timezone.localdate()
    page.get_by_label("From").fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("To").fill((today - timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("on or before the end date")
    page.get_by_label("To").fill((today - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#period-heading")).to_be_visible()
    expect_charts_drawn(page)
    assert problems == []


def test_a_treatment_named_like_a_link_is_drawn_as_text(new_context, owner, history) -> None:
    hostile = '<a href="https://evil.example/">x</a>'
    make_treatment(history, kind="other", started_on=timezone.localdate() - timedelta(days=20), name=hostile)
    page = new_context(owner).new_page()
    problems = watch_for_errors(page)
    page.goto(f"/c/{history.public_id}/charts/")
    expect_charts_drawn(page)
    band_labels = page.locator(".chart-plot-frequency .annotation-text")
    expect(band_labels.filter(has_text=hostile)).to_have_count(1)  # the name, as typed
    expect(page.locator('.chart-plot a[href="https://evil.example/"]')).to_have_count(0)
    assert problems == []


def test_logging_pages_never_fetch_plotly(new_context, owner, history) -> None:
    page = new_context(owner).new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    for path in ["", "seizures/", "seizures/new/", "treatments/"]:
        page.goto(f"/c/{history.public_id}/{path}")
    assert not [url for url in fetched if "plotly" in url]
    page.goto(f"/c/{history.public_id}/charts/")
    assert [url for url in fetched if url.endswith("plotly-cartesian.min.js")]


def test_the_report_prints_without_navigation(new_context, clinician, history) -> None:
    page = new_context(clinician, **DESKTOP).new_page()
    problems = watch_for_errors(page)
    page.goto(f"/c/{history.public_id}/report/?period=30d")
    expect_charts_drawn(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".period-picker")).to_be_hidden()
    expect(page.locator(".report-header")).to_contain_text("Robin")
    expect(page.locator(".report-period")).to_contain_text("printed")
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_and_report_pass_axe(new_context, owner, history, scheme) -> None:
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    for path in ["charts/", "charts/?period=custom&start=2026-01-01&end=2025-01-01", "report/?period=30d"]:
        page.goto(f"/c/{history.public_id}/{path}")
        if "custom" not in path:
            expect_charts_drawn(page)
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        assert serious_violations(page) == [], path


def test_spanish_readers_see_spanish_month_names_on_the_date_axes(new_context, owner, history) -> None:
    """plotly.js writes the axes' dates itself; the page hands it Django's Spanish names."""
    owner.language = "es"
    owner.save()
    page = new_context(owner, **DESKTOP).new_page()
    problems = watch_for_errors(page)
    page.goto(f"/c/{history.public_id}/charts/?period=all")
    expect_charts_drawn(page)
    ticks = " ".join(page.locator(".chart-plot-frequency .xtick text").all_text_contents())
    spanish = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"}
    english_only = {"Jan", "Apr", "Aug", "Dec"}
    words = set(re.findall(r"[A-Za-zé]+", ticks))
    assert words & spanish, ticks
    assert not words & english_only, ticks
    assert problems == []
