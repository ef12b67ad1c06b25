"""Searching published articles, with matched words highlighted in escaped snippets.

Matching is a substring test of each case-folded word against `Article.search_text` (title,
summary and body as plain text, case-folded when saved). Every word must match; articles that
also hold the whole query as a phrase come first. Both databases run it as LIKE on text that is
already lower-case, so results are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from django.db.models import BooleanField, Case, Value, When
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from education.models import Article

MAX_QUERY_CHARS = 100
MAX_WORDS = 8
MIN_WORD_CHARS = 2
MAX_RESULTS = 20
SNIPPET_CHARS = 220
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...]
    problem: str  # why the query cannot be run, for the user; empty when it can


def parse_query(raw: str) -> Query:
    # Control characters (NUL above all, which PostgreSQL refuses in text) count as spaces.
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())
    if len(text) > MAX_QUERY_CHARS:
        problem = _("That search is too long. Use at most %(n)d characters.") % {"n": MAX_QUERY_CHARS}
        return Query(text[:MAX_QUERY_CHARS], (), problem)
    words = tuple(dict.fromkeys(w.casefold() for w in _WORD.findall(text) if len(w) >= MIN_WORD_CHARS))
    if not text:
        return Query("", (), _("Type a word to search for."))
    if not words:
        return Query(text, (), _("Type a word of at least two letters or digits."))
    return Query(text, words[:MAX_WORDS], "")


@dataclass(frozen=True)
class Hit:
    article: Article
    title: SafeString
    snippet: SafeString


def highlight(text: str, words: tuple[str, ...]) -> SafeString:
    """`text` escaped, with every occurrence of the words wrapped in <mark>."""
    if not words:
        return mark_safe(escape(text))  # escaped just here
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[position : match.start()]), f"<mark>{escape(match[0])}</mark>"]
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece of text was escaped above


def snippet(text: str, words: tuple[str, ...]) -> str:
    """About SNIPPET_CHARS of `text` around the first matched word, cut at word edges."""
    lowered = text.casefold()
    found = [i for i in (lowered.find(w) for w in words) if i >= 0]
    if not found:
        return ""
    start = max(0, min(found) - SNIPPET_CHARS // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def search(query: Query) -> tuple[list[Hit], bool]:
    """The best MAX_RESULTS published articles for `query` and whether there were more.
    One query."""
    if query.problem:
        return [], False
    phrase = " ".join(query.text.casefold().split())
    articles = Article.objects.published()
    for word in query.words:
        articles = articles.filter(search_text__contains=word)
    phrase_match = Case(
        When(search_text__contains=phrase, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    articles = (
        articles.annotate(phrase_match=phrase_match)
        .order_by("-phrase_match", "order", "title")
        .only("slug", "title", "summary", "plain_text", "source", "reviewed_on")
    )
    found = list(articles[: MAX_RESULTS + 1])
    hits = [
        Hit(
            article,
            highlight(article.title, query.words),
            highlight(snippet(article.plain_text, query.words) or article.summary, query.words),
        )
        for article in found[:MAX_RESULTS]
    ]
    return hits, len(found) > MAX_RESULTS
