"""Periods too frequent to count in real headless Chromium on a 390x844 phone: marked from
the home page (online, and offline through the outbox, arriving exactly once), shaded on the
frequency chart, and the pages pass axe in light and dark mode."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures.models import UncountablePeriod
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import expect_charts_drawn, open_and_keep, watch_for_errors
from tests.support.factories import make_episodes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "All entries are saved."


def test_a_period_marked_and_ended_offline_arrives_exactly_once(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    open_and_keep(page, f"/c/{child.public_id}/")
    status = page.locator("[data-outbox-status]")
    expect(status).to_have_text(SAVED)
    context.set_offline(True)
    page.get_by_role("button", name="Too frequent to count").click()
    expect(page.get_by_text("Kept on this phone; it will be sent when you are online.")).to_be_visible()
    page.get_by_label("About how many seizures? (optional)").fill("40")
    page.get_by_role("button", name="It is over: end the period").click()
    expect(status).to_have_text(re.compile(r"\(2 waiting\)"))
    expect(page.get_by_role("button", name="Too frequent to count")).to_be_visible()
    assert not UncountablePeriod.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_text(SAVED)
    period = UncountablePeriod.objects.get()
    assert period.ended_at is not None and period.estimated_count == 40
    assert period.created_by == owner
    assert errors == []


def test_a_period_marked_on_the_add_form_is_shaded_on_the_chart(new_context, child, owner) -> None:
    make_episodes(child, 60, end=timezone.now() - timedelta(days=3), spacing=timedelta(hours=7))
    start = (timezone.now() - timedelta(days=2)).astimezone(child.zone).replace(hour=22, minute=0)
    page = new_context(owner).new_page()
    problems = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/too-frequent/")
    page.get_by_label("Began at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ended at").fill((start + timedelta(hours=5, minutes=20)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Estimated number of seizures").fill("300")
    page.get_by_role("button", name="Save the period").click()
    expect(page.get_by_text("about 300 seizures in 5 h 20 min, too frequent to count")).to_be_visible()

    page.goto(f"/c/{child.public_id}/charts/?period=30d")
    expect_charts_drawn(page)
    band = page.locator(".chart-plot-frequency .shapelayer path")
    expect(band.first).to_be_attached()
    expect(page.locator(".chart-plot-frequency").get_by_text("Too frequent to count")).to_be_visible()
    expect(page.get_by_text(re.compile("Also about 300 seizures in 5 h 20 min, too frequent to count"))).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pages_pass_axe(new_context, child, owner, scheme) -> None:
    UncountablePeriod.objects.create(child=child, started_at=timezone.now() - timedelta(hours=1))
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    for path in (f"/c/{child.public_id}/", f"/c/{child.public_id}/too-frequent/"):
        page.goto(path)
        expect(page.get_by_role("button", name="It is over: end the period").first).to_be_visible()
        assert serious_violations(page) == [], path
    page.get_by_role("button", name="Save the period").click()  # the form's errors
    expect(page.get_by_role("alert").first).to_be_visible()
    assert serious_violations(page) == []
    for button in page.get_by_role("button").all():
        box = button.bounding_box()
        assert box is None or (box["height"] >= 44 and box["width"] >= 44), button.inner_text()
