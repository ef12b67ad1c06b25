"""The repository's content: it loads, it says what the issue requires, it is correct where the
fact sheet is not, and it never repeats the sheet word for word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from education.content import CONTENT_DIR, read_library
from education.models import Article, GlossaryTerm, Tip
from tests.education.conftest import SIGN_KEYS, element_ids, main_html
from tests.education.test_pages import TOPICS
from tests.support.nocopy import Sheet


def test_content_files_parse_without_errors() -> None:
    library = read_library()
    assert [entry.slug for entry in library.articles] == TOPICS
    assert len(library.tips) >= 20
    assert len(library.glossary) >= 30


@pytest.mark.django_db
def test_migrate_loaded_every_content_file_as_published() -> None:
    library = read_library()
    published = set(Article.objects.published().filter(language="en").values_list("slug", flat=True))
    assert {entry.slug for entry in library.articles} <= published
    assert Tip.objects.published().filter(language="en").count() == len(library.tips)
    assert GlossaryTerm.objects.published().filter(language="en").count() == len(library.glossary)
    assert not any(record.edited_since_loaded for record in Article.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("key", SIGN_KEYS)
def test_signs_article_has_an_anchor_for_each_checklist_sign(client, key) -> None:
    ids = element_ids(client.get(reverse("education:article", kwargs={"slug": "signs"})).content.decode())
    assert f"sign-{key}" in ids


@pytest.mark.django_db
def test_every_sign_of_the_seizure_checklist_has_its_anchor(client) -> None:
    """Cross-check with the checklist itself, read by the test only (education never imports it)."""
    signs = pytest.importorskip("seizures.signs")
    ids = set(element_ids(client.get(reverse("education:article", kwargs={"slug": "signs"})).content.decode()))
    assert signs.EDUCATION_ARTICLE == "signs"
    assert {f"sign-{sign.key}" for sign in signs.SIGNS} <= ids


@pytest.mark.django_db
def test_kcnt1_is_described_as_a_potassium_channel_never_as_a_sodium_channel(client) -> None:
    for slug in ("causes-and-genes", "brain-science"):
        text = " ".join(main_html(client.get(reverse("education:article", kwargs={"slug": slug}))).split())
        text = re.sub(r"<[^>]+>", "", text)
        assert "potassium channel" in text
        assert "sodium-activated potassium channel" in text
        for sentence in re.split(r"(?<=[.!?])\s", text):
            # The only sentences allowed to put the two together are the ones that correct the sheet.
            if "KCNT1" in sentence and "sodium channel" in sentence:
                assert "fact sheet" in sentence or "sheet calls" in sentence, sentence
    glossary = GlossaryTerm.objects.get(language="en", slug="kcnt1").definition
    assert "potassium channel" in glossary and "sodium channel" not in glossary


@pytest.mark.django_db
def test_treatments_article_names_every_treatment_in_the_sheet(client) -> None:
    text = main_html(client.get(reverse("education:article", kwargs={"slug": "treatments"}))).lower()
    for treatment in (
        "quinidine",
        "phenytoin",
        "acth",
        "prednisone",
        "ketogenic diet",
        "vagus nerve stimulation",
    ):
        assert treatment in text
    assert "no cure" in text


@pytest.mark.django_db
def test_research_is_dated_as_listed_in_the_fact_sheet(client) -> None:
    text = " ".join(main_html(client.get(reverse("education:article", kwargs={"slug": "research"}))).split())
    assert "M3Epilepsy" in text and "CARE-E" in text
    # Once for the page, once for each study's stage.
    assert text.count("as listed in the fact sheet; check current status") >= 3


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_internal_links_in_content_point_at_published_pages_in_the_same_language(client, language) -> None:
    """Content links with topic:/glossary:/page: names; each must resolve to a live page, in
    the reader's language (a Spanish article's glossary link lands on a Spanish entry)."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    ids = set(element_ids(client.get(reverse("education:glossary"), **headers).content.decode()))
    for article in Article.objects.published().filter(language=language):
        html = main_html(client.get(article.get_absolute_url(), **headers))
        body = html.split(f'class="edu-body" lang="{language}">', 1)[1].split("</div>", 1)[0]
        for href in re.findall(r'href="([^"]*)"', body):
            assert href, f"{article.slug} links to an unknown page"
            if href.startswith(reverse("education:glossary")):
                assert href.split("#")[1] in ids, f"{article.slug} links to a missing glossary entry {href}"
            elif href.startswith("/"):
                page = client.get(href, **headers)
                assert page.status_code == 200 and f'<html lang="{language}"' in page.content.decode(), href


def _all_rendered_pages(client) -> dict[str, str]:
    urls = [reverse("education:index"), reverse("education:tips"), reverse("education:glossary")]
    urls += [article.get_absolute_url() for article in Article.objects.published()]
    pages = {url: main_html(client.get(url)) for url in urls}
    # Rendered text without markup, so a run split across tags is still caught.
    return {url: re.sub(r"<[^>]+>", " ", html) for url, html in pages.items()}


@pytest.mark.django_db
def test_no_page_repeats_ten_words_of_the_fact_sheet(client, sheet_text) -> None:
    sheet = Sheet(sheet_text)
    copied = {url: runs for url, text in _all_rendered_pages(client).items() if (runs := sheet.copied_runs(text))}
    assert not copied


@pytest.mark.django_db
def test_no_tip_or_glossary_entry_repeats_ten_words_of_the_fact_sheet(sheet_text) -> None:
    sheet = Sheet(sheet_text)
    texts = [f"{tip.title} {tip.body}" for tip in Tip.objects.all()]
    texts += [f"{term.term} {term.definition}" for term in GlossaryTerm.objects.all()]
    assert [text for text in texts if sheet.copied_runs(text)] == []


def test_no_education_file_repeats_ten_words_of_the_fact_sheet(sheet_text) -> None:
    """The same rule over the files themselves, tests included, as the project's checker reads them."""
    sheet = Sheet(sheet_text)
    roots = [CONTENT_DIR.parent, Path(settings.BASE_DIR) / "tests" / "education"]
    files = [
        path
        for root in roots
        for path in root.rglob("*")
        if path.suffix in {".md", ".html", ".txt", ".py", ".json"} and "__pycache__" not in path.parts
    ]
    assert len(files) > 20
    copied = {str(path): runs for path in files if (runs := sheet.copied_runs(path.read_text(encoding="utf-8")))}
    assert not copied


@pytest.mark.django_db
def test_nocopy_checker_catches_a_copied_run(sheet_text) -> None:
    """The checker itself works: ten words lifted from the sheet are caught, nine are not."""
    words = re.sub(r"[^\w\s]", " ", sheet_text).split()[40:50]
    sheet = Sheet(sheet_text)
    assert sheet.copied_runs("Intro. " + " ".join(words) + " outro")
    assert not sheet.copied_runs("Intro. " + " ".join(words[:9]) + " outro")
