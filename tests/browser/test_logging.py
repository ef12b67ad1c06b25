"""Logging a seizure on a phone, in real headless Chromium at 390×844: the timer, its
checklist and migration path, the +1 tally with undo, the rescue alert, a second caregiver
watching, and an axe audit of each logging page state."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from caregiver.models import Role
from seizures.models import Episode
from seizures.templatetags.seizures import duration
from tests.conftest import join, make_user
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import RECORD_DEVICE_CALLS, watch_for_errors
from tests.support.factories import make_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seizure_now_checklist_migration_end_and_a_second_caregiver_watching(new_context, child, owner) -> None:
    gran = make_user("gran@example.com", "Gran")
    join(gran, child, Role.CAREGIVER)
    parent = new_context(owner).new_page()
    errors = watch_for_errors(parent)
    parent.clock.install()
    parent.goto(f"/c/{child.public_id}/")
    parent.get_by_role("button", name=re.compile("Seizure now")).click()
    # The timer opens at once from the phone's own record; the server hears of it a moment later.
    parent.wait_for_url(re.compile(r"/seizures/now/\?id="))
    expect(parent.locator("[data-elapsed]")).to_have_text(re.compile(r"^0:[0-5][0-9]$"))
    expect(parent.locator("[data-outbox-status]")).to_have_text("All entries are saved.")

    # The other caregiver's phone, on the home page, sees it running and its clock ticking.
    watcher = new_context(gran).new_page()
    watcher.clock.install()
    watcher.goto(f"/c/{child.public_id}/")
    banner = watcher.locator(".banner.in-progress")
    expect(banner).to_contain_text("Seizure in progress")
    expect(banner).to_contain_text("Alex")
    first_reading = banner.locator("[data-elapsed-from]").inner_text()
    watcher.clock.run_for(2000)
    expect(banner.locator("[data-elapsed-from]")).not_to_have_text(first_reading)

    apnea = parent.get_by_role("button", name=re.compile("^Apnea"))
    apnea.click()
    expect(apnea).to_have_attribute("aria-pressed", "true")
    parent.get_by_role("button", name=re.compile("^Jerking of an arm or leg")).click()
    jerking = parent.locator("#sign-jerking")
    jerking.get_by_role("button", name="Child’s left", exact=True).click()
    expect(jerking.get_by_role("button", name="Child’s left", exact=True)).to_have_attribute("aria-pressed", "true")
    jerking.get_by_role("button", name="Arm", exact=True).click()
    expect(jerking.get_by_role("button", name="Arm", exact=True)).to_have_attribute("aria-pressed", "true")

    path = parent.locator("#path")
    path.get_by_role("button", name="Left arm").click()
    expect(path.get_by_role("group", name="Moved to…")).to_be_visible()
    path.get_by_role("button", name="Right leg").click()
    expect(path.locator(".path-steps li")).to_have_count(2)
    expect(path.locator(".path-steps li").nth(1)).to_contain_text("Right leg")
    assert serious_violations_of(new_context, owner, parent.url) == []

    parent.clock.fast_forward(2000)  # let the seizure last a moment
    parent.get_by_role("button", name="Seizure ended").click()
    parent.wait_for_url(f"**/c/{child.public_id}/")
    # At least the two seconds the clock moved on; how much more depends on the machine.
    expect(parent.locator(".messages")).to_contain_text(re.compile(r"it lasted [0-9]+:[0-9]{2}"))

    episode = Episode.objects.get()
    assert (episode.apnea, episode.jerking, episode.jerking_side, episode.jerking_limb) == (True, True, "left", "arm")
    assert [s["region"] for s in episode.path] == ["left_arm", "right_leg"] and episode.migrated
    assert episode.duration_seconds >= 2

    parent.get_by_role("link", name="Timeline").first.click()
    item = parent.locator(f"#episode-{episode.public_id}")
    expect(item).to_contain_text(duration(episode.duration_seconds))
    expect(item).to_contain_text("migrated")
    expect(item).to_contain_text("Apnea")
    expect(item).to_contain_text(re.compile(r"Left arm [0-9:]* → Right leg"))

    # Once it has ended the other phone's banner goes (the live part refreshes by itself).
    expect(banner).to_have_count(0, timeout=20_000)
    assert errors == []


def serious_violations_of(new_context, user, url: str) -> list[str]:
    page = new_context(user, bypass_csp=True).new_page()
    page.goto(url)
    return serious_violations(page)


def test_five_taps_and_one_undo_leave_four_for_today(new_context, child, owner) -> None:
    page = new_context(owner).new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/")
    tally = page.get_by_role("button", name="Count one seizure now")
    for _ in range(5):
        tally.click()  # no waiting between taps: each must still count once
    count = page.locator("[data-today-count]")
    saved = page.locator("[data-outbox-status]")
    expect(count).to_have_text("5")
    # Once sent, "undo" asks the server to take the tap back (a tap still on the phone is
    # simply dropped there: tests/browser/test_offline.py).
    expect(saved).to_have_text("All entries are saved.")
    page.get_by_role("button", name=re.compile(r"^Undo last \+1")).click()
    expect(count).to_have_text("4")
    expect(saved).to_have_text("All entries are saved.")
    page.reload()
    expect(count).to_have_text("4")
    expect(saved).to_have_text("All entries are saved.")
    assert Episode.objects.live().filter(is_tally=True).count() == 4
    assert Episode.objects.filter(is_tally=True).count() == 5
    assert errors == []


def test_the_count_and_undo_stay_right_through_the_pages_own_refresh(new_context, child, owner) -> None:
    """The live part of the child's page is redrawn from the server every 15 s; what the
    page's script counts from (the server's count and latest taps) must come with it."""
    now = timezone.now()
    for seconds in (5, 6, 7):  # seconds ago, so all four fall on today's date
        make_episode(child, started_at=now - timedelta(seconds=seconds), is_tally=True, duration_seconds=None)
    dad = make_user("dad@example.com")
    make_episode(child, started_at=now - timedelta(seconds=9), duration_seconds=2, logged_by=dad)
    page = new_context(owner).new_page()
    page.goto(f"/c/{child.public_id}/")
    count, undo = page.locator("[data-today-count]"), page.get_by_role("button", name=re.compile(r"^Undo last \+1"))
    expect(count).to_have_text("4")
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        page.evaluate("htmx.ajax('GET', location.pathname, {target: '#live', swap: 'innerHTML'})")
    page.wait_for_timeout(300)  # logging.js redraws the count after the swap
    expect(count).to_have_text("4")
    expect(undo).to_be_visible()
    undo.click()
    expect(count).to_have_text("3")
    expect(page.locator("[data-outbox-status]")).to_have_text("All entries are saved.")
    assert Episode.objects.live().filter(is_tally=True).count() == 2


def test_rescue_alert_fires_at_threshold_and_after_reload_screen_kept_on(new_context, child, owner) -> None:
    """A minute before the threshold (no machine is that slow); then Playwright's clock in the
    browser and time-machine's on the server move past it together."""
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        running = make_episode(
            child,
            started_at=timezone.now() - timedelta(seconds=240),
            in_progress=True,
            duration_seconds=None,
            logged_by=owner,
        )
        context = new_context(owner)
        context.add_init_script(RECORD_DEVICE_CALLS)
        page = context.new_page()
        errors = watch_for_errors(page)
        page.clock.install(time=timezone.now())
        page.goto(f"/c/{child.public_id}/seizures/{running.public_id}/timer/")
        alert = page.locator("[data-rescue-alert]")
        expect(alert).to_be_hidden()
        assert page.evaluate("window.__wakeLocks") == 1  # the screen is kept on while timing
        page.get_by_role("heading", name="What do you see?").click()  # a touch, so the browser lets the page vibrate
        page.clock.fast_forward("00:30")
        expect(alert).to_be_hidden()
        page.clock.fast_forward("00:35")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("5 minutes: follow the rescue plan")
        expect(alert).to_contain_text("buccal midazolam")
        assert page.evaluate("window.__vibrations.length") == 1
        server_clock.shift(timedelta(seconds=65))
        page.reload()
        expect(alert).to_be_visible()
        assert page.evaluate("window.__vibrations.length") == 1  # the fresh page asked again
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_logging_pages_pass_axe(new_context, child, owner, scheme) -> None:
    """The pages test_accessibility.py does not already audit, and the form showing errors."""
    make_episode(child, apnea=True, path=[{"region": "left_arm"}, {"region": "right_leg"}], deleted_at=timezone.now())
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    base = f"/c/{child.public_id}/"
    for path in [f"{base}seizures/deleted/", f"{base}treatments/", f"{base}treatments/new/"]:
        page.goto(path)
        assert serious_violations(page) == [], path
    page.goto(f"{base}seizures/new/")
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert serious_violations(page) == [], "form with errors"
