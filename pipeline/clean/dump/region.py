"""Full-page text dumps: keep the densest run of prose lines, drop menus, footers and the rest."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from pipeline.clean.dump.shapes import is_navigation_line, is_prose
from pipeline.core.document import Article, Paragraph
from pipeline.core.settings import PageDumpSettings
from pipeline.core.text import normalize_key, squashed, word_count


def many_short_lines(lines: list[str], settings: PageDumpSettings) -> bool:
    """The cheap first screen: enough lines, and many of them short. Recipes, lists, Q&A and live
    blogs pass it too, so it never decides alone."""
    if len(lines) < settings.min_lines:
        return False
    short = sum(word_count(line) <= settings.short_words for line in lines)
    return short >= settings.short_share * len(lines)


def _many_short_raw_lines(lines: list[str], settings: PageDumpSettings) -> bool:
    """many_short_lines of the lines squashed, empty ones left out, without squashing them (issue 27:
    the step screens every text article): a squashed line's words are the line's whitespace-separated
    words, and at most one past short_words of them are split off to tell whether it is short.
    KeepArticleRegion screens with this alone, is_page_dump (the training script's screen) with
    many_short_lines: tests/test_text_clean_fast_paths.py holds them equal."""
    limit = settings.short_words
    counted = short = 0
    for line in lines:
        words = len(line.split(None, limit)) if limit >= 0 else len(line.split())
        if words:
            counted += 1
            short += words <= limit
    return counted >= settings.min_lines and short >= settings.short_share * counted


def _longest_run(flags: list[bool]) -> int:
    best = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        best = max(best, current)
    return best


def has_page_furniture(lines: list[str], region: tuple[int, int], settings: PageDumpSettings) -> bool:
    """Evidence that the text is a whole page and not an article with short lines: runs of
    navigation lines (menus, link lists, footers) stand around the prose region, on both sides.
    An article's ingredient list, list items, interview questions or timestamps sit inside its
    prose instead, and are numbers, bullets or sentences more than bare labels."""
    first, last = region
    before = _longest_run([is_navigation_line(line, settings) for line in lines[:first]])
    after = _longest_run([is_navigation_line(line, settings) for line in lines[last + 1 :]])
    return min(before, after) >= settings.furniture_run or before + after >= settings.furniture_total


def is_page_dump(lines: list[str], settings: PageDumpSettings) -> bool:
    if not many_short_lines(lines, settings):
        return False
    region = article_region(lines, settings)
    return region is not None and has_page_furniture(lines, region, settings)


_TITLE_SEPARATORS = re.compile(r"\s+[|–—:-]{1,2}\s+")


def headline_index(lines: list[str]) -> int | None:
    """Where the page repeats its <title> (the first line of a dump, site name split off) as a
    headline: the index of that line, or None."""
    if not lines:
        return None
    parts = {normalize_key(part) for part in _TITLE_SEPARATORS.split(lines[0]) if word_count(part) >= 3}
    return next((i for i in range(1, len(lines)) if normalize_key(lines[i]) in parts), None)


@dataclass
class _Run:
    first: int
    last: int
    prose_chars: int


def article_region(lines: list[str], settings: PageDumpSettings) -> tuple[int, int] | None:
    """(first, last) line index of the article, or None when there is no prose at all."""
    runs: list[_Run] = []
    gap = 0
    # Prose said twice on a page is template (tabs, teasers, form messages), not the article: it
    # still joins a run but adds no weight to it.
    seen = Counter(lines) if settings.unique_prose else Counter[str]()
    for index, line in enumerate(lines):
        if not is_prose(line, settings):
            gap += 1
            continue
        if not runs or gap > settings.gap_lines:
            runs.append(_Run(index, index, 0))
        runs[-1].last = index
        runs[-1].prose_chars += len(line) if seen[line] <= 1 else 0
        gap = 0
    if not runs:
        return None
    most = max(run.prose_chars for run in runs)
    best = next(k for k, run in enumerate(runs) if run.prose_chars >= settings.first_share * most)
    headline = headline_index(lines)
    if headline is not None:
        # The article starts under its headline: prefer the first substantial run right after it
        # to a bigger run elsewhere (a comment thread, a sidebar of teasers).
        near = [
            k
            for k, run in enumerate(runs)
            if headline < run.first <= headline + settings.anchor_window
            and run.prose_chars >= settings.anchor_min_chars
        ]
        if near and runs[near[0]].prose_chars >= settings.anchor_share * most:
            best = near[0]
    low = high = best
    grown = True
    while grown:
        grown = False
        if low > 0 and runs[low - 1].prose_chars >= settings.merge_chars * (runs[low].first - runs[low - 1].last - 1):
            low, grown = low - 1, True
        if high < len(runs) - 1 and runs[high + 1].prose_chars >= settings.merge_chars * (
            runs[high + 1].first - runs[high].last - 1
        ):
            high, grown = high + 1, True
    return runs[low].first, runs[high].last


@dataclass(frozen=True)
class KeepArticleRegion:
    """For a full-page dump, keep the lines the line model takes for article text (line_model.py)
    and remove the rest, audited: lines before the first kept line and after the last one as
    page.outside_article, lines between them (a menu, a teaser box, a share bar inside the
    article's span) as page.boilerplate_line."""

    settings: PageDumpSettings
    name: ClassVar[str] = "keep_article_region"
    once: ClassVar[bool] = True

    def __call__(self, article: Article) -> None:
        if article.html_source:
            return  # full-page text dumps only: an HTML page's body comes from its structure
        if sum(len(p.lines) or 1 for p in article.paragraphs) < self.settings.min_lines:
            return  # fewer lines than a page dump has, even before empty ones are left out
        # Judged on lines: a dump's blank lines do not separate paragraphs, every line is a text node.
        lines = [line for p in article.paragraphs for line in (p.lines or [p.text])]
        # many_short_lines of the squashed lines, read on the lines as they are (one screen, not
        # two): nearly every article stops here without its lines squashed for nothing.
        if not _many_short_raw_lines(lines, self.settings):
            return
        texts = [t for t in map(squashed, lines) if t]
        region = article_region(texts, self.settings)
        if region is None or not has_page_furniture(texts, region, self.settings):
            return
        article.page_dump = True
        from pipeline.clean.dump.line_model import article_lines  # the line model (numpy): only page dumps need it

        keep = article_lines(texts, self.settings, region)
        kept = [index for index, flag in enumerate(keep) if flag]
        first, last = (kept[0], kept[-1]) if kept else (len(texts), -1)
        paragraphs = [Paragraph(text, index, [text]) for index, text in enumerate(texts)]
        for index, paragraph in enumerate(paragraphs):
            if not keep[index]:
                rule = "page.boilerplate_line" if first < index < last else "page.outside_article"
                article.remove(paragraph, rule, "page")
        article.paragraphs = [paragraph for index, paragraph in enumerate(paragraphs) if keep[index]]
