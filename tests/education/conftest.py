"""Fixtures for the education tests. The repository's content is in the test database from
the start: `migrate` loads it (education.signals), as it does on every deploy."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from tests.conftest import make_user

SIGN_KEYS = ("apnea", "flushing", "eye_deviation", "jerking", "twitching", "drooling")
SHEETS_DIR = Path(settings.BASE_DIR).parent / "shared" / "factsheets"


@pytest.fixture
def staff(db):
    """A staff member allowed to see (and so preview) articles, not a superuser."""
    user = make_user("editor@example.org", "Editor")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return user


@pytest.fixture
def superuser(db):
    user = make_user("admin@example.org", "Admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.ids += [value for name, value in attrs if name == "id" and value]


def element_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def main_html(response) -> str:
    """The page's <main> element: what the education templates put there, without the layout."""
    html = response.content.decode()
    match = re.search(r"<main\b.*?</main>", html, re.S)
    assert match, "no <main> in the page"
    return match[0]


@pytest.fixture
def sheet_text() -> str:
    """The real fact sheet(s) from ../shared/factsheets, joined; skipped when absent."""
    sheets = sorted(SHEETS_DIR.glob("*.txt")) if SHEETS_DIR.is_dir() else []
    if not sheets:
        pytest.skip(f"no fact sheet in {SHEETS_DIR}: the no-copy rule needs it to compare against")
    return "\n".join(path.read_text(encoding="utf-8") for path in sheets)
