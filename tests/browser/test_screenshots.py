"""Phone-size screenshots of the main pages, as a family sees them. A normal run writes them to
a temporary directory (proving each page renders at 390×844); `python -m
tests.browser.make_images` sets SCREENSHOTS_DIR to docs/screenshots/ for the README."""

from __future__ import annotations

import os
import re
import struct
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seizures import dues
from seizures.models import Dose, DoseVersion, Weight
from tests.support.browser.helpers import expect_charts_drawn, open_and_keep
from tests.support.factories import make_episode, make_episodes, make_medicine, make_treatment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page, folder: Path, name: str, top: str = "body") -> None:
    """A screenshot of what the phone shows with the element `top` at the top of the screen."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator(top).first.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(folder / f"{name}.png"), animations="disabled", caret="hide")
    width, height = struct.unpack(">II", (folder / f"{name}.png").read_bytes()[16:24])
    assert (width, height) == (780, 1688), name  # 390×844 at the phone's pixel ratio


def test_main_pages_at_phone_size(new_context, owner, child, shots) -> None:
    now = timezone.now()
    child.cluster_alert_count, child.cluster_alert_hours = None, None
    child.save()
    make_treatment(child, started_on=timezone.localdate() - timedelta(days=20), dose="30 mg/kg/day")
    for minutes, fields in [
        (400, {"apnea": True, "flushing": True}),
        (190, {"jerking": True, "jerking_side": "left", "jerking_limb": "arm",
               "path": [{"region": "left_arm", "at_seconds": 0}, {"region": "right_leg", "at_seconds": 40}]}),
        (75, {"is_tally": True, "duration_seconds": None}),
        (70, {"is_tally": True, "duration_seconds": None}),
        (62, {"eye_deviation": True, "eye_side": "right", "drooling": True}),
    ]:  # fmt: skip
        make_episode(child, started_at=now - timedelta(minutes=minutes), logged_by=owner, **fields)
    context = new_context(owner)
    page = context.new_page()
    page.clock.install()
    home = f"/c/{child.public_id}/"
    open_and_keep(page, home)
    expect(page.locator("[data-outbox-status]")).to_have_text("All entries are saved.")
    shoot(page, shots, "home")

    page.get_by_role("button", name=re.compile("Seizure now")).click()
    page.wait_for_url(re.compile(r"/seizures/now/"))
    page.get_by_role("button", name=re.compile("^Jerking")).click()
    page.locator("#sign-jerking").get_by_role("button", name="Child’s left", exact=True).click()
    page.get_by_role("button", name=re.compile("^Apnea")).click()
    expect(page.locator("[data-outbox-status]")).to_have_text("All entries are saved.")
    page.clock.fast_forward(2100)
    expect(page.locator("[data-elapsed]")).not_to_have_text("0:00")
    shoot(page, shots, "timer")
    page.get_by_role("button", name="Seizure ended").click()
    page.wait_for_url(f"**{home}")

    page.goto(f"{home}seizures/new/")
    page.get_by_label("Minutes").fill("1")
    page.get_by_label("Seconds").fill("30")
    page.get_by_label("Face flushing").check()
    shoot(page, shots, "past-seizure")

    page.goto(f"{home}seizures/")
    shoot(page, shots, "timeline")

    context.set_offline(True)
    page.goto(home)
    for _ in range(3):
        page.get_by_role("button", name="Count one seizure now").click()
    expect(page.locator("[data-outbox-status]")).to_contain_text("(3 waiting)")
    shoot(page, shots, "offline")


def test_charts_and_the_timer_at_night(new_context, owner, child, shots) -> None:
    """The clinician's first chart over twelve weeks of rising frequency with a treatment band,
    and the timer in dark mode, as a parent sees it at night."""
    now = timezone.now()
    for week in range(12):
        count = 3 + 2 * week  # more seizures each week, as MMPEI often goes
        make_episodes(child, count, end=now - timedelta(weeks=11 - week, hours=1), spacing=timedelta(days=7) / count)
    make_treatment(child, started_on=timezone.localdate() - timedelta(days=30), dose="30 mg/kg/day")
    page = new_context(owner).new_page()
    page.goto(f"/c/{child.public_id}/charts/?period=90d&by=week")
    expect_charts_drawn(page)
    expect(page.locator(".chart-summary").first).to_contain_text(
        f"{sum(3 + 2 * w for w in range(12))} seizures on the recorded days"
    )
    shoot(page, shots, "charts", top="#chart-frequency-title")

    running = make_episode(
        child, started_at=now - timedelta(seconds=95), in_progress=True, duration_seconds=None, logged_by=owner
    )
    night = new_context(owner, color_scheme="dark").new_page()
    night.goto(f"/c/{child.public_id}/seizures/{running.public_id}/timer/")
    expect(night.locator("body")).to_have_css("background-color", re.compile(r"rgb\((\d{1,2}), (\d{1,2}), (\d{1,2})\)"))
    shoot(night, shots, "timer-dark")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_timer_scrolled_down_when_the_threshold_passes(new_context, owner, child, shots, scheme) -> None:
    """The parent is recording where the seizure moves when the rescue threshold passes: the
    bar and the rescue plan are on the screen."""
    running = make_episode(
        child,
        started_at=timezone.now() - timedelta(seconds=240),
        in_progress=True,
        duration_seconds=None,
        logged_by=owner,
        jerking=True,
        jerking_side="left",
        jerking_limb="arm",
        path=[{"region": "left_arm", "at_seconds": 20}, {"region": "left_leg", "at_seconds": 150}],
    )
    page = new_context(owner, color_scheme=scheme).new_page()
    page.clock.install()
    page.goto(f"/c/{child.public_id}/seizures/{running.public_id}/timer/")
    page.locator("#path").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.clock.fast_forward("01:02")
    expect(page.get_by_role("alert").filter(has_text="follow the rescue plan")).to_be_in_viewport()
    shoot(page, shots, "timer-alert" if scheme == "light" else "timer-alert-dark", top="#path-heading")


def test_medicine_pages_at_phone_size(new_context, owner, caregiver_user, child, shots) -> None:
    """The due list with a dose due, one given by another caregiver and the next ones; and a
    medicine's page with its mg/kg/day and dose history."""
    local_now = timezone.now().astimezone(child.zone)
    start = child.today() - timedelta(days=20)
    due = (local_now - timedelta(minutes=10)).strftime("%H:%M")
    given = (local_now - timedelta(minutes=25)).strftime("%H:%M")
    later = (local_now + timedelta(hours=5)).strftime("%H:%M")
    keppra = make_medicine(child, "Levetiracetam", times=(due, later), dose="0.5", dose_unit="mL", strength="100",
                           started_on=start, user=owner)  # fmt: skip
    make_medicine(child, "Phenobarbital", times=(given,), dose="10", started_on=start, user=owner)
    DoseVersion.objects.create(
        child=child, medicine=keppra, starts_on=child.today() - timedelta(days=6), dose=Decimal("0.6"),
        dose_unit="mL", strength=Decimal("100"), times=[due, later], set_by=caregiver_user,
    )  # fmt: skip
    Weight.objects.create(child=child, measured_on=start - timedelta(days=1), kg=Decimal("4.1"), logged_by=owner)
    Weight.objects.create(child=child, measured_on=child.today(), kg=Decimal("4.6"), logged_by=owner)
    (pheno,) = [s for s in dues.due_list(child).now if s.medicine.name == "Phenobarbital"]
    Dose.objects.create(child=child, medicine=pheno.medicine, scheduled_at=pheno.scheduled_at, status="given",
                        given_at=pheno.scheduled_at + timedelta(minutes=2), logged_by=caregiver_user)  # fmt: skip
    page = new_context(owner).new_page()
    page.goto(f"/c/{child.public_id}/")
    due_list = page.locator("#due-heading").locator("xpath=..")
    expect(due_list).to_contain_text("Levetiracetam")
    expect(due_list).to_contain_text("Phenobarbital")
    shoot(page, shots, "doses-due", top="#due-heading")
    page.goto(f"/c/{child.public_id}/medicines/{keppra.public_id}/")
    expect(page.get_by_text(re.compile(r"mg/kg/day")).first).to_be_visible()
    shoot(page, shots, "medicine")
