"""Logging with no network, in real headless Chromium at a phone's size: entries are kept on
the phone (IndexedDB) and arrive exactly once when the network returns, a lost answer is
sent again without a double, the logging pages open from the service worker's copies, the
server's refusals are shown, and signing out warns while entries wait."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from caregiver.models import Membership, Role, User
from seizures.models import Episode
from tests.conftest import make_user
from tests.support.browser.helpers import eventually, open_and_keep, watch_for_errors
from tests.support.factories import make_episode, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "All entries are saved."
WAITING = re.compile(r"On this phone — will send when online \((\d+) waiting\)")


# What the entries in this phone's outbox carry as the rescue medicine.
KEPT_RESCUE = "async () => (await window.SeizureLog.outbox.list()).map((e) => e.body.rescue_medicine || '')"


def status(page):
    return page.locator("[data-outbox-status]")


def test_offline_seizure_taps_and_form_arrive_exactly_once(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    page.clock.install()
    home = f"/c/{child.public_id}/"
    open_and_keep(page, home)
    expect(status(page)).to_have_text(SAVED)
    context.set_offline(True)

    # Seizure now, two signs, Seizure ended: the timer opens from the phone's copy.
    page.get_by_role("button", name=re.compile("Seizure now")).click()
    page.wait_for_url(re.compile(r"/seizures/now/\?id="))
    expect(page.locator("[data-offline-note]")).to_contain_text("You are offline")
    expect(page.locator("[data-elapsed]")).to_have_text(re.compile(r"^0:[0-5][0-9]$"))
    for sign in ("Apnea", "Face flushing"):
        button = page.get_by_role("button", name=re.compile(f"^{sign}"))
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    page.clock.fast_forward(1100)
    page.get_by_role("button", name="Seizure ended").click()
    page.wait_for_url(f"**{home}")
    expect(page.locator(".messages")).to_contain_text(re.compile(r"it lasted \d+:\d\d\. It is kept on this phone"))

    # Ten taps on +1 and one undo: the count includes what is still on the phone.
    tally = page.get_by_role("button", name="Count one seizure now")
    for _ in range(10):
        tally.click()
    count = page.locator("[data-today-count]")
    expect(count).to_have_text("11")
    page.get_by_role("button", name=re.compile(r"^Undo last \+1")).click()
    expect(count).to_have_text("10")

    # The past-seizure form, once.
    page.get_by_role("link", name="Log a past seizure").click()
    page.get_by_label("Minutes").fill("2")
    page.get_by_label("Drooling").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{home}")
    expect(page.locator(".messages")).to_contain_text("Seizure kept on this phone")
    expect(count).to_have_text("11")
    expect(status(page)).to_have_text(WAITING)
    assert WAITING.search(status(page).inner_text()).group(1) == "11"

    # A reload with no network: the queue is still there.
    page.reload()
    expect(status(page)).to_have_text(WAITING)
    expect(count).to_have_text("11")
    assert not Episode.objects.exists()

    context.set_offline(False)
    expect(status(page)).to_have_text(SAVED, timeout=15_000)
    expect(count).to_have_text("11")
    assert Episode.objects.count() == 11  # the tap taken back on the phone never left it
    assert Episode.objects.live().filter(is_tally=True).count() == 9
    timed = Episode.objects.get(is_tally=False, drooling=False)
    assert (timed.apnea, timed.flushing, timed.in_progress) == (True, True, False)
    assert 1 <= timed.duration_seconds < 30
    form = Episode.objects.get(drooling=True)
    assert form.duration_seconds == 120 and not form.apnea
    assert errors == []


def test_a_lost_answer_is_sent_again_and_saved_once(new_context, child, owner) -> None:
    # Without the service worker, so the route below sees the page's own request.
    page = new_context(owner, service_workers="block").new_page()
    errors = watch_for_errors(page, offline=True)
    page.goto(f"/c/{child.public_id}/")
    expect(status(page)).to_have_text(SAVED)
    lost = []

    def handled_then_lost(route) -> None:
        route.fetch()  # the server saves the tap...
        lost.append(route.request.post_data_json)
        route.abort()  # ...and its answer never reaches the phone

    page.route("**/sync/", handled_then_lost, times=1)
    page.get_by_role("button", name="Count one seizure now").click()
    expect(status(page)).to_have_text(WAITING)
    assert len(lost) == 1 and Episode.objects.count() == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")  # what the phone hears when back online
    expect(status(page)).to_have_text(SAVED)
    assert Episode.objects.count() == 1
    assert str(Episode.objects.get().client_uuid) == lost[0]["client_uuid"]
    expect(page.locator("[data-today-count]")).to_have_text("1")
    assert errors == []


def test_logging_pages_open_with_no_network_after_one_online_visit(new_context, child, owner) -> None:
    context = new_context(owner)
    first = context.new_page()
    open_and_keep(first, "/")  # "/" takes a family with one child to the child's page
    first.close()
    context.set_offline(True)
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    base = f"/c/{child.public_id}/"
    for path, heading in [
        ("/", "Seizure now"),
        (base, "Seizure now"),
        (f"{base}seizures/new/", "Log a past seizure"),
        (f"{base}seizures/", "Robin’s seizures"),
    ]:
        page.goto(path)
        expect(page.locator("main")).to_contain_text(heading)
        expect(page.locator(".child-nav")).to_contain_text("Robin")
        expect(page.locator("[data-offline-note]")).to_contain_text("copy saved on this phone")
    # The timer, opened offline for a seizure this phone does not hold, still has the child's plan.
    page.goto(f"{base}seizures/now/?id=00000000-0000-4000-8000-000000000000")
    expect(page.locator("[data-timer-notice]")).to_contain_text("not on this phone")
    expect(page.locator("[data-rescue-alert]")).to_contain_text("buccal midazolam")
    for path in (f"{base}charts/", f"{base}team/", "/account/"):
        page.goto(path)
        expect(page.locator("h1")).to_have_text("This page needs a connection")
    assert errors == []


def test_a_timer_started_online_ends_offline_and_its_final_state_arrives(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    open_and_keep(page, f"/c/{child.public_id}/")
    page.get_by_role("button", name=re.compile("Seizure now")).click()
    page.wait_for_url(re.compile(r"/seizures/now/\?id="))
    expect(status(page)).to_have_text(SAVED)
    running = Episode.objects.get()
    assert running.in_progress  # the server knows, so the other caregivers see it running
    context.set_offline(True)
    page.get_by_role("button", name=re.compile("^Jerking")).click()
    page.locator("#sign-jerking").get_by_role("button", name="Child’s right", exact=True).click()
    path = page.locator("#path")
    path.get_by_role("button", name="Left arm").click()
    path.get_by_role("button", name="Right leg").click()
    path.get_by_role("button", name="Remove the last step").click()
    page.get_by_role("button", name="Given now").click()
    expect(page.locator("#rescue-error")).to_have_text("Say which medicine was given.")
    page.get_by_label("What was given, and how much").fill("Buccal midazolam 2.5 mg")
    page.get_by_role("button", name="Given now").click()
    expect(page.locator("[data-rescue-given]")).to_contain_text("Buccal midazolam 2.5 mg — given at")
    # The screen changes at once and the phone stores the tap a moment later; a reload before
    # that aborts the write (on a busy machine the rescue was lost here, by the test). Reading
    # the outbox waits for it: IndexedDB runs this read after the write begun before it.
    assert page.evaluate(KEPT_RESCUE) == ["Buccal midazolam 2.5 mg"]
    page.reload()  # mid-seizure, offline: the timer carries on from the phone's record
    expect(page.locator("#sign-jerking").get_by_role("button", name="Child’s right", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#path .path-steps li")).to_have_count(1)
    expect(page.locator("[data-rescue-given]")).to_contain_text("Buccal midazolam 2.5 mg — given at")
    page.get_by_role("button", name="Seizure ended").click()
    page.wait_for_url(f"**/c/{child.public_id}/")
    expect(status(page)).to_have_text(WAITING)
    context.set_offline(False)
    expect(status(page)).to_have_text(SAVED, timeout=15_000)
    running.refresh_from_db()
    assert (running.in_progress, running.jerking, running.jerking_side, running.jerking_limb) == (
        False, True, "right", "not_seen"
    )  # fmt: skip
    assert [step["region"] for step in running.path] == ["left_arm"] and running.duration_seconds >= 1
    assert running.rescue_medicine == "Buccal midazolam 2.5 mg" and running.rescue_given_at > running.started_at
    assert Episode.objects.count() == 1


def test_two_tabs_offline_send_each_tap_once(new_context, child, owner) -> None:
    context = new_context(owner)
    first = context.new_page()
    open_and_keep(first, f"/c/{child.public_id}/")
    second = context.new_page()
    second.goto(f"/c/{child.public_id}/")
    context.set_offline(True)
    for page in (first, second, first, second):
        page.get_by_role("button", name="Count one seizure now").click()
    for page in (first, second):
        expect(status(page)).to_contain_text("(4 waiting)")
    context.set_offline(False)  # both tabs hear "online" and try to send
    for page in (first, second):
        expect(status(page)).to_have_text(SAVED, timeout=15_000)
        expect(page.locator("[data-today-count]")).to_have_text("4")
    assert Episode.objects.count() == 4


def test_a_refused_entry_is_shown_fixed_and_saved(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    open_and_keep(page, f"/c/{child.public_id}/seizures/new/")
    context.set_offline(True)
    page.get_by_label("Drooling").check()
    page.get_by_role("button", name="Save").click()  # no duration: the server will refuse it
    page.wait_for_url(f"**/c/{child.public_id}/")
    context.set_offline(False)
    problem = page.locator(".outbox-problem")
    expect(problem).to_contain_text("Not saved — the server refused it")
    expect(problem).to_contain_text("Give the duration in minutes and seconds")
    assert not Episode.objects.exists()
    problem.get_by_role("link", name="Fix it").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the marked fields")
    expect(page.get_by_label("Drooling")).to_be_checked()  # what was typed is kept
    page.get_by_label("Minutes").fill("1")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/seizures/\?saved="))
    expect(page.locator(".messages")).to_contain_text("Seizure saved.")
    expect(page.locator(".outbox-problem")).to_have_count(0)
    saved = Episode.objects.get()
    assert saved.drooling and saved.duration_seconds == 60


def test_a_refusal_can_be_discarded_after_a_second_tap(new_context, child, owner) -> None:
    page = new_context(owner, service_workers="block").new_page()
    page.goto(f"/c/{child.public_id}/")
    refusal = {"status": "conflict", "message": "This entry’s key belongs to another child’s record."}
    page.route("**/sync/", lambda route: route.fulfill(status=409, json=refusal))
    page.get_by_role("button", name="Count one seizure now").click()
    problem = page.locator(".outbox-problem")
    expect(problem).to_contain_text("belongs to another child")
    problem.get_by_role("button", name="Discard…").click()
    expect(problem).to_contain_text("Robin: +1 at")  # nothing gone yet
    problem.get_by_role("button", name="Delete it from this phone for good").click()
    expect(problem).to_have_count(0)
    expect(status(page)).to_have_text(SAVED)


def test_signed_out_entries_wait_for_a_sign_in(new_context, child, owner) -> None:
    context = new_context(owner, service_workers="block")
    page = context.new_page()
    page.goto(f"/c/{child.public_id}/")
    context.clear_cookies()  # the session ended (and the CSRF cookie went with it)
    page.get_by_role("button", name="Count one seizure now").click()
    expect(status(page)).to_contain_text("1 entries are kept on this phone. Sign in to send them.")
    expect(status(page).get_by_role("link", name="Sign in again")).to_be_visible()
    assert not Episode.objects.exists()
    client = Client()
    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": page.url}])
    page.reload()
    expect(status(page)).to_have_text(SAVED)
    assert Episode.objects.count() == 1


def test_signing_out_warns_while_entries_wait_then_clears_the_phone(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    open_and_keep(page, f"/c/{child.public_id}/")
    context.route("**/sync/", lambda route: route.abort())
    page.get_by_role("button", name="Count one seizure now").click()
    expect(status(page)).to_have_text(WAITING)
    page.get_by_role("link", name="Account").click()
    page.wait_for_url("**/account/")
    page.wait_for_load_state("domcontentloaded")  # the warning comes from a deferred script
    page.get_by_role("button", name="Sign out").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("1 entries on this phone have not reached the server yet")
    warning.get_by_role("button", name="Sign out and delete them").click()
    page.wait_for_url("**/accounts/login/")
    kept = page.evaluate("caches.has('seizure-log-pages')")
    waiting = page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('seizure-log');
        r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').count();
        q.onsuccess = () => resolve(q.result); }; })"""
    )
    assert (kept, waiting) == (False, 0)
    assert not Episode.objects.exists()


