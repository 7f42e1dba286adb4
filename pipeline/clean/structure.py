"""Structure from plain text: paragraphs, then the header (section, title, dek, byline, dateline)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from pipeline.clean.bylines import EVERY_LANGUAGE, BylineWords, People, load_byline_words, split_people
from pipeline.clean.dates import to_iso
from pipeline.clean.rules import HeaderPatterns, RuleSet, holds_any
from pipeline.core.document import Article, Paragraph
from pipeline.core.settings import SHIPPED, TextSettings
from pipeline.core.text import has_digit, squash_spaces, squashed, word_count

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# Words that end a byline's author list but are the agency, not a person.
AGENCY_NAMES = frozenset(
    n.casefold()
    for n in (
        "Associated Press",
        "The Associated Press",
        "AP",
        "Reuters",
        "AFP",
        "Agence France-Presse",
        "Anadolu Agency",
        "Anadolu",
        "AA",
        "Bloomberg",
        "Staff",
        "Staff Writer",
        "Staff Reporter",
        "dpa",
        "UPI",
        "Xinhua",
        "CNN",
    )
)
_TERMINAL = (".", ",", ";", ":", "”", '"', "'", "’", "»")


def split_paragraphs(text: str, wrap_max_chars: int = SHIPPED.text.wrap_max_chars) -> list[Paragraph]:
    """Blank-line separated paragraphs; one paragraph per line when the text has no blank line.

    Decided per block, not per file: a block whose lines read as one hard-wrapped paragraph is
    joined, a block of whole paragraphs one per line (a text written one paragraph per line with
    one blank line before its footer) is split, so the body is not merged into one paragraph.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if _BLANK_LINE.search(text):
        blocks: list[list[str]] = []
        for block in _BLANK_LINE.split(text):
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            blocks.extend([lines] if _hard_wrapped(lines, wrap_max_chars) else [[line] for line in lines])
    else:
        blocks = [[line.strip()] for line in text.split("\n")]
    paragraphs: list[Paragraph] = []
    for lines in blocks:
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(Paragraph(squash_spaces(" ".join(lines)), len(paragraphs), lines))
    return paragraphs


_SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", "“", ":")


def _hard_wrapped(lines: list[str], wrap_max_chars: int) -> bool:
    """Lines that are one paragraph broken by width: no line but the last is longer than a wrap
    column, and most of them stop mid-sentence. A block of whole paragraphs has long lines or
    lines that each end a sentence."""
    inner = lines[:-1]
    if not inner:
        return True
    if any(len(line) > wrap_max_chars for line in inner):  # editors and mailers wrap at 72-80 columns
        return False
    return 2 * sum(line.rstrip().endswith(_SENTENCE_END) for line in inner) <= len(inner)


@dataclass
class _Line:
    paragraph: int  # index into article.paragraphs
    number: int  # index into that paragraph's lines
    text: str
    # The byline patterns' whole-line matches, in order: the noise screen and the byline reader
    # both ask, so each pattern runs once per line.
    bylines: list[re.Match[str]]


def _header_lines(article: Article, settings: TextSettings, patterns: HeaderPatterns) -> Iterator[_Line]:
    for index, paragraph in enumerate(article.paragraphs[: settings.header_scan_paragraphs]):
        for number, line in enumerate(paragraph.lines or [paragraph.text]):
            text = squashed(line)
            yield _Line(index, number, text, _byline_matches(text, patterns))


def _byline_matches(text: str, patterns: HeaderPatterns) -> list[re.Match[str]]:
    """The byline patterns' whole-line matches of a line, in order, each pattern screened by its
    literals and its need of a digit (asked once per line, when a pattern needs it)."""
    matches: list[re.Match[str]] = []
    digit: bool | None = None
    for pattern, literals, digit_needed in patterns.bylines_for(text[:1]):
        if literals is not None and not holds_any(text, literals):
            continue
        if digit_needed:
            if digit is None:
                digit = has_digit(text)
            if not digit:
                continue
        match = pattern.fullmatch(text)
        if match:
            matches.append(match)
    return matches


