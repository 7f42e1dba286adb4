"""Noise rules are data: this module loads them from YAML and compiles them once per cleaner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SCOPES = ("paragraph", "span")
CATEGORIES = ("caption", "agency", "newsletter", "share", "related", "ad", "comments", "paywall", "furniture")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    pattern: re.Pattern[str]
    scope: str = "paragraph"
    head: int | None = None  # only the first N paragraphs
    tail: int | None = None  # only the last N paragraphs
    max_words: int | None = None
    requires: str | None = None  # a literal the paragraph must contain before the regex is tried
    takes_previous: int = 0  # also remove the paragraph before when it has at most this many words
    takes_next: int = 0  # also remove up to this many following link-like lines (short, not sentences)
    ends_article: bool = False  # everything after this line goes too, when a comment thread follows
    heads_thread: bool = False  # ends_article: always; the line itself only ever heads a comment thread
    languages: frozenset[str] | None = None  # ISO 639-1 codes it applies to; None: every language

    def applies_to(self, language: str | None) -> bool:
        """A rule for some languages applies to articles in them, and to articles whose language
        is unknown (too short or mixed to tell): the patterns are anchored furniture either way."""
        return self.languages is None or language is None or language in self.languages

    @property
    def windowed(self) -> bool:
        return self.head is not None or self.tail is not None

    def applies_at(self, index: int, count: int, words: int) -> bool:
        if self.max_words is not None and words > self.max_words:
            return False
        if self.head is not None and index >= self.head:
            return False
        if self.tail is not None and index < count - self.tail:
            return False
        return True


@dataclass(frozen=True)
class HeaderPatterns:
    bylines: tuple[re.Pattern[str], ...]
    datelines: tuple[re.Pattern[str], ...]
    inline_datelines: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class CommentThreadPatterns:
    """What a comment thread looks like from its text (see comment_thread in rules.yaml)."""

    buttons: tuple[re.Pattern[str], ...] = ()  # a whole line: "Reply", "Antworten", "Like (3)"
    signatures: tuple[re.Pattern[str], ...] = ()  # a whole line: "Karl says:", "Mila, 3 hours ago"
    timestamps: tuple[re.Pattern[str], ...] = ()  # a whole line: "12 March 2024 at 14:05", "vor 2 Stunden"


@dataclass(frozen=True)
class PageDumpSettings:
    """When a text is a full-page dump, and how its article region is found (see rules.yaml)."""

    min_lines: int = 30
    short_words: int = 4
    short_share: float = 0.5
    prose_words: int = 15
    gap_lines: int = 4
    merge_chars: int = 40
    anchor_window: int = 30
    anchor_min_chars: int = 200
    anchor_share: float = 0.15
    furniture_run: int = 3
    furniture_total: int = 12
    first_share: float = 0.6
    unique_prose: bool = True


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    header: HeaderPatterns
    page_dump: PageDumpSettings = PageDumpSettings()
    comment_thread: CommentThreadPatterns = CommentThreadPatterns()
    # Per-language selections, filled on first use: one per rule set (so per cleaner), never shared.
    _by_language: dict[str | None, tuple[tuple[Rule, ...], tuple[Rule, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @cached_property
    def paragraph_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "paragraph")

    @cached_property
    def span_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "span")

    @cached_property
    def languages(self) -> frozenset[str]:
        """Every language some rule is written for."""
        return frozenset(code for r in self.rules for code in (r.languages or ()))

    def for_language(self, language: str | None) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
        """(span rules, paragraph rules) that apply to an article in this language, in file order."""
        if language not in self._by_language:
            self._by_language[language] = (
                tuple(r for r in self.span_rules if r.applies_to(language)),
                tuple(r for r in self.paragraph_rules if r.applies_to(language)),
            )
        return self._by_language[language]

    def noise_rule(self, text: str, words: int, language: str | None = None) -> Rule | None:
        """The first paragraph rule whose pattern matches the whole text, windows aside."""
        for rule in self.for_language(language)[1]:
            if rule.max_words is not None and words > rule.max_words:
                continue
            if rule.requires is not None and rule.requires not in text:
                continue
            if rule.pattern.fullmatch(text):
                return rule
        return None


def default_rules_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "rules.yaml"))


def shipped_rules_paths() -> list[Path]:
    """rules.yaml (every language), then one file per language (rules_de.yaml, ...)."""
    main = default_rules_path()
    return [main, *sorted(main.parent.glob("rules_*.yaml"))]


def load_rules(extra: list[Path] | None = None) -> RuleSet:
    """The shipped rules, then each extra file in order; an extra rule with a known id replaces it."""
    raw_rules: dict[str, dict[str, Any]] = {}
    header: dict[str, list[str]] = {"bylines": [], "datelines": [], "inline_datelines": []}
    page_dump: dict[str, Any] = {}
    thread: dict[str, list[str]] = {"buttons": [], "signatures": [], "timestamps": []}
    for path in [*shipped_rules_paths(), *(extra or [])]:
        data = _read_yaml(path)
        file_languages = data.get("languages")  # a file-wide default for its rules
        page_dump.update(data.get("page_dump") or {})
        for key, patterns in (data.get("comment_thread") or {}).items():
            if key not in thread:
                raise RulesError(f"{path}: comment_thread: unknown key {key!r} (known: {sorted(thread)})")
            thread[key].extend(_check_pattern(path, f"comment_thread.{key}", str(p)) for p in patterns or [])
        for entry in data.get("rules") or []:
            if not isinstance(entry, dict) or "id" not in entry:
                raise RulesError(f"{path}: every rule needs an id (got {entry!r})")
            if file_languages is not None and "languages" not in entry:
                entry = {**entry, "languages": file_languages}
            raw_rules[str(entry["id"])] = {**raw_rules.get(str(entry["id"]), {}), **entry, "_file": str(path)}
        for key in header:
            for pattern in data.get(key) or []:
                header[key].append(_check_pattern(path, key, str(pattern)))
    rules = tuple(_compile_rule(entry) for entry in raw_rules.values() if entry.get("enabled", True))
    known = set(PageDumpSettings.__dataclass_fields__)
    if set(page_dump) - known:
        raise RulesError(f"page_dump: unknown settings {sorted(set(page_dump) - known)} (known: {sorted(known)})")
    return RuleSet(
        page_dump=PageDumpSettings(**page_dump),
        comment_thread=CommentThreadPatterns(
            **{key: tuple(re.compile(p, re.IGNORECASE) for p in patterns) for key, patterns in thread.items()}
        ),
        rules=rules,
        header=HeaderPatterns(
            bylines=tuple(re.compile(p) for p in header["bylines"]),
            datelines=tuple(re.compile(p) for p in header["datelines"]),
            inline_datelines=tuple(re.compile(p) for p in header["inline_datelines"]),
        ),
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path}: cannot read rules: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping with a 'rules' list at the top")
    return data


def _check_pattern(path: Path | str, name: str, pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RulesError(f"{path}: {name}: bad pattern: {exc}") from exc
    return pattern


def _compile_rule(entry: dict[str, Any]) -> Rule:
    where = f"{entry['_file']}: rule {entry['id']}"
    scope = entry.get("scope", "paragraph")
    if scope not in SCOPES:
        raise RulesError(f"{where}: scope must be one of {SCOPES}, not {scope!r}")
    category = entry.get("category")
    if not category:
        raise RulesError(f"{where}: needs a category (e.g. one of {CATEGORIES})")
    if "pattern" not in entry:
        raise RulesError(f"{where}: needs a pattern")
    flags = re.IGNORECASE if entry.get("ignore_case") else 0
    try:
        pattern = re.compile(str(entry["pattern"]), flags)
    except re.error as exc:
        raise RulesError(f"{where}: bad pattern: {exc}") from exc
    head, tail = _parse_where(where, str(entry.get("where", "anywhere")))
    if entry.get("ends_article", False) not in (True, False, "always"):
        raise RulesError(f"{where}: ends_article must be true, false or always, not {entry['ends_article']!r}")
    max_words = entry.get("max_words")
    requires = entry.get("requires")
    languages = entry.get("languages")
    if languages is not None:
        if isinstance(languages, str):
            languages = [languages]
        if not isinstance(languages, list) or not languages or not all(
            _LANGUAGE_CODE.fullmatch(str(code)) for code in languages
        ):
            raise RulesError(f"{where}: languages must be a list of ISO 639-1 codes like [de, fr], not {languages!r}")
    return Rule(
        id=str(entry["id"]),
        category=str(category),
        pattern=pattern,
        scope=scope,
        head=head,
        tail=tail,
        max_words=int(max_words) if max_words is not None else None,
        requires=str(requires) if requires else None,
        takes_previous=int(entry.get("takes_previous", 0)),
        takes_next=int(entry.get("takes_next", 0)),
        ends_article=bool(entry.get("ends_article", False)),
        heads_thread=entry.get("ends_article") == "always",
        languages=frozenset(str(code) for code in languages) if languages is not None else None,
    )


def _parse_where(where: str, value: str) -> tuple[int | None, int | None]:
    if value == "anywhere":
        return None, None
    kind, _, number = value.partition(":")
    if kind in ("head", "tail") and number.isdigit():
        return (int(number), None) if kind == "head" else (None, int(number))
    raise RulesError(f"{where}: where must be 'anywhere', 'head:N' or 'tail:N', not {value!r}")
