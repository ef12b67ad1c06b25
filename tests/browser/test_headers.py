"""The Permissions-Policy header as Chromium reads it: every feature it names is one the
browser knows (an unknown name would be dropped without a word), the timer page may keep the
screen awake, and camera, microphone, location and payment are off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.support.browser.helpers import watch_for_errors
from tests.support.factories import make_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_timer_may_keep_the_screen_awake_and_nothing_else_powerful(new_context, child, owner) -> None:
    running = make_episode(
        child, started_at=timezone.now() - timedelta(seconds=30), in_progress=True, duration_seconds=None
    )
    page = new_context(owner).new_page()
    problems = watch_for_errors(page)
    response = page.goto(f"/c/{child.public_id}/seizures/{running.public_id}/timer/")
    assert "screen-wake-lock=(self)" in response.headers["permissions-policy"]
    expect(page.locator("[data-timer]")).to_be_visible()
    assert set(settings.PERMISSIONS_POLICY) <= set(page.evaluate("document.featurePolicy.features()"))
    allowed = page.evaluate("document.featurePolicy.allowedFeatures()")
    assert "screen-wake-lock" in allowed
    assert not {"camera", "microphone", "geolocation", "payment", "usb"} & set(allowed)
    assert problems == []
