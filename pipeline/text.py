"""Small text helpers shared by the steps: normalization keys, word counts, words."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'"})
# str.translate is fast on ASCII text and slow (a dict lookup per character) on any other, which
# rarely holds a curly quote in every paragraph: other text is translated only when it holds one.
_QUOTE_CHARS = re.compile("[" + "".join(chr(code) for code in _QUOTES) + "]")
_WORDS = re.compile(r"\w+")
# ASCII text's non-word characters, each as a space: translating them and splitting on spaces
# gives _WORDS.findall's runs of word characters, faster (str.translate is fast on ASCII).
_ASCII_NON_WORD = str.maketrans({code: " " for code in range(128) if not _WORDS.fullmatch(chr(code))})
_EDGE_PUNCTUATION = " \"'.,;:!?()[]-–—…*•·|/"


def squash_spaces(text: str) -> str:
    return " ".join(text.split())


def normalize_key(text: str) -> str:
    """The key under which two paragraphs count as the same: case, spacing and quote style ignored."""
    if text.isascii() or _QUOTE_CHARS.search(text):
        text = text.translate(_QUOTES)
    key = " ".join(text.casefold().split())
    # Edge punctuation differences ("Foo." vs "Foo") do not make a different paragraph.
    return key.strip(_EDGE_PUNCTUATION)


def words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def key_words(key: str) -> list[str]:
    """words(text) from normalize_key(text): the key only folds case (as words does), squashes
    spaces and maps or strips quotes and edge punctuation, none of which is a word character."""
    if key.isascii():
        return key.translate(_ASCII_NON_WORD).split()
    return _WORDS.findall(key)


def word_count(text: str) -> int:
    """Words in a whitespace-squashed text (every paragraph and header line is squashed)."""
    return text.count(" ") + 1 if text else 0
