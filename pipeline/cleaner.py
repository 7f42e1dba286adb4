"""The cleaner: raw article in, clean Article out, through a list of steps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import DropLearnedBoilerplate
from .dates import to_iso
from .document import Article, Paragraph, RawArticle
from .html_extract import extract_html
from .language import DetectLanguage
from .page_dump import KeepArticleRegion
from .readers import ReadError, ReadResult, url_host
from .rules import RuleSet, load_rules
from .steps import ApplyRules, CollapseRepeatedSpan, DropDuplicateParagraphs, DropTitleRepeats, Step
from .structure import extract_header, split_paragraphs
from .text import squash_spaces


@dataclass
class Cleaner:
    rules: RuleSet
    steps: list[Step] = field(default_factory=list)
    max_rounds: int = 4

    @classmethod
    def from_files(
        cls, extra_rules: Iterable[Path] = (), learned: Mapping[str, frozenset[int]] | None = None
    ) -> Cleaner:
        """The shipped rules plus extra rules files; with `learned` (per-source boilerplate line
        hashes from the corpus statistics), a last step removes those lines too."""
        rules = load_rules(list(extra_rules))
        steps = default_steps(rules)
        if learned:
            steps.append(DropLearnedBoilerplate(learned))
        return cls(rules, steps)

    def clean(self, raw: RawArticle) -> Article:
        article = parse(raw)
        CollapseRepeatedSpan()(article)  # a doubled headline must read as one before the header step
        if not article.html_source:
            KeepArticleRegion(self.rules.page_dump)(article)  # full-page text dumps only
        DetectLanguage()(article)  # once, on the body; the rules for that language apply
        extract_header(article, self.rules)
        for step in self.steps:
            step(article)
        # Dropping paragraphs can bring another into a head/tail rule's window; only those rules
        # need another look, and a full round follows whenever they find something, so that
        # cleaning clean output is a no-op.
        recheck = ApplyRules(self.rules, windowed_only=True)
        for _ in range(self.max_rounds):
            before = len(article.removed)
            recheck(article)
            if len(article.removed) == before:
                break
            for step in self.steps:
                step(article)
        return article

    def clean_all(self, results: Iterable[ReadResult]) -> Iterator[Article | ReadError]:
        for result in results:
            yield result if isinstance(result, ReadError) else self.clean(result)


def default_steps(rules: RuleSet) -> list[Step]:
    return [CollapseRepeatedSpan(), ApplyRules(rules), DropTitleRepeats(), DropDuplicateParagraphs()]


def parse(raw: RawArticle) -> Article:
    """RawArticle -> Article with paragraphs and whatever metadata the container supplied."""
    article = Article(
        source_file=raw.source_file,
        line=raw.line,
        paragraphs=[],
        title=squash_spaces(raw.title) if raw.title else None,
        published=to_iso(raw.published),
        url=raw.url,
        source=raw.source,
        external_id=raw.external_id,
        encoding=raw.encoding,
    )
    if raw.html is not None and raw.text is None:
        article.html_source = True
        page = extract_html(raw.html)
        for position, (text, dropped_by) in enumerate(page.in_order):
            paragraph = Paragraph(text, position, [text])
            if dropped_by is None:
                article.paragraphs.append(paragraph)
            else:  # page furniture the extractor returned, dropped by its place in the page
                article.remove(paragraph, f"html.{dropped_by}", "furniture")
        article.title = article.title or page.title
        article.published = article.published or page.published
        article.updated = page.updated
        article.authors = page.authors
        article.section = page.section
        article.url = article.url or page.url
        for text, credit in page.captions:
            article.add_caption(text, credit)
    else:
        article.paragraphs = split_paragraphs(raw.text or "")
    article.source = article.source or url_host(article.url) or raw.fallback_source
    article.metadata_given = article.title is not None or raw.title_given
    return article
