"""Author lists as people: split, prefixes / roles / initials / e-mail addresses stripped, agencies
kept apart (pipeline/data/bylines.yaml says which words are which)."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.core.text import squash_spaces
from pipeline.core.yaml_files import file_stamp, read_mapping

ANY_LANGUAGE = "*"
EVERY_LANGUAGE = "all"  # a byline of unknown language (plain text): every shipped language's words
_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[)\]]")
_URL = re.compile(r"\(?\s*(?:https?://|www\.)\S+\s*\)?", re.IGNORECASE)
# "(obe)", "(dpa)", "[jr]": a short note in brackets after a name (initials or an agency).
_BRACKETED = re.compile(r"\s*[(\[]\s*([^()\[\]]{1,40}?)\s*[)\]]")
_ALWAYS_SPLIT = r"[,;&/|·•⋅\n]|\s+[-–—]\s+"
_HOST_LIKE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
# A person's name holds letters and is not a sentence: at most 6 words, no digits, no ':' or '?'.
_NOT_A_NAME = re.compile(r"[\d:?!@<>{}=]")
MAX_NAME_WORDS = 6
NAME_PARTICLES = frozenset(
    "van von der den de del della di da das dos du la le bin ibn al el ben ter ten zu y e i".split()
)


class BylineDataError(ValueError):
    pass


@dataclass(frozen=True)
class BylineWords:
    """The words of bylines.yaml: agency id by each of its folded names, and per language the
    prefixes, joiners and roles."""

    agencies: dict[str, str] = field(default_factory=dict)
    agency_names: tuple[tuple[str, str], ...] = ()  # (name as written, agency id), for matching in text
    prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    joiners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    role_endings: frozenset[str] = frozenset()  # a part ending with one of these words is a role
    not_names: frozenset[str] = frozenset()  # page labels beside a byline ("Updated"): no name
    # words_for's answers and _parts' split patterns by language, made on first use and kept with
    # the words they are made of (never changed after loading): not rebuilt per byline.
    _found: dict[tuple[str, str | None], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    _splitters: dict[str | None, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def agency(self, name: str) -> str | None:
        return self.agencies.get(fold(name))

    def words_for(self, table: dict[str, tuple[str, ...]], language: str | None) -> tuple[str, ...]:
        name = "prefixes" if table is self.prefixes else "joiners" if table is self.joiners else None
        if name is None:  # another table: not kept
            return _words_for(table, language)
        found = self._found.get((name, language))
        if found is None:
            found = self._found[(name, language)] = _words_for(table, language)
        return found

    def splitter(self, language: str | None) -> re.Pattern[str]:
        """Where an author list splits: the fixed separators and this language's joiners."""
        found = self._splitters.get(language)
        if found is None:
            joiners = self.words_for(self.joiners, language)
            pattern = _ALWAYS_SPLIT + "".join(rf"|\s+{re.escape(word)}\s+" for word in joiners)
            found = self._splitters[language] = re.compile(pattern, re.IGNORECASE)
        return found


def _words_for(table: dict[str, tuple[str, ...]], language: str | None) -> tuple[str, ...]:
    codes = set(table) if language == EVERY_LANGUAGE else {ANY_LANGUAGE, "en", (language or "").split("-")[0].lower()}
    found = {word for code in codes for word in table.get(code, ())}
    return tuple(sorted(found, key=lambda word: (-len(word), word)))  # "written by" before "by"


def fold(text: str) -> str:
    """Case folded, dots dropped, spaces squashed: 'A.P.' -> 'ap', 'dpa ' -> 'dpa'."""
    return squash_spaces(text.replace(".", " ")).casefold().replace(" ", "")


@cache  # asked once per article (the wire origin): importlib.resources takes ~15 µs a call
def bylines_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "bylines.yaml"))


# A user's own byline words (agencies above all) extend the shipped file, as a rules file does.
USER_BYLINES_ENV = "NEWSCLEAN_BYLINES"
_SECTIONS = ("agencies", "prefixes", "joiners", "roles")


def load_byline_words(path: Path | None = None) -> BylineWords:
    """The shipped words (or `path`'s), extended by the file NEWSCLEAN_BYLINES names: an entry with
    a shipped id replaces it, `enabled: false` drops it, a new id is added."""
    path = path or bylines_path()
    extra = os.environ.get(USER_BYLINES_ENV) or None
    return _load_byline_words(path, extra, (file_stamp(path), file_stamp(extra)))


@cache  # asked once per article; keyed by the files' stamps, so a replaced file is read again
def _load_byline_words(path: Path, extra: str | None, stamps: object = None) -> BylineWords:
    data = read_mapping(path, BylineDataError, "byline words", "a mapping")
    if extra:
        data = extend_byline_data(data, read_mapping(extra, BylineDataError, "byline words", "a mapping"), extra)
    roles = data.get("roles", [])
    names = tuple((str(name), entry["id"]) for entry in data.get("agencies", []) for name in entry["names"])
    return BylineWords(
        agencies={fold(name): agency for name, agency in names},
        agency_names=names,
        prefixes=_by_language(data.get("prefixes", [])),
        joiners=_by_language(data.get("joiners", [])),
        roles=frozenset(fold(word) for entry in roles for word in entry.get("words", [])),
        role_endings=frozenset(word.casefold() for entry in roles for word in entry.get("last_words", [])),
        not_names=frozenset(word.casefold() for entry in data.get("not_names", []) for word in entry["words"]),
    )


