"""Issue 27: the faster paths of the load give exactly what the code they replaced gave.

Each fast path is checked against the plain expression it stands for, on any text hypothesis
draws (ASCII, non-ASCII, unpaired surrogates, NULs), and the MinHash signature against one made
from the regex's words, so a fast path that drifts from the original fails here."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.learned import LEARNED_CATEGORY, line_hash
from pipeline.clean.provenance import Provenance
from pipeline.core.document import Article, Caption, Paragraph, Removal
from pipeline.core.text import key_words
from pipeline.corpus.minhash import NUM_PERM, SEED, SHINGLE_WORDS, MinHasher, signature_bytes
from pipeline.store.rows import UnstorableError, _check_storable, _holds_surrogate, article_row, article_rows
from pipeline.store.staging import copy_line, copy_text, copy_value
from pipeline.store.tables import (
    ARTICLES,
    CAPTIONS,
    LEARNED_SAMPLES,
    PARAGRAPHS,
    REMOVALS,
    SIGNATURES,
    StagedTable,
)

WORDS = re.compile(r"\w+")
SURROGATE = re.compile("[\ud800-\udfff]")
# Letters whose case folding changes the text's length or leaves ASCII ("ß" -> "ss", "ﬁ" -> "fi",
# "İ" -> "i̇", "K" (Kelvin) -> "k"), word characters of other scripts, spaces of every kind, NULs
# and unpaired surrogates (which st.characters leaves out by default).
TRICKY = "aZ_09 .,'\"-\t\n\u00a0\u2028ßﬁİıKé日١\u00b2\x00\ud800\udbff\udc00\udfff"
texts = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec=None), max_size=60)


@given(texts)
def test_minhash_words_are_the_regex_words_of_the_folded_text(text: str) -> None:
    assert key_words(text.casefold()) == WORDS.findall(text.casefold())


@given(texts)
def test_the_surrogate_screen_is_the_regex_search(text: str) -> None:
    assert _holds_surrogate(text) == (SURROGATE.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "storable"),
    [
        ("plain ASCII text", True),
        ("accents é and scripts 日本", True),
        ("a NUL \x00 in ASCII", False),
        ("a NUL \x00 after é", False),
        ("an unpaired \ud800 surrogate", False),
        ("a low \udfff surrogate after é", False),
    ],
)
def test_a_row_with_a_nul_or_a_surrogate_is_refused(text: str, storable: bool) -> None:
    values = (1, 0, 0, text)
    if storable:
        _check_storable(PARAGRAPHS, values)
    else:
        with pytest.raises(UnstorableError):
            _check_storable(PARAGRAPHS, values)


@pytest.mark.parametrize(
    "body",
    [
        "Officials in Tallinn said the plan would cost more than expected, the minister said.",
        "Straße und Fußgänger: die Stadt plant neue Wege für 2025 — sagte der Bürgermeister.",
        "short text",
        "",
    ],
)
def test_the_signature_is_the_one_of_the_regex_words(body: str) -> None:
    from rensa import RMinHash

    tokens = WORDS.findall(body.casefold())
    grams = (
        {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}
        if len(tokens) >= SHINGLE_WORDS
        else {" ".join(tokens)}
    )
    expected = RMinHash(NUM_PERM, SEED)
    expected.update(list(grams))
    assert np.array_equal(MinHasher().signature(body), np.asarray(expected.digest(), dtype=np.uint32))


# --- issue 27, the CPU of a run outside cleaning: rows formatted once, checked as one text ---

PROVENANCE = Provenance("0.0-test", "d" * 64, ())
# What a field may hold that COPY must escape or PostgreSQL refuses: tabs, newlines, carriage
# returns, backslashes, quotes and braces (array items), NULs and unpaired surrogates.
FIELD = st.text(alphabet=st.sampled_from(TRICKY + "\\\r{}\"'") | st.characters(codec=None), max_size=20)


def plain_rows(article: Article, copy_id: int) -> list[tuple[StagedTable, tuple[object, ...]]]:
    """The staged rows of an article as the code before issue 27's row work built them, one tuple
    of values per row (the signature row aside)."""
    rows: list[tuple[StagedTable, tuple[object, ...]]] = [(ARTICLES, tuple(article_row(article, copy_id, PROVENANCE)))]
    rows += [(PARAGRAPHS, (copy_id, i, p.position, p.text)) for i, p in enumerate(article.paragraphs)]
    rows += [(CAPTIONS, (copy_id, i, c.text, c.credit)) for i, c in enumerate(article.captions)]
    for seq, r in enumerate(article.removed):
        rows.append((REMOVALS, (copy_id, seq, r.position, r.rule, r.category, r.scope, r.text, r.score)))
        if r.category == LEARNED_CATEGORY and article.source:
            rows.append((LEARNED_SAMPLES, (article.source, line_hash(r.text), r.text)))
    return rows


@st.composite
def articles(draw: st.DrawFn) -> Article:
    paragraphs = [Paragraph(text, draw(st.integers(0, 99))) for text in draw(st.lists(FIELD, min_size=1, max_size=4))]
    removal = st.builds(
        Removal,
        rule=FIELD,
        category=st.sampled_from([LEARNED_CATEGORY, "boilerplate"]) | FIELD,
        text=FIELD,
        position=st.integers(0, 99),
        scope=st.sampled_from(["paragraph", "span"]) | FIELD,
        score=st.none() | st.floats(0, 1),
    )
    return Article(
        source_file=draw(FIELD),
        paragraphs=paragraphs,
        line=draw(st.none() | st.integers(1, 10**6)),
        title=draw(st.none() | FIELD),
        source=draw(st.none() | FIELD),
        authors=draw(st.lists(FIELD, max_size=2)),
        captions=draw(st.lists(st.builds(Caption, FIELD, st.none() | FIELD), max_size=2)),
        removed=draw(st.lists(removal, max_size=4)),
        complete=draw(st.booleans()),
    )


def plain_lines(article: Article, copy_id: int) -> dict[StagedTable, list[str]]:
    """copy_line of each plain row, per table, after the per-field check of every row."""
    lines: dict[StagedTable, list[str]] = {t: [] for t in (ARTICLES, PARAGRAPHS, CAPTIONS, REMOVALS, LEARNED_SAMPLES)}
    for table, values in plain_rows(article, copy_id):
        _check_storable(table, values)
        lines[table].append(copy_line(values))
    lines[SIGNATURES] = [copy_line((copy_id, signature_bytes(MinHasher().signature(article.body))))]
    return lines


def outcome(make: Callable[[], object]) -> object:
    """What make() returns, or the type and message of what it raises."""
    try:
        return make()
    except Exception as exc:
        return type(exc).__name__, str(exc)


@settings(max_examples=300, deadline=None)
@given(articles(), st.integers(0, 2**40))
def test_the_formatted_rows_are_the_copy_lines_of_the_plain_rows(article: Article, copy_id: int) -> None:
    """Each table's lines are copy_line of its plain rows, in order; an article holding a NUL or an
    unpaired surrogate is refused with the error the per-field check gives (naming the column)."""
    expected = outcome(lambda: plain_lines(article, copy_id))
    got = outcome(lambda: dict(article_rows(article, copy_id, MinHasher(), PROVENANCE)))
    assert got == expected


@pytest.mark.parametrize("payload", [b"", b"\x00\\\t\n", bytes(range(256))])
def test_a_bytea_field_is_its_hex_escaped_as_any_text(payload: bytes) -> None:
    assert copy_value(payload) == copy_text("\\x" + payload.hex())


@settings(deadline=None)
@given(st.lists(st.sampled_from(["the", "minister", "said", "Straße", "日本", "plan", "x"]), max_size=40))
def test_the_signature_over_repeated_shingles_is_the_one_over_their_set(words: list[str]) -> None:
    """Shingles repeat in a text that says a phrase twice: the list's minimum is the set's."""
    from rensa import RMinHash

    body = " ".join(words)
    tokens = WORDS.findall(body.casefold())
    shingles = zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False)
    grams = set(map(" ".join, shingles)) if len(tokens) >= SHINGLE_WORDS else {" ".join(tokens)}
    expected = RMinHash(NUM_PERM, SEED)
    expected.update(list(grams))
    assert np.array_equal(MinHasher().signature(body), np.asarray(expected.digest(), dtype=np.uint32))
