"""Which language a page speaks: the browser's (Accept-Language) until the member chooses one
on their account page; `<html lang>` always says which."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from caregiver.models import User

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def test_the_browser_language_decides_before_sign_in(client) -> None:
    spanish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert html_lang(spanish) == "es" and "Iniciar sesión" in spanish.content.decode()
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de,en;q=0.5")
    assert html_lang(english) == "en" and "Forgotten your password?" in english.content.decode()


def test_a_language_the_app_lacks_falls_back_to_english(client) -> None:
    assert html_lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ja")) == "en"


def test_a_member_who_has_not_chosen_follows_the_browser(owner_client, child) -> None:
    response = owner_client.get(child.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
    assert html_lang(response) == "es" and "Crisis ahora" in response.content.decode()


def test_choosing_spanish_on_the_account_page_applies_whatever_the_browser_says(owner_client, owner, child) -> None:
    page = owner_client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="language"' in page.content.decode()

    response = owner_client.post(reverse("account-language"), {"language": "es"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == reverse("account")
    owner.refresh_from_db()
    assert owner.language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"  # the sign-in page too

    after = owner_client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en")
    text = after.content.decode()
    assert html_lang(after) == "es" and "Idioma guardado." in text and "Su cuenta" in text
    home = owner_client.get(child.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(home) == "es" and "Crisis ahora" in home.content.decode()


def test_going_back_to_the_browser_language(owner_client, owner) -> None:
    User.objects.filter(pk=owner.pk).update(language="es")
    response = owner_client.post(reverse("account-language"), {"language": ""}, HTTP_ACCEPT_LANGUAGE="en")
    owner.refresh_from_db()
    assert owner.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    assert html_lang(owner_client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en")) == "en"


@pytest.mark.parametrize("value", ["fr", "es" * 10, "\x00", "<b>"])
def test_a_language_not_offered_is_refused_with_a_clear_error(owner_client, owner, value) -> None:
    response = owner_client.post(reverse("account-language"), {"language": value})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    owner.refresh_from_db()
    assert owner.language == ""


def test_the_language_switch_needs_a_post(owner_client) -> None:
    assert owner_client.get(reverse("account-language")).status_code == 405


def test_dates_follow_the_language(owner_client, owner, child) -> None:
    """Django's formats: a treatment's start date reads as Spanish writes it."""
    from seizures.models import Treatment

    Treatment.objects.create(child=child, kind="quinidine", dose="10 mg/kg/day", started_on=date(2026, 4, 1))
    User.objects.filter(pk=owner.pk).update(language="es")
    text = owner_client.get(child.get_absolute_url()).content.decode()
    assert "desde el 1 abr 2026" in text.lower()
