"""Issue 27 (text-cleaning CPU): the cheaper paths of the text steps give what the code they replaced
gave. The repeated-span search in squashed paragraphs against the quadratic search it started as;
the caption duplicate check by a kept set against a comparison with every caption; the byline
words kept per step and per language against those loaded and built per call; the generated
corpus's galleries and long repeated spans (bench/corpus.py) as the step collapses them; the
language step's prose sample read in one loop against the generator it was read through. Second
pass: a span said two or three times against the quadratic search; squashed() against
squash_spaces; the page-region screen on unsquashed lines against many_short_lines of them
squashed; the byline patterns by first character against all of them."""

from __future__ import annotations

import random
import sys
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.bylines import EVERY_LANGUAGE, _words_for, load_byline_words, split_people
from pipeline.clean.dump.region import _many_short_raw_lines, many_short_lines
from pipeline.clean.language import DetectLanguage, _take
from pipeline.clean.rules import load_rules
from pipeline.clean.steps import CollapseRepeatedSpan, repeated_span
from pipeline.clean.structure import ExtractHeader, split_paragraphs
from pipeline.core.document import Article, Caption, Paragraph, _caption_key
from pipeline.core.settings import SHIPPED
from pipeline.core.text import squash_spaces, squashed, word_count

from .conftest import ROOT
from .test_repetition import quadratic_repeated_span

# Paragraphs as the cleaner makes them: words joined by single spaces, some spans said again.
WORDS = st.sampled_from(["a", "b", "ab", "Go,", "go", "é", "word.", "(AP", "Photo)", "Credit:"])
SPANS = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
SQUASHED = st.builds(
    lambda span, copies, tail: " ".join([span] * copies + tail),
    SPANS,
    st.integers(min_value=1, max_value=6),
    st.lists(WORDS, max_size=2),
)


@given(SQUASHED | st.lists(WORDS, max_size=20).map(" ".join), st.integers(min_value=1, max_value=8))
@settings(max_examples=3000)
def test_squashed_paragraphs_answer_as_the_quadratic_search(text: str, min_chars: int) -> None:
    assert repeated_span(text, min_chars) == quadratic_repeated_span(text, min_chars)


@given(
    SPANS | st.builds(lambda span, k: " ".join([span] * k), SPANS, st.integers(2, 4)),
    st.integers(2, 3),
    st.integers(1, 8),
)
@settings(max_examples=3000)
def test_a_span_said_two_or_three_times_answers_as_the_quadratic_search(span: str, copies: int, min_chars: int) -> None:
    """The shortcut for a span said again (_said_again), spans that are themselves repeats included."""
    text = " ".join([span] * copies)
    assert repeated_span(text, min_chars) == quadratic_repeated_span(text, min_chars)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("word " * 999 + "word", ("word word word word word", 200)),  # the shortest span of 20+ characters
        (" ".join(["a"] * 20_011), (" ".join(["a"] * 20_011), 1)),  # a prime count: no span fits
        ("x" * 30 + " " + "x" * 30, ("x" * 30, 2)),
        ("x" * 30 + " " + "x" * 29, ("x" * 30 + " " + "x" * 29, 1)),
        ("x" * 20 + " " + "x" * 20 + "x" * 20, ("x" * 20, 3)),  # later copies may touch
    ],
)
def test_squashed_paragraphs_at_their_bounds(text: str, expected: tuple[str, int]) -> None:
    assert repeated_span(text, 20) == expected


def captions_by_comparison(pairs: list[tuple[str, str | None]]) -> list[Caption]:
    """add_caption as it was: a caption is new when its key differs from every kept caption's."""
    kept: list[Caption] = []
    for text, credit in pairs:
        caption = Caption(text.strip(), credit.strip() if credit else None)
        if caption.text and all(_as_compared(c) != _as_compared(caption) for c in kept):
            kept.append(caption)
    return kept


def _as_compared(caption: Caption) -> str:
    """The caption key as it was computed (casefolded, split and joined), not as it is now."""
    return " ".join(caption.text.casefold().split())


@given(st.text(alphabet=st.sampled_from("aB ß\t\n\u00a0\u2028é.")))
def test_squashed_is_squash_spaces(text: str) -> None:
    assert squashed(text) == squash_spaces(text)
    assert _caption_key(Caption(text)) == squash_spaces(text.casefold())


CAPTION_TEXTS = st.sampled_from(["Jane Roe", "jane  roe", "JANE ROE ", " ", "", "A harbour", "a harbour", "Ö ö"])


@given(st.lists(st.tuples(CAPTION_TEXTS, st.none() | CAPTION_TEXTS), max_size=12), st.integers(0, 12))
def test_captions_are_kept_as_by_comparing_with_each(pairs: list[tuple[str, str | None]], replace_at: int) -> None:
    article = Article(source_file="a.txt", paragraphs=[])
    for number, (text, credit) in enumerate(pairs):
        if number == replace_at:  # a caller may set the list itself: the kept keys are not its keys
            article.captions = []
        article.add_caption(text, credit)
    assert article.captions == captions_by_comparison(pairs[replace_at:] if replace_at < len(pairs) else pairs)


