"""The timer and the home page in Spanish on a 390x844 phone, light and dark: the rescue alert at the threshold
in Spanish, axe clean, and no line of the ~25 % longer Spanish pushing the page sideways."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from caregiver.models import User
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import watch_for_errors
from tests.support.factories import make_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_timer_and_rescue_alert_in_spanish_fit_a_phone(new_context, child, owner, scheme) -> None:
    User.objects.filter(pk=owner.pk).update(language="es")
    owner.refresh_from_db()
    child.rescue_plan = "Dar midazolam bucal 2,5 mg y llamar al 112."
    child.save()
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        seizure = make_episode(
            child,
            started_at=timezone.now() - timedelta(seconds=240),
            in_progress=True,
            duration_seconds=None,
            logged_by=owner,
        )
        context = new_context(owner, viewport={"width": 390, "height": 844}, color_scheme=scheme, bypass_csp=True)
        page = context.new_page()
        errors = watch_for_errors(page)
        page.clock.install(time=timezone.now())
        page.goto(f"/c/{child.public_id}/seizures/{seizure.public_id}/timer/")

        assert page.locator("html").get_attribute("lang") == "es"
        expect(page.get_by_text("Crisis en curso")).to_be_visible()
        expect(page.get_by_role("button", name="La crisis terminó")).to_be_in_viewport(ratio=1)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert serious_violations(page) == []

        page.clock.fast_forward("01:05")
        server_clock.shift(timedelta(seconds=65))
        alert = page.locator("[data-rescue-alert]")
        expect(alert).to_be_visible()
        expect(alert.get_by_role("heading", name="5 minutos: siga el plan de rescate")).to_be_in_viewport(ratio=1)
        expect(alert.get_by_text("Dar midazolam bucal 2,5 mg y llamar al 112.")).to_be_visible()
        expect(page.get_by_role("button", name="Ocultar el plan")).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert serious_violations(page) == []
        assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_home_page_in_spanish_fits_a_phone(new_context, child, owner, scheme) -> None:
    User.objects.filter(pk=owner.pk).update(language="es")
    owner.refresh_from_db()
    context = new_context(owner, viewport={"width": 390, "height": 844}, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    errors = watch_for_errors(page)
    page.goto(child.get_absolute_url())
    expect(page.get_by_role("button", name=re.compile("Crisis ahora"))).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name=re.compile("Contar una crisis ahora"))).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert serious_violations(page) == []
    assert errors == []
