"""An HTML page's headline, authors and dates, read from the shapes pages use for them: JSON-LD, the
<meta> vocabularies (OpenGraph, Dublin Core, Parse.ly, Sailthru, ...), the displayed <h1>, the
byline elements, <time datetime> and the URL."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipeline.clean.bylines import BylineWords, People, authors_or_publication, load_byline_words, split_people
from pipeline.clean.dates import after, days_in_text, slash_order, to_iso
from pipeline.clean.html.blocks import FURNITURE_TAGS, HIDDEN_TAGS, text_of
from pipeline.clean.html.page_tags import PageTags, elements
from pipeline.core.settings import SHIPPED, DatesSettings
from pipeline.core.text import squash_spaces

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "webpage",
    "report",
    "socialmediaposting",
    "liveblogposting",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "techarticle",
    "scholarlyarticle",
    "posting",
}
# <meta> keys (lower case) per field, most specific first.
PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "article:published", "datepublished", "published_time",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "citation_publication_date", "publication_date", "publish-date", "publishdate",
    "pubdate", "article.published", "date", "dc.date", "dcterms.date", "og:article:published_time",
    "cxenseparse:recs:publishtime", "bt:pubdate", "originalpublicationdate",
)  # fmt: skip
UPDATED_KEYS = (
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "dc.date.modified",
    "last-modified", "article.updated", "lastmod", "modified_time",
)  # fmt: skip
AUTHOR_KEYS = (
    "author", "article:author", "byl", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author",
    "citation_author", "cxenseparse:author", "twitter:creator:name",
)  # fmt: skip
TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title")
SITE_KEYS = ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher")
# Separators between a headline and the site's name in a <title>.
TITLE_SEPARATORS = re.compile(r"\s+[|–—:·»/•~-]{1,2}\s+|\s+::\s+|\s*\|\s*")
_DATE_IN_URL = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_.]|$)")
_COMPACT_DATE_IN_URL = re.compile(r"[/_-]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-])")
_BYLINE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:byline|by-line|author|authors|autor|auteur|autore|writer)(?:$|[\s_-])", re.IGNORECASE
)
_BYLINE_SKIP_CLASS = re.compile(r"bio|avatar|image|photo|img|description|box|social|follow|more|related", re.I)
# ... but the element that holds the author's name is the byline even inside an author box
# ("author-box__name", "authorName", "author-name").
_AUTHOR_NAME_CLASS = re.compile(r"author(?:[-_]*box)?[-_]*name", re.I)
_UTC_TIME = re.compile(r"T[\d:.]+(?:Z|\+00:00)$")
_ISO_START = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_BARE_YEAR = re.compile(r"^\s*(?:©\s*)?\d{4}\s*$")
_MAX_BYLINE_CHARS = 120
# A <time>'s text that is a date: "Published: December 12, 2025 at 3:45 pm" fits in 40 characters.
_MAX_DATE_LINE_CHARS = 40
_UPDATE_MARK = re.compile(r"modif|updat", re.I)
_UPDATE_WORDS = re.compile(
    r"^\W*(?:last\s+)?(?:updated|modified|aktualisiert|mis à jour|actualizado|atualizado|aggiornato|bijgewerkt"
    r"|zaktualizowano)\b",
    re.I,
)
# A weekday between the update word and its date ("Last updated on: Saturday, March 9, 2024").
_WEEKDAY = (
    r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
)
# The words that say a date next to them is the update ("Last updated on", "Mis à jour le"): a
# printed date after them is no publication date.
_UPDATE_BEFORE = re.compile(
    r"(?:updated|modified|revised|reviewed|aktualisiert|geändert|mis à jour|modifié|actualizado|atualizado"
    r"|aggiornato|bijgewerkt|zaktualizowano)\W*(?:on|at|am|le|el|em|il|op|:)?\W*(?:(?:" + _WEEKDAY + r")\W*)?$",
    re.I,
)
_UPDATE_BEFORE_CHARS = 30  # "Last updated on:" and a weekday ("Friday, ") before the date
# A date in a photo credit ("© Kurt Muster, 31.05.2013", "Foto: dpa / 2. Mai 2023") is the photo's.
_CREDIT_BEFORE = re.compile(r"(?:©|\(c\)|copyright|foto:|photo:|bild:|image:|credit:)[^|•·©]{0,40}$", re.I)
_CREDIT_BEFORE_CHARS = 50
# A line that says when or by whom the page was posted: a publication word, or a byline word before
# a capitalized name ("Interview by Jane Roe", not "by the river").
_POSTED_LINE = re.compile(
    r"(?i:(?:^|\W)(?:posted|published|publié|veröffentlicht|publicado|pubblicato|gepubliceerd|opublikowano)\b)"
    r"|(?:^|\s)(?i:by|von|par|por|di|door)\s+[A-ZÀ-Þ]"
)
# A comment thread (class or id): its "Posted by … on …" lines date the comments.
_COMMENT_MARK = re.compile(r"comment|respond|reply|discuss", re.I)
# Read before the text of an element whose class marks it as the update, so its date is labelled so.
_UPDATE_LABEL = "updated:"
# A byline prints the publication and perhaps the update: more days by the headline are a list.
_MAX_PRINTED_DAYS = 2
_MAX_PREFIXED_CHARS = 80  # "By Jane Roe and John Doe, Staff Writers": a byline line is short
_LINE_TAGS = ("p", "span", "div", "li", "address", "strong", "em", "small", "b", "dd", "dt", "h3", "h4", "h5", "h6")
_AUTHOR_PATH = re.compile(r"/(?:authors?|autor(?:en|es|as)?|auteurs?|autori?e?|writers?|contributors?)/[^/]+/?$", re.I)
# Page furniture for the metadata: a <header> may hold the headline and byline, and a <form> may
# wrap the whole page (ASP.NET pages do).
_NOT_SHOWN = FURNITURE_TAGS - {"header", "form"}
# ... and for the text around the headline, the page's <head> (its <title> is no printed date).
_NOT_READ = _NOT_SHOWN | {"head"}
_SITE_SEGMENT_MAX_WORDS = 4
_INLINE_TAGS = frozenset({"a", "b", "strong", "em", "i", "u", "abbr", "small", "font", "bdi"})
# Yoast's reading-time pairs: <meta name="twitter:label1" content="Written by"> names the author in
# twitter:data1 (the label is in the site's language).
_TWITTER_PAIRS = 4
_WRITTEN_BY_LABELS = frozenset(
    {"written by", "author", "by", "geschrieben von", "verfasst von", "autor", "écrit par", "auteur", "escrito por",
     "scritto da", "autore", "geschreven door", "napisane przez"}
)  # fmt: skip


# Issue 24: a choice among every day the page offers, given what the cascade read and its own choice
# (shown, nodes, meta, url, latest, printed days, the cascade's date) -> the published date. Handed
# in by the caller (date_candidates.choose), as that module reads this one's helpers.
DateChooser = Callable[
    [list[HtmlElement], list[dict[str, Any]], dict[str, str], str | None, str | None, list[tuple[str, bool]],
     str | None],
    str | None,
]  # fmt: skip


@dataclass
class PageMetadata:
    title: str | None = None
    seo_title: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    section: str | None = None
    url: str | None = None


def read_metadata(
    tree: HtmlElement,
    latest: str | None = None,
    dates: DatesSettings = SHIPPED.dates,
    words: BylineWords | None = None,
    scripts: list[JsonLd] | None = None,
    choose_date: DateChooser | None = None,
    tags: PageTags | None = None,
) -> PageMetadata:
    """The page's metadata; no date after `latest` (the last day the page may be dated: its fetch).
    `words`: the byline words (the cleaner's, loaded once; else the shipped ones as the environment
    extends them); `scripts`: the page's JSON-LD as json_ld_scripts parsed it (else parsed here);
    `choose_date`: the published date chosen among the candidates (else the cascade's); `tags`: the
    page's elements of a few tags, gathered in one walk (else each read by its own)."""
    nodes = json_ld_articles(tree, scripts, tags)
    meta = meta_map(tree, tags)
    found = PageMetadata(url=page_url_of(tree, nodes, meta, tags))
    found.section = _first(_value(node.get("articleSection")) for node in nodes) or meta.get("article:section")
    sites = _site_names(nodes, meta, found.url)
    shown, outside_forms = _shown(tree)
    labels = _section_labels(found.section, found.url)
    found.title, found.seo_title = _headline(elements(tree, "title", tags), shown, nodes, meta, sites, labels)
    found.published, found.updated = _dates(tree, shown, nodes, meta, found.url, latest, dates, choose_date)
    authors = _AuthorSources(elements(tree, "meta", tags), outside_forms, nodes, meta, shown, dates)
    people = _people(authors, sites, _language(tree, meta), words or load_byline_words())
    found.authors, found.agencies = authors_or_publication(people), people.agencies
    return found


def decoded(text: str | None) -> str | None:
    """Entities decoded (twice: "&amp;ouml;" is a page that escaped its own escape), spaces squashed."""
    if text is None:
        return None
    return squash_spaces(html.unescape(html.unescape(text))) or None


# --- headline ---------------------------------------------------------------------------------


def _headline(
    titles: Iterable[HtmlElement],
    shown: list[HtmlElement],
    nodes: list[dict[str, Any]],
    meta: dict[str, str],
    sites: tuple[str, ...],
    labels: tuple[str, ...] = (),
) -> tuple[str | None, str | None]:
    """(the displayed headline, the SEO title when it differs). The <h1> is the displayed headline
    when a metadata title agrees with it (the same words, or starting/ending with them around the
    site's name; or the <h1> without the date, byline or kicker set inside it: _heading_core),
    else when it shares most of its words with one (the same headline reworded for search); else
    the metadata headline, its site name (or section label: `labels`) removed, the longest when
    one metadata title is another cut short (_uncut)."""
    page_title = next((decoded(text_of(tag)) for tag in titles), None)
    metadata_titles = [
        title
        for title in (
            *(decoded(_value(node.get("headline"))) for node in nodes),
            *(decoded(meta.get(key)) for key in TITLE_KEYS),
            *(decoded(_value(node.get("name"))) for node in nodes),
            page_title,
        )
        if title
    ]
    stripped = _uncut([strip_site_name(title, sites, labels) for title in metadata_titles])
    seo = page_title or (metadata_titles[0] if metadata_titles else None)
    site_keys = {_site_key(site) for site in sites}
    cores = [(heading, core) for heading, core in _headings(shown) if not _is_site_segment(heading, site_keys)]
    headings = [heading for heading, _ in cores]
    for heading, core in cores:
        for shown_text in (heading, core) if core else (heading,):
            if any(_agrees(shown_text, title) for title in metadata_titles):
                return shown_text, _differs(seo, shown_text)
    for heading in headings:
        if any(_shares_words(heading, title) for title in stripped):
            return heading, _differs(seo, heading)
    if not stripped:
        return (headings[0] if headings else None), None
    return stripped[0], _differs(seo, stripped[0])


def _headings(shown: list[HtmlElement]) -> Iterator[tuple[str, str | None]]:
    """Each shown <h1> of two words or more: its text, and its text without what is set inside it
    beside the headline (_heading_core) when that differs."""
    for tag in _of(shown, "h1"):
        text = decoded(text_of(tag))
        if text and len(text.split()) >= 2:
            core = _heading_core(tag)
            yield text, core if core and core != text and len(core.split()) >= 2 else None


# Inside an <h1>, an element whose class says it holds the date or the byline ("posted-on",
# "date-info", "byline", "author vcard"): not the headline's words.
_HEADING_EXTRA_CLASS = re.compile(r"date|time|posted|byline|author|dateline", re.I)
_KICKER_MAX_WORDS = 3  # "Blog:", "Exclusive:", "Live updates:" set in their own element before the headline


def _heading_core(heading: HtmlElement) -> str | None:
    """The <h1>'s text without the elements set inside it beside the headline: a <time>, an element
    whose class marks a date or byline, and a kicker (a first child element of at most three words
    ending with ":", no text before it). Used only when a metadata title agrees with the rest."""
    skipped = {
        child
        for child in heading.iterdescendants()
        if isinstance(child.tag, str) and (child.tag == "time" or _HEADING_EXTRA_CLASS.search(child.get("class", "")))
    }
    first = next(iter(heading), None)
    if first is not None and isinstance(first.tag, str) and not (heading.text or "").strip():
        kicker = squash_spaces(text_of(first))
        if kicker.endswith(":") and len(kicker.split()) <= _KICKER_MAX_WORDS:
            skipped.add(first)
    if not skipped:
        return None
    return decoded(" ".join(_text_outside(heading, skipped)))


def _text_outside(element: HtmlElement, skipped: set[HtmlElement]) -> Iterator[str]:
    """The element's text, the subtrees in `skipped` left out (their tails kept)."""
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child not in skipped and child.tag not in HIDDEN_TAGS:
            yield from _text_outside(child, skipped)
        if child.tail:
            yield child.tail


# A metadata title this long that another continues was cut (JSON-LD's headline is often cut at
# 110 characters, the limit search engines once set): the longer one is the headline.
_CUT_TITLE_MIN_CHARS = 80


def _uncut(titles: list[str]) -> list[str]:
    """The titles, the first replaced by the longest title that continues it when it was cut short."""
    if not titles or len(titles[0]) < _CUT_TITLE_MIN_CHARS:
        return titles
    first = _key(titles[0])
    longer = [title for title in titles[1:] if len(_key(title)) > len(first) and _key(title).startswith(first)]
    return [max(longer, key=len), *titles[1:]] if longer else titles


def _agrees(heading: str, title: str) -> bool:
    """The metadata title is the heading, or the heading with a site name / label around it."""
    h, t = _key(heading), _key(title)
    return bool(h) and (h == t or (len(h) >= 0.4 * len(t) and (t.startswith(h) or t.endswith(h))))


def _shares_words(heading: str, title: str) -> bool:
    """A displayed headline reworded for search: half of the heading's words (of 3+ letters) are
    in the metadata title, two at least. A logo or section <h1> shares none or one."""
    words = {word for word in _key(heading).split() if len(word) >= 3}
    shared = words & set(_key(title).split())
    return len(shared) >= 2 and 2 * len(shared) >= len(words)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _differs(seo: str | None, title: str) -> str | None:
    return seo if seo and _key(seo) != _key(title) else None


def strip_site_name(title: str, sites: tuple[str, ...], labels: tuple[str, ...] = ()) -> str:
    """'Headline | Site' / 'Site - Headline' / 'Headline | Site | 28.04.2023' -> 'Headline': a leading
    or trailing separated segment that names the site (og:site_name, publisher, host, or a segment
    shaped like a host name: "Example.com") or is a date is dropped, while a segment of 2+ words is
    left; so is one that is exactly a section label of the page (`labels`: "Headline | District")."""
    segments = TITLE_SEPARATORS.split(title)
    if len(segments) < 2:
        return title
    hosts = [segment.strip() for segment in segments if _HOST_SEGMENT.match(segment.strip())]
    site_keys = {_site_key(site) for site in (*sites, *hosts, *(host.rsplit(".", 1)[0] for host in hosts)) if site}
    site_keys.update(f"={_site_key(label)}" for label in labels if _site_key(label))
    while len(segments) > 1 and _is_site_segment(segments[-1], site_keys):
        segments.pop()
    while len(segments) > 1 and _is_site_segment(segments[0], site_keys):
        segments.pop(0)
    if len(segments) == len(TITLE_SEPARATORS.split(title)):
        return title
    # the separators between the kept segments were the headline's own: take the original span
    start = title.find(segments[0])
    end = title.rfind(segments[-1]) + len(segments[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(segments)


def _site_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold().removeprefix("www."))


def _is_site_segment(segment: str, site_keys: set[str]) -> bool:
    """`site_keys`: the site names' keys; a key marked "=" (a section label) matches only exactly."""
    key = _site_key(segment)
    if not key:
        return True
    if f"={key}" in site_keys:
        return True
    if to_iso(segment) and len(segment) <= 30 and re.search(r"\d", segment):
        return True  # "28.04.2023" after the site name
    # "Harbour Times Online" names the site; a headline that mentions the site's name does not
    short = len(segment.split()) <= _SITE_SEGMENT_MAX_WORDS
    return any(
        key == site or (len(site) >= 4 and short and (site in key or key in site))
        for site in site_keys
        if not site.startswith("=")
    )


# A title segment shaped like a host name ("SoundStageXperience.com", "example.co.uk"): the site's,
# as is a segment that is its first part. Not a library's name ("Node.js", "Vue.js").
_HOST_SEGMENT = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?!js$)(?:[a-z]{2}|com|net|org|info|biz|io|app|news)$", re.I)


def _section_labels(section: str | None, url: str | None) -> tuple[str, ...]:
    """The page's section as a title may name it after the headline: the article's section (JSON-LD
    articleSection, article:section) and the first folder of the URL's path ("/district/343604")."""
    folders = [part for part in urlsplit(url).path.split("/") if part] if url else []
    first_folder = folders[0].replace("-", " ") if len(folders) >= 2 and not folders[0].isdigit() else None
    return tuple(label for label in (section, first_folder) if label)


def _site_names(nodes: list[dict[str, Any]], meta: dict[str, str], url: str | None) -> tuple[str, ...]:
    names = [decoded(meta.get(key)) for key in SITE_KEYS]
    for node in nodes:
        publisher = node.get("publisher")
        if isinstance(publisher, dict):
            names.append(decoded(_value(publisher.get("name"))))
    host = urlsplit(url).hostname if url else None
    if host:
        labels = host.removeprefix("www.").split(".")
        names.extend([host.removeprefix("www."), labels[0] if len(labels) > 1 else None])
        if len(labels) > 2:
            names.append(labels[-2])  # "news.example.co" -> "example" is the site too
    return tuple(name.lstrip("@") for name in names if name)


# --- dates ------------------------------------------------------------------------------------


def _dates(
    tree: HtmlElement,
    shown: list[HtmlElement],
    nodes: list[dict[str, Any]],
    meta: dict[str, str],
    url: str | None,
    latest: str | None,
    settings: DatesSettings,
    choose_date: DateChooser | None = None,
) -> tuple[str | None, str | None]:
    """The first candidate of each date that is not after `latest` (a later one is skipped). The
    markup no reader sees (JSON-LD, <meta>) gives way to the date printed by the headline when it
    is not printed there (_printed_over_markup); a <time>, the URL, then that printed date, then
    htmldate are read when the markup states none."""
    unseen_candidates: tuple[Callable[[], Iterator[str | None]], ...] = (
        lambda: (_date(_value(node.get(key))) for node in nodes for key in ("datePublished", "dateCreated")),
        lambda: (_date(meta.get(key)) for key in PUBLISHED_KEYS),
    )
    unseen = _first(value for candidates in unseen_candidates for value in candidates() if not after(value, latest))
    updated = _first(
        value
        for value in (
            *(_date(_value(node.get("dateModified"))) for node in nodes),
            *(_date(meta.get(key)) for key in UPDATED_KEYS),
        )
        if not after(value, latest)
    )
    printed = _printed_days(shown, settings, latest, _language(tree, meta))
    if unseen:
        published: str | None = _printed_over_markup(unseen, printed, settings.printed_min_gap_days)
    else:
        seen = (_time_tag_in(shown), _date_in_url(url), _time_text_in(shown))
        published = _first(value for value in seen if not after(value, latest)) or _first_printed(printed, updated)
    if not published:
        published = _first(day for day in _posted_lines(shown) if not after(day, latest))
    if not published:  # htmldate last: it reads the whole page, and only pages without a date need it
        published = _htmldate(tree, url, latest)
    if choose_date is not None:  # issue 24: the learned choice, the cascade's date one of its candidates
        published = choose_date(shown, nodes, meta, url, latest, printed, published)
    published = _local_day_of_url(published, _date_in_url(url))
    return published, updated or _printed_update(printed, published)


def _posted_lines(shown: list[HtmlElement]) -> Iterator[str]:
    """A byline anywhere on the page, for one whose markup and headline state no date: the first
    short line that says who or when it was posted ("Interview by Jane Roe December 3, 2025",
    "Posted on March 2, 2024" after the body), its first day not marked as the update; not in a
    comment thread (each comment is posted too)."""
    comments = _subtrees_marked(shown, _COMMENT_MARK)
    texts = _Texts()
    for tag in _of(shown, "p", "div", "span", "li", "address", "small", "time"):
        if tag in comments:
            continue
        text = _short_decoded(texts(tag), _MAX_BYLINE_CHARS)
        if text is None or not _POSTED_LINE.search(text):
            continue
        for start, day in days_in_text(text):
            if not _UPDATE_BEFORE.search(text[max(0, start - _UPDATE_BEFORE_CHARS) : start]):
                yield day
                return


def _subtrees_marked(shown: list[HtmlElement], mark: re.Pattern[str]) -> set[HtmlElement]:
    """The elements whose class or id matches `mark`, and everything below them."""
    members: set[HtmlElement] = set()
    for element in shown:
        if element not in members and mark.search(f"{element.get('class', '')} {element.get('id', '')}"):
            members.update(element.iter())
    return members


def _printed_update(printed: list[tuple[str, bool]], published: str | None) -> str | None:
    """For a page whose markup states no update: the day printed by the headline as the update
    ("Updated March 9, 2024", "Mis à jour le 9 mars 2024"), not one before the publication (an
    update precedes nothing). It goes to `updated` only: the published date was chosen above."""
    day = next((day for day, update in printed if update), None)
    return None if not day or (published and day < published[:10]) else day


def _printed_over_markup(published: str, printed: list[tuple[str, bool]], min_gap_days: int) -> str:
    """The date a reader sees by the headline, when the markup's day is not printed there: the
    first printed day not labelled as the update, if it is more than min_gap_days away from the
    markup's (a day apart is a time zone's doing: the markup's moment is kept)."""
    shown = next((day for day, update in printed if not update), None)
    if not shown or any(day == published[:10] for day, _ in printed):
        return published
    gap = abs((date.fromisoformat(shown) - date.fromisoformat(published[:10])).days)
    return shown if gap > min_gap_days else published


def _first_printed(printed: list[tuple[str, bool]], updated: str | None) -> str | None:
    """For a page whose markup states no publication date: the first printed day not labelled as
    the update; else, when the markup states no update either, the update's (the only date the
    page shows is a better guess than htmldate's reading of the whole page)."""
    first = next((day for day, update in printed if not update), None)
    return first or (None if updated else next((day for day, _ in printed), None))


def _printed_days(
    shown: list[HtmlElement], settings: DatesSettings, latest: str | None, language: str | None
) -> list[tuple[str, bool]]:
    """The days printed by the headline, none after `latest`; none when there are more than
    _MAX_PRINTED_DAYS of them (a list of posts or events by the headline, not its byline)."""
    printed = [(day, update) for day, update in _days_by_headline(shown, settings, language) if not after(day, latest)]
    return printed if len({day for day, _ in printed}) <= _MAX_PRINTED_DAYS else []


def _days_by_headline(
    shown: list[HtmlElement], settings: DatesSettings, language: str | None
) -> list[tuple[str, bool]]:
    """(day, labelled as the update) of the dates printed in the text around the displayed
    headline (the first <h1> of two words or more): settings.printed_before_chars before it,
    printed_after_chars after it (a byline's date, a dateline): the days under it first, each side
    in page order (a date over the headline may be a masthead's "today", one under it is the
    byline's)."""
    heading = next((tag for tag in _of(shown, "h1") if len((text_of(tag) or "").split()) >= 2), None)
    if heading is None:
        return []
    before = _joined(_texts_before(heading), settings.printed_before_chars)[::-1]
    after_ = _joined(_texts_after(heading), settings.printed_after_chars)
    window = f"{before} {text_of(heading)} {after_}"
    under = len(window) - len(after_)  # where the text after the headline starts
    found = [
        (start < under, day, bool(_UPDATE_BEFORE.search(window[max(0, start - _UPDATE_BEFORE_CHARS) : start])))
        for start, day in days_in_text(window, slash_order(window, language))
        if not _CREDIT_BEFORE.search(window[max(0, start - _CREDIT_BEFORE_CHARS) : start])
    ]
    return [(day, update) for _, day, update in sorted(found, key=lambda item: item[0])]  # stable: page order kept


def _joined(pieces: Iterator[str], limit: int) -> str:
    """The pieces joined by spaces, read only until `limit` characters are gathered; a piece
    longer than a byline is prose (a lead's "between June 21 and November 15, 2019"), and stands
    as a mark that holds no date."""
    gathered: list[str] = []
    size = 0
    for piece in pieces:
        gathered.append(piece if len(piece) <= _MAX_BYLINE_CHARS else "¶")
        size += len(piece) + 1
        if size >= limit:
            break
    return " ".join(gathered)[:limit]


def _texts_after(element: HtmlElement) -> Iterator[str]:
    """The text after the element in page order, page furniture left out: its tail, its following
    siblings, then its parent's tail and following siblings, and so on up."""
    node: HtmlElement | None = element
    while node is not None:
        if node.tail and node.tail.strip():
            yield node.tail.strip()
        for sibling in node.itersiblings():
            yield from _texts_in(sibling)
        node = node.getparent()


def _texts_before(element: HtmlElement) -> Iterator[str]:
    """The text before the element, backwards (each piece reversed, so the joined pieces read
    backwards from the element), page furniture left out."""
    node: HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            yield from _texts_in_reverse(sibling)
        parent = node.getparent()
        if parent is not None and parent.text and parent.text.strip():
            yield parent.text.strip()[::-1]
        node = parent


def _texts_in(element: HtmlElement) -> Iterator[str]:
    """The element's text and tail in page order, furniture left out; a stack, not recursion, so a
    page nested thousands of levels deep is read too."""
    stack: list[tuple[HtmlElement, bool]] = [(element, False)]
    while stack:
        node, closed = stack.pop()
        if closed:
            if node.tail and node.tail.strip():
                yield node.tail.strip()
            continue
        stack.append((node, True))
        if isinstance(node.tag, str) and node.tag not in _NOT_READ:
            if _UPDATE_MARK.search(node.get("class", "")):
                yield _UPDATE_LABEL  # its class says it is the update ("entry-modified-time")
            if node.text and node.text.strip():
                yield node.text.strip()
            stack.extend((child, False) for child in reversed(node))


def _texts_in_reverse(element: HtmlElement) -> Iterator[str]:
    """_texts_in backwards, each piece reversed."""
    stack: list[tuple[HtmlElement, bool]] = [(element, False)]
    while stack:
        node, opened = stack.pop()
        if opened:
            if node.text and node.text.strip():
                yield node.text.strip()[::-1]
            if _UPDATE_MARK.search(node.get("class", "")):
                yield _UPDATE_LABEL[::-1]
            continue
        if node.tail and node.tail.strip():
            yield node.tail.strip()[::-1]
        if isinstance(node.tag, str) and node.tag not in _NOT_READ:
            stack.append((node, True))
            stack.extend((child, False) for child in node)


def _local_day_of_url(published: str | None, url_day: str | None) -> str | None:
    """A UTC timestamp one day off the date in the URL is the same moment on the site's own day:
    the URL's (the day as the page states it)."""
    if not published or not url_day or not _UTC_TIME.search(published):
        return published
    gap = abs((date.fromisoformat(published[:10]) - date.fromisoformat(url_day)).days)
    return url_day if gap == 1 else published


def _date(value: str | None) -> str | None:
    """A full date (a bare year, such as a copyright line's, is no publication date)."""
    if not value or _BARE_YEAR.match(value):
        return None
    return to_iso(value)


def time_tag_date(tree: HtmlElement) -> str | None:
    return _time_tag_in(_shown(tree)[0])


def _time_tag_in(shown: list[HtmlElement]) -> str | None:
    """<time datetime>: one marked as the publication (itemprop, pubdate, a class saying so) first,
    then the first outside page furniture."""
    tags = [tag for tag in _of(shown, "time") if tag.get("datetime")]
    marked = [
        tag
        for tag in tags
        if tag.get("itemprop") == "datePublished"
        or tag.get("pubdate") is not None
        or re.search(r"publish|posted|entry-date", tag.get("class", ""), re.I)
    ]
    # a valid datetime attribute is ISO 8601: "02-12-2025" beside it is read only when none is
    ordered = sorted(marked + tags, key=lambda tag: not _ISO_START.match(tag.get("datetime", "")))
    return _first(_date(tag.get("datetime")) for tag in ordered)


def _time_text_in(shown: list[HtmlElement]) -> str | None:
    """<time> without a datetime attribute: its text ("8 Oct 2022"), one not marked as the update."""
    for tag in _of(shown, "time"):
        if not tag.get("datetime") and not _UPDATE_MARK.search(tag.get("class", "")):
            found = _date_line(tag)
            if found:
                return found
    return None


def _date_line(tag: HtmlElement) -> str | None:
    text = decoded(text_of(tag))
    if not text or len(text) > _MAX_DATE_LINE_CHARS or _UPDATE_WORDS.match(text) or not re.search(r"\d", text):
        return None
    return _date(text)


def _htmldate(tree: HtmlElement, url: str | None, latest: str | None) -> str | None:
    """htmldate's reading of the page (the dates in its text, its header and its links, original
    date first), for the pages whose markup states none: a date up to `latest` (the fetch) when it
    is known, else up to today. It works on its own copy of the tree."""
    from htmldate import find_date  # imported lazily: only HTML input needs it

    found = find_date(tree, url=url, original_date=True, extensive_search=True, max_date=latest)
    if not isinstance(found, str) or found.endswith("-01-01"):
        return None  # htmldate pads a bare year ("© 2023", "/2023/") to its first day: no date
    return to_iso(found)


def _date_in_url(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path
    match = _DATE_IN_URL.search(path) or _COMPACT_DATE_IN_URL.search(path)
    return to_iso("-".join(match.groups())) if match else None


# --- authors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AuthorSources:
    """What the author stages read: the page's <meta> elements, what it shows outside forms (_shown's
    second list), its JSON-LD article nodes and its <meta> values by key; and for the last stage,
    what it shows (_shown's first list: the headline's <h1> is found there) and the window of text
    around the headline that counts as beside it (the printed day's settings)."""

    metas: Iterable[HtmlElement]
    outside_forms: list[HtmlElement]
    nodes: list[dict[str, Any]]
    meta: dict[str, str]
    shown: list[HtmlElement] = field(default_factory=list)  # _shown's first list
    window: DatesSettings = SHIPPED.dates  # the byline area beside the headline: _article_furniture


def _people(sources: _AuthorSources, sites: tuple[str, ...], language: str | None, words: BylineWords) -> People:
    """JSON-LD authors first (an Organization author counts as the publication), then the <meta>
    author vocabularies (every value of a repeated key, then a twitter:data labelled "Written by"),
    then what the page shows: elements marked as the byline, a short line opening with a byline word
    ("By", "Von", "Written by"), links to an author page; last the same bylines in the asides, navs
    and footers of the headline's own <article> (an author box set aside beside the headline). The
    first source that names a person or an agency decides; when none does, a team the page credits
    ("Podium Staff", "Our Editors") does. What the page shows is read outside forms
    (`sources.outside_forms`, _shown's second list)."""
    publications: list[str] = []
    teams: list[str] = []
    json_ld_names, organizations = _json_ld_authors(sources.nodes)
    shown = sources.outside_forms
    stages: tuple[Callable[[], list[str]], ...] = (
        lambda: json_ld_names,
        lambda: [value for value in _meta_values(sources.metas, AUTHOR_KEYS) if not value.startswith(("http", "@"))],
        lambda: list(_written_by_meta(sources.meta)),
        lambda: list(_marked_bylines(shown)),
        lambda: list(_prefixed_bylines(shown, words.words_for(words.prefixes, language))),
        lambda: list(_author_links(shown)),
        lambda: _furniture_bylines(_article_furniture(sources.shown, sources.window), words, language),
    )
    for stage in stages:
        people = split_people(stage(), language, (*sites, *organizations), words)
        if people.authors or people.agencies:
            return people
        publications.extend(people.publications)
        teams.extend(people.teams)
    return People(publications=publications, teams=teams)


def _furniture_bylines(elements: list[HtmlElement], words: BylineWords, language: str | None) -> list[str]:
    return [*_marked_bylines(elements), *_prefixed_bylines(elements, words.words_for(words.prefixes, language))]


def _json_ld_authors(nodes: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    organizations: list[str] = []
    for node in nodes:
        items = node.get("author") or node.get("creator") or []
        for item in items if isinstance(items, list) else [items]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, list):
                name = name[0] if name else None
            if not isinstance(name, str) or not name.strip() or name.startswith("http"):
                continue
            names.append(name)
            if isinstance(item, dict) and "organization" in str(item.get("@type", "")).lower():
                organizations.append(name)
        if names:
            break
    return names, organizations


def _written_by_meta(meta: dict[str, str]) -> Iterator[str]:
    for number in range(1, _TWITTER_PAIRS + 1):
        label = meta.get(f"twitter:label{number}", "").casefold().rstrip(" :")
        value = meta.get(f"twitter:data{number}")
        if label in _WRITTEN_BY_LABELS and value:
            yield value


def _marked_bylines(shown: list[HtmlElement]) -> Iterator[str]:
    """Text of elements marked as the byline (rel=author, itemprop=author, a class naming
    byline/author), short enough to be one, outside page furniture and comment threads (a
    comment's "comment-author vcard" names who commented); at most the first two."""
    found = 0
    for tag in shown:
        names = tag.get("class", "")  # read once; "" (most elements) matches neither class pattern
        marked = (
            "author" in tag.get("rel", "").split()
            or tag.get("itemprop") == "author"
            or (names and ((_BYLINE_CLASS.search(names) and not _BYLINE_SKIP_CLASS.search(names))
                           or _AUTHOR_NAME_CLASS.search(names)))
        )  # fmt: skip
        text = decoded(text_of(tag)) if marked and not _in_comment_thread(tag) else None
        if text and len(text) <= _MAX_BYLINE_CHARS:
            found += 1
            yield ", ".join(_byline_pieces(tag))
            if found == 2:
                return


def _in_comment_thread(tag: HtmlElement) -> bool:
    """The element, or one around it, has a class or id naming a comment thread (_COMMENT_MARK)."""
    return any(
        _COMMENT_MARK.search(f"{element.get('class', '')} {element.get('id', '')}")
        for element in (tag, *tag.iterancestors())
    )


def _byline_pieces(tag: HtmlElement) -> list[str]:
    """A byline element's names: its links' texts when it links (to author pages), else its text
    broken where an element other than inline markup starts ("Jane Roe" and "Staff Writer" in two
    spans are two pieces; "Jane <b>Roe</b>" is one)."""
    links = [text for link in tag.iter("a") if _inline_only(link) and (text := decoded(text_of(link)))]
    if links:
        return links
    pieces: list[str] = []
    current: list[str] = []

    def walk(element: HtmlElement) -> None:
        if element.text:
            current.append(element.text)
        for child in element:
            if not isinstance(child.tag, str) or child.tag in FURNITURE_TAGS:
                pass
            elif child.tag in _INLINE_TAGS:
                walk(child)
            else:
                pieces.append(" ".join(current))
                current.clear()
                walk(child)
                pieces.append(" ".join(current))
                current.clear()
            if child.tail:
                current.append(child.tail)

    walk(tag)
    pieces.append(" ".join(current))
    return [piece for piece in (decoded(piece) for piece in pieces) if piece]


def _inline_only(element: HtmlElement) -> bool:
    """A link around a name, not one wrapping a whole author card (photo, name, job title)."""
    return all(not isinstance(child.tag, str) or child.tag in _INLINE_TAGS for child in element.iterdescendants())


def _prefixed_bylines(shown: list[HtmlElement], prefixes: tuple[str, ...]) -> Iterator[str]:
    """The first short line that opens with a byline word and a capitalized name ("By Jane Roe",
    "Von Karl Beispiel"), or that is the byline word alone with the name in the next element."""
    texts = _Texts()  # every line element's text is read, nested ones too: each built once
    openings = _by_first_character(prefixes)
    for tag in _of(shown, *_LINE_TAGS):
        text = _short_decoded(texts(tag), _MAX_PREFIXED_CHARS)
        if text is None:
            continue
        folded = text.casefold().rstrip(" :")
        if folded in prefixes:
            following = tag.getnext()
            name = decoded(texts(following)) if following is not None else None
            if name and len(name) <= _MAX_PREFIXED_CHARS:
                yield name
                return
            continue
        for prefix in openings.get(folded[:1], ()) if openings is not None else prefixes:
            rest = text[len(prefix) :].lstrip(" :")
            if folded.startswith(prefix + " ") or folded.startswith(prefix + ":"):
                if rest[:1].isupper() and not _in_comment_thread(tag):
                    # its pieces: "By Jane Roe" and the date in the next span are two
                    yield ", ".join(_byline_pieces(tag))
                    return


def _by_first_character(prefixes: tuple[str, ...]) -> dict[str, list[str]] | None:
    """The prefixes by their first character, each list in the prefixes' order: a line can open
    with a prefix and a space or colon only when its first character is the prefix's (None when a
    prefix is empty: every line opens with that one)."""
    if "" in prefixes:
        return None
    openings: dict[str, list[str]] = {}
    for prefix in prefixes:
        openings.setdefault(prefix[0], []).append(prefix)
    return openings


# A text's beginning read to prove the text too long for a byline (see _short_decoded).
_PROOF_CHARS = 1024


def _short_decoded(raw: str, limit: int) -> str | None:
    """decoded(raw) when it is at most `limit` characters long, else None. A long text without a
    character reference is proven too long by its beginning alone, without decoding the whole (a
    page's wrappers hold kilobytes of text): without "&" decoding only squashes spaces, and the
    beginning's squashed words are the whole's first words (the last perhaps cut), so no more
    characters than the whole's."""
    if len(raw) > limit and "&" not in raw and len(squash_spaces(raw[:_PROOF_CHARS])) > limit:
        return None
    text = decoded(raw)
    return text if text and len(text) <= limit else None


def _author_links(shown: list[HtmlElement]) -> Iterator[str]:
    """Text of the first links to an author's page (/author/jane-roe, /autor/..., /auteur/...); for a
    link that does not show the name ("Articles by Juliette", "View all posts"), the page's short
    text that is the name its path spells (_slug_name), when there is one."""
    found = 0
    for tag in _of(shown, "a"):
        path = urlsplit(tag.get("href", "")).path
        text = decoded(text_of(tag))
        if text and _AUTHOR_PATH.search(path) and len(text) <= _MAX_PREFIXED_CHARS and not _in_comment_thread(tag):
            found += 1
            yield _slug_name(path, text, shown) or text
            if found == 2:
                return


_SLUG_MIN_WORDS = 2  # "jane-roe": a one-word slug ("admin", "jroe") spells no name to look for


def _slug_name(path: str, text: str, shown: list[HtmlElement]) -> str | None:
    """The name an author page's path spells (/authors/juliette-carreiro) as the page prints it in an
    element of its own ("Juliette Carreiro"), when the link's text is not that name."""
    words = re.split(r"[-_+]+", path.rstrip("/").rsplit("/", 1)[-1].casefold())
    slug = " ".join(word for word in words if word)
    if len(slug.split()) < _SLUG_MIN_WORDS or any(ch.isdigit() for ch in slug) or _key(text) == slug:
        return None
    for tag in shown:
        own = tag.text
        if own and len(own) <= _MAX_PREFIXED_CHARS and _key(own) == slug:
            return decoded(own)
    return None


def _article_furniture(shown: list[HtmlElement], window: DatesSettings) -> list[HtmlElement]:
    """The elements of the asides, navs and footers beside the displayed headline (the first shown
    <h1> of two words or more) inside its own <article>: at most window.printed_before_chars of
    text before it or printed_after_chars after it (the byline area, as for the printed day), none
    in a comment thread. An article's author box set aside by its headline, not a sidebar far below,
    the site's menu or a comment's footer."""
    heading = next((tag for tag in _of(shown, "h1") if len((text_of(tag) or "").split()) >= 2), None)
    article = next(heading.iterancestors("article"), None) if heading is not None else None
    if heading is None or article is None:
        return []
    ordered = [element for element in article.iter() if isinstance(element.tag, str)]
    at = ordered.index(heading)
    # text up to each element, so that the text between two elements is one subtraction
    upto = [0, *accumulate(len((e.text or "").strip()) + len((e.tail or "").strip()) for e in ordered)]
    comments = _subtrees_marked(ordered, _COMMENT_MARK)
    found: list[HtmlElement] = []
    taken: set[HtmlElement] = set()  # found's elements: an aside inside a taken one is in it already
    for index, element in enumerate(ordered):
        if element.tag not in ("aside", "nav", "footer") or element in comments or element in taken:
            continue
        if (index < at and upto[at] - upto[index + 1] <= window.printed_before_chars) or (
            index > at and upto[index] - upto[at + 1] <= window.printed_after_chars
        ):
            box = [e for e in element.iter() if isinstance(e.tag, str) and e.tag not in ("script", "style")]
            found.extend(box)
            taken.update(box)
    return found


def _shown(tree: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """Elements outside page furniture (_NOT_SHOWN), in document order (a furniture subtree is
    skipped whole); and of those, the ones neither in nor being a <form>: a byline is never in one
    (a comment form's "Name" field is), though a page may be wrapped whole in one, and then no
    byline is read from it. The subtrees are gathered by lxml's own iteration, not a Python walk."""
    furniture = _subtrees(tree, _NOT_SHOWN)
    shown = [element for element in tree.iter() if isinstance(element.tag, str) and element not in furniture]
    forms = _subtrees(tree, ("form",))
    return shown, [element for element in shown if element not in forms]


def _subtrees(tree: HtmlElement, tags: Iterable[str]) -> set[HtmlElement]:
    """The elements with one of these tags and everything below them (the set holds the element
    proxies, so lxml hands out the same objects again and `in` holds)."""
    members: set[HtmlElement] = set()
    for element in tree.iter(*tags):
        if element not in members:
            members.update(element.iter())
    return members


class _Texts:
    """blocks.text_of(element) of one page's elements, each built once from its children's texts
    (the same strings joined by one space: each child's part is its own text_of, non-empty or left
    out) instead of walking every subtree again for each element around it."""

    def __init__(self) -> None:
        self._known: dict[HtmlElement, str] = {}  # also keeps the element proxies, so `in` holds

    def __call__(self, element: HtmlElement) -> str:
        known = self._known.get(element)
        if known is None:
            parts = [element.text] if element.text and isinstance(element.tag, str) else []
            for child in element:
                if isinstance(child.tag, str) and child.tag not in HIDDEN_TAGS:
                    inner = self(child)
                    if inner:
                        parts.append(inner)
                if child.tail:
                    parts.append(child.tail)
            known = self._known[element] = " ".join(parts)
        return known


def _of(shown: list[HtmlElement], *tags: str) -> Iterator[HtmlElement]:
    return (element for element in shown if element.tag in tags)


def _language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    return tree.get("lang") or meta.get("og:locale") or meta.get("content-language") or meta.get("language")


# --- the page's structured data -----------------------------------------------------------------


def page_url_of(
    tree: HtmlElement, json_ld: list[dict[str, Any]], meta: dict[str, str], tags: PageTags | None = None
) -> str | None:
    """The first JSON-LD article's url, else og:url, else the canonical link."""
    for node in json_ld:
        url = _value(node.get("url"))
        if url:
            return url
    links = elements(tree, "link", tags)
    canonicals = (link.get("href") for link in links if "canonical" in link.get("rel", "").split())
    return meta.get("og:url") or next(canonicals, None)


def meta_values(tree: HtmlElement, keys: tuple[str, ...]) -> list[str]:
    """Every value of the given <meta> keys, in key order (a repeated key such as citation_author
    gives each of its values)."""
    return _meta_values(tree.iter("meta"), keys)


def _meta_values(metas: Iterable[HtmlElement], keys: tuple[str, ...]) -> list[str]:
    found: dict[str, list[str]] = {}
    for tag in metas:
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        value = tag.get("content")
        if key in keys and value and value.strip():
            found.setdefault(key, []).append(squash_spaces(value))
    return [value for key in keys for value in found.get(key, [])]


def meta_map(tree: HtmlElement, tags: PageTags | None = None) -> dict[str, str]:
    values: dict[str, str] = {}
    for tag in elements(tree, "meta", tags):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        value = tag.get("content")
        if key and value and key.lower() not in values:
            values[key.lower()] = squash_spaces(value)
    return values


@dataclass(frozen=True)
class JsonLd:
    """One <script> whose type is JSON-LD (in any case), parsed once for every reader of the page:
    the metadata reads those typed exactly "application/ld+json", the page-type features all."""

    exact_type: bool
    data: Any = None
    error: Exception | None = None  # what json.loads raised; each reader skips what it skipped before


def json_ld_scripts(tree: HtmlElement, tags: PageTags | None = None) -> list[JsonLd]:
    scripts = []
    for script in elements(tree, "script", tags):
        kind = script.get("type")
        if (kind or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)  # strict=False: raw newlines in strings
        except (ValueError, TypeError, RecursionError) as error:
            scripts.append(JsonLd(kind == "application/ld+json", error=error))
        else:
            scripts.append(JsonLd(kind == "application/ld+json", data))
    return scripts


def json_ld_articles(
    tree: HtmlElement, scripts: list[JsonLd] | None = None, tags: PageTags | None = None
) -> list[dict[str, Any]]:
    """The page's JSON-LD article nodes, articles before web pages; an author given as a reference
    ({"@id": ...}) replaced by the node it names (in the parsed data: the page-type features,
    which read the same data after, never read an author)."""
    nodes: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for script in json_ld_scripts(tree, tags) if scripts is None else scripts:
        if not script.exact_type:
            continue
        if script.error is not None:
            if isinstance(script.error, json.JSONDecodeError | TypeError):
                continue
            raise script.error  # as json.loads raised it here before the parse was shared
        data = script.data
        nodes.extend(_article_nodes(data))
        by_id.update(_identified(data))
    for node in nodes:
        author = node.get("author")
        if isinstance(author, (dict, list)):
            node["author"] = [_resolved(item, by_id) for item in (author if isinstance(author, list) else [author])]
    return sorted(nodes, key=lambda node: "webpage" in str(node.get("@type", "")).lower())


def _identified(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(data, list):
        for item in data:
            yield from _identified(item)
    elif isinstance(data, dict):
        if isinstance(data.get("@id"), str):
            yield data["@id"], data
        yield from _identified(data.get("@graph"))


def _resolved(item: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
        return by_id.get(item["@id"], item)
    return item


def _article_nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _article_nodes(item)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
            yield data
        if "@graph" in data:
            yield from _article_nodes(data["@graph"])


def _value(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return squash_spaces(value) or None
    return None


def _first(values: Iterator[str | None]) -> str | None:
    return next((value for value in values if value), None)
