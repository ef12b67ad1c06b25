"""One bad entry never holds back the rest (real headless Chromium at a phone's size): an entry
first in the phone's outbox that the server refuses, or keeps failing on, goes to the list of
entries that need attention with its reason, and the +1 taps behind it still arrive."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from seizures.models import Episode
from tests.support.browser.helpers import eventually, watch_for_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Puts an entry in the outbox as the logging pages do, without sending it (the phone is offline);
# `code`, when given, is a character appended to its notes (made here: Playwright's own JSON
# could not carry a lone surrogate).
PUT = """([key, body, code]) => window.SeizureLog.outbox.put({
  url: JSON.parse(document.getElementById('logging-config').textContent).urls.sync,
  kind: body.kind, key: key, label: 'First entry', day: '',
  body: Object.assign({client_uuid: key}, body, code === null ? {} : {notes: 'Typed ' + String.fromCharCode(code)}),
}, {send: false})"""


SAVED = "All entries are saved."
UNSAVED = "Not all entries are saved — see below."


def _poisoned_first_then_two_taps(context, page, body: dict, code: int | None = None) -> str:
    key = "0b5e55ed-0000-4000-8000-000000000001"
    context.set_offline(True)
    page.evaluate(PUT, [key, body, code])
    tally = page.get_by_role("button", name="Count one seizure now")
    tally.click()
    tally.click()
    expect(page.locator("[data-outbox-status]")).to_have_text(re.compile(r"\(3 waiting\)"))
    return key


@pytest.mark.parametrize("code", [0x0000, 0xD83D], ids=["nul", "surrogate"])
def test_an_entry_the_server_refuses_is_set_aside_and_the_taps_behind_it_arrive(
    new_context, child, owner, code
) -> None:
    context = new_context(owner, service_workers="block")
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    page.goto(f"/c/{child.public_id}/")
    body = {"kind": "episode", "started_at": "2026-05-01T10:00:00Z", "duration_seconds": 60}
    _poisoned_first_then_two_taps(context, page, body, code)
    context.set_offline(False)
    problem = page.locator(".outbox-problem")
    expect(problem).to_contain_text("First entry — Not saved — the server refused it: Notes:")
    expect(problem).to_contain_text("cannot be stored")
    eventually(page, lambda: Episode.objects.filter(is_tally=True).count() == 2)
    expect(page.locator("[data-today-count]")).to_have_text("2")
    assert Episode.objects.count() == 2
    assert errors == []


def test_an_entry_the_server_keeps_failing_on_is_set_aside_after_three_tries(new_context, child, owner) -> None:
    context = new_context(owner, service_workers="block")
    page = context.new_page()
    page.clock.install()
    page.goto(f"/c/{child.public_id}/")
    tries: list[int] = []
    broken = True

    def failing_for_the_first(route) -> None:
        body = route.request.post_data_json or {}
        if broken and body.get("client_uuid") == key:
            tries.append(1)
            # Busy twice first: a busy server (503) says nothing about the entry, so not counted.
            status, message = (503, "The server is busy.") if len(tries) <= 2 else (500, "The server failed.")
            route.fulfill(status=status, json={"status": "failed", "message": message})
        else:
            route.continue_()

    page.route("**/sync/", failing_for_the_first)
    key = _poisoned_first_then_two_taps(context, page, {"kind": "tally", "tapped_at": "2026-05-01T10:00:00Z"})
    context.set_offline(False)
    for attempt in range(1, 5):
        eventually(page, lambda attempt=attempt: len(tries) == attempt)
        assert not Episode.objects.exists()  # the taps wait behind it, in order, while it may pass
        expect(page.locator(".outbox-problem")).to_have_count(0)
        page.clock.fast_forward(60_000)  # past the outbox's wait before trying again
    problem = page.locator(".outbox-problem")
    expect(problem).to_contain_text("set aside after 3 failed tries")
    expect(problem).to_contain_text("The server failed.")
    eventually(page, lambda: Episode.objects.count() == 2)
    assert len(tries) == 5
    expect(page.locator("[data-outbox-status]")).to_have_text(UNSAVED)  # the taps are, this one is not

    # Once the server is mended, "Try again" sends it.
    broken = False
    problem.get_by_role("button", name="Try again").click()
    expect(problem).to_have_count(0)
    eventually(page, lambda: Episode.objects.count() == 3)


def test_the_status_never_says_all_is_saved_beside_a_refused_entry(new_context, child, owner) -> None:
    context = new_context(owner, service_workers="block")
    page = context.new_page()
    page.goto(f"/c/{child.public_id}/")
    status = page.locator("[data-outbox-status]")
    expect(status).to_have_text(SAVED)
    context.set_offline(True)
    body = {"kind": "episode", "started_at": "2026-05-01T10:00:00Z", "duration_seconds": 60}
    page.evaluate(PUT, ["0b5e55ed-0000-4000-8000-000000000002", body, 0x0000])
    expect(status).to_have_text(re.compile(r"\(1 waiting\)"))
    context.set_offline(False)
    problem = page.locator(".outbox-problem")
    expect(problem).to_contain_text("Not saved — the server refused it")
    expect(status).to_have_text(UNSAVED)  # the only entry was refused: nothing to call saved
    assert not Episode.objects.exists()
    problem.get_by_role("button", name="Discard…").click()
    page.get_by_role("button", name="Delete it from this phone for good").click()
    expect(problem).to_have_count(0)
    expect(status).to_have_text(SAVED)
