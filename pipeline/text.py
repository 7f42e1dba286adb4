"""Small text helpers shared by the steps: normalization keys, word counts, shingles."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'"})
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
_NON_WORD_EDGES = re.compile(r"^\W+|\W+$")


def squash_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalize_key(text: str) -> str:
    """The key under which two paragraphs count as the same: case, spacing and quote style ignored."""
    key = _SPACES.sub(" ", text.translate(_QUOTES).casefold()).strip()
    # Trailing punctuation differences ("Foo." vs "Foo") are not a different paragraph.
    return _NON_WORD_EDGES.sub("", key)


def words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def word_count(text: str) -> int:
    return len(text.split())


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    tokens = words(text)
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
