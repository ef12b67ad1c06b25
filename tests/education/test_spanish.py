"""The education section in Spanish: the same pages as in English, written for Spanish-speaking
families, with the same sources, dates and corrections; each reader gets their own language,
with English filling any gap; search ignores accents."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from education.content import CONTENT_DIR, read_libraries
from education.loading import sync_libraries
from education.models import Article, GlossaryTerm, Status, Tip
from tests.caregiver.test_spanish_pages import english_on
from tests.conftest import make_user
from tests.education.conftest import SIGN_KEYS, element_ids, main_html
from tests.support.nocopy import Sheet

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
_ANCHOR = re.compile(r"\{#([\w-]+)\}")
_LINK = re.compile(r"\]\(((?:topic|glossary|page):[^)\s]+)\)")


def _page(client, url: str, **headers) -> str:
    response = client.get(url, **(headers or SPANISH))
    assert response.status_code == 200, url
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _libraries() -> dict[str, object]:
    return {library.language: library for library in read_libraries()}


def test_every_content_folder_is_a_language_the_site_offers() -> None:
    """A folder named for a language the settings do not list would be silently ignored."""
    offered = {code for code, _name in settings.LANGUAGES}
    folders = {path.name for path in CONTENT_DIR.iterdir() if path.is_dir() and path.name not in {"articles"}}
    assert folders <= offered
    assert set(_libraries()) == offered


@pytest.mark.parametrize("kind", ["articles", "tips", "glossary"])
def test_spanish_has_every_english_page_with_the_same_order_status_and_review_date(kind) -> None:
    english, spanish = ({entry.slug: entry for entry in getattr(_libraries()[code], kind)} for code in ("en", "es"))
    assert set(spanish) == set(english)
    for slug, entry in spanish.items():
        for field in ("order", "status", "reviewed_on", "autolink"):
            assert entry.values.get(field) == english[slug].values.get(field), (slug, field)
        assert entry.origin.startswith("content/es/")


def test_spanish_articles_keep_every_anchor_and_link_target_of_the_english() -> None:
    """The seizure checklist links to the signs article's anchors, and articles link to each
    other by name: a translation that renamed one would break a link in one language only."""
    english = {entry.slug: entry.values["body"] for entry in _libraries()["en"].articles}
    for entry in _libraries()["es"].articles:
        body = entry.values["body"]
        assert set(_ANCHOR.findall(body)) == set(_ANCHOR.findall(english[entry.slug])), entry.slug
        assert set(_LINK.findall(body)) == set(_LINK.findall(english[entry.slug])), entry.slug


@pytest.mark.django_db
def test_migrate_loaded_the_spanish_content_as_published() -> None:
    spanish = _libraries()["es"]
    assert set(Article.objects.published().filter(language="es").values_list("slug", flat=True)) == {
        entry.slug for entry in spanish.articles
    }
    assert Tip.objects.published().filter(language="es").count() == len(spanish.tips) > 0
    assert GlossaryTerm.objects.published().filter(language="es").count() == len(spanish.glossary) > 0


@pytest.mark.django_db
def test_a_spanish_browser_reads_every_page_in_spanish(client) -> None:
    index = _page(client, reverse("education:index"))
    assert '<html lang="es"' in index
    assert "Aprender sobre la MMPEI" in index
    titles = list(Article.objects.published().filter(language="es").values_list("title", flat=True))
    positions = [index.find(title.replace("'", "&#x27;")) for title in titles]
    assert -1 not in positions and positions == sorted(positions), "topics missing or out of order"
    assert 'lang="en"' not in main_html(client.get(reverse("education:index"), **SPANISH))

    article = Article.objects.get(language="es", slug="signs")
    html = main_html(client.get(article.get_absolute_url(), **SPANISH))
    assert f'<h1 lang="es">{article.title}</h1>' in html
    assert "Esto es información general, no consejo médico." in html
    assert article.source in html and "hoja informativa" in article.source
    assert '<time datetime="2026-11-27">' in html

    for name in ("tips", "glossary"):
        html = main_html(client.get(reverse(f"education:{name}"), **SPANISH))
        assert 'lang="es"' in html and 'lang="en"' not in html


@pytest.mark.django_db
def test_a_member_who_chose_spanish_reads_spanish_whatever_the_browser_says(client) -> None:
    user = make_user("abuela@example.org", "Abuela")
    user.language = "es"
    user.save()
    client.force_login(user)
    html = _page(client, reverse("education:article", kwargs={"slug": "signs"}), HTTP_ACCEPT_LANGUAGE="en")
    assert f'<h1 lang="es">{Article.objects.get(language="es", slug="signs").title}</h1>' in html


@pytest.mark.django_db
def test_english_readers_see_no_spanish(client) -> None:
    for url in (reverse("education:index"), reverse("education:tips"), reverse("education:glossary")):
        html = main_html(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        assert 'lang="es"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("key", SIGN_KEYS)
def test_spanish_signs_article_has_the_checklists_anchors(client, key) -> None:
    ids = element_ids(_page(client, reverse("education:article", kwargs={"slug": "signs"})))
    assert f"sign-{key}" in ids


@pytest.mark.django_db
def test_spanish_names_kcnt1_a_sodium_activated_potassium_channel(client) -> None:
    for slug in ("causes-and-genes", "brain-science"):
        text = _text(main_html(client.get(reverse("education:article", kwargs={"slug": slug}), **SPANISH)))
        assert "canal de potasio activado por sodio" in text, slug
        for sentence in re.split(r"(?<=[.!?])\s", text):
            # Only the correction of the sheet may put KCNT1 beside "canal de sodio".
            if "KCNT1" in sentence and "canal de sodio" in sentence:
                assert "hoja informativa" in sentence, sentence
    definition = " ".join(GlossaryTerm.objects.get(language="es", slug="kcnt1").definition.split())
    assert "canal de potasio" in definition and "canal de sodio" not in definition


@pytest.mark.django_db
def test_spanish_treatments_and_research_keep_the_facts(client) -> None:
    treatments = _text(
        main_html(client.get(reverse("education:article", kwargs={"slug": "treatments"}), **SPANISH))
    ).lower()
    for name in ("quinidina", "fenitoína", "acth", "prednisona", "dieta cetogénica", "estimulación del nervio vago"):
        assert name in treatments
    assert "no tiene cura" in treatments
    research = _text(main_html(client.get(reverse("education:article", kwargs={"slug": "research"}), **SPANISH)))
    assert "M3Epilepsy" in research and "CARE-E" in research
    html = main_html(client.get(reverse("education:article", kwargs={"slug": "research"}), **SPANISH))
    assert re.search(r'<h2 id="[\w-]+" lang="en">Cannabidiol in Children', html), "the English title is marked"
    # Once for the page, once for each study's stage: dated as the sheet lists them.
    assert research.count("según figura en la hoja informativa; compruebe su estado actual") >= 3


@pytest.mark.django_db
def test_spanish_articles_link_spanish_glossary_words(client) -> None:
    html = main_html(client.get(reverse("education:article", kwargs={"slug": "diagnosis"}), **SPANISH))
    assert f'href="{reverse("education:glossary")}#term-eeg"' in html


@pytest.mark.django_db
def test_every_spanish_page_is_free_of_the_fact_sheets_sentences(client, sheet_text) -> None:
    sheet = Sheet(sheet_text)
    urls = [reverse("education:index"), reverse("education:tips"), reverse("education:glossary")]
    urls += [article.get_absolute_url() for article in Article.objects.published().filter(language="es")]
    copied = {url: runs for url in urls if (runs := sheet.copied_runs(_text(main_html(client.get(url, **SPANISH)))))}
    assert not copied


def test_the_nocopy_rule_ignores_accents() -> None:
    """A Spanish sheet's sentence copied without its accents is still a copy."""
    sheet = Sheet("La epilepsia migratoria maligna de la infancia empieza en los primeros meses de vida del bebé.")
    assert sheet.copied_runs("Dice: la epilepsia migratoria maligna de la infancia empieza en los primeros meses.")
    assert sheet.copied_runs("LA EPILEPSIA MIGRATORIA MALIGNA DE LA INFANCIA EMPIEZA EN LOS PRIMEROS MESES")


