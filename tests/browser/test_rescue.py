"""The action plan on the timer at a phone's size: the step that applies now changes as the
seizure goes on, the rescue alert shows the plan's step, a rescue dose is given from the
plan's medicines, and a second one inside the interval meets the guard (the previous dose
shown, nothing saved until the override is confirmed with a reason). The plan prints on one
page. Time in the browser is Playwright's clock and on the server time-machine's.
The light runs also take the README's screenshots (see tests/browser/make_images.py)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from seizures.plan_models import RescueDose
from tests.browser.test_screenshots import shoot
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import eventually, watch_for_errors
from tests.support.factories import make_episode, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path) -> Path:
    """docs/screenshots/ when make_images asks for them, a temporary directory otherwise."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_plan_step_rescue_and_the_guard_on_the_timer(new_context, child, owner, caregiver_user, scheme, shots) -> None:
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        make_plan(child, owner, interval=10, max_per_day=2)
        # A minute before the threshold: no machine is slow enough to reach it by itself.
        seizure = make_episode(
            child,
            started_at=timezone.now() - timedelta(seconds=240),
            in_progress=True,
            duration_seconds=None,
            logged_by=owner,
        )
        context = new_context(
            caregiver_user, viewport={"width": 390, "height": 844}, color_scheme=scheme, bypass_csp=True
        )
        page = context.new_page()
        errors = watch_for_errors(page)
        page.clock.install(time=timezone.now())
        page.goto(f"/c/{child.public_id}/seizures/{seizure.public_id}/timer/")
        step = page.locator(".plan-now")
        expect(step).to_have_text("Plan, from the start: Time it, lay on the side")
        alert = page.locator("[data-rescue-alert]")
        expect(alert).to_be_hidden()

        page.clock.fast_forward("01:05")
        server_clock.shift(timedelta(seconds=65))
        expect(alert).to_be_visible()
        expect(alert.get_by_text("Plan, from minute 5: Give buccal midazolam")).to_be_visible()
        expect(alert.get_by_text("Emergency number: 112")).to_be_visible()
        expect(step).to_have_text("Plan, from minute 5: Give buccal midazolam")
        assert serious_violations(page) == []
        page.get_by_role("button", name="Hide the plan").click()

        choice = page.get_by_label("Midazolam 2.5 mg (0.5 mL), buccal (inside the cheek)")
        expect(choice).to_be_checked()
        page.get_by_role("button", name="Given now").click()
        eventually(page, lambda: RescueDose.objects.filter(given_by=caregiver_user).count() == 1)
        given = page.locator("[data-rescue-given]")
        expect(given).to_contain_text("Midazolam 2.5 mg (0.5 mL)")
        expect(given).to_contain_text("given at")

        # Two minutes later, again: the guard shows the first dose and saves nothing.
        page.clock.fast_forward("02:00")
        server_clock.shift(timedelta(minutes=2))
        page.get_by_role("button", name="Given now").click()
        guard = page.locator("[data-rescue-guard]")
        expect(guard).to_be_visible()
        expect(guard).to_contain_text("Too soon: the plan says at least 10 minutes between doses.")
        expect(guard).to_contain_text("Previous dose: Midazolam 2.5 mg (0.5 mL)")
        expect(guard).to_contain_text("by this phone")
        assert serious_violations(page) == []
        if scheme == "light":
            shoot(page, shots, "rescue-guard", top="#rescue")
        page.wait_for_timeout(300)
        assert RescueDose.objects.count() == 1

        # Overriding needs a reason; with it, the dose is saved and marked.
        page.get_by_label("I know: give it anyway").check()
        page.get_by_role("button", name="Given now").click()
        expect(page.get_by_text("Say why this dose is given past the guard.")).to_be_visible()
        page.get_by_label("Why (for example: the paramedic said to)").fill("Paramedic said to")
        page.get_by_role("button", name="Given now").click()
        eventually(page, lambda: RescueDose.objects.count() == 2)
        second = RescueDose.objects.newest_first().first()
        assert second.override and second.override_reason == "Paramedic said to" and second.episode == seizure
        expect(guard).to_be_hidden()

        # Past 10 minutes the plan moves on to its next step.
        page.clock.fast_forward("05:00")
        server_clock.shift(timedelta(minutes=5))
        expect(step).to_have_text("Plan, from minute 10: Call 112")
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_plan_pages_pass_axe_and_the_plan_prints_on_one_page(new_context, child, owner, scheme, shots) -> None:
    make_plan(child, owner, notes="Oxygen at home: 2 L/min by mask if lips turn blue.")
    steps = [
        {"minute": 0, "text": "Note the time. Lay Robin on her side; nothing in the mouth."},
        {"minute": 5, "text": "Give buccal midazolam 2.5 mg."},
        {"minute": 10, "text": "Call 999 if the seizure has not stopped."},
    ]
    make_plan(child, owner, emergency_number="999", steps=steps)
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    errors = watch_for_errors(page)
    for path in ("plan/", "plan/edit/", "plan/history/", "plan/print/", "rescue/"):
        page.goto(f"/c/{child.public_id}/{path}")
        assert serious_violations(page) == [], path
        if path == "plan/" and scheme == "light":
            shoot(page, shots, "plan", top="h1")
    page.goto(f"/c/{child.public_id}/plan/edit/")
    page.get_by_label("Emergency number").fill("")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Give the number to call.")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"/c/{child.public_id}/plan/print/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".child-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=False)
        assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 1, paper
    assert errors == []
