"""Hypothesis properties of the cleaner and the readers."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import Cleaner, RawArticle, ReadError, read_file
from pipeline.core.text import squash_spaces

CLEANER = Cleaner.from_files()
WORDS = (
    "council bridge harbor minister budget river talks signed agreement city people market said "
    "Monday officials report water vote plan years"
).split()
NOISE = [
    "Advertisement",
    "Share this article",
    "Read more: Council votes to close two libraries",
    "12 Comments",
    "Sign up for our Morning Briefing newsletter and get the news in your inbox.",
    "Facebook Twitter Email",
    "Credit: Jan Novak",
    "Photo: Jan Novak",
    "Copyright 2024 The Associated Press. All rights reserved.",
    "Rescuers search the rubble of the school on Monday. (AP Photo/Jan Novak)",
]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=18))
    return tokens[0].capitalize() + " " + " ".join(tokens[1:]) + draw(st.sampled_from([".", ".", "?", "!", ".”"]))


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["body", "body", "body", "noise", "double", "headline"]))
    if kind == "noise":
        return draw(st.sampled_from(NOISE))
    if kind == "headline":
        return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))).capitalize()
    text = " ".join(draw(st.lists(sentences(), min_size=1, max_size=3)))
    return f"{text} {text}" if kind == "double" else text


@st.composite
def raw_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(paragraphs(), min_size=1, max_size=12))
    if draw(st.booleans()):
        parts += draw(st.lists(st.sampled_from(parts), max_size=3))  # verbatim repeats
    separator = draw(st.sampled_from(["\n\n", "\n", "\n \n\n"]))
    return separator.join(parts)


def clean(text: str, title: str | None = None, title_given: bool = False):  # type: ignore[no-untyped-def]
    return CLEANER.clean(RawArticle(source_file="p.txt", text=text, title=title, title_given=title_given))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_texts())
def test_cleaning_its_own_output_changes_nothing(text: str) -> None:
    first = clean(text)
    # Fed back as a JSONL record would be: its title field (even null) is trusted, not re-detected.
    again = clean("\n\n".join(p.text for p in first.paragraphs), title=first.title, title_given=True)
    assert [p.text for p in again.paragraphs] == [p.text for p in first.paragraphs]
    assert again.removed == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_texts())
def test_every_kept_paragraph_occurs_in_the_input(text: str) -> None:
    article = clean(text)
    haystack = squash_spaces(text)
    cut_positions = {r.position for r in article.removed if r.scope != "paragraph"}
    input_words = re.findall(r"\S+", haystack)
    for paragraph in article.paragraphs:
        if paragraph.position not in cut_positions:
            assert paragraph.text in haystack
        else:  # a span was cut out: what is left is still the input's words, in order
            remaining = iter(input_words)
            assert all(word in remaining for word in paragraph.text.split())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_texts())
def test_nothing_is_both_kept_and_removed(text: str) -> None:
    article = clean(text)
    kept = {p.position for p in article.paragraphs}
    dropped = {r.position for r in article.removed if r.scope == "paragraph"}
    assert not kept & dropped
    assert len(kept) == len(article.paragraphs)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_random_text_never_crashes_the_cleaner(text: str) -> None:
    article = clean(text)
    assert all(p.text.strip() for p in article.paragraphs)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from([".txt", ".html", ".jsonl", ".txt.gz", ".jsonl.gz", ".html.gz", ".bin"]),
)
def test_random_bytes_never_crash_a_reader(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    for result in read_file(path):
        if isinstance(result, ReadError):
            assert result.source_file == path.name and result.reason
        else:
            CLEANER.clean(result)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=500), suffix=st.sampled_from([".txt", ".html", ".jsonl"]))
def test_random_text_files_never_crash_a_reader(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    for result in read_file(path):
        if not isinstance(result, ReadError):
            CLEANER.clean(result)