def extract_header(
    article: Article, rules: RuleSet, settings: TextSettings = SHIPPED.text, words: BylineWords | None = None
) -> None:
    """Move leading header lines into metadata fields; stop at the first line that reads as body.

    Lines of a paragraph are looked at one by one, because dumps glue a byline and a repeated
    headline into one block. Lines taken as metadata leave the body; a repeated headline is a
    removal (rule repeat.title). The rest of a partly consumed paragraph stays as body.

    In plain text without given metadata, a dek longer than one short sentence is only taken
    when a byline or dateline closes the header: without one, an opening paragraph that lacks its
    final full stop would leave the body on a guess. A one-sentence dek of up to 25 words under
    the headline is taken without (its shape alone says standfirst). Bylines are split with
    `words` (default: load_byline_words()).
    """
    words = words or load_byline_words()
    saved = (article.title, article.subtitle, article.section, list(article.authors), article.published,
             article.updated, article.dateline, len(article.removed))  # fmt: skip
    consumed, kinds = _scan_header(article, rules, settings, words, guess_dek=True)
    confirmed = bool(kinds & {"byline", "dateline"}) or _short_dek(article, settings)
    if not article.metadata_given and "dek" in kinds and not confirmed:
        (article.title, article.subtitle, article.section, article.authors, article.published, article.updated,
         article.dateline, removed) = saved  # fmt: skip
        del article.removed[removed:]
        consumed, kinds = _scan_header(article, rules, settings, words, guess_dek=False)
    _drop_consumed_lines(article, consumed)
    _inline_dateline(article, rules.header)


@dataclass(frozen=True)
class ExtractHeader:
    """The header step (extract_header): section, title, dek, byline and dateline lines leave the
    body for the metadata fields, once per article, before the noise rules."""

    rules: RuleSet
    settings: TextSettings = SHIPPED.text
    # The byline words, loaded with the step (once per cleaner, as the wire origin's), not per byline.
    byline_words: BylineWords = field(default_factory=load_byline_words, compare=False, repr=False)
    name: ClassVar[str] = "extract_header"
    once: ClassVar[bool] = True

    def __call__(self, article: Article) -> None:
        extract_header(article, self.rules, self.settings, self.byline_words)


_INNER_SENTENCE_END = re.compile(r"[.!?…]\s+[A-ZÀ-Þ]")


def _short_dek(article: Article, settings: TextSettings) -> bool:
    dek = article.subtitle or ""
    return word_count(dek) <= settings.short_dek_words and not _INNER_SENTENCE_END.search(dek)


def _scan_header(
    article: Article, rules: RuleSet, settings: TextSettings, words: BylineWords, guess_dek: bool
) -> tuple[dict[int, set[int]], set[str]]:
    """The header lines (paragraph index -> line numbers) and the kinds found; fills the fields."""
    patterns = rules.header
    lines = (
        line for line in _header_lines(article, settings, patterns) if not _is_noise(line, rules, article.language)
    )
    consumed: dict[int, set[int]] = {}
    kinds: set[str] = set()
    seen_byline = False
    kind = ""
    ahead: list[_Line | None] = []  # the next line, read only once something needs it

    def following() -> _Line | None:
        if not ahead:
            ahead.append(next(lines, None))
        return ahead[0]

    def following_text() -> str | None:
        line = following()
        return line.text if line else None

    line = next(lines, None)
    while line is not None:
        after_title = kind in ("title", "title_repeat")
        kind = _classify(
            article,
            line,
            following_text,
            patterns,
            seen_byline,
            after_title,
            guess_dek,
            settings,
            words,
        )
        if kind == "body":
            break
        if kind == "title_repeat":
            article.remove(article.paragraphs[line.paragraph], "repeat.title", "repetition", line.text, "line")
        kinds.add(kind)
        seen_byline = seen_byline or kind in ("byline", "dateline")
        consumed.setdefault(line.paragraph, set()).add(line.number)
        line = following()
        ahead.clear()
    return consumed, kinds


def _is_noise(line: _Line, rules: RuleSet, language: str | None) -> bool:
    """Furniture between header lines ("Advertisement", share bars) is skipped here; ApplyRules removes it.
    A line the header reads as a byline ("Published: March 3, 2024") is read, though a rule would
    remove the same stamp further down the body."""
    if line.bylines:
        return False
    return rules.noise_rule(line.text, word_count(line.text), language) is not None


