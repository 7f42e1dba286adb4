"""Issue 27 (text-cleaning CPU), fourth pass: each cheaper path gives what the code it replaced gave.
Caption's own __init__ against the frozen dataclass it stays; the UTF-8 read without the utf-8-sig
codec against that codec (text, or the error and its offset); the cleaner's per-step counters,
counted inline, against the removals each step made; a span rule's captions, read from a text known
to be single-spaced, against squashing each group and its key."""

from __future__ import annotations

import codecs
import dataclasses
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Cleaner, RawArticle
from pipeline.clean.rules import Rule, load_rules
from pipeline.clean.steps import _cut_spans
from pipeline.core.document import Article, Caption, Paragraph, _text_caption_key
from pipeline.core.text import squash_spaces, squashed
from pipeline.ingest.readers import Decoded, DecodeFailure, _decode_utf8, repair_text

# the shipped span rules that keep a caption (the gallery block), and one whose groups may begin or
# end with a space (the shipped one's may not)
_SHIPPED_CAPTION_RULES = [r for r in load_rules().span_rules if "caption" in r.pattern.groupindex]
CAPTION_RULES = [
    *_SHIPPED_CAPTION_RULES,
    dataclasses.replace(
        _SHIPPED_CAPTION_RULES[0],
        id="test.caption_edges",
        pattern=re.compile(r"Pic:(?P<caption>[^|]*)(?:\|(?P<credit>[^|]*))?"),
    ),
]
# pieces of captions, credits and of what breaks squashed text (two spaces, a tab, a no-break space,
# a control character), in and out of ASCII (ß and the Kelvin sign fold to other letters)
_CAPTION_PIECES = st.sampled_from(
    ["Combined Shape Caption", "Credit:", " Credit: ", "Photo:", "(AP Photo/Jane Roe)", "Jane Roe", "A view",
     "of the HARBOUR.", "Pic:", "|", " ", "  ", "\t", "\u00a0", "\x7f", "ß", "\u212a", "É", ".", "©"]
)  # fmt: skip
CAPTION_TEXTS = st.lists(_CAPTION_PIECES, max_size=14).map("".join)

# bytes that decode, break UTF-8 in every way (a lone continuation byte, a cut sequence, an overlong
# form, a surrogate) or are a byte-order mark's pieces
_PIECES = st.sampled_from(
    [b"a", b" ", b"\n", "é".encode(), "€".encode(), "😀".encode(), b"\x80", b"\xc3", b"\xe2\x82", b"\xc0\xaf",
     b"\xed\xa0\x80", b"\xff", codecs.BOM_UTF8, b"\xef\xbb", b"\x00"]
)  # fmt: skip
BYTES = st.lists(_PIECES, max_size=12).map(b"".join)


def _decode_utf8_sig(data: bytes) -> Decoded | DecodeFailure:
    """_decode_utf8 as it was: the utf-8-sig codec (its error's offset counted in the file: the codec
    counts it past the mark, and the message once named the byte at that offset of the marked data)."""
    if data.find(b"\x00", 0, 8192) >= 0:
        return DecodeFailure("binary content (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        return DecodeFailure(f"not valid UTF-8 (byte 0x{data[start]:02x} at offset {start})")
    return Decoded(repair_text(text), "utf-8")


@given(BYTES, st.booleans())
def test_utf8_read_is_the_utf8_sig_codec(data: bytes, marked: bool) -> None:
    data = codecs.BOM_UTF8 + data if marked else data
    assert _decode_utf8(data) == _decode_utf8_sig(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + b"text", Decoded("text", "utf-8")),
        (codecs.BOM_UTF8 * 2 + b"x", Decoded("x", "utf-8")),  # the second mark is no character of the article
        # the offset in the file, the mark counted, and the byte that stands there (not the mark's last byte)
        (codecs.BOM_UTF8 + b"ab\xff", DecodeFailure("not valid UTF-8 (byte 0xff at offset 5)")),
        (b"ab\xff", DecodeFailure("not valid UTF-8 (byte 0xff at offset 2)")),
    ],
)
def test_utf8_read_cases(data: bytes, expected: Decoded | DecodeFailure) -> None:
    assert _decode_utf8(data) == expected == _decode_utf8_sig(data)


