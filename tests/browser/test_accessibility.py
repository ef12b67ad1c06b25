"""Every main page passes an axe-core audit (WCAG 2.1 AA, no serious or critical issue) in
light and dark mode, at a phone's size."""

from __future__ import annotations

import pytest

from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
CHILD_PAGES = ["/c/{child}/team/", "/c/{child}/settings/"]
ACCOUNT_PAGES = ["/", "/account/", "/children/new/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_pass_axe(new_context, scheme) -> None:
    page = new_context(color_scheme=scheme, bypass_csp=True).new_page()
    for path in PUBLIC_PAGES:
        page.goto(path)
        assert serious_violations(page) == [], path


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_in_pages_pass_axe(new_context, owner, child, caregiver_user, scheme) -> None:
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    for path in [*ACCOUNT_PAGES, *(p.format(child=child.public_id) for p in CHILD_PAGES)]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_form_errors_pass_axe(new_context, db) -> None:
    page = new_context(bypass_csp=True).new_page()
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("alert").first.is_visible()
    assert serious_violations(page) == []
