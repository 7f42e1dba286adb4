"""Which encoding a file's bytes are in: UTF-8, a byte-order mark, or a legacy single-byte code page.

UTF-8 is tried first and, when it decodes, is the answer (as it always was). Otherwise a byte-order
mark names UTF-8/16/32, and for the rest charset-normalizer proposes single-byte code pages; its
proposal is taken only when the decoded text reads as text of some language (its mess ratio at most
MAX_CHAOS, its language coherence at least MIN_COHERENCE). Both numbers were chosen on the fixture
table in tests/test_encodings.py, which also prints how often the choice gives the right text.

Candidates the detector cannot tell apart (same mess, same coherence: cp1252 and cp1250 both read
"dueños" and "dueńos" as plausible Latin text) are ranked by the script family of the language the
detector recognised, then by how common the code page is in news archives (PREFERENCE).
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

# Single-byte code pages considered, most common in news archives first. Within one family, the ISO
# page comes before the Windows one where a Windows-only byte would have given the Windows page away
# anyway (cp1250 writes š/ž/ś/ź at 0x8A-0x9F, which ISO-8859-2 does not define as text).
PREFERENCE = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "iso8859_2",
    "cp1250",
    "cp1254",
    "iso8859_9",
    "cp1251",
    "koi8_r",
    "cp1253",
    "iso8859_7",
)
# The code pages written for each language charset-normalizer can recognise (Python codec names).
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_CENTRAL = ("iso8859_2", "cp1250")
_CYRILLIC = ("cp1251", "koi8_r")
FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("English", "German", "French", "Spanish", "Portuguese", "Italian", "Dutch", "Danish", "Norwegian"),
        _WESTERN,
    ),
    **dict.fromkeys(("Swedish", "Finnish", "Estonian", "Indonesian"), _WESTERN),
    **dict.fromkeys(("Czech", "Slovak", "Polish", "Hungarian", "Croatian", "Slovene", "Romanian"), _CENTRAL),
    "Turkish": ("cp1254", "iso8859_9"),
    **dict.fromkeys(("Russian", "Bulgarian", "Ukrainian", "Serbian", "Kazakh"), _CYRILLIC),
    "Greek": ("cp1253", "iso8859_7"),
}
# Among code pages that give the very same text, the name recorded: the ISO standard page first.
_NAMING = ("latin_1", "iso8859_15", "cp1252", "iso8859_9", "cp1254", "iso8859_2", "cp1250")

MAX_CHAOS = 0.1  # charset-normalizer's mess ratio (0 = clean text); right decodings measured <= 0.02
MIN_COHERENCE = 0.2  # language coherence (0..1); right decodings measured >= 0.42, random bytes 0
SAMPLE_BYTES = 256 * 1024  # what the detector looks at; the whole file is then decoded strictly
_TIE_CHAOS = 0.01  # charset-normalizer's own tie margins
_TIE_COHERENCE = 0.05

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 also starts with the UTF-16-LE mark
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Guess:
    """A legacy encoding the detector is confident about, or why there is none (encoding None)."""

    encoding: str | None
    reason: str = ""


def bom_encoding(head: bytes) -> str | None:
    """The Python codec for a byte-order mark at the start of head ('utf-8-sig', 'utf-16', 'utf-32')."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec
    return None


def recorded_name(codec: str) -> str:
    """The name an encoding is recorded under: Python's canonical name ('utf-8', 'cp1252', 'iso8859-2')."""
    return "utf-8" if codec == "utf-8-sig" else codecs.lookup(codec).name


def mostly_utf8(data: bytes) -> bool:
    """True when data is UTF-8 with a few broken bytes rather than text in another encoding: it has at
    least as many well-formed multi-byte sequences as invalid bytes (a cp1252 text has almost none)."""
    text = data.decode("utf-8", errors="replace")
    genuine = data.count("\ufffd".encode())
    invalid = text.count("\ufffd") - genuine
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - invalid >= invalid


def guess_legacy(data: bytes, candidates: Sequence[str] = PREFERENCE) -> Guess:
    """The single-byte code page data is written in, when the detector is confident; else a reason."""
    from charset_normalizer import from_bytes  # imported on first use: UTF-8 input never needs it

    sample = data[:SAMPLE_BYTES]
    matches = list(from_bytes(sample, cp_isolation=list(candidates), threshold=1.0))
    if not matches:
        return Guess(None, "no single-byte encoding decodes it")
    plausible = [m for m in matches if m.chaos <= MAX_CHAOS and m.coherence >= MIN_COHERENCE]
    if not plausible:
        best = matches[0]
        return Guess(
            None,
            f"no single-byte encoding reads it as text (best guess {recorded_name(best.encoding)}: mess"
            f" {best.chaos:.2f}, language coherence {best.coherence:.2f}; need at most {MAX_CHAOS}"
            f" and at least {MIN_COHERENCE})",
        )
    top = min(plausible, key=lambda m: (m.chaos, -m.coherence))
    tied = [m for m in plausible if m.chaos - top.chaos < _TIE_CHAOS and top.coherence - m.coherence <= _TIE_COHERENCE]
    family = FAMILIES.get(top.language, ())
    rank = {codec: i for i, codec in enumerate(candidates)}

    def order(match: CharsetMatch) -> tuple[int, int]:
        same = [c for c in match.could_be_from_charset if c in rank]
        return (0 if any(c in family for c in same) else 1, min(rank[c] for c in same))

    winner = min(tied, key=order)
    same_text = [c for c in winner.could_be_from_charset if c in rank]
    name = next((c for c in _NAMING if c in same_text), min(same_text, key=rank.__getitem__))
    return Guess(name)


# What browsers read a declared label as (WHATWG Encoding): pages declaring latin-1 are written in cp1252.
_DECLARED_ALIASES = {"ascii": "cp1252", "iso8859-1": "cp1252", "gb2312": "gb18030", "gbk": "gb18030"}


def declared_html_encoding(data: bytes) -> str | None:
    """The Python codec an HTML page declares (<meta charset>, http-equiv, XML declaration), as
    beautifulsoup4 finds it; None when it declares none, an unknown one, or a UTF (the bytes that
    are asked about have already failed UTF-8, and a BOM would have named UTF-16/32)."""
    from bs4.dammit import EncodingDetector

    label = EncodingDetector.find_declared_encoding(data[:SAMPLE_BYTES], is_html=True)
    if not label:
        return None
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    if codec.startswith("utf"):
        return None
    return _DECLARED_ALIASES.get(codec, codec)


def reads_as_text(text: str) -> bool:
    """Whether decoded text (from a byte-order-marked file) is text in some script rather than bytes
    that merely decode: charset-normalizer's mess ratio of its start is at most MAX_CHAOS."""
    from charset_normalizer.md import mess_ratio

    return mess_ratio(text[:16384], maximum_threshold=0.5) <= MAX_CHAOS
