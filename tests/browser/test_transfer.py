"""What the logging pages cost a phone on mobile data, measured in real Chromium: each page's
HTML and each JSON answer as sent (compressed when the browser accepts it) against its size
unpacked, and the static files each page loads with what production sends for them (brotli,
from whitenoise's compressed copies; this test server sends them whole). The figures print
as a table (`pytest tests/browser/test_transfer.py -s`); the README's charts benchmark
section quotes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from seizures.models import Episode
from tests.support.browser.helpers import watch_for_errors
from tests.support.factories import make_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# GZipMiddleware leaves shorter bodies alone: compressing them saves nothing.
GZIP_MIN_LENGTH = 200


@dataclass
class Load:
    """One page load: its own responses (HTML, JSON) and the static files it fetched."""

    name: str
    own: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # path, type, sent, raw, encoding
    static: dict[str, int] = field(default_factory=dict)  # path -> raw bytes

    def record(self, response) -> None:
        if 300 <= response.status < 400:  # a redirect has no body to measure
            return
        path = re.sub(r"^https?://[^/]+", "", response.url)
        raw = len(response.body())
        if path.startswith("/static/"):
            self.static[path.split("?")[0]] = raw
            return
        sent = response.request.sizes()["responseBodySize"]
        kind = response.request.resource_type
        self.own.append((path, kind, sent, raw, response.headers.get("content-encoding", "")))


def brotli_size(static_path: str) -> int:
    """What whitenoise sends for a static file in production (its .br copy, quality 11)."""
    return len(brotli.compress(Path(finders.find(static_path.removeprefix("/static/"))).read_bytes(), quality=11))


def measure(page, name: str, action, *, sends: str = "") -> Load:
    """The responses `action()` brings in (measured afterwards: a response's body cannot be
    read inside the browser's event), once the page is loaded and, when it `sends` an entry
    to a path ending so, once that is answered (a tap loads nothing, so the page is already
    idle)."""
    responses = []

    def collect(response) -> None:
        responses.append(response)

    page.on("response", collect)
    if sends:
        with page.expect_response(lambda response: response.url.endswith(sends)):
            action()
    else:
        action()
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", collect)
    load = Load(name)
    for response in responses:
        load.record(response)
    return load


def table(loads: list[Load]) -> str:
    lines = [f"{'page':<24} {'response':<52} {'sent':>8} {'raw':>8}  encoding"]
    for load in loads:
        for path, kind, sent, raw, encoding in load.own:
            lines.append(f"{load.name:<24} {kind + ' ' + path[:44]:<52} {sent:>8,} {raw:>8,}  {encoding or '-'}")
        if load.static:
            raw = sum(load.static.values())
            packed = sum(brotli_size(path) for path in load.static)
            label = f"static ({len(load.static)} files, as production sends them)"
            lines.append(f"{load.name:<24} {label:<52} {packed:>8,} {raw:>8,}  br")
    return "\n".join(lines)


def test_the_logging_pages_html_and_json_are_sent_compressed(new_context, child, owner) -> None:
    make_episode(child)  # something on the timeline
    # No service worker: every request goes over the network, where it is measured.
    page = new_context(owner, service_workers="block").new_page()
    errors = watch_for_errors(page)
    home = f"/c/{child.public_id}/"
    loads = [measure(page, "home", lambda: page.goto(home))]
    tap = page.get_by_role("button", name="Count one seizure now")
    loads.append(measure(page, "+1", tap.click, sends="/sync/"))
    now = page.get_by_role("button", name=re.compile("Seizure now"))
    loads.append(measure(page, "Seizure now (timer)", now.click, sends="/sync/"))
    expect(page.locator("[data-outbox-status]")).to_have_text("All entries are saved.")
    running = Episode.objects.get(in_progress=True)
    for name, path in (
        ("timer (from the server)", f"{home}seizures/{running.public_id}/timer/"),
        ("timeline", f"{home}seizures/"),
        ("log a past seizure", f"{home}seizures/new/"),
    ):
        # A page of its own: the timer's script may still be moving the last one on.
        other = page.context.new_page()
        errors += watch_for_errors(other)
        loads.append(measure(other, name, lambda other=other, path=path: other.goto(path)))
    print("\n" + table(loads))

    documents = [(load.name, *own) for load in loads for own in load.own if own[1] == "document"]
    assert [name for name, *_ in documents] == [
        "home", "Seizure now (timer)", "timer (from the server)", "timeline", "log a past seizure"
    ]  # fmt: skip
    for name, path, _kind, sent, raw, encoding in documents:
        assert encoding == "gzip" and sent < raw / 2, (name, path, sent, raw)
    answers = [(load.name, *own) for load in loads for own in load.own if own[1] in ("fetch", "xhr")]
    assert {name for name, *_ in answers} >= {"+1", "Seizure now (timer)"}, answers
    for name, path, _kind, sent, raw, encoding in answers:
        assert (encoding == "gzip" and sent < raw) or raw < GZIP_MIN_LENGTH, (name, path, sent, raw)
    assert errors == []
