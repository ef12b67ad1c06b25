"""Device tokens in real headless Chromium at a phone's size: an owner makes one, sees it
once, a device uses it to start a seizure that the home page then shows being timed, and the
owner revokes it; the page passes axe in light and dark mode with the new token showing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seizures.models import Episode
from tests.support.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_make_use_and_revoke_a_token(new_context, child, owner, scheme) -> None:
    context = new_context(owner, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/c/{child.public_id}/team/")
    page.get_by_role("link", name="Device tokens").click()
    page.get_by_label("What is it?").fill("bedside button")
    page.get_by_role("button", name="Make token").click()
    shown = page.get_by_label("New token")
    expect(shown).to_be_visible()
    token = shown.input_value()
    assert token.startswith("msd_")
    assert serious_violations(page) == []
    for button in page.get_by_role("button").all():
        box = button.bounding_box()
        assert box is None or (box["height"] >= 44 and box["width"] >= 44), button.inner_text()

    # The device presses its button.
    answer = context.request.post(
        f"/api/v1/children/{child.public_id}/seizures/start",
        headers={"Authorization": f"Bearer {token}"},
        data={},
    )
    assert answer.status == 201
    page.goto(f"/c/{child.public_id}/")
    expect(page.get_by_text("Seizure in progress")).to_be_visible()
    expect(page.get_by_role("link", name="Open the timer")).to_be_visible()
    assert Episode.objects.get().in_progress

    page.goto(f"/c/{child.public_id}/devices/")
    expect(page.get_by_label("New token")).to_have_count(0)  # shown once only
    expect(page.get_by_text("last used")).to_be_visible()
    page.get_by_role("button", name="Revoke “bedside button”").click()
    expect(page.get_by_text("revoked")).to_be_visible()
    refused = context.request.get(
        f"/api/v1/children/{child.public_id}/seizures", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401
