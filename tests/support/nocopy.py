"""The no-copy rule: no run of 10 consecutive words may match the fact sheet.

Words are compared folded (education.folding: no case, no accents, so a Spanish run copied
without its accents still counts) with punctuation ignored. Punctuation is treated both ways a
checker might (as a word break: "and/or" -> "and or", or dropped: "andor"), and a hit under
either counts.
"""

from __future__ import annotations

import re

from education.folding import fold

RUN = 10


def _split(text: str) -> list[str]:
    return re.sub(r"[^\w\s]|_", " ", fold(text)).split()


def _joined(text: str) -> list[str]:
    return re.sub(r"[^\w\s]|_", "", fold(text)).split()


def runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


class Sheet:
    def __init__(self, text: str) -> None:
        self.runs = runs(_split(text)) | runs(_joined(text))

    def copied_runs(self, text: str) -> list[str]:
        """Every 10-word run of `text` that also occurs in the sheet."""
        found = (runs(_split(text)) | runs(_joined(text))) & self.runs
        return sorted(" ".join(run) for run in found)
