"""Accent- and case-blind text: "Convulsión" and "convulsion" fold to the same letters.

Search compares folded text, so a reader who types without accents (as on most phone
keyboards in a hurry) still finds the word; the glossary sorts "Ácido" beside "Apnea".
Folding is done one character at a time so a match in folded text maps back to the original
characters for highlighting.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character without its accents, case-folded: "É" → "e", "ß" → "ss", "ñ" → "n"."""

    def bare(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

    # Twice, because case folding can itself produce a combining mark ("İ" → "i̇").
    return bare(bare(char).casefold())


def fold(text: str) -> str:
    return "".join(map(fold_char, text))


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)`, and for each folded character the index of the original one it came from."""
    pieces: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = fold_char(char)
        pieces.append(folded)
        positions.extend([index] * len(folded))
    return "".join(pieces), positions
