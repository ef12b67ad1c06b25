"""An owner invitation in real phone-sized Chromium: the role must be confirmed; a forwarded
link opened by another account shows a page that names neither child nor inviter (and
passes axe in light and dark mode), and its sign-out button leads back to the invitation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from caregiver.models import Membership
from tests.support.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_forwarded_owner_invitation_opened_by_someone_else(new_context, owner, child, outsider, scheme) -> None:
    parent = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    parent.goto(f"/c/{child.public_id}/team/")
    parent.get_by_label("Their e-mail address").fill("co-parent@example.org")
    parent.get_by_label(re.compile(r"^Role:?$")).select_option("owner")
    parent.get_by_role("button", name="Send invitation").click()
    expect(parent.get_by_text("Tick this box to confirm they should be an owner")).to_be_visible()
    assert serious_violations(parent) == []
    parent.get_by_label(re.compile("I mean to make them an owner")).check()
    parent.get_by_role("button", name="Send invitation").click()
    link = parent.get_by_label("Invitation link").input_value()
    assert link in mail.outbox[-1].body

    stranger = new_context(outsider, color_scheme=scheme, bypass_csp=True).new_page()
    assert stranger.goto(link).status == 403
    expect(stranger.get_by_role("heading", name="This invitation is for another address")).to_be_visible()
    body = stranger.locator("main").inner_text()
    assert child.name not in body and owner.name not in body and owner.email not in body
    assert serious_violations(stranger) == []
    stranger.get_by_role("button", name="Sign out and use another address").click()
    stranger.wait_for_url(re.compile(r"/invitations/"))
    expect(stranger.get_by_text("This invitation is for co-parent@example.org")).to_be_visible()
    assert not Membership.objects.filter(user=outsider, child=child).exists()
