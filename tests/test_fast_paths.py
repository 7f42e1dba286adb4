"""Issue 27: the faster paths of the load give exactly what the code they replaced gave.

Each fast path is checked against the plain expression it stands for, on any text hypothesis
draws (ASCII, non-ASCII, unpaired surrogates, NULs), and the MinHash signature against one made
from the regex's words, so a fast path that drifts from the original fails here."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.text import key_words
from pipeline.corpus.minhash import NUM_PERM, SEED, SHINGLE_WORDS, MinHasher
from pipeline.store.rows import UnstorableError, _check_storable, _holds_surrogate
from pipeline.store.tables import PARAGRAPHS

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
