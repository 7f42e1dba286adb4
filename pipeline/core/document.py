"""The one record every cleaning step reads and writes (datatrove's Document, for news articles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.core.text import normalize_key, squashed


@dataclass(frozen=True)
class Caption:
    text: str
    credit: str | None = None

    def __init__(self, text: str, credit: str | None = None) -> None:
        # As Removal's: the frozen dataclass's generated __init__ sets each field through
        # object.__setattr__; a gallery adds a caption per picture (issue 27).
        fields = self.__dict__
        fields["text"], fields["credit"] = text, credit

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "credit": self.credit}


@dataclass(frozen=True)
class Removal:
    """One piece of the input that did not reach the clean body, and the rule that took it."""

    rule: str
    category: str
    text: str
    position: int
    scope: str = "paragraph"  # paragraph: the whole paragraph went; span / line: part of it
    # A trained model's removal (rule model.furniture, pipeline/clean/furniture.py): its score, the
    # probability it gave the piece of being furniture; None for a rule's removal.
    score: float | None = None

    def __init__(
        self, rule: str, category: str, text: str, position: int, scope: str = "paragraph", score: float | None = None
    ) -> None:
        # The generated __init__ of a frozen dataclass sets each field through object.__setattr__
        # (1.5 us a removal, a dozen removals an article); filling the instance's dict is the same
        # instance in a third of the time (issue 27). The dataclass keeps this __init__.
        fields = self.__dict__
        fields["rule"], fields["category"], fields["text"] = rule, category, text
        fields["position"], fields["scope"], fields["score"] = position, scope, score

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "category": self.category,
            "text": self.text,
            "position": self.position,
            "scope": self.scope,
        }
        if self.score is not None:  # only a model's removal has one: every other article's JSON (and hash) as before
            out["score"] = self.score
        return out


@dataclass(frozen=True)
class BlockStructure:
    """Where an HTML block sat in its page (pipeline/clean/html/blocks.py: block_structures), for
    the furniture model: numbers named by blocks.STRUCTURE_FEATURES and the tag-path and class/id
    tokens around it (hashed by the model, never stored)."""

    features: tuple[float, ...]
    tokens: tuple[str, ...]


@dataclass
class Paragraph:
    text: str
    position: int  # index of the paragraph in the raw input; stable across steps for the audit
    lines: list[str] = field(default_factory=list)  # raw lines, read by the header step only


@dataclass
class RawArticle:
    """What a reader yields: one article's raw content plus whatever metadata the container gave."""

    source_file: str
    line: int | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    external_id: str | None = None
    title_given: bool = False  # the container has a title field (even empty): trust it, detect none
    fallback_source: str | None = None  # e.g. the batch sub-folder: used when no source field or URL says
    # When the input was fetched (a record's fetch or crawl time) and the batch's date (from its id):
    # no date of the article is later than the fetch (clean/dates.py: latest_date).
    fetched: str | None = None
    batch_date: str | None = None
    encoding: str | None = None  # what the bytes were decoded with: "utf-8", "utf-16", "cp1252", "iso8859-2", ...
    # What the reader repaired so PostgreSQL can store it ("title: 1 NUL character(s) removed"):
    # the cleaner records each as a removal of the parse step (rule unstorable_character).
    repairs: tuple[str, ...] = ()
    # issue 27: the text's paragraphs as the cleaner's parse splits them, when a run's learn pass
    # already split them (corpus/learn.py: read_once); parse() then takes them, not the text.
    paragraphs: list[Paragraph] | None = None


