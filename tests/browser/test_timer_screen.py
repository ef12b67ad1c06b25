"""The timer page on a phone, mid-seizure: the clock, the seizure's state and "Seizure ended"
never scroll away; at the rescue threshold the alert and the rescue plan appear where the parent
is looking; the whole checklist and "moved to…" fit in two screen heights. Time in the browser
is Playwright's clock and on the server time-machine's, so no test waits on the machine."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from seizures.models import Episode
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import RECORD_DEVICE_CALLS, eventually, watch_for_errors
from tests.support.factories import make_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 844
# One case for each width, colour scheme and text size, each pair of them seen together once.
SCREENS = [(390, "light", 100), (390, "dark", 200), (360, "light", 200), (360, "dark", 100)]
# Scrolls the page so that the element's top is just below the bar.
JUST_BELOW_THE_BAR = """el => window.scrollBy(0, el.getBoundingClientRect().top
  - document.querySelector('[data-timer-bar]').getBoundingClientRect().bottom - 8)"""
# Whether a tap on the element's middle reaches it (no bar or alert on top of it).
UNCOVERED = """el => { const r = el.getBoundingClientRect();
  return document.elementFromPoint(r.x + 5, r.y + r.height / 2) === el; }"""


def running(child, owner, seconds_ago: int, **signs) -> Episode:
    return make_episode(
        child,
        started_at=timezone.now() - timedelta(seconds=seconds_ago),
        in_progress=True,
        duration_seconds=None,
        logged_by=owner,
        **signs,
    )


def zoom_text(page, percent: int) -> None:
    """What the phone's text size setting does here: every font size on these pages is in rem."""
    page.evaluate(f"document.documentElement.style.fontSize = '{percent}%'")


