"""Every page in Spanish: a member who chose Spanish meets none of the app's own English
sentences on any page (a string someone forgot to mark, or to translate, shows up here).
Pages are found the way the URL sweep finds them, so a new page is checked without a word."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

from caregiver.models import User
from tests.caregiver.test_url_sweep import CHILD_ROUTES, OTHER_ROUTES, _params, _url, _values
from tests.support import catalog
from tests.support.sweep import SWEEP_OBJECTS

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\(\w+\)|<|\{")


def english_sentences() -> list[str]:
    """The catalog's English of three words or more whose Spanish differs: long enough that
    finding one on a Spanish page means it went untranslated, not a shared word."""
    entries = catalog.read(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po")
    return sorted(
        {
            e.msgid
            for e in entries
            if len(e.msgid.split()) >= 3 and not PLACEHOLDER.search(e.msgid) and e.msgstr.get(0) != e.msgid
        }
    )


ENGLISH = english_sentences()


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


def english_on(html: str) -> list[str]:
    text = visible_text(html)
    return [sentence for sentence in ENGLISH if sentence in text]


def test_the_list_of_english_sentences_is_long_enough_to_mean_something() -> None:
    assert len(ENGLISH) > 500


# Routes whose other parameters the sweep can fill: a password-reset link, an invitation link
# and an education article (by slug) are left out.
PAGES = [(r[0], r[1]) for r in CHILD_ROUTES + OTHER_ROUTES if set(_params(r[0])) <= {"child_id", *SWEEP_OBJECTS}]


@pytest.mark.parametrize(("route", "name"), PAGES)
def test_no_english_sentence_on_any_page_in_spanish(client, owner, child, route, name) -> None:
    User.objects.filter(pk=owner.pk).update(language="es")
    client.force_login(owner)
    response = client.get(_url(route, _values(route, child, owner)))
    translation.activate(settings.LANGUAGE_CODE)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return  # redirects, downloads and POST-only routes have no page to read
    html = response.content.decode()
    assert "<html" not in html or '<html lang="es"' in html, name  # fragments have no <html>
    assert english_on(html) == [], name