def _classify(
    article: Article,
    header_line: _Line,
    following: Callable[[], str | None],
    patterns: HeaderPatterns,
    seen_byline: bool,
    after_title: bool,
    guess_dek: bool = True,
    settings: TextSettings = SHIPPED.text,
    words: BylineWords | None = None,
) -> str:
    """The kind of a header line; `following` gives the next one (the section label before a
    headline is the only kind that needs it, so it is read only then)."""
    line = header_line.text
    if article.title and article.key(line) == article.key(article.title):
        return "title_repeat"
    if _read_byline(article, header_line.bylines, words):
        return "byline"
    if (article.title or seen_byline) and article.dateline is None and word_count(line) <= settings.dateline_max_words:
        for pattern in patterns.datelines:
            match = pattern.fullmatch(line)
            if match and any(len(w) >= 3 and w.isupper() for w in match.group("dateline").split()):
                article.dateline = squash_spaces(match.group("dateline"))
                return "dateline"
    if article.metadata_given and after_title and article.subtitle is None and _dek_like(line, settings):
        article.subtitle = line  # the page repeats its headline, then the standfirst
        return "dek"
    if article.metadata_given or seen_byline:
        return "body"
    if article.title is None:
        if article.section is None and _section_like(line, settings) and _headline_like(following() or "", settings):
            article.section = line
            return "section"
        if _headline_like(line, settings):
            article.title = line
            return "title"
        return "body"
    if guess_dek and article.subtitle is None and _dek_like(line, settings):
        article.subtitle = line
        return "dek"
    return "body"


def _read_byline(article: Article, matches: list[re.Match[str]], words: BylineWords | None = None) -> bool:
    """Fills authors and dates from the first byline pattern match (in file order) that reads as one."""
    for match in matches:
        groups = match.groupdict()
        published, updated = to_iso(groups.get("published")), to_iso(groups.get("updated"))
        if (groups.get("published") and not published) or (groups.get("updated") and not updated):
            continue  # "Published reports say ..." is prose, not a date line
        people = _split_authors(groups.get("authors"), words)
        authors = people.authors
        if groups.get("authors") is not None and not authors and not (published or updated):
            continue
        if not (authors or published or updated):
            continue
        article.authors = article.authors or authors
        article.agencies = article.agencies or people.agencies
        article.published = article.published or published
        article.updated = article.updated or updated
        return True
    return False


def _split_authors(value: str | None, words: BylineWords | None = None) -> People:
    """The byline's people (split with every shipped language's joiners: the pattern that matched
    allows only capitalized names around them) and its agencies; a broadcaster or "Staff" is neither."""
    if not value:
        return People()
    people = split_people([value], EVERY_LANGUAGE, words=words)
    people.authors = [name for name in people.authors if name.casefold() not in AGENCY_NAMES]
    return people


def _ends_like_sentence(line: str) -> bool:
    return line.rstrip().endswith(_TERMINAL)


def _starts_upper(line: str) -> bool:
    first = line.lstrip("“\"‘'(«")[:1]
    return first.isupper() or first.isdigit()


def _section_like(line: str, settings: TextSettings) -> bool:
    tokens = line.split()
    return (
        1 <= len(tokens) <= settings.section_max_words
        and len(line) <= settings.section_max_chars
        and not any(ch.isdigit() for ch in line)
        and not _ends_like_sentence(line)
        and all(t[:1].isupper() or t in ("&", "and", "of") for t in tokens)
    )


def _headline_like(line: str, settings: TextSettings) -> bool:
    # "Ihr kennt es sicher auch!" opens a text; a headline rarely shouts.
    return (
        settings.headline_min_words <= word_count(line) <= settings.headline_max_words
        and len(line) <= settings.headline_max_chars
        and _starts_upper(line)
        and not _ends_like_sentence(line)
        and not line.rstrip().endswith("!")
    )


def _dek_like(line: str, settings: TextSettings) -> bool:
    return (
        settings.dek_min_words <= word_count(line) <= settings.dek_max_words
        and _starts_upper(line)
        and not line.rstrip().endswith((*_TERMINAL, "!", "?"))
    )


def _drop_consumed_lines(article: Article, consumed: dict[int, set[int]]) -> None:
    kept: list[Paragraph] = []
    for index, paragraph in enumerate(article.paragraphs):
        taken = consumed.get(index)
        if not taken:
            kept.append(paragraph)
            continue
        rest = [line for number, line in enumerate(paragraph.lines or [paragraph.text]) if number not in taken]
        if rest:
            kept.append(Paragraph(squash_spaces(" ".join(rest)), paragraph.position, rest))
    article.paragraphs = kept


def _inline_dateline(article: Article, patterns: HeaderPatterns) -> None:
    """ "BELGRADE, Serbia (AP) — Text..." gives the dateline; the paragraph itself is kept whole."""
    if article.dateline is not None or not article.paragraphs:
        return
    first = article.paragraphs[0].text
    for pattern in patterns.inline_datelines:
        match = pattern.match(first)
        if match and any(len(w) >= 3 and w.isupper() for w in match.group("dateline").split()):
            article.dateline = squash_spaces(match.group("dateline"))
            return
