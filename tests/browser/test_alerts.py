"""Team alerts in real headless Chromium at a phone's size: the Alerts page (choices saved,
this device's button, axe in light and dark mode), and a push message delivered to the app's
registered service worker through Chromium's DevTools protocol
(`ServiceWorker.deliverPushMessage`), which shows the alert as a notification that leads to
the seizure's timer."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures import recording
from seizures.alert_models import Alert, AlertPreference, Kind
from seizures.alert_text import message_for
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import eventually, watch_for_errors
from tests.support.push import vapid_keys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = """navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications())
  .then((shown) => shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"""


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_keys()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_alerts_page_choices_and_this_device(new_context, child, caregiver_user, vapid, scheme) -> None:
    context = new_context(caregiver_user, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/")
    page.get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", name="Alerts about Robin")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on alerts on this device")).to_be_visible()
    expect(page.get_by_label("a seizure passed the rescue threshold")).to_be_checked()
    page.get_by_label("a seizure started").check()
    page.get_by_label("By e-mail", exact=True).check()
    assert serious_violations(page) == []
    for button in page.locator("main").get_by_role("button").all():
        box = button.bounding_box()
        assert box is None or (box["height"] >= 44 and box["width"] >= 44), button.inner_text()
    page.get_by_role("button", name="Save my alerts").click()
    expect(page.get_by_text("Your alerts for Robin are saved.")).to_be_visible()
    preference = AlertPreference.objects.get(membership__user=caregiver_user)
    assert preference.kinds() == {Kind.STARTED, Kind.THRESHOLD, Kind.RESCUE} and preference.channel == "email"
    assert errors == []


def test_a_pushed_alert_is_shown_and_leads_to_the_timer(new_context, live_server, child, owner, caregiver_user, vapid):
    AlertPreference.objects.create(membership=caregiver_user.memberships.get(child=child), started=True)
    context = new_context(caregiver_user)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/alerts/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    eventually(page, lambda: any(r["scopeURL"].startswith(live_server.url) for r in registrations))
    registration = next(r for r in registrations if r["scopeURL"].startswith(live_server.url))

    # Someone else starts a seizure: the alert the worker would push, exactly as it pushes it.
    episode = recording.start(child, owner, key=uuid.uuid4(), started_at=timezone.now()).episode
    message = message_for(Alert.objects.select_related("child", "episode", "actor").get(kind=Kind.STARTED))
    payload = {"title": message.title, "body": message.body, "url": message.path, "tag": "started:1"}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
    )
    shown = []
    eventually(page, lambda: shown.extend(page.evaluate(SHOWN)) or shown)
    (notification,) = shown
    assert notification["title"] == "Robin: a seizure started"
    assert notification["body"].endswith("logged by Alex.")
    assert notification["url"] == f"/c/{child.public_id}/seizures/{episode.public_id}/timer/"
    # Where a tap leads: the page the notification names opens (the timer, still running).
    page.goto(notification["url"])
    expect(page.get_by_role("button", name="Seizure ended")).to_be_visible()
    assert errors == []
