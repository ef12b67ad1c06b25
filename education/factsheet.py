"""Reading a plain-text fact sheet and turning it into draft articles for staff to review.

The layout understood is the one of the sheets in ../shared/factsheets/: a title on the first
line, then blocks separated by blank lines. A block that is a single short line with no closing
punctuation (a question mark is fine) and no "label: value" shape is a heading; a line starting
with a bullet (•, -, *, ·, –) is a list item; anything else is a paragraph. The title's own
block of text, if any, becomes the first section. A heading with no text before the next
heading is reported and skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.text import Truncator, slugify

from caregiver.files import FileRefused, FileTooLarge, read_regular_file
from education.loading import FACTSHEET_PREFIX, Report, apply
from education.models import Article, Status

MAX_BYTES = 1_000_000
MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 120
IMPORTED_ORDER = 1000  # imported drafts sort after the hand-written topics until staff reorder them

_BULLET = re.compile(r"^\s*[•·\-*–]\s+(.*)$")
# Control characters other than tab, newline, form feed and carriage return mean "not text".
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class SheetError(ValueError):
    """A file that is not a fact sheet this importer can read; the message says why."""


@dataclass(frozen=True)
class Section:
    heading: str
    # Each block is a paragraph (a string) or a bulleted list (a tuple of items).
    blocks: tuple[str | tuple[str, ...], ...]

    def markdown(self) -> str:
        parts = []
        for block in self.blocks:
            if isinstance(block, tuple):
                parts.append("\n".join(f"- {_escape(item)}" for item in block))
            else:
                parts.append(_escape(block))
        return "\n\n".join(parts)

    def summary(self) -> str:
        first = next((b for b in self.blocks if isinstance(b, str)), None) or "; ".join(self.blocks[0])
        return Truncator(_SENTENCE_END.split(first, maxsplit=1)[0]).chars(300)


@dataclass(frozen=True)
class Sheet:
    title: str
    sections: tuple[Section, ...]
    skipped: tuple[str, ...]


def _escape(text: str) -> str:
    """Plain text as Markdown that renders the same words back."""
    text = re.sub(r"([\\`*_\[\]#])", r"\\\1", text).replace("<", "&lt;")
    return re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)


def _is_heading(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and len(line) <= MAX_HEADING_CHARS
        and line[-1] not in ".,;:!"
        and ": " not in line
        and (line[0].isupper() or line[0].isdigit())
        and not _BULLET.match(line)
    )


def _content(lines: list[str]) -> list[str | tuple[str, ...]]:
    blocks: list[str | tuple[str, ...]] = []
    paragraph: list[str] = []
    items: list[str] = []
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet:
            if paragraph:
                blocks.append(" ".join(paragraph))
                paragraph = []
            items.append(bullet[1].strip())
        elif items:
            items[-1] += " " + line.strip()  # a bullet wrapped onto the next line
        else:
            paragraph.append(line.strip())
    if paragraph:
        blocks.append(" ".join(paragraph))
    if items:
        blocks.append(tuple(items))
    return blocks


def parse_sheet(text: str) -> Sheet:
    chunks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            chunks[-1].append(line.rstrip())
        elif chunks[-1]:
            chunks.append([])
    chunks = [chunk for chunk in chunks if chunk]
    if not chunks:
        raise SheetError("The file is empty.")
    title = " ".join(chunks[0][0].split())
    if not _is_heading(title):
        raise SheetError(
            f"The first line should be the sheet's title (a short line without a full stop), found {title[:80]!r}."
        )
    sections: list[tuple[str, list[str | tuple[str, ...]]]] = [(title, _content(chunks[0][1:]))]
    for chunk in chunks[1:]:
        if len(chunk) == 1 and _is_heading(chunk[0].strip()):
            sections.append((" ".join(chunk[0].split()), []))
            continue
        blocks = _content(chunk)
        previous = sections[-1][1]
        # Lists separated by blank lines are still one list.
        if previous and isinstance(previous[-1], tuple) and len(blocks) == 1 and isinstance(blocks[0], tuple):
            previous[-1] = previous[-1] + blocks[0]
        else:
            previous.extend(blocks)
    if len(sections) == 1:
        raise SheetError(
            "Found no headings. A fact sheet has a title line, then heading lines, each followed by "
            "paragraphs or bullet lines, with blank lines between them."
        )
    kept = tuple(Section(heading, tuple(blocks)) for heading, blocks in sections if blocks)
    if not kept:
        raise SheetError("Found headings but no text under any of them.")
    skipped = tuple(heading for index, (heading, blocks) in enumerate(sections) if not blocks and index)
    return Sheet(title, kept, skipped)


def read_sheet(path: Path) -> Sheet:
    """Read and parse `path`; every way a file can be unusable raises SheetError."""
    try:
        raw = read_regular_file(path, MAX_BYTES)
    except FileTooLarge as error:
        raise SheetError(f"{error}; a fact sheet may be at most {MAX_BYTES:,} bytes.") from None
    except FileRefused as error:
        raise SheetError(str(error)) from None
    # A NUL byte never occurs in text; checked before decoding so a PDF or an image is named as
    # binary rather than as text in the wrong encoding.
    if b"\x00" in raw:
        raise SheetError(_binary(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError(
            f"{path} is not UTF-8 text (byte {raw[error.start]:#04x} at position {error.start}). "
            "Save it as plain UTF-8 text and try again."
        ) from None
    if _CONTROL.search(text):
        raise SheetError(_binary(path))
    return parse_sheet(text)


def _binary(path: Path) -> str:
    return f"{path} looks like a binary file (a PDF, an image or a word-processor document?), not plain text."


def _free_slug(base: str, taken: set[str]) -> str:
    base = base[:70].rstrip("-") or "section"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def import_sheet(
    sheet: Sheet, file_name: str, *, language: str = settings.LANGUAGE_CODE, using: str = DEFAULT_DB_ALIAS
) -> Report:
    """Create a draft article per section in `language` (the sheet's own), in one transaction.
    A section imported before is matched by its language and origin (sheet title + heading),
    so importing a sheet twice changes nothing, and a draft staff have edited since is left
    alone."""
    report = Report()
    sheet_key = slugify(sheet.title)[:100] or "sheet"
    source = Truncator(f"Imported from the fact sheet “{sheet.title}” ({file_name}); not yet reviewed").chars(300)
    with transaction.atomic(using=using):
        articles = Article.objects.using(using).filter(language=language)
        taken = set(articles.values_list("slug", flat=True))
        seen: Counter[str] = Counter()
        for position, section in enumerate(sheet.sections):
            base = slugify(section.heading)[:100] or "section"
            seen[base] += 1
            # A heading used twice in one sheet is two sections: number the second one's key.
            key = base if seen[base] == 1 else f"{base}-{seen[base]}"
            origin = f"{FACTSHEET_PREFIX}{sheet_key}#{key}"
            record = articles.filter(origin=origin).first()
            if record is None:
                record = Article(slug=_free_slug(base, taken), language=language)
                taken.add(record.slug)
            values = {
                "title": section.heading,
                "summary": section.summary(),
                "body": section.markdown(),
                "order": IMPORTED_ORDER + position * 10,
                "source": source,
                "reviewed_on": None,
                "status": Status.DRAFT,
            }
            label = f"draft '{section.heading}' ({record.slug})"
            apply(record, values, origin, label=label, report=report, force=False, using=using)
    return report
