"""Small text helpers shared by the steps: normalization keys, word counts, words."""

from __future__ import annotations

import html
import re

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'"})
# str.translate looks its mapping up per character (about 1.4 us for a 200-character paragraph, even
# in ASCII) and other text rarely holds a curly quote: that is translated only when it holds one,
# and ASCII text, whose only quote to map is the backtick, has it replaced (no other quote maps
# to a quote that is mapped again, so one replace per quote is the translation).
_QUOTE_CHARS = re.compile("[" + "".join(chr(code) for code in _QUOTES) + "]")
_ASCII_QUOTES = tuple((chr(code), str(new)) for code, new in _QUOTES.items() if code < 128)
_WORDS = re.compile(r"\w+")
# ASCII text's non-word characters, each as a space: translating them and splitting on spaces
# gives _WORDS.findall's runs of word characters, faster; as bytes (a table, no lookups), as str
# translate would look each character up.
_ASCII_NON_WORD = bytes(code if code < 128 and _WORDS.fullmatch(chr(code)) else 32 for code in range(256))
_EDGE_PUNCTUATION = " \"'.,;:!?()[]-–—…*•·|/"


# A character reference left in text ("&quot;", "&ouml;", "&#x3a;", "&amp;ouml;" escaped twice):
# a page or a dump that escaped its text once more than its format needs.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """Character references decoded, twice-escaped ones too; text without one is returned as is."""
    if "&" not in text or not _ENTITY.search(text):
        return text
    return html.unescape(html.unescape(text))


def squash_spaces(text: str) -> str:
    return " ".join(text.split())


def squashed(text: str) -> str:
    """squash_spaces(text), without splitting and joining a text that is squashed already (as
    nearly every line and match the text steps read: they come from squashed paragraphs)."""
    return text if _squashed(text) else " ".join(text.split())


def normalize_key(text: str) -> str:
    """The key under which two paragraphs count as the same: case, spacing and quote style ignored."""
    if text.isascii():
        for quote, new in _ASCII_QUOTES:
            if quote in text:
                text = text.replace(quote, new)
    elif _QUOTE_CHARS.search(text):
        text = text.translate(_QUOTES)
    key = text.casefold()
    if not _squashed(key):  # paragraphs and header lines come squashed already
        key = " ".join(key.split())
    # Edge punctuation differences ("Foo." vs "Foo") do not make a different paragraph.
    return key.strip(_EDGE_PUNCTUATION)


def _squashed(text: str) -> bool:
    """Whether squash_spaces(text) == text, faster than squashing: every white-space character but
    the space is unprintable, so a printable text without two spaces in a row or at an end is."""
    return printable(text) and "  " not in text and text[:1] != " " and text[-1:] != " "


# Each ASCII byte as 1 when it is a printable character (space to "~"), else 0 (control characters).
_ASCII_PRINTABLE = bytes(int(32 <= code < 127) for code in range(128)) + bytes(128)


def printable(text: str) -> bool:
    """text.isprintable(). That reads each character's Unicode properties (~6 ns a character, the
    most of normalize_key's time on a paragraph); ASCII text, printable when no character is below
    the space or DEL, is encoded and translated by table and searched for a 0 instead (a third of
    the time)."""
    if text.isascii():
        return 0 not in text.encode("ascii").translate(_ASCII_PRINTABLE)
    return text.isprintable()


# Each ASCII byte as 1 when it is a digit, else 0.
_ASCII_DIGIT_BYTES = bytes(int(48 <= code < 58) for code in range(128)) + bytes(128)
_DIGIT = re.compile(r"\d")


def has_digit(text: str) -> bool:
    """Whether a character of text is one \\d matches: in ASCII text, an ASCII digit, found by table
    (sre's search tries each position in turn); else sre decides."""
    if text.isascii():
        return 1 in text.encode("ascii").translate(_ASCII_DIGIT_BYTES)
    return _DIGIT.search(text) is not None


def words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def key_words(key: str) -> list[str]:
    """words(text) from normalize_key(text): the key only folds case (as words does), squashes
    spaces and maps or strips quotes and edge punctuation, none of which is a word character."""
    if key.isascii():
        return key.encode("ascii").translate(_ASCII_NON_WORD).decode("ascii").split()
    return _WORDS.findall(key)


def word_count(text: str) -> int:
    """Words in a whitespace-squashed text (every paragraph and header line is squashed)."""
    return text.count(" ") + 1 if text else 0
