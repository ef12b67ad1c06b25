"""Accessibility audit with axe-core (from axe-playwright-python): WCAG 2.1 A and AA."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def serious_violations(page) -> list[str]:
    """Serious and critical violations on the page as it is now, one line each.
    The page's context must be created with `bypass_csp=True` so axe can be injected."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