@pytest.mark.django_db
def test_a_page_not_yet_translated_is_shown_in_english_and_marked_so(client) -> None:
    Article.objects.create(
        slug="owl-care", title="Owl care", body="Owls rest by day.", status=Status.PUBLISHED, order=5
    )
    # A Spanish draft does not hide the published English page.
    Article.objects.create(slug="owl-care", language="es", title="Búhos", body="Borrador.", order=5)
    index = main_html(client.get(reverse("education:index"), **SPANISH))
    assert '<a class="edu-card" lang="en" href="/learn/topics/owl-care/">' in index
    html = main_html(client.get(reverse("education:article", kwargs={"slug": "owl-care"}), **SPANISH))
    assert '<h1 lang="en">Owl care</h1>' in html and "Búhos" not in html
    assert "Esto es información general" in html  # the page around it is still Spanish


@pytest.mark.django_db
def test_spanish_pages_cost_the_same_queries_as_english(client, django_assert_num_queries) -> None:
    client.get(reverse("education:index"), **SPANISH)  # warm the session and sites caches
    for name, queries in (("index", 1), ("tips", 1), ("glossary", 1)):
        with django_assert_num_queries(queries):
            client.get(reverse(f"education:{name}"), **SPANISH)
    with django_assert_num_queries(3):
        client.get(reverse("education:article", kwargs={"slug": "signs"}), **SPANISH)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["convulsion", "CONVULSIÓN", "convulsión"])
def test_search_in_spanish_ignores_accents_and_highlights_the_real_word(client, typed) -> None:
    html = _page(client, reverse("education:search") + f"?q={typed}")
    hits = re.findall(r'<li class="edu-hit" lang="(\w+)">', html)
    assert hits and set(hits) == {"es"}
    assert re.search(r"<mark>[Cc]onvulsi[oó]n", html) and "<mark>convulsión" in html.lower()


