"""Context in real headless Chromium at a phone's size (390×844): a parent adds a fever note
from the child's page and sees it marked on the frequency chart; the timer's onset choice is
one tap, kept through the outbox; the notes page and the past-seizure form pass axe in light
and dark mode with every target at least 44 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures.models import DayNote, Episode
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import eventually, expect_charts_drawn, watch_for_errors
from tests.support.factories import make_day_note, make_episode, make_episodes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fever_note_added_on_a_phone_is_marked_on_the_chart(new_context, child, owner) -> None:
    make_episodes(child, 60, end=timezone.now() - timedelta(minutes=30), spacing=timedelta(hours=10))
    yesterday = child.today() - timedelta(days=1)
    page = new_context(owner).new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/")
    page.get_by_role("link", name="Day notes").click()

    # A temperature out of range is refused with the reason, and nothing is saved.
    page.locator("#id_noted_on").fill(yesterday.isoformat())
    page.get_by_label("Illness or fever").check()
    page.get_by_label("Temperature (°C)").fill("48.7")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Give the temperature in °C, between 34 and 43.")).to_be_visible()
    assert not DayNote.objects.exists()
    errors.remove("Failed to load resource: the server responded with a status of 400 (Bad Request)")

    page.get_by_label("Temperature (°C)").fill("38.7")
    page.get_by_label("Note (needed for “Other”)").fill("Ear infection")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Illness or fever, 38.7 °C: Ear infection")).to_be_visible()
    note = DayNote.objects.get()
    assert note.noted_on == yesterday and note.created_by == owner

    page.get_by_role("navigation").get_by_role("link", name="Charts").click()
    expect_charts_drawn(page)
    frequency = page.locator(".chart-plot-frequency")
    expect(frequency.locator(".legendtext", has_text="Day notes")).to_be_visible()
    expect(frequency.locator(".scatterlayer .trace").last.locator(".point")).to_have_count(1)
    expect(page.get_by_text("1 day note is marked on the chart.", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []


def test_the_timer_records_the_onset_with_one_tap(new_context, child, owner) -> None:
    seizure = make_episode(
        child, started_at=timezone.now() - timedelta(seconds=20), in_progress=True, duration_seconds=None,
        logged_by=owner,
    )  # fmt: skip
    page = new_context(owner).new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/seizures/{seizure.public_id}/timer/")
    onset = page.get_by_role("group", name="When it began, the child was")
    asleep = onset.get_by_role("button", name="Asleep")
    expect(onset.get_by_role("button", name="Not known")).to_have_attribute("aria-pressed", "true")
    box = asleep.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    asleep.click()
    expect(asleep).to_have_attribute("aria-pressed", "true")
    eventually(page, lambda: Episode.objects.filter(pk=seizure.pk, onset="asleep").exists())
    page.reload()
    expect(asleep).to_have_attribute("aria-pressed", "true")
    assert errors == []


def _targets_at_least_44px(page) -> None:
    for control in page.locator("button, .choice-list label").all():
        box = control.bounding_box()
        assert box is None or (box["height"] >= 44 and box["width"] >= 44), control.inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_notes_page_and_the_past_seizure_form_pass_axe(new_context, child, owner, scheme) -> None:
    make_day_note(child, child.today(), kind="vaccination", text="6-month vaccines")
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    page.goto(f"/c/{child.public_id}/notes/")
    assert serious_violations(page) == []
    _targets_at_least_44px(page)
    page.get_by_role("radio", name="Other").check()
    page.get_by_role("button", name="Add the note").click()  # the form's errors
    expect(page.get_by_text("Say what happened.")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"/c/{child.public_id}/seizures/new/")
    expect(page.get_by_role("group", name="Type of seizure (optional)")).to_be_visible()
    assert serious_violations(page) == []
    _targets_at_least_44px(page)
