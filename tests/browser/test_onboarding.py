"""A family's first minutes, in a real phone-sized Chromium: sign up, add a child, invite a
clinician, who accepts in their own browser and sees the child read-only."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from caregiver.models import Child, Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "the long walk home through the park at dusk"


def test_sign_up_add_child_invite_clinician_who_sees_read_only(new_context) -> None:
    parent = new_context().new_page()
    parent.goto("/accounts/signup/")
    parent.get_by_label("E-mail address").fill("mum@example.com")
    parent.get_by_label(re.compile(r"^Password:?$")).fill(PASSPHRASE)
    parent.get_by_label("Password confirmation").fill(PASSPHRASE)
    parent.get_by_role("button", name="Create account").click()
    parent.get_by_role("link", name="Add your child").click()

    parent.get_by_label("Name").fill("Robin")
    parent.get_by_label("Date of birth").fill("2026-05-02")
    parent.get_by_label("Household time zone").select_option("Europe/Berlin")
    parent.get_by_role("button", name="Save").click()
    parent.wait_for_url(re.compile(r"/c/[0-9a-f-]+/$"))

    parent.get_by_role("link", name="Team").first.click()
    parent.get_by_label("Their e-mail address").fill("neuro@example.org")
    parent.get_by_label(re.compile(r"^Role:?$")).select_option("clinician")
    parent.get_by_role("button", name="Send invitation").click()
    link = parent.get_by_label("Invitation link").input_value()
    assert link in mail.outbox[-1].body

    clinician = new_context().new_page()
    clinician.goto(link)
    clinician.get_by_role("link", name="Create an account").click()
    assert clinician.get_by_label("E-mail address").input_value() == "neuro@example.org"
    clinician.get_by_label(re.compile(r"^Password:?$")).fill(PASSPHRASE + " too")
    clinician.get_by_label("Password confirmation").fill(PASSPHRASE + " too")
    clinician.get_by_role("button", name="Create account").click()
    clinician.get_by_role("button", name="Accept invitation").click()
    clinician.wait_for_url(re.compile(r"/c/[0-9a-f-]+/$"))
    assert clinician.get_by_text("Robin").first.is_visible()
    assert clinician.get_by_role("button", name=re.compile("Seizure now|Count one seizure")).count() == 0
    clinician.locator("html[data-offline-ready=true]").wait_for(state="attached")  # the page has settled
    expect(clinician.locator("[data-outbox-status]")).to_be_empty()  # a reader has no entries to save

    membership = Membership.objects.get(user__email="neuro@example.org")
    assert membership.role == Role.CLINICIAN
    clinician.goto(f"/c/{membership.child.public_id}/team/")
    assert clinician.get_by_text("Invite someone").count() == 0
    assert clinician.get_by_role("button", name="Change role").count() == 0
    assert clinician.goto(f"/c/{membership.child.public_id}/settings/").status == 403


def sign_up_and_open_add_child(page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSPHRASE)
    page.get_by_label("Password confirmation").fill(PASSPHRASE)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("link", name="Add your child").click()


@pytest.mark.parametrize(
    ("phone_zone", "starts_on"),
    [
        ("America/Chicago", "America/Chicago"),
        ("Asia/Kolkata", "Asia/Kolkata"),  # Chromium calls it by its old name, Asia/Calcutta
    ],
)
def test_a_new_childs_time_zone_starts_on_the_phones_own(new_context, phone_zone, starts_on) -> None:
    page = new_context(timezone_id=phone_zone).new_page()
    sign_up_and_open_add_child(page, "dad@example.com")
    zone = page.get_by_label("Household time zone")
    expect(zone).to_have_value(starts_on)
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Date of birth").fill("2026-05-02")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/c/[0-9a-f-]+/$"))
    page.goto(page.url + "settings/")
    expect(page.locator("#id_time_zone_helptext")).to_contain_text(re.compile(rf"^{starts_on} — now \d\d:\d\d\."))


def test_without_scripts_the_time_zone_is_chosen_never_assumed(new_context) -> None:
    page = new_context(timezone_id="America/Chicago", java_script_enabled=False).new_page()
    sign_up_and_open_add_child(page, "dad@example.com")
    zone = page.get_by_label("Household time zone")
    expect(zone).to_have_value("")
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Date of birth").fill("2026-05-02")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the marked fields")
    expect(page.locator("main")).to_contain_text("Choose the time zone your household lives in")
    assert not Child.objects.exists()
    zone.select_option("America/Chicago")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/c/[0-9a-f-]+/$"))
    assert Child.objects.get().time_zone == "America/Chicago"