@pytest.mark.django_db
def test_search_finds_accented_spanish_from_plain_letters(client) -> None:
    html = _page(client, reverse("education:search") + "?q=genetico")
    assert "<mark>genético</mark>" in html.lower()
    assert 'href="/learn/topics/causes-and-genes/"' in html


@pytest.mark.django_db
def test_search_in_english_finds_english_only(client) -> None:
    html = _page(client, reverse("education:search") + "?q=seizure", HTTP_ACCEPT_LANGUAGE="en")
    assert re.findall(r'<li class="edu-hit" lang="(\w+)">', html)
    assert 'lang="es"' not in main_html(client.get(reverse("education:search") + "?q=crisis"))


@pytest.mark.django_db
def test_glossary_files_accented_terms_under_their_plain_letter(client) -> None:
    GlossaryTerm.objects.create(
        slug="zz-acaro", language="es", term="Ácaro", definition="Un bicho diminuto.", status=Status.PUBLISHED
    )
    html = main_html(client.get(reverse("education:glossary"), **SPANISH))
    a_section = html.split('id="letter-A"', 1)[1].split('id="letter-B"', 1)[0]
    assert "Ácaro" in a_section
    assert 'href="#letter-Á"' not in html
    terms = re.findall(r"<dt>([^<]+)</dt>", a_section)
    assert terms == sorted(terms, key=lambda t: t.casefold().replace("á", "a"))


@pytest.mark.django_db
def test_the_tip_of_the_day_follows_the_readers_language(client) -> None:
    url = reverse("education:daily-tip") + "?day=2026-12-07"
    spanish, english = _page(client, url), _page(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Consejo de hoy" in spanish and 'lang="es"' in spanish
    assert "Tip for today" in english and 'lang="es"' not in english
    slug = re.search(r'id="daily-tip-([\w-]+)"', spanish)[1]
    assert slug == re.search(r'id="daily-tip-([\w-]+)"', english)[1], "the same tip on the same day"


@pytest.mark.django_db
def test_loading_a_language_touches_only_that_language(tmp_path: Path) -> None:
    article = "---\ntitle: {title}\nslug: owl-care\nstatus: published\n---\n{body}\n"
    for folder, title, body in ((tmp_path, "Owl care", "Owls rest."), (tmp_path / "es", "Búhos", "Descansan.")):
        (folder / "articles").mkdir(parents=True)
        (folder / "articles" / "owl.md").write_text(article.format(title=title, body=body), encoding="utf-8")
    report = sync_libraries(read_libraries(tmp_path))
    assert "article 'owl-care' (es)" in " ".join(report.lines())
    (tmp_path / "es" / "articles" / "owl.md").unlink()
    report = sync_libraries(read_libraries(tmp_path))
    assert report.withdrawn == ["article 'owl-care' (es)"]
    assert Article.objects.get(language="en", slug="owl-care").status == Status.PUBLISHED
    assert Article.objects.get(language="es", slug="owl-care").status == Status.DRAFT


@pytest.mark.django_db
def test_a_spanish_fact_sheet_imports_as_spanish_drafts(tmp_path: Path) -> None:
    sheet = tmp_path / "buhos.txt"
    sheet.write_text(
        "Síndrome del búho dormilón\n\nUna afección inventada para estas pruebas.\n\n"
        "Cuidados\n\nPerchas templadas y ratones al mediodía.\n",
        encoding="utf-8",
    )
    call_command("import_factsheet", str(sheet), "--language", "es", stdout=StringIO())
    drafts = Article.objects.filter(origin__startswith="factsheet:")
    assert {(a.language, a.status) for a in drafts} == {("es", Status.DRAFT)}
    call_command("import_factsheet", str(sheet), "--language", "es", stdout=StringIO())
    assert Article.objects.filter(origin__startswith="factsheet:").count() == drafts.count()


def _windows(text: str, size: int = 8) -> set[tuple[str, ...]]:
    # Single letters left out: the glossary's A-Z jump list is the same in both languages.
    words = [word for word in re.sub(r"[^\w\s]", " ", text.casefold()).split() if len(word) > 1]
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.django_db
def test_no_spanish_page_keeps_english_text_from_the_english_pages_or_the_catalog(client) -> None:
    """An untranslated paragraph, tip or glossary entry (or an unmarked string in the section's
    templates) shows up as a run of eight words of the English version."""
    urls = [reverse("education:index"), reverse("education:tips"), reverse("education:glossary")]
    urls += [reverse("education:article", kwargs={"slug": entry.slug}) for entry in _libraries()["es"].articles]
    for url in urls:
        english = _windows(_text(main_html(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))))
        spanish_html = main_html(client.get(url, **SPANISH))
        # Text marked as English on purpose (a study's official title) is not a lapse.
        marked = re.sub(r'(?s)<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", spanish_html)
        left = english & _windows(_text(marked))
        assert not left, (url, sorted(" ".join(run) for run in left)[:5])
        assert english_on(spanish_html) == [], url
