"""Learned per-source boilerplate, applied: the paragraph hash the learn pass counts by source
(corpus/learn.py, store/line_stats.py) and the cleaning step that removes what was learned."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from pipeline.clean.steps import ParagraphFilter, Verdict
from pipeline.core.document import Article, Paragraph
from pipeline.core.settings import SHIPPED, LearnedSettings
from pipeline.core.text import normalize_key, word_count

LEARNED_CATEGORY = "learned"


def line_hash(text: str) -> int:
    digest = hashlib.blake2b(normalize_key(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def countable(paragraph_text: str, settings: LearnedSettings) -> bool:
    return word_count(paragraph_text) >= settings.min_words


@dataclass(frozen=True)
class DropLearnedBoilerplate(ParagraphFilter):
    """Remove paragraphs learned as boilerplate for the article's source (rule learned:<source>)."""

    learned: Mapping[str, frozenset[int]]
    settings: LearnedSettings = SHIPPED.learned
    name: ClassVar[str] = "drop_learned_boilerplate"

    def judge(self, article: Article) -> Callable[[Paragraph], Verdict] | None:
        hashes = self.learned.get(article.source or "")
        if not hashes:
            return None
        removal = (f"learned:{article.source}", LEARNED_CATEGORY)
        return lambda p: removal if countable(p.text, self.settings) and line_hash(p.text) in hashes else None


def learned_from_rows(rows: Iterable[tuple[str, int]]) -> dict[str, frozenset[int]]:
    grouped: dict[str, set[int]] = {}
    for source, value in rows:
        grouped.setdefault(source, set()).add(int(value))
    return {source: frozenset(values) for source, values in grouped.items()}
