"""The public pages: index, articles, tips, glossary. Readable without signing in, a fixed
number of queries each, drafts hidden from the public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from education.models import Article, GlossaryTerm, Status
from tests.education.conftest import element_ids, main_html

# Every topic the issue asks for, by slug.
TOPICS = [
    "what-is-mmpei",
    "seizures",
    "signs",
    "causes-and-genes",
    "inheritance",
    "diagnosis",
    "treatments",
    "progression",
    "prevention",
    "caregiver-tips",
    "brain-science",
    "research",
]
DISCLAIMER = "general information, not medical advice"
EMERGENCY = "call your local emergency number"
SOURCE = "Based on the United Brain Association"


def _public_pages() -> list[str]:
    pages = [reverse("education:index"), reverse("education:tips"), reverse("education:glossary")]
    return pages + [reverse("education:article", kwargs={"slug": slug}) for slug in TOPICS]


@pytest.mark.django_db
def test_index_links_every_topic_in_order(client) -> None:
    html = main_html(client.get(reverse("education:index")))
    positions = [html.find(f'href="{reverse("education:article", kwargs={"slug": slug})}"') for slug in TOPICS]
    assert -1 not in positions, "a topic is missing from the index"
    assert positions == sorted(positions), "topics are not listed in their order"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", TOPICS)
def test_every_topic_page_renders_for_anonymous_visitors(client, slug) -> None:
    response = client.get(reverse("education:article", kwargs={"slug": slug}))
    assert response.status_code == 200
    article = Article.objects.get(language="en", slug=slug)
    assert f'<h1 lang="en">{article.title}</h1>'.replace("'", "&#x27;") in main_html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", _public_pages())
def test_every_page_shows_source_review_date_and_disclaimer(client, url) -> None:
    html = main_html(client.get(url))
    text = " ".join(html.split()).replace("&#x27;", "'")
    assert SOURCE in text
    assert "Last reviewed:" in text and "2026" in text
    assert DISCLAIMER in text.lower()
    assert EMERGENCY in text.lower()


@pytest.mark.django_db
def test_pages_link_the_stylesheet_and_carry_no_inline_script_or_style(client) -> None:
    for url in [*_public_pages(), reverse("education:search") + "?q=apnea"]:
        html = client.get(url).content.decode()
        assert "education/education" in html and ".css" in html
        assert "<script>" not in html and " style=" not in html and "<style" not in html, url


@pytest.mark.django_db
def test_signed_in_users_see_the_same_pages(owner_client) -> None:
    for url in _public_pages():
        assert owner_client.get(url).status_code == 200


@pytest.mark.django_db
def test_article_links_to_its_neighbours(client) -> None:
    html = main_html(client.get(reverse("education:article", kwargs={"slug": "signs"})))
    assert f'rel="prev" href="{reverse("education:article", kwargs={"slug": "seizures"})}"' in html
    assert f'rel="next" href="{reverse("education:article", kwargs={"slug": "causes-and-genes"})}"' in html


@pytest.mark.django_db
def test_first_and_last_topics_have_one_neighbour(client) -> None:
    first = main_html(client.get(reverse("education:article", kwargs={"slug": TOPICS[0]})))
    last = main_html(client.get(reverse("education:article", kwargs={"slug": TOPICS[-1]})))
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


@pytest.mark.django_db
def test_unknown_topic_is_404(client) -> None:
    assert client.get(reverse("education:article", kwargs={"slug": "no-such-topic"})).status_code == 404


@pytest.fixture
def draft(db) -> Article:
    return Article.objects.create(slug="draft-topic", title="Unreviewed words", body="Not ready.", order=5)


def test_draft_is_404_for_the_public_and_for_families(client, owner, draft) -> None:
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 404


def test_draft_is_left_out_of_the_index_and_the_pager(client, draft) -> None:
    assert "Unreviewed words" not in client.get(reverse("education:index")).content.decode()
    first = client.get(reverse("education:article", kwargs={"slug": TOPICS[0]})).content.decode()
    assert draft.get_absolute_url() not in first


def test_staff_preview_a_draft_with_a_banner(client, staff, draft) -> None:
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only staff can see this page" in response.content.decode()


def test_staff_without_the_permission_cannot_preview(client, draft) -> None:
    from tests.conftest import make_user

    user = make_user("helpdesk@example.org")
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_pages_refuse_other_methods(client, method) -> None:
    for url in [reverse("education:index"), reverse("education:search"), reverse("education:glossary")]:
        assert getattr(client, method)(url).status_code == 405


@pytest.mark.django_db
def test_index_runs_one_query(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        client.get(reverse("education:index"))


@pytest.mark.django_db
def test_article_runs_three_queries_whatever_the_topic(client, django_assert_num_queries) -> None:
    for slug in ("what-is-mmpei", "signs", "research"):
        with django_assert_num_queries(3):
            client.get(reverse("education:article", kwargs={"slug": slug}))


@pytest.mark.django_db
def test_tips_and_glossary_run_one_query_each(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        client.get(reverse("education:tips"))
    with django_assert_num_queries(1):
        client.get(reverse("education:glossary"))


@pytest.mark.django_db
def test_tips_page_anchors_every_published_tip(client) -> None:
    from education.models import Tip

    ids = element_ids(client.get(reverse("education:tips")).content.decode())
    slugs = Tip.objects.published().filter(language="en").values_list("slug", flat=True)
    assert len(slugs) >= 20
    assert {f"tip-{slug}" for slug in slugs} <= set(ids)


GLOSSARY_MUST_HAVE = [
    "apnea",
    "focal-seizure",
    "eeg",
    "mri",
    "gene-variant",
    "de-novo",
    "kcnt1",
    "scn2a",
    "ketogenic-diet",
    "vagus-nerve-stimulation",
    "acth",
    "status-epilepticus",
    "rescue-medicine",
]


@pytest.mark.django_db
def test_glossary_has_every_required_term_with_an_anchor(client) -> None:
    ids = element_ids(client.get(reverse("education:glossary")).content.decode())
    assert {f"term-{slug}" for slug in GLOSSARY_MUST_HAVE} <= set(ids)
    assert GlossaryTerm.objects.published().filter(language="en").count() > len(GLOSSARY_MUST_HAVE)


@pytest.mark.django_db
def test_glossary_is_alphabetical_ignoring_case(client) -> None:
    GlossaryTerm.objects.create(slug="zz", term="aardvark syndrome", definition="x", status=Status.PUBLISHED)
    html = client.get(reverse("education:glossary")).content.decode()
    assert html.index('id="term-zz"') < html.index('id="term-acth"')


def test_daily_tip_fragment_changes_with_the_familys_day(client, db) -> None:
    first = client.get("/learn/tips/day/?day=2026-11-27")
    second = client.get("/learn/tips/day/?day=2026-11-28")
    assert first.status_code == 200 and "Tip for today" in first.content.decode()
    assert "<html" not in first.content.decode()
    assert first.content != second.content
    assert client.get("/learn/tips/day/?day=2026-11-27").content == first.content


def test_daily_tip_with_a_malformed_day_still_shows_a_tip(client, db) -> None:
    response = client.get("/learn/tips/day/?day=<script>")
    assert response.status_code == 200 and "Tip for today" in response.content.decode()
