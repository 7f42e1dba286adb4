"""Learned per-source boilerplate, applied: the paragraph hash the learn pass counts by source
(corpus/learn.py, store/line_stats.py) and the cleaning step that removes what was learned.

A source's titles are counted the same way: the first and the last separated segment of each title
("title prefix: Opinion", "title suffix: Example Times") is a key hashed beside the paragraphs, so a
segment that most of a source's titles share is learned with the same thresholds and removed from
the title in the clean pass (the key is the removal's text, and `learned list` shows it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar

from pipeline.clean.html.metadata import TITLE_SEPARATORS
from pipeline.clean.steps import ParagraphFilter, Verdict
from pipeline.core.document import Article, Paragraph, Removal
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


def title_affix_keys(title: str | None, settings: LearnedSettings) -> list[str]:
    """The keys a title counts for in the learn pass: its first and last separated segment."""
    return [key for key, _ in _affix_cuts(title or "", settings)]


def _affix_cuts(title: str, settings: LearnedSettings) -> Iterator[tuple[str, str]]:
    """(key, the title without that segment) for the last and the first separated segment of a
    title, each at most title_affix_max_words words and leaving a title behind."""
    separators = list(TITLE_SEPARATORS.finditer(title))
    if not separators:
        return
    last, first = separators[-1], separators[0]
    cuts = (
        ("title suffix", title[last.end() :], title[: last.start()]),
        ("title prefix", title[: first.start()], title[first.end() :]),
    )
    for kind, segment, rest in cuts:
        segment, rest = segment.strip(), rest.strip()
        if segment and rest and word_count(segment) <= settings.title_affix_max_words:
            yield f"{kind}: {segment}", rest


@dataclass(frozen=True)
class StripLearnedTitleAffix:
    """Remove from the title a prefix or suffix segment learned for the article's source ("… | Example
    Times"), audited as a removal of rule learned:<source> whose text is the learned key."""

    learned: Mapping[str, frozenset[int]]
    settings: LearnedSettings = SHIPPED.learned
    name: ClassVar[str] = "strip_learned_title_affix"
    once: ClassVar[bool] = True

    def __call__(self, article: Article) -> None:
        hashes = self.learned.get(article.source or "")
        if not hashes or not article.title:
            return
        for _ in range(2):  # a suffix, then a prefix (or two suffixes)
            cut = next(
                ((key, rest) for key, rest in _affix_cuts(article.title, self.settings) if line_hash(key) in hashes),
                None,
            )
            if cut is None:
                return
            key, article.title = cut
            article.removed.append(Removal(f"learned:{article.source}", LEARNED_CATEGORY, key, 0, "span"))


def learned_from_rows(rows: Iterable[tuple[str, int]]) -> dict[str, frozenset[int]]:
    grouped: dict[str, set[int]] = {}
    for source, value in rows:
        grouped.setdefault(source, set()).add(int(value))
    return {source: frozenset(values) for source, values in grouped.items()}