def extend_byline_data(shipped: dict[str, Any], own: dict[str, Any], where: str) -> dict[str, Any]:
    """The shipped sections with the user's entries merged in by id (errors name the user's file)."""
    unknown = sorted(set(own) - set(_SECTIONS))
    if unknown:
        raise BylineDataError(f"{where}: unknown section {unknown[0]!r} (known: {', '.join(_SECTIONS)})")
    merged = dict(shipped)
    for section in _SECTIONS:
        entries = own.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) and e.get("id") for e in entries):
            raise BylineDataError(f"{where}: {section}: a list of entries, each with an id")
        by_id = {entry["id"]: entry for entry in shipped.get(section, [])}
        for entry in entries:
            if entry.get("enabled", True) is False:
                by_id.pop(entry["id"], None)
            else:
                by_id[entry["id"]] = _checked_entry(section, entry, where)
        merged[section] = list(by_id.values())
    return merged


def _checked_entry(section: str, entry: dict[str, Any], where: str) -> dict[str, Any]:
    needed = "names" if section == "agencies" else "words" if section != "roles" else None
    if needed and not (isinstance(entry.get(needed), list) and all(isinstance(n, str) for n in entry[needed])):
        raise BylineDataError(f"{where}: {section} {entry['id']}: {needed}: a list of strings")
    return {"languages": ["*"], **entry}


def _by_language(entries: list[dict[str, object]]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for entry in entries:
        words = [str(word) for word in entry["words"]]  # type: ignore[attr-defined]
        for language in entry["languages"]:  # type: ignore[attr-defined]
            table.setdefault(str(language), []).extend(words)
    # longer words first, so "written by" is tried before "by"
    return {code: tuple(sorted(words, key=len, reverse=True)) for code, words in table.items()}


@dataclass
class People:
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)  # the site's own name given as an author
    teams: list[str] = field(default_factory=list)  # a role or desk credited alone ("Podium Staff", "Our Editors")


def split_people(
    values: list[str], language: str | None = None, site_names: tuple[str, ...] = (), words: BylineWords | None = None
) -> People:
    """Names of people from author strings: each decoded, split into a list, cleaned; agencies
    apart; the publication's own name (site_names, a host name) apart as well."""
    words = words or load_byline_words()
    people = People()
    sites = {fold(name) for name in site_names if name}
    for value in values:
        for part in _parts(value, language, words):
            if words.agency(part):
                _add(people.agencies, words.agencies[fold(part)])
            elif part.casefold() in words.not_names:
                continue
            elif fold(part) in sites or _HOST_LIKE.match(part):
                _add(people.publications, part)
            elif _role(part, words):
                _add(people.teams, part)
            elif _name_like(part):
                _add(people.authors, part)
    return people


def authors_or_publication(people: People) -> list[str]:
    """The people named; when the page names no person, the team it credits ("Podium Staff"), else
    the publication's name."""
    return people.authors or people.teams[:1] or people.publications[:1]


def _parts(value: str, language: str | None, words: BylineWords) -> list[str]:
    text = squash_spaces(html.unescape(html.unescape(value)))
    text = _EMPTY_BRACKETS.sub(" ", _URL.sub(" ", _EMAIL.sub(" ", text)))
    agencies_in_brackets = [note for note in _BRACKETED.findall(text) if words.agency(note)]
    text = _BRACKETED.sub(" ", text)
    prefixes = words.words_for(words.prefixes, language)
    pieces = words.splitter(language).split(text)
    parts = [_strip_prefix(squash_spaces(piece).strip(" -–—:,."), prefixes) for piece in pieces]
    return [part for part in parts if part] + agencies_in_brackets


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    """Leading byline words gone, repeatedly ("Author: Posted by Jane Roe"); a text that is only
    such words ("Written by") is nothing."""
    stripped = True
    while stripped and text:
        stripped = False
        folded = text.casefold()
        for prefix in prefixes:
            if folded == prefix:
                return ""
            if folded.startswith(prefix) and len(text) > len(prefix) and not text[len(prefix)].isalnum():
                text, stripped = text[len(prefix) :].lstrip(" :-–—"), True
                break
    return text


def _role(part: str, words: BylineWords) -> bool:
    return fold(part) in words.roles or part.split()[-1].casefold() in words.role_endings


def _name_like(part: str) -> bool:
    """At most 6 words, letters, no digits or sentence marks; of several words each capitalized but
    the name particles ("van der", "de la", "bin"): "View more posts" and "Save as PDF" are no names.
    A single word may be a handle in lower case."""
    tokens = part.split()
    return (
        1 <= len(tokens) <= MAX_NAME_WORDS
        and not _NOT_A_NAME.search(part)
        and part[:1].isalpha()
        and (len(tokens) == 1 or all(not t[:1].islower() or t in NAME_PARTICLES for t in tokens))
    )


def _add(names: list[str], name: str) -> None:
    if all(fold(name) != fold(known) for known in names):
        names.append(name)
