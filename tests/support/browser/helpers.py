"""Small helpers the browser tests share."""

from __future__ import annotations

from playwright.sync_api import expect

# Record vibration and wake-lock requests: headless Chromium has no motor and no screen to keep
# on, but the page's calls are what we own.
RECORD_DEVICE_CALLS = """
window.__vibrations = [];
navigator.vibrate = (p) => { window.__vibrations.push(p); return true; };
window.__wakeLocks = 0;
Object.defineProperty(navigator, "wakeLock", {configurable: true, value: {request: (kind) => {
  window.__wakeLocks += kind === "screen" ? 1 : 0;
  return Promise.resolve({addEventListener() {}});
}}});
"""

# What Chromium itself logs when a request fails for want of a network: expected offline.
NETWORK_NOISE = ("net::ERR_INTERNET_DISCONNECTED", "net::ERR_FAILED", "Failed to load resource")


def watch_for_errors(page, *, offline: bool = False) -> list[str]:
    """Console errors, uncaught exceptions and CSP violations on the page, as they happen
    (with `offline`, not the browser's own notes about requests the network could not carry)."""
    errors: list[str] = []

    def console(msg) -> None:
        if msg.type == "error" and not (offline and any(noise in msg.text for noise in NETWORK_NOISE)):
            errors.append(msg.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return errors


def open_and_keep(page, path: str) -> None:
    """Opens a page online and waits until the phone has kept the logging pages for offline use."""
    page.goto(path)
    page.locator("html[data-offline-ready=true]").wait_for(state="attached")


def eventually(page, check, timeout_ms: int = 10_000) -> None:
    """Waits (letting the browser run) until `check()` is true, e.g. a row reaching the database."""
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def expect_charts_drawn(page) -> None:
    """Waits until plotly has drawn every chart on the page (each has its SVG)."""
    expect(page.locator(".chart-plot .main-svg").first).to_be_visible()
    for plot in page.locator(".chart-plot").all():
        expect(plot.locator("svg.main-svg").first).to_be_attached()