def test_a_running_seizure_from_the_server_is_joined_not_doubled(new_context, child, owner) -> None:
    running = make_episode(child, started_at=timezone.now(), in_progress=True, duration_seconds=None)
    page = new_context(owner).new_page()
    page.goto(f"/c/{child.public_id}/")
    page.get_by_role("button", name=re.compile("Seizure now")).click()
    page.wait_for_url(f"**/seizures/{running.public_id}/timer/")
    expect(page.locator(".messages")).to_contain_text("is already being timed. This is its timer.")
    assert Episode.objects.count() == 1


def test_entries_survive_closing_the_app_and_are_sent_from_any_page(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    open_and_keep(page, f"/c/{child.public_id}/")
    context.set_offline(True)
    for _ in range(2):
        page.get_by_role("button", name="Count one seizure now").click()
    expect(status(page)).to_contain_text("(2 waiting)")
    page.close()  # the app is closed with the entries on the phone
    context.set_offline(False)
    later = context.new_page()
    later.goto("/account/")  # not a logging page: it sends what waits all the same
    eventually(later, lambda: Episode.objects.filter(is_tally=True).count() == 2)
    expect(later.locator("[data-outbox-status]")).to_be_empty()


def test_an_entry_for_a_child_no_longer_on_the_account_is_kept_and_explained(new_context, child, owner) -> None:
    Membership.objects.create(user=make_user("other-owner@example.com"), child=child, role=Role.OWNER)
    page = new_context(owner, service_workers="block").new_page()
    page.goto(f"/c/{child.public_id}/")
    page.route("**/sync/", lambda route: route.abort(), times=1)
    page.get_by_role("button", name="Count one seizure now").click()
    expect(status(page)).to_have_text(WAITING)
    Membership.objects.filter(user=owner).delete()  # removed from the care team meanwhile
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".outbox-problem")).to_contain_text("no longer on your account")
    assert not Episode.objects.exists()