def scroll_to_bottom(page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(
        "window.scrollY > 0 && window.scrollY + innerHeight >= document.documentElement.scrollHeight - 1"
    )


@pytest.mark.parametrize(("width", "scheme", "text_size"), SCREENS)
def test_the_bar_and_the_rescue_plan_are_in_view_wherever_the_parent_has_scrolled(
    new_context, child, owner, width, scheme, text_size
) -> None:
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        # A minute before the threshold: no machine is slow enough to reach it by itself.
        seizure = running(child, owner, seconds_ago=240)
        context = new_context(
            owner, viewport={"width": width, "height": SCREEN_HEIGHT}, color_scheme=scheme, bypass_csp=True
        )
        context.add_init_script(RECORD_DEVICE_CALLS)
        page = context.new_page()
        errors = watch_for_errors(page)
        page.clock.install(time=timezone.now())
        page.goto(f"/c/{child.public_id}/seizures/{seizure.public_id}/timer/")
        zoom_text(page, text_size)
        alert = page.locator("[data-rescue-alert]")
        expect(alert).to_be_hidden()
        page.evaluate(
            """() => { window.__alertShown = 0;
              const alert = document.querySelector('[data-rescue-alert]');
              new MutationObserver(() => { if (!alert.hidden) window.__alertShown++; })
                .observe(alert, {attributes: true, attributeFilter: ['hidden']}); }"""
        )

        scroll_to_bottom(page)
        page.locator(".site-footer").click()  # a touch, so the browser lets the page vibrate
        for control in (page.locator("[data-elapsed]"), page.get_by_text("Seizure in progress")):
            expect(control).to_be_in_viewport()
        expect(page.get_by_role("button", name="Seizure ended")).to_be_in_viewport(ratio=1)

        page.clock.fast_forward("01:05")
        server_clock.shift(timedelta(seconds=65))
        expect(alert).to_be_visible()
        expect(alert.get_by_role("heading", name="5 minutes: follow the rescue plan")).to_be_in_viewport(ratio=1)
        expect(alert.get_by_text("Give buccal midazolam 2.5 mg, then call 999.")).to_be_in_viewport(ratio=1)
        expect(page.get_by_role("button", name="Seizure ended")).to_be_in_viewport(ratio=1)
        expect(page.locator("[data-elapsed]")).to_have_text(re.compile(r"^5:[0-5][0-9]$"))
        assert page.evaluate("window.scrollY") > 0  # the parent's place on the page is kept
        assert page.evaluate("window.__vibrations.length") == 1
        assert serious_violations(page) == []
        page.clock.run_for(10_000)
        assert page.evaluate("window.__alertShown") == 1  # announced once, not at every tick

        # Hiding the plan keeps its heading in view and leaves room to record the rescue medicine.
        page.get_by_role("button", name="Hide the plan").click()
        expect(alert.get_by_text("buccal midazolam")).to_be_hidden()
        expect(alert.get_by_role("heading")).to_be_in_viewport(ratio=1)
        medicine = page.get_by_label("What was given, and how much")
        medicine.evaluate(JUST_BELOW_THE_BAR)
        assert medicine.evaluate(UNCOVERED)
        page.get_by_role("button", name="Show the plan").click()
        expect(alert.get_by_text("buccal midazolam")).to_be_in_viewport(ratio=1)

        page.reload()
        zoom_text(page, text_size)
        expect(alert).to_be_visible()
        scroll_to_bottom(page)
        expect(alert.get_by_role("heading")).to_be_in_viewport(ratio=1)
        expect(alert.get_by_text("buccal midazolam")).to_be_in_viewport(ratio=1)
        expect(page.get_by_role("button", name="Seizure ended")).to_be_in_viewport(ratio=1)
    assert errors == []


def surface_height(page) -> float:
    """From the checklist's heading to the last "moved to…" button, in CSS pixels."""
    return page.evaluate(
        """() => document.querySelector('#path form[data-move]').getBoundingClientRect().bottom
                 - document.querySelector('#signs-heading').getBoundingClientRect().top"""
    )


@pytest.mark.parametrize("width", [390, 360])
def test_every_sign_its_pickers_and_the_moves_fit_in_two_screen_heights(new_context, child, owner, width) -> None:
    everything = dict.fromkeys(("apnea", "flushing", "eye_deviation", "jerking", "twitching", "drooling"), True)
    seizure = running(child, owner, seconds_ago=30, **everything, eye_side="not_seen", jerking_side="left",
                      jerking_limb="not_seen")  # fmt: skip
    page = new_context(owner, viewport={"width": width, "height": SCREEN_HEIGHT}).new_page()
    page.goto(f"/c/{child.public_id}/seizures/{seizure.public_id}/timer/")
    jerking = page.locator("#sign-jerking")
    expect(jerking.get_by_role("group", name="Jerking · Which limb?")).to_be_visible()
    assert surface_height(page) <= 2 * SCREEN_HEIGHT

    # Big toggles in two columns, nothing between them but a sign's own pickers.
    toggles = page.locator(".checklist button.toggle")
    expect(toggles).to_have_count(6)
    assert len({round(box["x"]) for box in (t.bounding_box() for t in toggles.all())}) == 2
    expect(page.locator(".checklist a")).to_have_count(0)
    expect(page.get_by_role("link", name="What each sign looks like (opens in a new tab)")).to_be_visible()
    # Colour change sits beside apnea, open, not in a collapsed box.
    apnea = page.get_by_role("button", name="Apnea", exact=False).first.bounding_box()
    colour = page.get_by_role("group", name="Colour change").bounding_box()
    assert abs(colour["y"] - apnea["y"]) < 24 and colour["x"] > apnea["x"] + apnea["width"]
    expect(page.get_by_role("button", name="Blue or grey (lips, face)")).to_be_visible()
    # Sides say whose.
    expect(jerking.get_by_role("button", name="Child’s left", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#sign-eye_deviation").get_by_role("button", name="Child’s right")).to_be_visible()


def test_choosing_a_colour_change_beside_apnea_is_kept(new_context, child, owner) -> None:
    seizure = running(child, owner, seconds_ago=30)
    page = new_context(owner).new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/seizures/{seizure.public_id}/timer/")
    blue = page.get_by_role("button", name="Blue or grey (lips, face)")
    blue.click()
    expect(blue).to_have_attribute("aria-pressed", "true")
    # The status said "saved" before the tap too: wait for the server's copy itself.
    eventually(page, lambda: Episode.objects.filter(pk=seizure.pk, colour_change="blue").exists())
    expect(page.locator("[data-outbox-status]")).to_have_text("All entries are saved.")
    seizure.refresh_from_db()
    assert seizure.colour_change == "blue" and not seizure.apnea
    page.reload()
    expect(blue).to_have_attribute("aria-pressed", "true")
    assert errors == []