@pytest.mark.parametrize("language", [None, "en", "de", "fr", "es-ES", EVERY_LANGUAGE])
def test_byline_words_kept_per_language_are_those_built_per_call(language: str | None) -> None:
    words = load_byline_words()
    for table in (words.prefixes, words.joiners):
        assert words.words_for(table, language) == _words_for(table, language)
        assert words.words_for(table, language) is words.words_for(table, language)  # kept, not rebuilt
    assert words.splitter(language) is words.splitter(language)


@pytest.mark.parametrize(
    "byline",
    ["Jane Roe and Erik Lund", "Von Anna Muster und Karl Beispiel (dpa)", "Par Marie Dupont et Jean Martin", "AP"],
)
def test_bylines_split_alike_with_the_step_s_words(byline: str) -> None:
    assert split_people([byline], EVERY_LANGUAGE, words=load_byline_words()) == split_people([byline], EVERY_LANGUAGE)


def test_the_header_step_reads_bylines_with_its_own_words(cleaner) -> None:  # type: ignore[no-untyped-def]
    step = next(s for s in cleaner.steps if isinstance(s, ExtractHeader))
    assert step.byline_words == load_byline_words()
    text = "Council to rebuild the old bridge\n\nBy Jane Roe and Erik Lund\n\nThe council voted on Tuesday."
    article = Article(source_file="a.txt", paragraphs=split_paragraphs(text))
    step(article)
    assert article.authors == ["Jane Roe", "Erik Lund"]


@pytest.mark.parametrize("seed", [7, 8])
def test_generated_galleries_and_long_spans_collapse(seed: int) -> None:
    """The spans corpus's doubled captions and long spans said two or three times are each one
    span again after the step, every copy audited."""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import long_repeat, paragraph

    rng = random.Random(seed)
    texts = [long_repeat(rng) for _ in range(20)]
    article = Article(source_file="a.txt", paragraphs=split_paragraphs("\n\n".join([paragraph(rng), *texts])))
    CollapseRepeatedSpan(20)(article)
    for repeated, kept in zip(texts, article.paragraphs[1:], strict=True):
        span, copies = quadratic_repeated_span(repeated, 20)
        assert copies in (2, 3)
        assert kept.text == span
    assert [r.rule for r in article.removed] == ["repeat.span"] * len(texts)


def prose_sample_as_taken(article: Article, step: DetectLanguage) -> str:
    """The language step's prose sample as it was read: _take over a generator of the long paragraphs."""
    return _take(p.text for p in article.paragraphs if word_count(p.text) >= step.prose_words)(step.sample_chars)


@given(st.lists(st.lists(WORDS, max_size=12).map(" ".join), max_size=30), st.integers(1, 400), st.integers(0, 6))
def test_the_language_sample_is_the_one_taken_before(texts: list[str], limit: int, prose_words: int) -> None:
    article = Article(source_file="a.txt", paragraphs=[Paragraph(t, n, [t]) for n, t in enumerate(texts)])
    step = DetectLanguage(sample_chars=limit, prose_words=prose_words)
    assert step._prose(article) == prose_sample_as_taken(article, step)


LINES = st.lists(
    st.sampled_from(["", "  ", "Home", "Home  News", "a b c d", "a\tb c d e", " one two three four five ", "é ü"])
)


@given(LINES, st.integers(-1, 6), st.integers(0, 6), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_the_page_dump_screen_reads_unsquashed_lines_as_squashed(
    lines: list[str], short_words: int, min_lines: int, share: float
) -> None:
    """The region step's first screen on the lines as they are gives many_short_lines of them squashed."""
    settings = replace(SHIPPED.page_dump, short_words=short_words, min_lines=min_lines, short_share=share)
    squashed_lines = [t for t in map(squash_spaces, lines) if t]
    assert _many_short_raw_lines(lines, settings) == many_short_lines(squashed_lines, settings)


def test_byline_patterns_by_first_character_match_as_all_of_them() -> None:
    """bylines_for(first character) leaves out only patterns that cannot match the line: every
    fixture line and header line of the generated corpus gets the same byline matches."""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import noisy_articles

    from .test_first_char import _texts

    header = load_rules().header
    lines = [*_texts(), *(line for text in noisy_articles(300) for line in text.splitlines()[:8] if line.strip())]
    matched: set[str] = set()
    for line in (squash_spaces(line) for line in [*lines, *BYLINE_LINES]):
        every = [p.pattern for p, *_ in header.screened_bylines if p.fullmatch(line)]
        assert [p.pattern for p, *_ in header.bylines_for(line[:1]) if p.fullmatch(line)] == every, line
        matched.update(every)
    assert matched == {p.pattern for p in header.bylines}  # every pattern met a line it matches
    assert header.bylines_for("") == header.screened_bylines


# One line for each shipped byline pattern (rules.yaml and the language files).
BYLINE_LINES = [
    "Erik Lund | 10.02.2024",
    "By Jane Roe and Erik Lund",
    "Published: March 3, 2024",
    "Posted on 3 March 2024",
    "Updated: March 4, 2024",
    "Last Updated on March 4, 2024",
    "Von Anna Muster",
    "Par Marie Dupont",
    "Veröffentlicht am 03.03.2024",
    "Publié le 3 mars 2024",
    "Aktualisiert am 04.03.2024",
    "Mis à jour le 4 mars 2024",
    "Datum: 03.03.2024",
    "Fecha: 03/03/2024",
    "3 March 2024",
    "03. März 2024",
]