@dataclass
class Article:
    """An article moving through the cleaning steps; the final state is the clean article."""

    source_file: str
    paragraphs: list[Paragraph]
    line: int | None = None
    title: str | None = None
    seo_title: str | None = None  # an HTML page's <title> when it differs from the headline it shows
    subtitle: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)  # people only
    agencies: list[str] = field(default_factory=list)  # news agencies' ids (data/bylines.yaml), apart
    published: str | None = None
    updated: str | None = None
    dateline: str | None = None
    url: str | None = None
    source: str | None = None
    external_id: str | None = None
    language: str | None = None  # ISO 639-1 code of the body text; None when detection was unsure
    wire_origin: str | None = None  # the agency (data/bylines.yaml id) whose copy this is (clean/wire.py)
    wire_evidence: str | None = None  # what decided it: dateline, byline, disclaimer or credit
    captions: list[Caption] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    metadata_given: bool = False  # True when the container (JSON-LD, JSONL fields) supplied the title
    html_source: bool = False  # True when the body was extracted from HTML (no page-dump step)
    page_dump: bool = False  # True when the text was a full-page dump (every text node a line)
    encoding: str | None = None  # the input's encoding, as the reader recorded it (RawArticle.encoding)
    # Issue 23: what kind of page the input was (pipeline/clean/html/page_type.py; text input is an
    # article) and whether the article is whole (pipeline/clean/completeness.py)
    page_type: str = "article"
    accessible_for_free: bool | None = None  # the page's JSON-LD isAccessibleForFree, when it says
    complete: bool = True
    incomplete_reason: str | None = None
    # Issue 23, item 2: an HTML page's block structure per paragraph position (Paragraph.position),
    # read only when the furniture model is on for HTML (else empty): positions stay stable across
    # steps, a rewritten paragraph keeps its block's evidence.
    block_structure: dict[int, BlockStructure] = field(default_factory=dict, compare=False, repr=False)
    # Removals each cleaning step recorded (step name -> count, in the order the steps ran); the
    # audit's records are article.removed, these are their counts by step.
    removed_by_step: dict[str, int] = field(default_factory=dict, compare=False)
    # normalize_key of texts this article's steps compared (header lines, title, paragraphs): the
    # header, title-repeat and duplicate steps ask for the same keys. Per article, never shared.
    _keys: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # _caption_key of each caption of the list they were read from (add_caption's duplicate check,
    # one set lookup instead of a comparison with every caption: galleries hold dozens).
    _caption_keys: tuple[list[Caption], int, set[str]] | None = field(default=None, compare=False, repr=False)

    def key(self, text: str) -> str:
        """normalize_key(text), computed once per article."""
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = normalize_key(text)
        return found

    def remove(self, paragraph: Paragraph, rule: str, category: str, text: str | None = None, scope: str = "") -> None:
        """Record a removal: the whole paragraph when no text is given, else the given part of it."""
        scope = scope or ("paragraph" if text is None else "span")
        self.removed.append(
            Removal(rule, category, paragraph.text if text is None else text, paragraph.position, scope)
        )

    def add_caption(self, text: str, credit: str | None, squashed_text: bool = False) -> None:
        """A caption, unless one with its key is kept already. squashed_text: the caller knows text
        is squashed (pipeline.core.text.squashed of it is itself), so an ASCII one's key is its
        lower case, without reading it again (a gallery's captions; issue 27)."""
        text = text.strip()
        if not text:
            return
        keys = self._known_caption_keys()
        # a gallery repeats its captions: the Caption only when new
        key = text.lower() if squashed_text and text.isascii() else _text_caption_key(text)
        if key not in keys:
            self.captions.append(Caption(text, credit.strip() if credit else None))
            keys.add(key)
            self._caption_keys = (self.captions, len(self.captions), keys)

    def _known_caption_keys(self) -> set[str]:
        """The keys of self.captions, kept from the last call while the list is the same one and
        has only grown by add_caption (else read again: a caller may have set captions)."""
        kept = self._caption_keys
        if kept is not None and kept[0] is self.captions and kept[1] == len(self.captions):
            return kept[2]
        return {_caption_key(c) for c in self.captions}

    @property
    def body(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def to_json(self) -> dict[str, Any]:
        return {
            "source_file": self.source_file,
            "line": self.line,
            "encoding": self.encoding,
            "source": self.source,
            "url": self.url,
            "id": self.external_id,
            "title": self.title,
            "seo_title": self.seo_title,
            "subtitle": self.subtitle,
            "section": self.section,
            "authors": list(self.authors),
            "agencies": list(self.agencies),
            "published": self.published,
            "updated": self.updated,
            "dateline": self.dateline,
            "language": self.language,
            "wire_origin": self.wire_origin,
            "wire_evidence": self.wire_evidence,
            "page_type": self.page_type,
            "complete": self.complete,
            "incomplete_reason": self.incomplete_reason,
            "paragraphs": [p.text for p in self.paragraphs],
            "captions": [c.to_json() for c in self.captions],
            "removed": [r.to_json() for r in self.removed],
        }


def _caption_key(caption: Caption) -> str:
    return _text_caption_key(caption.text)


def _text_caption_key(text: str) -> str:
    return squashed(text.casefold())
