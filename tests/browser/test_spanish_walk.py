"""A Spanish-speaking family's first minutes at 390x844, the browser set to Spanish: sign up,
add a child, Seizure now, a sign on the timer, +1 and the charts — each page in Spanish, axe
clean and with no sideways scroll (Spanish runs about a quarter longer than English)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caregiver.models import User
from seizures.models import Episode
from tests.support.browser.axe import serious_violations
from tests.support.browser.helpers import eventually, watch_for_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "el largo camino a casa por el parque al anochecer"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def check_page(page) -> None:
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.url
    assert serious_violations(page) == [], page.url


def test_sign_up_add_a_child_and_log_in_spanish(new_context) -> None:
    page = new_context(locale="es-ES", viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
    errors = watch_for_errors(page)
    page.goto("/accounts/signup/")
    check_page(page)
    page.get_by_label("Correo electrónico").fill("mama@example.com")
    page.get_by_label(re.compile(r"^Contraseña:?$")).fill(PASSPHRASE)
    page.get_by_label(re.compile(r"^Contraseña \(confirmación\):?$")).fill(PASSPHRASE)
    page.get_by_role("button", name="Crear la cuenta").click()
    page.get_by_role("link", name="Añadir a su niño").click()
    check_page(page)

    page.get_by_label(re.compile(r"^Nombre")).fill("Lucía")
    page.get_by_label(re.compile(r"^Fecha de nacimiento")).fill("2026-05-02")
    page.get_by_label("Zona horaria del hogar").select_option("Europe/Madrid")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(r"/c/[0-9a-f-]+/$"))
    check_page(page)
    assert User.objects.get(email="mama@example.com").language == ""  # the browser's, not chosen

    page.get_by_role("button", name=re.compile("Crisis ahora")).click()
    expect(page.get_by_text("Crisis en curso")).to_be_visible()
    page.get_by_text("Apnea", exact=True).first.click()
    eventually(page, lambda: Episode.objects.filter(apnea=True).exists())
    check_page(page)
    page.get_by_role("button", name="La crisis terminó").click()
    page.wait_for_url(re.compile(r"/c/[0-9a-f-]+/$"))

    page.get_by_role("button", name=re.compile("Contar una crisis ahora")).click()
    expect(page.locator("[data-today-count]")).to_have_text("2")
    expect(page.locator("[data-count-words]")).to_have_text("crisis")
    check_page(page)

    page.get_by_role("link", name="Gráficos").first.click()
    expect(page.get_by_role("heading", name="Gráficos de Lucía")).to_be_visible()
    check_page(page)
    assert errors == []
