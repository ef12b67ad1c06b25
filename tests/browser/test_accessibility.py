"""Every main page passes an axe-core audit (WCAG 2.1 AA, no serious or critical issue) in
light and dark mode, at a phone's size — also in its offline states; every control can be
reached with the keyboard; the logging controls are big enough for one thumb."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import open_and_keep
from tests.support.factories import make_episode, make_episodes, make_treatment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/learn/", "/learn/topics/signs/"]
CHILD_PAGES = ["/c/{child}/team/", "/c/{child}/settings/", "/c/{child}/devices/", "/c/{child}/import/"]
ACCOUNT_PAGES = ["/", "/account/", "/children/new/"]
# The main logging and clinician pages ({running}: a seizure being timed).
LOGGING_PAGES = [
    "/c/{child}/",
    "/c/{child}/seizures/{running}/timer/",
    "/c/{child}/seizures/new/",
    "/c/{child}/seizures/",
    "/c/{child}/charts/",
    "/c/{child}/report/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_pass_axe(new_context, scheme) -> None:
    page = new_context(color_scheme=scheme, bypass_csp=True).new_page()
    for path in PUBLIC_PAGES:
        page.goto(path)
        assert serious_violations(page) == [], path


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_in_pages_pass_axe(new_context, owner, child, caregiver_user, scheme) -> None:
    make_episodes(child, 40, spacing=timedelta(hours=7))
    make_treatment(child, started_on=timezone.localdate() - timedelta(days=5))
    running = make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None, apnea=True)
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    paths = [*ACCOUNT_PAGES, *CHILD_PAGES, *LOGGING_PAGES]
    for path in paths:
        page.goto(path.format(child=child.public_id, running=running.public_id))
        assert serious_violations(page) == [], path


def test_form_errors_pass_axe(new_context, db) -> None:
    page = new_context(bypass_csp=True).new_page()
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("alert").first.is_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_offline_states_pass_axe(new_context, owner, child, scheme) -> None:
    """Entries waiting, the note that a page is the phone's copy, the timer opened offline, the
    page for pages that need a connection, and an entry the server refused."""
    context = new_context(owner, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    open_and_keep(page, f"/c/{child.public_id}/")
    context.set_offline(True)
    page.reload()
    page.get_by_role("button", name="Count one seizure now").click()
    expect(page.locator("[data-outbox-status]")).to_contain_text("(1 waiting)")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    assert serious_violations(page) == [], "home, offline"
    page.get_by_role("button", name=re.compile("Seizure now")).click()
    page.wait_for_url(re.compile(r"/seizures/now/"))
    page.get_by_role("button", name=re.compile("^Jerking")).click()
    assert serious_violations(page) == [], "timer, offline"
    page.goto(f"/c/{child.public_id}/team/")
    expect(page.locator("h1")).to_have_text("This page needs a connection")
    assert serious_violations(page) == [], "offline page"
    # Refused before the network is back, so no entry is still reaching the server when the
    # test ends (the database is emptied then, and a request in flight would meet it).
    context.route("**/sync/", lambda route: route.fulfill(status=400, json={"message": "Refused for the test."}))
    context.set_offline(False)
    page.goto(f"/c/{child.public_id}/")
    page.get_by_role("button", name="Count one seizure now").click()
    expect(page.locator(".outbox-problem").first).to_contain_text("Refused for the test.")
    assert serious_violations(page) == [], "refused entry"


# Every control a person could use (hidden and disabled ones left out), each named by what it
# is rather than by its node: htmx may swap a live part of the page while the test tabs through.
NAME = "el => [el.tagName, el.id, el.name, el.getAttribute('href'), el.textContent.trim().slice(0, 40)].join('|')"
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary"
FOCUSABLE = f"""() => [...document.querySelectorAll('{CONTROLS}')]
  .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map({NAME})"""


def unreached_by_tab(page) -> set[str]:
    """The controls that pressing Tab over and over never focuses."""
    controls = set(page.evaluate(FOCUSABLE))
    reached = set()
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(f"({NAME})(document.activeElement)"))
    return controls - reached


def test_every_control_on_the_logging_pages_is_reached_by_keyboard(new_context, owner, child) -> None:
    running = make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None, jerking=True)
    page = new_context(owner).new_page()
    for path in (f"/c/{child.public_id}/", f"/c/{child.public_id}/seizures/{running.public_id}/timer/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")  # the daily tip has replaced its placeholder
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        assert unreached_by_tab(page) == set(), path


def test_the_home_page_refresh_leaves_keyboard_focus_where_it_was(new_context, owner, child) -> None:
    """The live part of the child's page is redrawn every 15 s; a keyboard user on its "Open
    the timer" link, or on "Undo last +1", must not be thrown back to the top of the page."""
    make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None)
    make_episode(child, started_at=timezone.now() - timedelta(minutes=5), is_tally=True, duration_seconds=None)
    page = new_context(owner).new_page()
    page.goto(f"/c/{child.public_id}/")
    for control in (page.get_by_role("link", name="Open the timer"), page.locator("#undo-last-tap")):
        control.focus()
        marked = control.evaluate("el => { el.dataset.before = 'yes'; return el.id; }")
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
            page.evaluate("htmx.ajax('GET', location.pathname, {target: '#live', swap: 'innerHTML'})")
        page.wait_for_function("!document.querySelector('[data-before]')")  # the control was redrawn
        expect(page.locator(f"#{marked}")).to_be_focused()


def test_timer_targets_suit_one_thumb(new_context, owner, child) -> None:
    running = make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None, jerking=True)
    page = new_context(owner).new_page()
    page.goto(f"/c/{child.public_id}/")
    sizes = {
        name: page.get_by_role("button", name=name).bounding_box()
        for name in ("Seizure now Starts the timer", "Count one seizure now")
    }
    assert sizes["Seizure now Starts the timer"]["height"] >= 120 and sizes["Count one seizure now"]["height"] >= 100
    page.goto(f"/c/{child.public_id}/seizures/{running.public_id}/timer/")
    page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
    assert page.get_by_role("button", name="Seizure ended").bounding_box()["height"] >= 70
    small = page.evaluate(
        """() => [...document.querySelectorAll('[data-timer] :is(button, a, input, summary)')]
          .filter(el => el.getClientRects().length)
          .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
          .filter(([, r]) => r.width < 44 || r.height < 44)
          .map(([name, r]) => `${name}: ${Math.round(r.width)}×${Math.round(r.height)}`)"""
    )
    assert small == []
