"""Regenerates the app's PNG icons from its own SVG, and the README's screenshots, with
Debian's Chromium (no downloaded browser):

    .venv/bin/python -m tests.browser.make_images

Icons go to caregiver/static/caregiver/icons/ (192 and 512 px, "any" and "maskable", and the
180 px apple-touch-icon); screenshots to docs/screenshots/, taken by the browser test
tests/browser/test_screenshots.py and tests/browser/test_rescue.py (which, in a normal test
run, write them to a temporary directory instead)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "caregiver" / "static" / "caregiver" / "icons"
SCREENSHOTS = ROOT / "docs" / "screenshots"
BACKGROUND = "#1d4ed8"  # the icon's own blue, so a maskable icon's bleed matches its middle
# A maskable icon's content must sit inside the middle 80 % (the "safe zone"); iOS rounds the
# corners of the apple-touch-icon itself.
ICON_FILES = [
    ("icon-192.png", 192, None),
    ("icon-512.png", 512, None),
    ("maskable-192.png", 192, 0.8),
    ("maskable-512.png", 512, 0.8),
    ("apple-touch-icon.png", 180, 0.86),
]


def icon_page(svg: bytes, size: int, scale: float | None) -> str:
    """A page holding the icon at `size` pixels: as drawn (transparent corners), or scaled
    to `scale` on a full-bleed background."""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    inner = round(size * (scale or 1))
    background = BACKGROUND if scale else "transparent"
    return (
        f'<body style="margin:0;background:transparent"><div style="width:{size}px;height:{size}px;'
        f'display:grid;place-items:center;background:{background}">'
        f'<img src="{source}" width="{inner}" height="{inner}" alt=""></div></body>'
    )


def make_icons(browser) -> list[Path]:
    svg = (ICONS / "icon.svg").read_bytes()
    written = []
    for name, size, scale in ICON_FILES:
        page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
        page.set_content(icon_page(svg, size, scale))
        page.locator("img").evaluate("img => img.decode()")
        path = ICONS / name
        page.screenshot(path=str(path), omit_background=True)
        page.close()
        written.append(path)
    return written


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.support.browser.fixtures import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found: install Debian's chromium package or set CHROMIUM_PATH")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for path in make_icons(browser):
            print(path.relative_to(ROOT))
        browser.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"SCREENSHOTS_DIR": str(SCREENSHOTS)}
    test = ["-m", "pytest", "tests/browser/test_screenshots.py", "tests/browser/test_rescue.py", "-q"]
    subprocess.run([sys.executable, *test], cwd=ROOT, env=env, check=True)
    for path in sorted(SCREENSHOTS.glob("*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
