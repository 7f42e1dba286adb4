"""Wire origin: which news agency's copy an article is, and the evidence that decided it.

Precision first: only the places where a newsroom marks agency copy count — the dateline opening
the body ("BELGRADE, Serbia (AP) —", "Berlin (dpa) -"), the byline's agencies, an agency's own
disclaimer the cleaner removed ("Copyright 2024 The Associated Press", the Anadolu footer) and a
wire photo credit ("(AP Photo/Jane Roe)"). An agency named in the prose ("Reuters reported",
"selon l'AFP") is never evidence. The agencies are those of data/bylines.yaml (NEWSCLEAN_BYLINES
extends them). The store adds a fifth kind, `cluster`: a syndicated copy inherits its cluster's origin.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from pipeline.clean.bylines import BylineWords, load_byline_words
from pipeline.core.document import Article

# Strongest first: the first kind that names an agency decides.
EVIDENCE = ("dateline", "byline", "disclaimer", "credit")
CLUSTER_EVIDENCE = "cluster"  # set by the store (publish_inherit_wire_origin.sql), never here

# The body's opening: a place of at most six words (capitalized words, numbers, short day and month
# abbreviations as in "Madrid, 5 mar (EFE).-"), or none ("(ANSA) - ROMA"), then a bracketed credit
# and a dash or colon. "The agency (AFP) - ..." has a lower-case word of 6 letters: no dateline;
# neither is a place that names an agency itself.
_PLACE_WORD = r"(?:[A-ZÀ-Þ][\w.'’-]*|\d{1,4}\.?|[a-zà-ÿ]{1,4}\.?)"
_DATELINE = re.compile(
    rf"(?P<place>[A-ZÀ-Þ][\w.'’-]*(?:[ ,/]+{_PLACE_WORD}){{0,5}}\s*)?"
    r"\((?P<credit>[^()]{1,40})\)\s*\.?\s*(?:—|–|--|-|:)\s"
)
# A wire photo credit: "(AP Photo/Jane Roe)", "AFP Photo / John Doe", "dpa Foto/..."
_PHOTO_CREDIT = re.compile(r"(?P<name>\b[\w-]+(?: [\w-]+){0,2})\s+(?:Photo|PHOTO|Foto|Photograph)\s*/")
_CREDIT_PARTS = re.compile(r"\s*[/,;]\s*")


@dataclass(frozen=True)
class WireOrigin:
    agency: str  # agency id (data/bylines.yaml)
    evidence: str  # one of EVIDENCE


def find_wire_origin(article: Article, words: BylineWords | None = None) -> WireOrigin | None:
    """The agency whose copy the clean article is, by the strongest evidence found; None when no
    marked place names one."""
    words = words or load_byline_words()
    for evidence in EVIDENCE:  # read lazily: most articles stop at the first kind or have none
        agency = _READERS[evidence](article, words)
        if agency:
            return WireOrigin(agency, evidence)
    return None


def _from_byline(article: Article, words: BylineWords) -> str | None:
    return article.agencies[0] if article.agencies else None


def _from_dateline(article: Article, words: BylineWords) -> str | None:
    if not article.paragraphs:
        return None
    match = _DATELINE.match(article.paragraphs[0].text)
    # "The Associated Press (AP) - the agency - ...": the agency itself before its bracket is prose
    if match is None or (match["place"] and _agency_pattern(words.agency_names).search(match["place"])):
        return None
    return next((found for part in _CREDIT_PARTS.split(match["credit"]) if (found := words.agency(part))), None)


def _from_disclaimers(article: Article, words: BylineWords) -> str | None:
    """An agency named in a piece an agency rule removed (copyright line, subscription footer,
    "Associated Press writers ... contributed")."""
    pattern = _agency_pattern(words.agency_names)
    for removal in article.removed:
        if removal.category == "agency" and (match := pattern.search(removal.text)):
            return words.agency(match.group(0))
    return None


def _from_credits(article: Article, words: BylineWords) -> str | None:
    texts = [r.text for r in article.removed if r.category == "caption"]
    texts += [f"{c.text} {c.credit or ''}" for c in article.captions]
    for text in texts:
        for match in _PHOTO_CREDIT.finditer(text):
            name = match["name"].split()
            # "the AP Photo/" -> try "the AP", then "AP": the credit is the words right before "Photo"
            for start in range(len(name)):
                if agency := words.agency(" ".join(name[start:])):
                    return agency
    return None


_READERS: dict[str, Callable[[Article, BylineWords], str | None]] = {
    "dateline": _from_dateline,
    "byline": _from_byline,
    "disclaimer": _from_disclaimers,
    "credit": _from_credits,
}


@cache
def _agency_pattern(names: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """Every agency name as a whole word; names of up to 4 letters ("AP", "dpa", "PA") only as
    written or in capitals, so "pa" or "Ap" in prose is no agency."""
    short = sorted({variant for name, _ in names if len(name) <= 4 for variant in (name, name.upper())}, key=len)
    long = sorted({name for name, _ in names if len(name) > 4}, key=len)
    alternatives = [re.escape(n) for n in reversed(long)]
    case_sensitive = "|".join(re.escape(n) for n in reversed(short))
    return re.compile(rf"(?<![\w-])(?:(?i:{'|'.join(alternatives)})|{case_sensitive})(?!\w)")
