"""The translation catalogs: committed compiled, current with the code, never fuzzy, and the
emergency screens (the timer, the rescue alert, the home page and the phone's outbox words)
translated to the last string — and, since every string now is, the whole catalog.
Adding a language: README, "Languages"."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.support import catalog

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

# Every source file of what a caregiver sees mid-seizure, and of the outbox's messages about
# what the phone logged then: a string from these left untranslated would show in English on
# the one screen that must not make anyone stop and think.
EMERGENCY_SOURCES = [
    "templates/base.html",
    "templates/child_nav.html",
    "caregiver/templatetags/pwa.py",
    "seizures/outbox.py",  # why the server refused an entry the phone sent
    "seizures/views/outbox.py",
    "seizures/signs.py",
    "seizures/views/common.py",
    "seizures/views/home.py",
    "seizures/views/tally.py",
    "seizures/views/timer.py",
    "seizures/templates/seizures/home.html",
    "seizures/templates/seizures/timer.html",
    "seizures/templates/seizures/_day_status.html",
    "seizures/templates/seizures/_due_list.html",
    "seizures/templates/seizures/_episode_summary.html",
    "seizures/templates/seizures/_logging_head.html",
    "seizures/templates/seizures/_logging_scripts.html",
    "seizures/templates/seizures/_none_logged.html",
    "seizures/templates/seizures/_plan_step.html",
    "seizures/templates/seizures/_rescue_dose.html",
    "seizures/templates/seizures/_rescue_guard.html",
    "seizures/templates/seizures/_tally_status.html",
    "seizures/templates/seizures/_timer_choice.html",
    "seizures/templates/seizures/_uncountable_end.html",
]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def compiled(mo: Path) -> dict:
    with mo.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_is_the_po_compiled(language, tmp_path) -> None:
    """Someone who edits a .po and forgets `compilemessages` ships the old words: the .mo is
    compared, message by message, with the .po compiled afresh."""
    assert shutil.which("msgfmt"), "GNU gettext is needed (`make test` installs Debian's package)"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", fresh, po_path(language)], check=True)
    assert compiled(po_path(language).with_suffix(".mo")) == compiled(fresh), (
        f"locale/{language}: run `manage.py compilemessages` and commit the .mo"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_lists_every_marked_string(language, tmp_path, settings, monkeypatch) -> None:
    """makemessages run now finds no string the committed catalog lacks (nor one it no longer
    uses). It runs in a mirror of the project made of links, without its locale/ folder, so
    it writes only to a copy of the catalog."""
    mirror = tmp_path / "project"
    mirror.mkdir()
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name not in {"locale", "tests", "staticfiles"} and not item.name.startswith("."):
            (mirror / item.name).symlink_to(item)
    copy = tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(po_path(language), copy)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(mirror)
    call_command("makemessages", locale=[language], symlinks=True, add_location="file", verbosity=0)

    def keys(path: Path) -> set:
        return {(e.context, e.msgid, e.plural) for e in catalog.read(path)}

    assert keys(copy) == keys(po_path(language)), f"locale/{language}: run `manage.py makemessages -l {language}`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy(language) -> None:
    fuzzy = [e.msgid for e in catalog.read(po_path(language)) if "fuzzy" in e.flags]
    assert fuzzy == []


def test_the_emergency_sources_exist() -> None:
    """A renamed template must be renamed here too, or its strings would go unchecked."""
    assert [name for name in EMERGENCY_SOURCES if not (Path(settings.BASE_DIR) / name).is_file()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language) -> None:
    """A language is shipped whole: a new English string fails the build until it is translated."""
    assert [e.msgid for e in catalog.read(po_path(language)) if not e.translated] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_emergency_screens_is_translated(language) -> None:
    entries = catalog.read(po_path(language))
    used = [e for e in entries if set(e.sources) & set(EMERGENCY_SOURCES)]
    assert len(used) > 200  # the catalog names its sources (makemessages --add-location=file)
    assert [e.msgid for e in used if not e.translated] == []
