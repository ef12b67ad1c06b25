"""'No more seizures today' in real headless Chromium at a phone's size: pressed offline, it
is kept on the phone and arrives exactly once when the network returns; the days page and
the home page with the evening reminder pass axe in light and dark mode."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures.models import DayConfirmation, NotRecordedRange
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import open_and_keep, watch_for_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "All entries are saved."


def test_confirming_today_offline_arrives_exactly_once(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    open_and_keep(page, f"/c/{child.public_id}/")
    status = page.locator("[data-outbox-status]")
    expect(status).to_have_text(SAVED)
    context.set_offline(True)
    # As if the phone's copy of the page were from an earlier day: today is still what is confirmed.
    page.locator("form[data-day-confirm] input[name=day]").evaluate("input => { input.value = '2026-03-02'; }")
    page.get_by_role("button", name="No more seizures today").click()
    expect(page.get_by_text("Today is recorded on this phone")).to_be_visible()
    expect(page.get_by_role("button", name="No more seizures today")).to_be_hidden()
    expect(status).to_have_text(re.compile(r"\(1 waiting\)"))
    page.reload()  # still on the phone after a reload with no network
    expect(page.get_by_text("Today is recorded on this phone")).to_be_visible()
    assert not DayConfirmation.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_text(SAVED)
    expect(page.get_by_text("Today is recorded.", exact=True)).to_be_visible()
    confirmation = DayConfirmation.objects.get()
    assert confirmation.confirmed_on == child.today() and not confirmation.late
    assert confirmation.confirmed_by == owner
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_days_page_and_the_confirm_button_pass_axe(new_context, child, owner, scheme) -> None:
    today = child.today()
    NotRecordedRange.objects.create(
        child=child, started_on=today - timedelta(days=6), ended_on=today - timedelta(days=4)
    )
    DayConfirmation.objects.create(
        child=child, confirmed_on=today - timedelta(days=2), confirmed_at=timezone.now(), late=True
    )
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    for path in (f"/c/{child.public_id}/", f"/c/{child.public_id}/days/"):
        page.goto(path)
        assert serious_violations(page) == [], path
    page.get_by_role("button", name="Mark as not recorded").click()  # the form's errors
    expect(page.get_by_role("alert").first).to_be_visible()
    assert serious_violations(page) == []
    for button in page.get_by_role("button").all():
        box = button.bounding_box()
        assert box is None or (box["height"] >= 44 and box["width"] >= 44), button.inner_text()
