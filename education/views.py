"""The education section: public pages (families share them), a fixed number of queries each."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from caregiver.languages import active_language
from education import rendering
from education.folding import fold
from education.models import Article, Content, GlossaryTerm, Tip
from education.search import parse_query, search
from education.tips import tip_for_day


def _can_preview(request: HttpRequest) -> bool:
    """Staff who may see articles in the admin may also see drafts on the site."""
    user = request.user
    return user.is_authenticated and user.is_staff and user.has_perm("education.view_article")


def _provenance(records: list[Content]) -> dict[str, object]:
    """Sources and the oldest review date of a page made of several records: the honest date
    for the page as a whole."""
    dates = [r.reviewed_on for r in records if r.reviewed_on]
    return {
        "sources": sorted({r.source for r in records if r.source}),
        "reviewed_on": min(dates) if dates else None,
    }


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every published topic in order, in the reader's language. One query."""
    articles = list(
        Article.objects.published()
        .for_language(active_language())
        .only("language", "slug", "title", "summary", "source", "reviewed_on")
    )
    return render(request, "education/index.html", {"articles": articles, **_provenance(articles)})


@login_not_required
@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    """A published article (drafts too for staff), with glossary links and its neighbours.
    Three queries: the article, the list of topics for previous/next, the glossary."""
    preview = _can_preview(request)
    language = active_language()
    visible = Article.objects.all() if preview else Article.objects.published()
    article = get_object_or_404(visible.for_language(language), slug=slug)
    topics = list(Article.objects.published().for_language(language).only("language", "slug", "title"))
    position = next((i for i, topic in enumerate(topics) if topic.pk == article.pk), None)
    previous = topics[position - 1] if position else None
    following = topics[position + 1] if position is not None and position + 1 < len(topics) else None
    terms = (
        GlossaryTerm.objects.published().for_language(language).filter(autolink=True).only("slug", "term", "aliases")
    )
    linker = rendering.Glossary((term.forms(), term.get_absolute_url()) for term in terms)
    context = {
        "article": article,
        "body": linker.link(rendering.clean(rendering.render_markdown(article.body))),
        "previous": previous,
        "next": following,
        "sources": [article.source] if article.source else [],
        "reviewed_on": article.reviewed_on,
    }
    return render(request, "education/article.html", context)


@login_not_required
@require_GET
def tips(request: HttpRequest) -> HttpResponse:
    """Every published caregiver tip, in the reader's language. One query."""
    records = list(Tip.objects.published().for_language(active_language()))
    return render(request, "education/tips.html", {"tips": records, **_provenance(records)})


@login_not_required
@require_GET
def daily_tip(request: HttpRequest) -> HttpResponse:
    """The tip for `?day=YYYY-MM-DD` (the family's own date; today in UTC when missing or
    malformed) as a fragment, for the child's home page to fetch. One query."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.now().date()
    return render(request, "education/_daily_tip.html", {"tip": tip_for_day(day)})


@login_not_required
@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    """Every published term in the reader's language, alphabetically, grouped by first letter.
    One query."""
    # Sorted here, not in SQL: database collations order case and accents differently. Accents
    # are ignored, so "Ácido" is filed under A.
    terms = sorted(GlossaryTerm.objects.published().for_language(active_language()), key=lambda t: fold(t.term))
    letters = [(letter, list(group)) for letter, group in groupby(terms, key=lambda t: fold(t.term[:1]).upper())]
    return render(request, "education/glossary.html", {"letters": letters, **_provenance(terms)})


@login_not_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """`?q=` over published articles. An htmx request gets only the results fragment; both
    forms of the page come from one URL, so caches are told they vary on HX-Request. At most
    one query."""
    raw = request.GET.get("q")
    query = parse_query(raw or "")
    hits, more = search(query) if raw is not None else ([], False)
    template = "education/search.html"
    if request.htmx:
        template += "#results"
    context = {
        "query": query,
        "asked": raw is not None,
        "hits": hits,
        "more": more,
        **_provenance([hit.article for hit in hits]),
    }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
