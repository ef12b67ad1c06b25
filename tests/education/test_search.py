"""Search: finds words in titles and bodies the same way on SQLite and PostgreSQL, highlights
them in escaped snippets, explains an unusable query, and serves htmx a fragment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from education.models import Article, Status
from education.search import MAX_QUERY_CHARS, highlight, parse_query, snippet
from tests.conftest import htmx_headers

URL = reverse("education:search")


def _search(client, q: str, **headers) -> str:
    return client.get(URL, {"q": q}, **headers).content.decode()


@pytest.mark.django_db
def test_finds_an_article_by_a_word_only_in_its_body(client) -> None:
    Article.objects.create(
        slug="otters", title="Rivers", summary="", body="Sea **otters** hold hands.", status=Status.PUBLISHED
    )
    html = _search(client, "otters")
    assert 'href="/learn/topics/otters/"' in html
    assert "<mark>otters</mark>" in html


@pytest.mark.django_db
def test_matching_ignores_case_and_accents_on_every_database(client) -> None:
    Article.objects.create(slug="eeg-x", title="Über EEG", body="Schöne Grüße", status=Status.PUBLISHED)
    for q in ("über", "ÜBER", "uber", "eeg", "GRÜSSE", "grusse", "schone"):
        assert 'href="/learn/topics/eeg-x/"' in _search(client, q), q
    assert 'href="/learn/topics/eeg-x/"' not in _search(client, "ubre")


@pytest.mark.django_db
def test_every_word_must_match(client) -> None:
    html = _search(client, "quinidine KCNT1")
    assert 'href="/learn/topics/treatments/"' in html
    assert 'href="/learn/topics/signs/"' not in html
    assert 'href="/learn/topics/treatments/"' not in _search(client, "quinidine zebra")


@pytest.mark.django_db
def test_articles_holding_the_whole_phrase_come_first(client) -> None:
    Article.objects.create(
        slug="a-scatter", title="A", body="diet then later ketogenic", order=0, status=Status.PUBLISHED
    )
    html = _search(client, "ketogenic diet")
    assert html.index("/learn/topics/treatments/") < html.index("/learn/topics/a-scatter/")


@pytest.mark.django_db
def test_markup_in_the_query_is_escaped(client) -> None:
    html = _search(client, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_markup_in_an_article_is_escaped_in_snippets(client) -> None:
    Article.objects.create(slug="x", title="<i>T</i>", body="`<b>zebra</b>` here", status=Status.PUBLISHED)
    html = _search(client, "zebra")
    assert "&lt;b&gt;<mark>zebra</mark>&lt;/b&gt;" in html
    assert "&lt;i&gt;T&lt;/i&gt;" in html


@pytest.mark.django_db
def test_drafts_are_never_found(client) -> None:
    Article.objects.create(slug="hidden", title="Hidden", body="platypus", status=Status.DRAFT)
    assert "/learn/topics/hidden/" not in _search(client, "platypus")


@pytest.mark.django_db
def test_no_match_says_so(client) -> None:
    assert "No articles match “xylophone”" in _search(client, "xylophone")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word to search for."),
        ("   ", "Type a word to search for."),
        ("a ?", "Type a word of at least two letters or digits."),
        ("x" * (MAX_QUERY_CHARS + 1), "That search is too long."),
    ],
)
def test_unusable_queries_get_a_clear_message_and_no_query(client, q, message, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_page_without_a_query_shows_only_the_form(client) -> None:
    html = client.get(URL).content.decode()
    assert 'name="q"' in html and "Type a word" not in html and "No articles" not in html


@pytest.mark.django_db
def test_search_runs_one_query_however_many_results(client, django_assert_num_queries) -> None:
    for q in ("seizure", "kcnt1", "zebra"):
        with django_assert_num_queries(1):
            client.get(URL, {"q": q})


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client) -> None:
    response = client.get(URL, {"q": "apnea"}, **htmx_headers())
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "<mark>apnea</mark>" in html.lower() or "<mark>Apnea</mark>" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_plain_request_gets_the_whole_page_with_a_working_form(client) -> None:
    html = _search(client, "apnea")
    assert "<html" in html
    assert f'action="{URL}" method="get"' in html and f'hx-get="{URL}"' in html
    assert 'value="apnea"' in html
    assert 'id="search-results"' in html


@pytest.mark.django_db
def test_anonymous_and_signed_in_users_search_alike(client, owner_client) -> None:
    assert client.get(URL, {"q": "apnea"}).status_code == 200
    assert owner_client.get(URL, {"q": "apnea"}).status_code == 200


def test_parse_query_folds_case_drops_repeats_and_short_words() -> None:
    query = parse_query("  EEG   eeg a MRI  ")
    assert query.text == "EEG eeg a MRI"
    assert query.words == ("eeg", "mri")
    assert query.problem == ""


def test_highlight_escapes_everything_and_marks_each_match() -> None:
    assert highlight("A <b> & KCNT1, kcnt1", ("kcnt1",)) == ("A &lt;b&gt; &amp; <mark>KCNT1</mark>, <mark>kcnt1</mark>")


def test_snippet_centres_on_the_first_match_and_cuts_at_word_edges() -> None:
    text = " ".join(f"word{i}" for i in range(200)) + " needle " + " ".join(f"tail{i}" for i in range(200))
    cut = snippet(text, ("needle",))
    assert "needle" in cut and cut.startswith("… ") and cut.endswith(" …")
    assert len(cut) < 260
    assert all(part.startswith(("word", "tail", "needle", "…")) for part in cut.split())


def test_control_characters_in_a_query_are_spaces(client, db) -> None:
    response = client.get("/learn/search/", {"q": "sei\x00zure"})
    assert response.status_code == 200
