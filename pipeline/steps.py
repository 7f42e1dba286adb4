"""Cleaning steps. Each is a small callable over one Article; every drop records its rule.

A cleaner is a list of these (see cleaner.py). Steps hold only configuration; nothing is shared
between articles, so the same input always gives the same output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from .document import Article, Paragraph
from .rules import Rule, RuleSet
from .text import jaccard, normalize_key, shingles, squash_spaces, word_count

_HAS_WORD = re.compile(r"\w")


class Step(Protocol):
    def __call__(self, article: Article) -> None: ...


@dataclass(frozen=True)
class CollapseRepeatedSpan:
    """A paragraph that is one span said k times ("A A", "A A A") becomes that span once.

    Gallery widgets flatten every caption twice; the minimum span length keeps short
    deliberate repetition ("Go, go, go") alone.
    """

    min_span_chars: int = 20

    def __call__(self, article: Article) -> None:
        for paragraph in article.paragraphs:
            span, copies = repeated_span(paragraph.text, self.min_span_chars)
            if copies > 1:
                article.remove(paragraph, "repeat.span", "repetition", " ".join([span] * (copies - 1)))
                paragraph.text = span


def repeated_span(text: str, min_chars: int) -> tuple[str, int]:
    """(span, k) when text is span repeated k times separated by whitespace, else (text, 1)."""
    n = len(text)
    if n < 2 * min_chars + 1:
        return text, 1
    head = text[:min_chars]
    start = text.find(head, min_chars)
    while start != -1 and start <= n // 2 + 1:
        span = text[:start].rstrip()
        if text[start - 1].isspace() and len(span) >= min_chars:
            copies, rest = 1, text[start:]
            while rest.startswith(span):
                copies += 1
                rest = rest[len(span) :].lstrip()
            if not rest and copies > 1:
                return span, copies
        start = text.find(head, start + 1)
    return text, 1


@dataclass(frozen=True)
class ApplyRules:
    """Span rules cut matches out of paragraphs, then paragraph rules drop whole paragraphs.

    Head/tail windows are positions in the article as it stands; the step repeats until nothing
    changes, so a tail rule sees the true tail once trailing furniture is gone (idempotence).
    """

    rules: RuleSet
    max_rounds: int = 4

    def __call__(self, article: Article) -> None:
        span_rules, paragraph_rules = self.rules.span_rules, self.rules.paragraph_rules
        for _ in range(self.max_rounds):
            before = len(article.removed)
            self._apply_span_rules(article, span_rules)
            self._apply_paragraph_rules(article, paragraph_rules)
            if len(article.removed) == before:
                return

    @staticmethod
    def _apply_span_rules(article: Article, rules: tuple[Rule, ...]) -> None:
        count = len(article.paragraphs)
        kept: list[Paragraph] = []
        for index, paragraph in enumerate(article.paragraphs):
            words = word_count(paragraph.text)
            for rule in rules:
                if not rule.applies_at(index, count, words):
                    continue
                paragraph.text = _cut_spans(article, paragraph, rule)
                if not _HAS_WORD.search(paragraph.text):
                    break
            if _HAS_WORD.search(paragraph.text):
                kept.append(paragraph)
            elif paragraph.text.strip():
                article.remove(paragraph, "residue.punctuation", "furniture")
        article.paragraphs = kept

    @staticmethod
    def _apply_paragraph_rules(article: Article, rules: tuple[Rule, ...]) -> None:
        count = len(article.paragraphs)
        kept: list[Paragraph] = []
        for index, paragraph in enumerate(article.paragraphs):
            words = word_count(paragraph.text)
            for rule in rules:
                if not rule.applies_at(index, count, words):
                    continue
                match = rule.pattern.fullmatch(paragraph.text)
                if match:
                    _keep_caption(article, match)
                    article.remove(paragraph, rule.id, rule.category)
                    break
            else:
                kept.append(paragraph)
        article.paragraphs = kept


def _cut_spans(article: Article, paragraph: Paragraph, rule: Rule) -> str:
    pieces: list[str] = []
    last = 0
    text = paragraph.text
    for match in rule.pattern.finditer(text):
        if match.end() == match.start():
            continue
        _keep_caption(article, match)
        article.remove(paragraph, rule.id, rule.category, match.group(0).strip())
        pieces.append(text[last : match.start()])
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return squash_spaces(" ".join(pieces))


def _keep_caption(article: Article, match: re.Match[str]) -> None:
    groups = match.re.groupindex
    if "caption" in groups and match.group("caption"):
        credit = match.group("credit") if "credit" in groups else None
        article.add_caption(squash_spaces(match.group("caption")), squash_spaces(credit) if credit else None)


@dataclass(frozen=True)
class DropTitleRepeats:
    def __call__(self, article: Article) -> None:
        if not article.title:
            return
        title_key = normalize_key(article.title)
        kept = []
        for paragraph in article.paragraphs:
            if normalize_key(paragraph.text) == title_key:
                article.remove(paragraph, "repeat.title", "repetition")
            else:
                kept.append(paragraph)
        article.paragraphs = kept


@dataclass(frozen=True)
class DropDuplicateParagraphs:
    """Exact duplicates (after case/space/quote normalization), then near duplicates; first kept.

    Near duplicate: Jaccard similarity of word-trigram sets >= 0.8 between paragraphs of at least
    8 words. Re-run captions and updated wire paragraphs differ by a word or two (>= 0.85 in
    practice); two different sentences on one topic rarely share a fifth of their trigrams.
    Paragraphs under min_words are never compared: a repeated "Yes." in an interview is real.
    """

    near_threshold: float = 0.8
    min_words_exact: int = 4
    min_words_near: int = 8

    def __call__(self, article: Article) -> None:
        seen: set[str] = set()
        kept_shingles: list[set[tuple[str, ...]]] = []
        kept: list[Paragraph] = []
        for paragraph in article.paragraphs:
            words = word_count(paragraph.text)
            key = normalize_key(paragraph.text)
            if words >= self.min_words_exact and key in seen:
                article.remove(paragraph, "repeat.exact", "repetition")
                continue
            if words >= self.min_words_near:
                grams = shingles(paragraph.text)
                if any(jaccard(grams, other) >= self.near_threshold for other in kept_shingles):
                    article.remove(paragraph, "repeat.near", "repetition")
                    continue
                kept_shingles.append(grams)
            seen.add(key)
            kept.append(paragraph)
        article.paragraphs = kept
