"""Reads a gettext catalog (.po) for the catalog tests: each entry's source files, flags,
context, message and translations. Only what makemessages writes; not a general parser."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$')


@dataclass
class Entry:
    sources: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def read(path: Path) -> list[Entry]:
    """The catalog's entries, header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, target = Entry(), None
        for line in block.splitlines():
            if line.startswith("#:"):
                entry.sources += line[2:].split()
            elif line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith('"') and target is not None:
                target(ast.literal_eval(line))
            elif match := _KEYWORD.match(line):
                keyword, index, text = match.group(1), int(match.group(2) or 0), ast.literal_eval(match.group(3))
                target = _setter(entry, keyword, index)
                target(text)
        if entry.msgid:
            entries.append(entry)
    return entries


def _setter(entry: Entry, keyword: str, index: int):
    def add(text: str) -> None:
        if keyword == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        elif keyword == "msgid_plural":
            entry.plural = (entry.plural or "") + text
        elif keyword == "msgctxt":
            entry.context = (entry.context or "") + text
        else:
            entry.msgid += text

    return add
