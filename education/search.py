"""Searching the published articles in the reader's language, with matched words highlighted
in escaped snippets.

Matching is a substring test of each folded word (education.folding: no case, no accents, so
"convulsion" finds "convulsión" and the other way round) against `Article.search_text` (title,
summary and body as plain text, folded when saved). Every word must match; articles that also
hold the whole query as a phrase come first. Both databases run it as LIKE on text that is
already folded, so results are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from django.db.models import BooleanField, Case, Value, When
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from caregiver.languages import active_language
from education.folding import fold, fold_with_positions
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
    words = tuple(dict.fromkeys(fold(w) for w in _WORD.findall(text) if len(w) >= MIN_WORD_CHARS))
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


def _matches(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the (folded) words occur in `text`, as [start, end) of its own characters: a match
    found in the folded text covers every original character it came from, accents included."""
    if not words:
        return []
    folded, positions = fold_with_positions(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return [(positions[m.start()], positions[m.end() - 1] + 1) for m in pattern.finditer(folded)]


def highlight(text: str, words: tuple[str, ...]) -> SafeString:
    """`text` escaped, with every occurrence of the words wrapped in <mark>."""
    parts, position = [], 0
    for start, end in _matches(text, words):
        if start < position:  # "ß" folds to two letters; a match may begin inside the last one
            continue
        parts += [escape(text[position:start]), f"<mark>{escape(text[start:end])}</mark>"]
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece of text was escaped above


def snippet(text: str, words: tuple[str, ...]) -> str:
    """About SNIPPET_CHARS of `text` around the first matched word, cut at word edges."""
    found = _matches(text, words)
    if not found:
        return ""
    start = max(0, found[0][0] - SNIPPET_CHARS // 3)
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
    phrase = " ".join(fold(query.text).split())
    articles = Article.objects.published().for_language(active_language())
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
        .only("language", "slug", "title", "summary", "plain_text", "source", "reviewed_on")
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
