"""Markdown to safe HTML, plain text for search, and glossary links.

Staff can edit every text in the admin, so nothing they write reaches a page unsanitised:
Markdown is rendered, then cleaned by nh3 against a short allow-list. Glossary links are added
afterwards to the cleaned HTML, outside links, headings and code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from html.parser import HTMLParser

import markdown
import nh3
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p", "pre"}
ALLOWED_TAGS |= {"strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
# Headings keep their ids: other pages link to sections (the checklist to #sign-apnea). A
# heading may say its language ({lang=en}): a study's official English title on a Spanish page,
# which a screen reader should then read with English voice.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id", "lang"},
    "h3": {"id", "lang"},
    "h4": {"id", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# attr_list gives a heading a chosen id ({#sign-apnea}); toc gives every other heading one.
MARKDOWN_EXTENSIONS = ["attr_list", "sane_lists", "tables", "toc"]

# Content links to other education pages by name, not by path, so the section can move:
# [signs](topic:signs), [apnea](glossary:apnea), [tips](page:tips).
_INTERNAL_HREF = re.compile(r'href="(topic|glossary|page):([\w-]+)(#[\w-]+)?"')


def _internal_url(kind: str, name: str) -> str:
    if kind == "topic":
        return reverse("education:article", kwargs={"slug": name})
    if kind == "glossary":
        return reverse("education:glossary") + f"#term-{name}"
    return reverse(f"education:{name}")


def _resolve_internal(match: re.Match[str]) -> str:
    try:
        url = _internal_url(match[1], match[2])
    except NoReverseMatch:
        return 'href=""'
    return f'href="{escape(url + (match[3] or ""))}"'


def render_markdown(text: str) -> str:
    """Markdown to HTML, with internal links resolved. Not yet safe: see `clean`."""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return _INTERNAL_HREF.sub(_resolve_internal, html)


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render(text: str) -> SafeString:
    """Markdown to sanitised HTML, ready for a template."""
    return mark_safe(clean(render_markdown(text)))  # cleaned by nh3 just above


_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre", "tr", "td", "th", "br", "hr"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")


def plain_text(html: str) -> str:
    """The visible text of some HTML, whitespace collapsed; for search and snippets."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())


class Glossary:
    """Links the first mention of each glossary term in a piece of HTML to its entry.

    Built once per request from (forms, url) pairs; matching ignores case and respects word
    edges, and the longest form wins, so "focal seizures" is one link, not "seizures" inside it.
    """

    # Text inside these is never linked: a link inside a link is invalid, and headings and
    # code read better untouched.
    SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "abbr"}

    def __init__(self, entries: Iterable[tuple[Iterable[str], str]]) -> None:
        self.url_for: dict[str, str] = {}
        for forms, url in entries:
            for form in forms:
                self.url_for.setdefault(form.casefold(), url)
        alternatives = sorted(self.url_for, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])", re.IGNORECASE)
            if alternatives
            else None
        )

    def link(self, html: str) -> SafeString:
        """`html` must already be clean (see `clean`); the result is too."""
        if self.pattern is None:
            return mark_safe(html)  # the caller passes cleaned HTML
        linker = _Linker(self)
        linker.feed(html)
        linker.close()
        return mark_safe("".join(linker.out))  # tags copied from clean HTML, text re-escaped


class _Linker(HTMLParser):
    def __init__(self, glossary: Glossary) -> None:
        super().__init__(convert_charrefs=True)
        self.glossary = glossary
        self.out: list[str] = []
        self.skipping = 0
        self.linked: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in Glossary.SKIP:
            self.skipping += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in Glossary.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.skipping:
            self.out.append(escape(data, quote=False))
            return
        position = 0
        for match in self.glossary.pattern.finditer(data):
            url = self.glossary.url_for[match[0].casefold()]
            if url in self.linked:
                continue
            self.linked.add(url)
            self.out.append(escape(data[position : match.start()], quote=False))
            self.out.append(f'<a class="glossary-link" href="{escape(url)}">{escape(match[0], quote=False)}</a>')
            position = match.end()
        self.out.append(escape(data[position:], quote=False))
