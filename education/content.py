"""Reading the education content kept in version control under education/content/.

Layout (see education/content/README.md):

- articles/*.md: one article per file;
- tips.md and glossary.md: many entries per file, the first block holding defaults;
- the same again under a language's code (es/articles/*.md, es/tips.md…) for each other
  language in settings.LANGUAGES, with the same slugs.

Every file is a sequence of blocks. A block is a header between two `---` lines, made of
`key: value` lines, followed by a Markdown body that runs to the next `---` line. Bodies must not
contain a `---` line of their own (use `***` for a horizontal rule). Unknown keys and malformed
values are refused with the file and line, so a typo fails loudly instead of vanishing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from education.models import Status

CONTENT_DIR = Path(__file__).resolve().parent / "content"
_APP_DIR = CONTENT_DIR.parent
_HEADER = re.compile(r"^([a-z_]+):\s*(.*?)\s*$")
_SEPARATOR = "---"


class ContentError(ValueError):
    """A content file that cannot be loaded; the message names the file and line."""


@dataclass(frozen=True)
class Block:
    headers: dict[str, str]
    body: str
    line: int


@dataclass(frozen=True)
class Entry:
    """One record as a file describes it: the model fields, and where it came from."""

    slug: str
    values: dict[str, object]
    origin: str


def parse_blocks(text: str, name: str) -> list[Block]:
    lines = text.replace("\r\n", "\n").rstrip().split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):
        if lines[i].strip() != _SEPARATOR:
            raise ContentError(f"{name}, line {i + 1}: expected '---' to open a header")
        start = i + 1
        headers: dict[str, str] = {}
        i += 1
        while i < len(lines) and lines[i].strip() != _SEPARATOR:
            match = _HEADER.match(lines[i])
            if not match:
                raise ContentError(f"{name}, line {i + 1}: expected 'key: value', found {lines[i]!r}")
            if match[1] in headers:
                raise ContentError(f"{name}, line {i + 1}: '{match[1]}' is given twice")
            headers[match[1]] = match[2]
            i += 1
        if i == len(lines):
            raise ContentError(f"{name}, line {start}: the header is never closed with '---'")
        i += 1
        body_start = i
        while i < len(lines) and lines[i].strip() != _SEPARATOR:
            i += 1
        blocks.append(Block(headers, "\n".join(lines[body_start:i]).strip(), start))
    return blocks


def _origin(path: Path) -> str:
    try:
        return path.resolve().relative_to(_APP_DIR).as_posix()
    except ValueError:
        return path.resolve().as_posix()


class _Fields:
    """Typed access to a block's headers that reports problems with file and line."""

    def __init__(self, headers: dict[str, str], name: str, line: int, allowed: set[str]) -> None:
        self.headers, self.where = headers, f"{name}, block at line {line}"
        unknown = set(headers) - allowed
        if unknown:
            raise ContentError(f"{self.where}: unknown key(s) {', '.join(sorted(unknown))}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.headers.get(key, default)
        if value is None or (default is None and not value):
            raise ContentError(f"{self.where}: '{key}' is required")
        return value

    def slug(self) -> str:
        value = self.text("slug")
        if slugify(value) != value.lower() or len(value) > 80:
            raise ContentError(f"{self.where}: slug {value!r} may hold only letters, digits, - and _")
        return value

    def number(self, key: str, default: int) -> int:
        raw = self.headers.get(key)
        if raw is None:
            return default
        if not raw.isdigit():
            raise ContentError(f"{self.where}: '{key}' must be a whole number, not {raw!r}")
        return int(raw)

    def day(self, key: str, default: date | None) -> date | None:
        raw = self.headers.get(key)
        if raw is None:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ContentError(f"{self.where}: '{key}' must be a date like 2026-01-31, not {raw!r}") from None

    def status(self, default: str) -> str:
        value = self.headers.get("status", default)
        if value not in Status.values:
            raise ContentError(f"{self.where}: status must be one of {', '.join(Status.values)}, not {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        raw = self.headers.get(key)
        if raw is None:
            return default
        if raw not in {"yes", "no"}:
            raise ContentError(f"{self.where}: '{key}' must be yes or no, not {raw!r}")
        return raw == "yes"


_ARTICLE_KEYS = {"title", "slug", "order", "summary", "source", "reviewed", "status"}


def read_article(path: Path) -> Entry:
    name = _origin(path)
    blocks = parse_blocks(path.read_text(encoding="utf-8"), name)
    if len(blocks) != 1:
        raise ContentError(f"{name}: an article file holds exactly one header and body, found {len(blocks)}")
    block = blocks[0]
    fields = _Fields(block.headers, name, block.line, _ARTICLE_KEYS)
    if not block.body:
        raise ContentError(f"{name}: the article has no text")
    values = {
        "title": fields.text("title"),
        "summary": fields.text("summary", ""),
        "body": block.body,
        "order": fields.number("order", 0),
        "source": fields.text("source", ""),
        "reviewed_on": fields.day("reviewed", None),
        "status": fields.status(Status.DRAFT),
    }
    return Entry(fields.slug(), values, name)


def _entries(path: Path, keys: set[str]) -> tuple[_Fields, list[tuple[_Fields, Block]]]:
    """The defaults block and the entry blocks of a many-entry file."""
    name = _origin(path)
    blocks = parse_blocks(path.read_text(encoding="utf-8"), name)
    if not blocks:
        raise ContentError(f"{name}: the file is empty")
    defaults = _Fields(blocks[0].headers, name, blocks[0].line, {"source", "reviewed", "status"})
    entries = [(_Fields(b.headers, name, b.line, keys | {"source", "reviewed", "status"}), b) for b in blocks[1:]]
    for fields, block in entries:
        if not block.body:
            raise ContentError(f"{fields.where}: the entry has no text")
    return defaults, entries


def _shared(fields: _Fields, defaults: _Fields) -> dict[str, object]:
    return {
        "source": fields.text("source", defaults.text("source", "")),
        "reviewed_on": fields.day("reviewed", defaults.day("reviewed", None)),
        "status": fields.status(defaults.status(Status.DRAFT)),
    }


def read_tips(path: Path) -> list[Entry]:
    defaults, blocks = _entries(path, {"slug", "title", "order"})
    return [
        Entry(
            fields.slug(),
            {
                "title": fields.text("title"),
                "body": block.body,
                # Position in the file is the default order, spaced so one can be slotted in.
                "order": fields.number("order", (position + 1) * 10),
                **_shared(fields, defaults),
            },
            _origin(path),
        )
        for position, (fields, block) in enumerate(blocks)
    ]


def read_glossary(path: Path) -> list[Entry]:
    defaults, blocks = _entries(path, {"slug", "term", "aliases", "autolink"})
    return [
        Entry(
            fields.slug(),
            {
                "term": fields.text("term"),
                "aliases": fields.text("aliases", ""),
                "definition": block.body,
                "autolink": fields.flag("autolink", True),
                **_shared(fields, defaults),
            },
            _origin(path),
        )
        for fields, block in blocks
    ]


@dataclass(frozen=True)
class Library:
    language: str
    articles: list[Entry]
    tips: list[Entry]
    glossary: list[Entry]


def language_directory(language: str, root: Path = CONTENT_DIR) -> Path:
    """Where a language's files live: the root for the site's default language, else a folder
    named by its code."""
    return root if language == settings.LANGUAGE_CODE else root / language


def read_libraries(root: Path = CONTENT_DIR) -> list[Library]:
    """The library of every language in settings.LANGUAGES that has a folder of content."""
    return [
        read_library(language_directory(code, root), code)
        for code, _name in settings.LANGUAGES
        if language_directory(code, root).is_dir()
    ]


def read_library(directory: Path = CONTENT_DIR, language: str = settings.LANGUAGE_CODE) -> Library:
    """Every content file of one language under `directory`, parsed and checked; raises
    ContentError."""
    articles = [read_article(path) for path in sorted((directory / "articles").glob("*.md"))]
    tips = read_tips(directory / "tips.md") if (directory / "tips.md").exists() else []
    glossary = read_glossary(directory / "glossary.md") if (directory / "glossary.md").exists() else []
    for kind, entries in (("article", articles), ("tip", tips), ("glossary entry", glossary)):
        seen: dict[str, str] = {}
        for entry in entries:
            if entry.slug in seen:
                raise ContentError(f"{entry.origin}: {kind} slug {entry.slug!r} is also used in {seen[entry.slug]}")
            seen[entry.slug] = entry.origin
    return Library(language, articles, tips, glossary)
