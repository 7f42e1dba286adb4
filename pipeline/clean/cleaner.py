"""The cleaner: raw article in, clean Article out, through a list of steps."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.clean.bylines import BylineWords, load_byline_words
from pipeline.clean.completeness import judge_completeness
from pipeline.clean.dates import after, latest_date, to_iso
from pipeline.clean.dump.region import KeepArticleRegion
from pipeline.clean.furniture import DropModelFurniture
from pipeline.clean.html.extract import extract_html
from pipeline.clean.html.page_type import judge_page
from pipeline.clean.language import DetectLanguage
from pipeline.clean.learned import DropLearnedBoilerplate, StripLearnedTitleAffix
from pipeline.clean.rules import RuleSet, load_rules
from pipeline.clean.steps import (
    ApplyRules,
    CollapseRepeatedSpan,
    DropDuplicateParagraphs,
    DropTitleRepeats,
    Step,
    StepStats,
    runs_once,
    step_name,
)
from pipeline.clean.structure import ExtractHeader, split_paragraphs
from pipeline.clean.wire import find_wire_origin
from pipeline.core.deadline import TimeLimitExceeded, time_limit
from pipeline.core.document import Article, Paragraph, RawArticle, Removal
from pipeline.core.settings import SHIPPED, Settings, load_settings
from pipeline.core.text import decode_entities, squash_spaces
from pipeline.ingest.readers import ReadError, ReadResult, url_host

UNSTORABLE_RULE = "unstorable_character"  # a reader repair: NUL removed, a surrogate replaced
LATE_DATE_RULE = "date.after_fetch"  # a date later than the input's fetch (settings dates:)


@dataclass(frozen=True)
class Cleaner:
    """Parse, then run the steps in order; steps that run more than once run again in recheck
    rounds while the head/tail rules still find something. Counters per step (removals, time) add
    up in `stats` over every article cleaned; each article carries its own removals per step.

    The step list is read once, when the cleaner is built (frozen, the list a tuple): a cleaner
    with other steps is another cleaner, `dataclasses.replace(cleaner, steps=...)` (give it
    `stats={}` too for counters of its own)."""

    rules: RuleSet
    steps: Sequence[Step] = ()
    max_rounds: int = 4
    stats: dict[str, StepStats] = field(default_factory=dict)
    settings: Settings = SHIPPED  # the thresholds parse() reads (the steps were given theirs)
    # The agencies the wire origin reads, loaded once per cleaner (a shard's), not per article.
    byline_words: BylineWords = field(default_factory=load_byline_words)
    _recheck: ApplyRules = field(init=False, repr=False, compare=False)
    _named: tuple[tuple[str, Step, bool], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Dropping paragraphs can bring another into a head/tail rule's window; only those rules
        # need another look, and a full round follows whenever they find something, so that
        # cleaning clean output is a no-op.
        recheck = ApplyRules(self.rules, windowed_only=True, context=self.settings.rule_context)
        steps = tuple(self.steps)
        # (name, step, runs once) of each step in order: read here, not per article (issue 27: ~4 us an article)
        named = tuple((step_name(step), step, runs_once(step)) for step in steps)
        for name, value in (("steps", steps), ("_recheck", recheck), ("_named", named)):
            object.__setattr__(self, name, value)  # frozen: set once, here

    @classmethod
    def from_files(
        cls,
        extra_rules: Iterable[Path | str] = (),
        learned: Mapping[str, frozenset[int]] | None = None,
        settings: Settings | None = None,
    ) -> Cleaner:
        """The shipped rules plus extra rules files; with `learned` (per-source boilerplate line
        hashes from the corpus statistics), a last step removes those lines too. Thresholds: the
        given settings, else the shipped ones as NEWSCLEAN_SETTINGS changes them (load_settings)."""
        settings = settings or load_settings()
        byline_words = load_byline_words()  # a user's bylines file (NEWSCLEAN_BYLINES) is checked before any work
        rules = load_rules(list(extra_rules), settings.page_dump)
        steps = default_steps(rules, settings)
        if learned:
            steps.append(DropLearnedBoilerplate(learned, settings.learned))
            # the title as the header step left it, before the title-repeat step compares with it
            header = next(index for index, step in enumerate(steps) if isinstance(step, ExtractHeader))
            steps.insert(header + 1, StripLearnedTitleAffix(learned, settings.learned))
        # Issue 23: the trained paragraph furniture model reads what the rules and the learned
        # boilerplate left (per input form and source as settings furniture_model: says).
        steps.append(DropModelFurniture(settings.furniture_model))
        return cls(rules, tuple(steps), settings=settings, byline_words=byline_words)

    def clean(self, raw: RawArticle) -> Article:
        started = time.perf_counter()
        # its removals: an HTML page's furniture, dropped by its place in the page
        article = parse(raw, self.settings, self.byline_words)
        self._count("parse", article, len(article.removed), time.perf_counter() - started)
        steps = self._named
        for name, step, _ in steps:
            self._run(name, step, article)
        for _ in range(self.max_rounds):
            before = len(article.removed)
            self._run(self._recheck.name, self._recheck, article)
            if len(article.removed) == before:
                break
            for name, step, once in steps:
                if not once:
                    self._run(name, step, article)
        _drop_dates_after_fetch(article, latest_date(raw.fetched, raw.batch_date, self.settings.dates.days_after_fetch))
        judge_completeness(article, self.settings.completeness)
        # Read off the finished article: the removals (an agency's footer, a wire photo credit) are evidence too.
        origin = find_wire_origin(article, self.byline_words)
        if origin:
            article.wire_origin, article.wire_evidence = origin.agency, origin.evidence
        return article

    def clean_within_limit(self, raw: RawArticle) -> Article | ReadError:
        """clean(raw), or a ReadError when it takes longer than the settings allow (limits:
        seconds_per_document): a pathological input or a backtracking user rule costs that
        document, never the batch."""
        seconds = self.settings.limits.seconds_per_document
        try:
            with time_limit(seconds):
                return self.clean(raw)
        except TimeLimitExceeded:
            return ReadError(raw.source_file, f"cleaning took longer than {seconds:g} s", raw.line)

    def _run(self, name: str, step: Step, article: Article) -> None:
        before = len(article.removed)
        started = time.perf_counter()
        step(article)
        self._count(name, article, len(article.removed) - before, time.perf_counter() - started)

    def _count(self, name: str, article: Article, removed: int, seconds: float) -> None:
        stats = self.stats.get(name)
        if stats is None:
            stats = self.stats[name] = StepStats()
        stats.removed += removed
        stats.seconds += seconds
        stats.runs += 1
        article.removed_by_step[name] = article.removed_by_step.get(name, 0) + removed

    def clean_all(self, results: Iterable[ReadResult]) -> Iterator[Article | ReadError]:
        for result in results:
            yield result if isinstance(result, ReadError) else self.clean_within_limit(result)


def default_steps(rules: RuleSet, settings: Settings = SHIPPED) -> list[Step]:
    repetition, language = settings.repetition, settings.language
    return [
        # a doubled headline must read as one before the header step
        CollapseRepeatedSpan(repetition.min_span_chars, once=True),
        KeepArticleRegion(rules.page_dump),  # full-page text dumps only
        DetectLanguage(language.sample_chars, language.prose_words, language.min_prose_chars),
        ExtractHeader(rules, settings.text),
        CollapseRepeatedSpan(repetition.min_span_chars),
        ApplyRules(rules, context=settings.rule_context),
        DropTitleRepeats(),
        DropDuplicateParagraphs(repetition.near_ratio, repetition.min_words_exact, repetition.min_words_near),
    ]


def _drop_dates_after_fetch(article: Article, latest: str | None) -> None:
    """A given or header date later than the fetch is dropped, and audited (an HTML page's own
    candidates were already read up to the fetch: clean/html/metadata.py)."""
    for name in ("published", "updated"):
        value = getattr(article, name)
        if after(value, latest):
            setattr(article, name, None)
            article.removed.append(
                Removal(LATE_DATE_RULE, "metadata", f"{name} {value} (fetched by {latest})", 0, "span")
            )


def parse(raw: RawArticle, settings: Settings = SHIPPED, byline_words: BylineWords | None = None) -> Article:
    """RawArticle -> Article with paragraphs and whatever metadata the container supplied (an HTML
    page's authors read with `byline_words`: the cleaner's, else loaded)."""
    article = Article(
        source_file=raw.source_file,
        line=raw.line,
        paragraphs=[],
        title=decode_entities(squash_spaces(raw.title)) if raw.title else None,
        published=to_iso(raw.published),
        url=raw.url,
        source=raw.source,
        external_id=raw.external_id,
        encoding=raw.encoding,
    )
    for repair in raw.repairs:  # what the reader took out so the article can be stored: audited
        article.removed.append(Removal(UNSTORABLE_RULE, "encoding", repair, 0, "span"))
    if raw.html is not None and raw.text is None:
        article.html_source = True
        latest = latest_date(raw.fetched, raw.batch_date, settings.dates.days_after_fetch)
        # the blocks' place in the page only for the furniture model (issue 23): off, nothing is read
        structure = settings.furniture_model.html
        page = extract_html(raw.html, settings.html, latest, settings.dates, byline_words, structure)
        article.block_structure = dict(enumerate(page.structure))
        for position, (block, dropped_by) in enumerate(page.in_order):
            text = decode_entities(block)  # "&amp;quot;" in the page's text: escaped once too often
            paragraph = Paragraph(text, position, [text])
            if dropped_by is None:
                article.paragraphs.append(paragraph)
            else:  # page furniture the extractor returned, dropped by its place in the page
                article.remove(paragraph, f"html.{dropped_by}", "furniture")
        article.title = article.title or page.title
        article.seo_title = page.seo_title
        if page.page_features is not None:
            article.page_type = judge_page(page.page_features).page_type
        article.accessible_for_free = page.free
        article.published = article.published or page.published
        article.updated = page.updated
        article.authors = page.authors
        article.agencies = page.agencies
        article.section = decode_entities(page.section) if page.section else None
        article.url = article.url or page.url
        for text, credit in page.captions:
            article.add_caption(decode_entities(text), decode_entities(credit) if credit else None)
    elif raw.paragraphs is not None:  # split by the run's learn pass (issue 27): the same split, done once
        article.paragraphs = raw.paragraphs
    else:
        article.paragraphs = split_paragraphs(decode_entities(raw.text or ""), settings.text.wrap_max_chars)
    article.source = article.source or url_host(article.url) or raw.fallback_source
    article.metadata_given = article.title is not None or raw.title_given
    return article
