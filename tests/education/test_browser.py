"""The education pages in a real phone-sized Chromium: accessible in both colour schemes, no
wider than a 360 px phone, search updating as you type under the strict CSP, and the
checklist's links landing on their sign."""

from __future__ import annotations

import pytest

# The browser fixtures are the project's (tests/browser/conftest.py); reused, not copied.
from tests.support.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/learn/", "/learn/topics/signs/", "/learn/topics/treatments/", "/learn/tips/", "/learn/glossary/"]
CSP_LISTENER = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.cspViolations.push(e.violatedDirective));"
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_education_pages_pass_axe(new_context, scheme) -> None:  # noqa: F811
    page = new_context(color_scheme=scheme, bypass_csp=True).new_page()
    for path in [*PAGES, "/learn/search/?q=apnea"]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_pages_fit_a_360_pixel_phone_without_sideways_scrolling(new_context) -> None:  # noqa: F811
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    for path in [*PAGES, "/learn/search/?q=potassium"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_search_updates_as_you_type_with_no_csp_violation(new_context) -> None:  # noqa: F811
    context = new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.goto("/learn/search/")
    page.get_by_label("Search the articles").press_sequentially("quinidine", delay=20)
    mark = page.locator("#search-results mark").first
    mark.wait_for()
    assert mark.inner_text().lower() == "quinidine"
    assert page.locator("#search-results a", has_text="Treatments that are tried").count() == 1
    page.wait_for_url("**/learn/search/?q=quinidine")
    assert page.locator("h1").count() == 1, "the fragment, not a whole page, was swapped in"
    assert page.evaluate("window.cspViolations") == []


def test_search_works_without_javascript(new_context) -> None:  # noqa: F811
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/learn/")
    page.get_by_label("Search the articles").fill("vagus")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/learn/search/?q=vagus")
    assert page.locator("#search-results mark").first.inner_text().lower() == "vagus"


def test_a_sign_link_lands_on_its_section(new_context) -> None:  # noqa: F811
    page = new_context().new_page()
    page.goto("/learn/topics/signs/#sign-drooling")
    heading = page.locator("#sign-drooling")
    assert heading.inner_text() == "Drooling"
    assert 0 <= heading.evaluate("el => el.getBoundingClientRect().top") < 200


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_section_in_spanish_fits_a_phone_passes_axe_and_searches_without_accents(new_context, scheme) -> None:  # noqa: F811
    """Spanish runs about a quarter longer than English: every page still fits 390 px."""
    context = new_context(locale="es-ES", viewport={"width": 390, "height": 844}, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    for path in [*PAGES, "/learn/topics/causes-and-genes/"]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "es", path
        assert page.locator('main [lang="en"]').count() == 0, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert serious_violations(page) == [], path
    page.goto("/learn/search/")
    page.get_by_label("Buscar en los artículos").press_sequentially("convulsion", delay=20)
    mark = page.locator("#search-results mark").first
    mark.wait_for()
    assert mark.inner_text().lower() == "convulsión"
    assert page.locator("#search-results a", has_text="Cómo son las crisis").count() == 1
    assert serious_violations(page) == []
