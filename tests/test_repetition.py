"""Repetition: repeated spans, exact and near duplicates, title repeats; first occurrence kept."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean.steps import repeated_span
from pipeline.core.text import key_words, normalize_key, words

SENTENCE = "The harbor authority said on Monday that construction would begin in May and last two summers."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{SENTENCE} {SENTENCE}", (SENTENCE, 2)),
        (f"{SENTENCE} {SENTENCE}  {SENTENCE}", (SENTENCE, 3)),
        (SENTENCE, (SENTENCE, 1)),
        ("Go, go, go, go, go", ("Go, go, go, go, go", 1)),  # too short to be a flattened widget
        (f"{SENTENCE} {SENTENCE} and more", (f"{SENTENCE} {SENTENCE} and more", 1)),
    ],
)
def test_repeated_span(text: str, expected: tuple[str, int]) -> None:
    assert repeated_span(text, 20) == expected


def quadratic_repeated_span(text: str, min_chars: int) -> tuple[str, int]:
    """The former implementation (every possible span tried, each copy sliced off): the oracle."""
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


PIECES = st.sampled_from(["a", "b", "ab", "a b", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "é"])
REPEATED = st.builds(
    lambda unit, gaps, extra: "".join(unit + gap for gap in gaps) + extra,
    st.lists(PIECES, min_size=1, max_size=6).map("".join),
    st.lists(st.sampled_from(["", " ", "  ", "\n", "\t "]), min_size=1, max_size=5),
    st.sampled_from(["", " ", "a", "b "]),
)


@given(st.one_of(REPEATED, st.lists(PIECES, max_size=14).map("".join)), st.integers(min_value=1, max_value=6))
@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
def test_repeated_span_answers_as_the_quadratic_search_did(text: str, min_chars: int) -> None:
    assert repeated_span(text, min_chars) == quadratic_repeated_span(text, min_chars)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 1_000_000, ("a" * 1_000_000, 1)),  # no whitespace: no span can end
        ("word " * 3_000_000, (" ".join(["word"] * 5), 600_000)),  # 15 MB: the shortest span of 20+ chars
        ("word " * 2_999_999, ("word " * 2_999_999, 1)),  # a prime number of words: no span of 20+ fits
        (" ".join(["a"] * 720_719) + "a", (" ".join(["a"] * 720_719) + "a", 1)),  # breaks at the very end
        (f"{SENTENCE}\n{SENTENCE}{SENTENCE} {SENTENCE}", (SENTENCE, 4)),  # later copies may touch
    ],
    ids=["1MB-one-char", "15MB-one-word", "prime-count", "late-break", "touching-copies"],
)
def test_repeated_span_on_huge_repetitions(text: str, expected: tuple[str, int]) -> None:
    # these took from 10 s to minutes when every span was tried; their speed is in bench/bench_repetition.py
    assert repeated_span(text, 20) == expected


def test_doubled_paragraph_collapses_and_is_audited(clean_text) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"{SENTENCE} {SENTENCE}\n\nAnother paragraph of the story here.")
    assert article.paragraphs[0].text == SENTENCE
    assert [(r.rule, r.text) for r in article.removed] == [("repeat.span", SENTENCE)]


def test_exact_duplicates_after_normalization(clean_text) -> None:  # type: ignore[no-untyped-def]
    quoted = "“We will rebuild the bridge,” the mayor said on Monday."
    variant = '"we  will rebuild the bridge," the mayor said on Monday'
    article = clean_text(f"{quoted}\n\n{SENTENCE}\n\n{variant}")
    assert [p.text for p in article.paragraphs] == [quoted, SENTENCE]
    assert [r.rule for r in article.removed] == ["repeat.exact"]


def test_near_duplicate_dropped_distinct_sentence_on_same_topic_kept(clean_text) -> None:  # type: ignore[no-untyped-def]
    near = "The harbor authority said on Monday that construction would begin in May and last for two summers."
    same_topic = "Construction of the harbor wall will cost 40 million crowns, the authority said on Monday in May."
    article = clean_text(f"{SENTENCE}\n\n{same_topic}\n\n{near}")
    assert [p.text for p in article.paragraphs] == [SENTENCE, same_topic]
    assert [r.rule for r in article.removed] == ["repeat.near"]


def test_short_repeated_lines_are_kept(clean_text) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"{SENTENCE}\n\n“No.”\n\nDid he agree to the plan?\n\n“No.”")
    assert [p.text for p in article.paragraphs] == [SENTENCE, "“No.”", "Did he agree to the plan?", "“No.”"]


def test_short_lines_differing_by_one_word_are_both_kept(clean_text) -> None:  # type: ignore[no-untyped-def]
    one, two = "You can vote for Anna Berg on the last page!", "You can vote for Olga Lind on the last page!"
    article = clean_text(f"{SENTENCE}\n\n{one}\n\n{two}")
    assert [p.text for p in article.paragraphs] == [SENTENCE, one, two]


def test_paragraph_repeating_the_title_is_dropped(clean_text) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"Harbor wall to be built in Vardo\n\n{SENTENCE}\n\nHarbor wall to be built in Vardo")
    assert article.title == "Harbor wall to be built in Vardo"
    assert [p.text for p in article.paragraphs] == [SENTENCE]
    assert [r.rule for r in article.removed] == ["repeat.title"]


@given(st.text())
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_words_of_the_key_are_the_words_of_the_text(text: str) -> None:
    assert key_words(normalize_key(text)) == words(text)


@pytest.mark.parametrize("text", ["“Don’t” — «Straße» ‚x‘ `y`", "ǅemal ﬁnd İstanbul ΣΑΣ", "a\u00a0b\u2028c\x1cd"])
def test_words_of_the_key_on_folding_and_spaces(text: str) -> None:
    assert key_words(normalize_key(text)) == words(text)


QUOTED = ["“Don’t”", "„Ja“, sagte sie.", "«Oui»", "`x`", "Straße ’s"]


@given(st.text(alphabet=st.characters(codec="utf-8")) | st.sampled_from(QUOTED))
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_normalize_key_translates_quotes_only_when_there_are_any(text: str) -> None:
    """The key is what translating every text would give (text without curly quotes skips it)."""
    from pipeline.core.text import _EDGE_PUNCTUATION, _QUOTES

    assert normalize_key(text) == " ".join(text.translate(_QUOTES).casefold().split()).strip(_EDGE_PUNCTUATION)