def kept_count(page, path: str) -> int | None:
    """Today's count in the phone's copy of a page (the service worker's), if it has one."""
    return page.evaluate(
        """async (path) => {
            const kept = await caches.match(path, { cacheName: 'seizure-log-pages' });
            const found = kept && (await kept.text()).match(/data-today-count>(\\d+)</);
            return found ? Number(found[1]) : null;
        }""",
        path,
    )


def test_the_phones_copy_counts_entries_sent_and_waiting_after_a_reopen_offline(new_context, child, owner) -> None:
    context = new_context(owner)
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    home = f"/c/{child.public_id}/"
    open_and_keep(page, home)
    last = page.locator("#last-heading + p")
    expect(last).to_have_text("No seizures logged yet.")
    context.set_offline(True)
    tally = page.get_by_role("button", name="Count one seizure now")
    for _ in range(3):
        tally.click()
    expect(status(page)).to_contain_text("(3 waiting)")
    expect(last).to_have_text("The latest seizures are on this phone, waiting to be sent.")

    context.set_offline(False)
    expect(status(page)).to_have_text(SAVED, timeout=15_000)
    assert Episode.objects.count() == 3
    eventually(page, lambda: kept_count(page, home) == 3)  # the copy was fetched again

    context.set_offline(True)
    page.reload()  # what the issue saw: "All entries are saved." beside "Today: 0"
    expect(page.locator("[data-offline-note]")).to_contain_text("copy saved on this phone")
    expect(page.locator("[data-today-count]")).to_have_text("3")
    expect(status(page)).to_have_text(SAVED)
    tally.click()  # one more, waiting on the phone
    expect(status(page)).to_contain_text("(1 waiting)")
    page.reload()
    expect(page.locator("[data-offline-note]")).to_contain_text("copy saved on this phone")
    expect(page.locator("[data-today-count]")).to_have_text("4")
    expect(status(page)).to_have_text(WAITING)
    assert WAITING.search(status(page).inner_text()).group(1) == "1"
    expect(page.locator("main")).not_to_contain_text("No seizures logged yet")
    expect(last).to_contain_text("+1")
    page.goto(f"{home}seizures/")  # every kept page was fetched again, the timeline too
    expect(page.locator("[data-offline-note]")).to_contain_text("copy saved on this phone")
    expect(page.locator("main")).not_to_contain_text("No seizures logged yet")
    assert errors == []


