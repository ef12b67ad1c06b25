"""Real headless Chromium (Debian's package) driven by Playwright, at a phone's size.

The browser is found at $CHROMIUM_PATH or /usr/bin/chromium. Without one the browser tests
are skipped with that reason, except under CI=true, where a missing browser fails the run."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are safe here because nothing else shares the thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CHROMIUM_ARGS = [
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if Path(path).exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator:
    path = chromium_path()
    if path is None:
        reason = "no Chromium at $CHROMIUM_PATH or /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable]:
    """`new_context(user=None, **options)`: a fresh phone-sized browser context on the live
    server, signed in as `user` when given (through a real session cookie)."""
    contexts = []

    def make(user=None, **options):
        context = browser.new_context(base_url=live_server.url, **(PHONE | options))
        context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                  "url": live_server.url}]
            )  # fmt: skip
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # Closing a context does not wait for the live server to finish what the page last sent;
    # the database is emptied next, and a request still writing would meet the emptying.
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)