@dataclasses.dataclass(frozen=True)
class _GeneratedCaption:
    """Caption with the dataclass's own generated __init__."""

    text: str
    credit: str | None = None


def test_caption_is_still_the_frozen_dataclass() -> None:
    caption = Caption("A view of the harbour.", "Jane Roe")
    reference = _GeneratedCaption("A view of the harbour.", "Jane Roe")
    assert caption == Caption(text="A view of the harbour.", credit="Jane Roe")
    assert hash(caption) == hash(Caption("A view of the harbour.", "Jane Roe"))
    assert dataclasses.astuple(caption) == dataclasses.astuple(reference)
    assert repr(caption) == repr(reference).replace("_GeneratedCaption", "Caption")
    assert Caption("t").credit is None and Caption("t") == Caption("t", None)
    assert dataclasses.replace(caption, credit=None) == Caption("A view of the harbour.")
    assert pickle.loads(pickle.dumps(caption)) == caption
    assert caption.to_json() == {"text": "A view of the harbour.", "credit": "Jane Roe"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        caption.text = "changed"  # type: ignore[misc]


GALLERY = "\n\n".join(
    [
        "Lyon votes on plan number 7",
        "The council met on Tuesday and agreed on the budget for the coming year after a long debate.",
        "Advertisement",
        "The council met on Tuesday and agreed on the budget for the coming year after a long debate.",
        *(f"Combined Shape Caption A view number {n} of the old harbour. (AP Photo/Jane Roe) Credit: Jane Roe "
          f"Credit: Jane Roe" for n in range(3)),
    ]
)  # fmt: skip


def test_step_counters_add_up_to_the_removals() -> None:
    cleaner = Cleaner.from_files()
    articles = [cleaner.clean(RawArticle("a.txt", text=GALLERY)) for _ in range(2)]
    article = articles[0]
    assert [c.text for c in article.captions][:1] == ["A view number 0 of the old harbour. (AP Photo/Jane Roe)"]
    assert sum(article.removed_by_step.values()) == len(article.removed) > 0
    assert article.removed_by_step["apply_rules"] >= 4  # the advertisement and three captions
    assert article.removed_by_step["drop_duplicate_paragraphs"] == 1
    for name, stats in cleaner.stats.items():
        assert stats.removed == sum(a.removed_by_step.get(name, 0) for a in articles)
        assert stats.runs >= 2 and stats.seconds > 0


def _cut_spans_before(article: Article, paragraph: Paragraph, rule: Rule) -> str:
    """_cut_spans as it was: each caption group squashed, the caption's key squashed too."""
    pieces: list[str] = []
    last = 0
    text = paragraph.text
    for match in rule.pattern.finditer(text):
        if match.end() == match.start():
            continue
        if match.group("caption"):
            credit = match.group("credit") if "credit" in match.re.groupindex else None
            article.add_caption(squashed(match.group("caption")), squashed(credit) if credit else None)
        article.remove(paragraph, rule.id, rule.category, match.group(0).strip())
        pieces.append(text[last : match.start()])
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return squash_spaces(" ".join(pieces))


@given(st.lists(CAPTION_TEXTS, min_size=1, max_size=4), st.booleans())
def test_span_captions_are_those_of_the_squashed_groups(texts: list[str], squash: bool) -> None:
    for rule in CAPTION_RULES:
        results = []
        for cut in (_cut_spans, _cut_spans_before):
            article = Article("a.txt", [])
            cuts = [cut(article, Paragraph(squashed(t) if squash else t, 0), rule) for t in texts]
            results.append((cuts, article.captions, article.removed))
        assert results[0] == results[1], rule.id


@given(CAPTION_TEXTS)
def test_a_squashed_captions_key_is_its_lower_case_when_ascii(text: str) -> None:
    text = squashed(text)
    article = Article("a.txt", [])
    article.add_caption(text, None, squashed_text=True)
    article.add_caption(text.upper() if text.isascii() else text, None)  # the same key: no second caption
    assert len(article.captions) == (1 if text else 0)
    if text.isascii():
        assert text.lower() == _text_caption_key(text)
