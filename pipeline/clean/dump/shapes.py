"""The shapes of one line of a full-page text dump: a navigation label or a line of prose.
Shared by the region finder (region.py) and the line model (line_model.py)."""

from __future__ import annotations

import re

from pipeline.core.settings import PageDumpSettings
from pipeline.core.text import word_count

_SENTENCE_END = re.compile(r"[.!?…:;\"”’'»)]$")
_DIGIT = re.compile(r"\d")
_NOT_NAVIGATION_END = re.compile(r"[.!?…:;,\"”’'»)]$")


def is_navigation_line(line: str, settings: PageDumpSettings) -> bool:
    """A menu item, footer link or button label: a few words, starting with a letter, with no digit
    (not a quantity, bullet, date or time), not ending like a sentence or a clause."""
    return (
        word_count(line) <= settings.short_words
        and line[:1].isalpha()
        and not _NOT_NAVIGATION_END.search(line)
        and not _DIGIT.search(line)
    )


def is_prose(line: str, settings: PageDumpSettings) -> bool:
    words = word_count(line)
    return words >= settings.prose_words or (
        words >= settings.sentence_words and len(line) >= settings.sentence_chars and bool(_SENTENCE_END.search(line))
    )