def test_the_app_shown_again_online_refreshes_an_old_copy(new_context, child, owner, caregiver_user) -> None:
    context = new_context(owner)
    page = context.new_page()
    home = f"/c/{child.public_id}/"
    open_and_keep(page, home)
    assert kept_count(page, home) == 0
    # The copy is made to look an hour old, as after a night in the background...
    page.evaluate(
        """async (path) => {
            const cache = await caches.open('seizure-log-pages');
            const kept = await cache.match(path);
            const headers = new Headers(kept.headers);
            headers.set('sw-kept-at', String(Date.now() - 3600 * 1000));
            await cache.put(path, new Response(await kept.text(), { headers }));
        }""",
        home,
    )
    make_episode(child, started_at=timezone.now(), logged_by=caregiver_user)  # ...while Gran logged one
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the app is shown again
    eventually(page, lambda: kept_count(page, home) == 1)


def test_choosing_another_language_refreshes_the_phones_copies(new_context, child, owner) -> None:
    """The timer kept in English is fetched again once the member reads Spanish, so opened
    offline mid-seizure it is in Spanish."""
    context = new_context(owner)
    page = context.new_page()
    home = f"/c/{child.public_id}/"
    open_and_keep(page, home)
    expect(page.get_by_role("button", name=re.compile("Seizure now"))).to_be_visible()

    User.objects.filter(pk=owner.pk).update(language="es")  # as the account page saves it
    open_and_keep(page, home)
    assert page.locator("html").get_attribute("lang") == "es"
    context.set_offline(True)
    page.get_by_role("button", name=re.compile("Crisis ahora")).click()
    page.wait_for_url(re.compile(r"/seizures/now/\?id="))
    expect(page.locator("[data-offline-note]")).to_be_visible()
    expect(page.get_by_role("button", name="La crisis terminó")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"


def test_the_action_plan_opens_with_no_signal(new_context, child, owner) -> None:
    make_plan(child, owner)
    context = new_context(owner)
    page = context.new_page()
    open_and_keep(page, f"/c/{child.public_id}/")
    context.set_offline(True)
    page.goto(f"/c/{child.public_id}/plan/")
    expect(page.locator("[data-offline-note]")).to_contain_text("You are offline")
    expect(page.get_by_text("Give buccal midazolam")).to_be_visible()
    expect(page.get_by_text("112").first).to_be_visible()
