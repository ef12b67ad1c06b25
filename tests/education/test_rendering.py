"""Markdown rendering: staff-written text cannot inject markup, and glossary links go only
where they belong."""

from __future__ import annotations

import pytest
from django.urls import reverse

from education.models import Article, GlossaryTerm, Status
from education.rendering import Glossary, clean, plain_text, render, render_markdown


def test_script_and_event_handlers_are_removed() -> None:
    html = render('Hi <script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))')
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html and "<img" not in html
    assert "javascript:" not in html


def test_inline_styles_are_removed_so_the_csp_holds() -> None:
    assert "style" not in render('<p style="color:red">red</p>')


def test_heading_ids_are_kept_for_anchors() -> None:
    html = render("## Apnea {#sign-apnea}\n\n## Other heading")
    assert '<h2 id="sign-apnea">Apnea</h2>' in html
    assert '<h2 id="other-heading">' in html


def test_internal_links_resolve_by_name() -> None:
    html = render("[a](topic:signs#sign-apnea) [b](glossary:eeg) [c](page:tips) [d](page:nowhere)")
    assert f'href="{reverse("education:article", kwargs={"slug": "signs"})}#sign-apnea"' in html
    assert f'href="{reverse("education:glossary")}#term-eeg"' in html
    assert f'href="{reverse("education:tips")}"' in html
    assert "nowhere" not in html


def test_plain_text_keeps_words_apart_across_blocks() -> None:
    assert plain_text(render("# One\n\nTwo &amp; three\n\n- four\n- five")) == "One Two & three four five"


def _glossary() -> Glossary:
    return Glossary([(["EEG", "electroencephalogram"], "/g#eeg"), (["seizure"], "/g#s"), (["focal seizure"], "/g#f")])


def test_glossary_links_first_mention_only() -> None:
    html = _glossary().link(clean(render_markdown("An EEG, then another EEG.")))
    assert html.count('href="/g#eeg"') == 1
    assert '<a class="glossary-link" href="/g#eeg">EEG</a>, then another EEG.' in html


def test_glossary_prefers_the_longest_term() -> None:
    html = _glossary().link(clean(render_markdown("A focal seizure is a seizure.")))
    assert '<a class="glossary-link" href="/g#f">focal seizure</a>' in html
    assert '<a class="glossary-link" href="/g#s">seizure</a>' in html


def test_glossary_matches_aliases_ignoring_case_and_whole_words_only() -> None:
    html = _glossary().link(clean(render_markdown("An Electroencephalogram. Seizures are not linked as seizure.")))
    assert '<a class="glossary-link" href="/g#eeg">Electroencephalogram</a>' in html
    assert ">Seizures<" not in html
    assert '<a class="glossary-link" href="/g#s">seizure</a>.' in html


def test_glossary_never_links_inside_links_headings_or_code() -> None:
    source = "## EEG heading\n\n[an EEG link](https://example.org)\n\n`EEG code`\n\nfinally EEG"
    html = _glossary().link(clean(render_markdown(source)))
    assert "<h2" in html and "EEG heading</h2>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">an EEG link</a>' in html
    assert "<code>EEG code</code>" in html
    assert 'finally <a class="glossary-link" href="/g#eeg">EEG</a>' in html


def test_glossary_linking_keeps_text_escaped() -> None:
    html = _glossary().link(clean(render_markdown("5 &lt; 6 &amp; an EEG &lt;script&gt;")))
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "5 &lt; 6 &amp; an" in html


def test_glossary_with_no_terms_returns_the_html_unchanged() -> None:
    assert Glossary([]).link("<p>EEG</p>") == "<p>EEG</p>"


@pytest.mark.django_db
def test_articles_link_glossary_terms_to_their_entries(client) -> None:
    html = client.get(reverse("education:article", kwargs={"slug": "diagnosis"})).content.decode()
    assert f'<a class="glossary-link" href="{reverse("education:glossary")}#term-eeg">EEG</a>' in html
    assert f'href="{reverse("education:glossary")}#term-mri"' in html


@pytest.mark.django_db
def test_terms_marked_not_to_autolink_are_left_as_text(client) -> None:
    assert not GlossaryTerm.objects.get(language="en", slug="seizure").autolink
    html = client.get(reverse("education:article", kwargs={"slug": "seizures"})).content.decode()
    assert "#term-seizure" not in html


@pytest.mark.django_db
def test_a_hostile_article_edited_in_the_admin_renders_harmless(client) -> None:
    Article.objects.create(
        slug="hostile",
        title="<b>Title</b>",
        body='<script>alert(1)</script>\n\n<a href="javascript:alert(2)">x</a> <iframe src="//e"></iframe>',
        status=Status.PUBLISHED,
    )
    html = client.get(reverse("education:article", kwargs={"slug": "hostile"})).content.decode()
    assert "alert(1)" not in html and "javascript:" not in html and "<iframe" not in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html
