"""Medicines and the dose log in real headless Chromium at a phone's size (390×844): a
medicine set up from the form, a dose given on one phone, and a second phone that still
shows it as due told who gave it, which must confirm before a second dose is recorded. The
pages pass axe in light and dark mode, with tap targets of 44 px at least."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures import dues
from seizures.models import Dose, Weight
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import open_and_keep, watch_for_errors
from tests.support.factories import make_medicine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "All entries are saved."


def _due_a_few_minutes_ago(child) -> tuple[str, str]:
    """A time of day a few minutes back on the child's clock, and the day before today (the
    medicine's start), so the dose is due now even just after midnight."""
    local = (timezone.now() - timedelta(minutes=4)).astimezone(child.zone)
    return local.strftime("%H:%M"), str(child.today() - timedelta(days=1))


def test_a_medicine_set_up_on_one_phone_and_a_dose_given_twice_needs_a_confirmation(
    new_context, child, owner, caregiver_user
) -> None:
    due_time, start = _due_a_few_minutes_ago(child)
    parent = new_context(owner).new_page()
    errors = watch_for_errors(parent)
    parent.goto(f"/c/{child.public_id}/medicines/")
    parent.get_by_role("link", name="Add a medicine").click()
    parent.get_by_label("Medicine").fill("Levetiracetam")
    parent.get_by_label("Form").select_option("liquid")
    parent.get_by_label("Route").select_option("oral")
    parent.get_by_label("Started on").fill(start)
    parent.get_by_label("Dose:", exact=True).fill("-2")
    parent.get_by_label("Unit").select_option("mL")
    parent.get_by_label("At set times of day").check()
    parent.get_by_label("Times of day:", exact=True).fill(due_time)
    parent.get_by_role("button", name="Save").click()
    expect(parent.get_by_text("A dose is more than zero.")).to_be_visible()
    parent.get_by_label("Dose:", exact=True).fill("2.5")
    parent.get_by_label("Strength (mg per mL)").fill("100")
    parent.get_by_role("button", name="Save").click()
    expect(parent.get_by_role("heading", name="Levetiracetam")).to_be_visible()
    expect(parent.get_by_text(f"2.5 mL at {due_time} (100 mg/mL)", exact=True)).to_be_visible()

    # The second phone opens today's page while the dose is still due.
    gran = new_context(caregiver_user).new_page()
    gran.goto(f"/c/{child.public_id}/")
    expect(gran.get_by_text(f"due at {due_time}")).to_be_visible()

    parent.goto(f"/c/{child.public_id}/")
    parent.get_by_role("button", name=re.compile(r"^Given Levetiracetam")).click()
    expect(parent.get_by_text("Levetiracetam given.")).to_be_visible()
    expect(parent.get_by_text(re.compile(r"Given by Alex at \d\d:\d\d"))).to_be_visible()

    gran.get_by_role("button", name=re.compile(r"^Given Levetiracetam")).click()
    expect(gran.get_by_role("alert")).to_contain_text(re.compile(r"Given by Alex at \d\d:\d\d"))
    assert Dose.objects.count() == 1
    gran.get_by_role("button", name="Yes, give another dose (already given by Alex)").click()
    expect(gran.get_by_text("Levetiracetam given: recorded as an extra dose.")).to_be_visible()
    assert sorted(Dose.objects.values_list("extra", flat=True)) == [False, True]
    assert errors == []


def test_a_dose_given_offline_is_kept_on_the_phone_and_arrives_once(new_context, child, owner) -> None:
    due_time, _start = _due_a_few_minutes_ago(child)
    make_medicine(child, times=(due_time,), started_on=child.today() - timedelta(days=1))
    context = new_context(owner)
    page = context.new_page()
    errors = watch_for_errors(page, offline=True)
    open_and_keep(page, f"/c/{child.public_id}/")
    status = page.locator("[data-outbox-status]")
    expect(status).to_have_text(SAVED)
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.get_by_role("button", name=re.compile(r"^Given Levetiracetam")).click()
    expect(page.get_by_text("Given — kept on this phone")).to_be_visible()
    expect(status).to_have_text(re.compile(r"\(1 waiting\)"))
    assert not Dose.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_text(SAVED)
    dose = Dose.objects.get()
    assert dose.logged_by == owner and dose.status == "given" and not dose.extra
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_medicine_pages_pass_axe(new_context, child, owner, caregiver_user, scheme) -> None:
    due_time, _start = _due_a_few_minutes_ago(child)
    medicine = make_medicine(child, times=(due_time,), started_on=child.today() - timedelta(days=1))
    Weight.objects.create(child=child, measured_on=child.today(), kg=Decimal("4.4"), logged_by=owner)
    page = new_context(owner, color_scheme=scheme, bypass_csp=True).new_page()
    paths = [
        f"/c/{child.public_id}/",
        f"/c/{child.public_id}/medicines/",
        f"/c/{child.public_id}/medicines/{medicine.public_id}/",
        f"/c/{child.public_id}/weight/",
        f"/c/{child.public_id}/medicines/new/",
    ]
    for path in paths:
        page.goto(path)
        assert serious_violations(page) == [], path
        for button in page.get_by_role("button").all():
            box = button.bounding_box()
            assert box is None or (box["height"] >= 44 and box["width"] >= 44), (path, button.inner_text())
    page.get_by_role("button", name="Save").click()  # the add form's errors
    expect(page.get_by_role("alert").first).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"/c/{child.public_id}/weight/")
    page.get_by_label("Weight (kg)").fill("60")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("between 0.5 and 50")).to_be_visible()
    assert serious_violations(page) == []
    # The confirmation asked of a second giver.
    page.goto(f"/c/{child.public_id}/")
    (slot,) = dues.due_list(child).now
    Dose.objects.create(child=child, medicine=medicine, scheduled_at=slot.scheduled_at, status="given",
                        given_at=timezone.now(), logged_by=caregiver_user)  # fmt: skip
    page.get_by_role("button", name=re.compile(r"^Given Levetiracetam")).click()
    expect(page.get_by_role("button", name="Yes, give another dose (already given by Gran)")).to_be_visible()
    assert serious_violations(page) == []


def test_a_dose_given_by_mistake_is_removed_and_due_again(new_context, child, owner) -> None:
    due_time, start = _due_a_few_minutes_ago(child)
    make_medicine(child, "Levetiracetam", times=(due_time,), started_on=date.fromisoformat(start))
    page = new_context(owner).new_page()
    errors = watch_for_errors(page)
    page.goto(f"/c/{child.public_id}/")
    page.get_by_role("button", name=re.compile(r"^Given Levetiracetam")).click()
    expect(page.get_by_text("Levetiracetam given.")).to_be_visible()

    page.get_by_text("Recorded by mistake?").click()
    remove = page.get_by_role("button", name="Remove this record Levetiracetam")
    assert remove.bounding_box()["height"] >= 44
    assert serious_violations(page) == []
    remove.click()
    expect(page.get_by_text(re.compile(r"Removed the record of Levetiracetam due"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Given Levetiracetam"))).to_be_visible()
    assert not Dose.objects.exists()
    assert errors == []
