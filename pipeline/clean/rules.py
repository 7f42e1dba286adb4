"""Noise rules are data: this module loads them from YAML and compiles them once per cleaner."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

try:  # the regex parser's modules: re._parser / re._constants since 3.11
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants as sre
    import sre_parse


from pipeline.core.settings import SHIPPED, PageDumpSettings, SettingsError, check_value
from pipeline.core.yaml_files import read_mapping

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
    # One character that a match of the pattern can start with (see first_char_probe); None: any.
    first_char: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # A span rule's match holds one of these: its `requires`, else read from the pattern
    # (span_literals); None: not known.
    literals: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    # A paragraph rule that scans from any start is tried only where this finds one of the literals
    # its match must hold (see literal_probe); None: always tried.
    probe: LiteralProbe | None = field(default=None, compare=False, repr=False)

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


# A header pattern with its screens: (pattern, span_literals, needs_digit).
ScreenedPattern = tuple[re.Pattern[str], tuple[str, ...] | None, bool]


@dataclass(frozen=True)
class HeaderPatterns:
    bylines: tuple[re.Pattern[str], ...]
    datelines: tuple[re.Pattern[str], ...]
    inline_datelines: tuple[re.Pattern[str], ...]

    # bylines_for, per first character of a line: filled on first use, kept with the rule set.
    _for_start: dict[str, tuple[ScreenedPattern, ...]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def screened_bylines(self) -> tuple[ScreenedPattern, ...]:
        """Each byline pattern with the literals one of which its match holds (span_literals) and
        whether its match holds a digit (needs_digit): a line holding none of the literals is not
        tried (a pattern that scans up to a "|" costs more per line than all the others together),
        nor a line without a digit by a pattern that needs one (a date byline fails in ~3.5 us on
        a line it cannot match, its case-insensitive month names tried one by one; issue 27)."""
        return tuple((pattern, span_literals(pattern), needs_digit(pattern)) for pattern in self.bylines)

    def bylines_for(self, first: str) -> tuple[ScreenedPattern, ...]:
        """screened_bylines (in order) less the patterns whose whole-line matches cannot start with
        this character (first_char_probe, as the paragraph rules are screened; issue 27): most
        header lines skip most patterns and their literal screens. Every pattern for ""."""
        found = self._for_start.get(first)
        if found is None:
            probes = [first_char_probe(pattern) for pattern in self.bylines]
            found = self._for_start[first] = tuple(
                screened
                for screened, probe in zip(self.screened_bylines, probes, strict=True)
                if not first or probe is None or probe.fullmatch(first)
            )
        return found


def needs_digit(pattern: re.Pattern[str]) -> bool:
    """Whether every match of `pattern` holds a digit (a character \\d matches), read from the
    parsed pattern: a digit class, a digit range or literal, or a group or repeat that must match
    and holds one in every alternative. False when that cannot be told."""
    return _needs_digit(list(sre_parse.parse(pattern.pattern, pattern.flags)))


def _needs_digit(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op is sre.SUBPATTERN:
            found = _needs_digit(list(av[3]))
        elif _ATOMIC_GROUP is not None and op is _ATOMIC_GROUP:
            found = _needs_digit(list(av))
        elif op is sre.BRANCH:
            found = all(_needs_digit(list(branch)) for branch in av[1])
        elif op in _REPEATS:
            found = av[0] >= 1 and _needs_digit(list(av[2]))
        elif op is sre.LITERAL:
            found = chr(av) in _ASCII_DIGITS
        elif op is sre.IN:
            found = bool(av) and all(_digit_item(item, value) for item, value in av)
        else:
            found = False
        if found:
            return True
    return False


_ASCII_DIGITS = "0123456789"


def _digit_item(item: Any, value: Any) -> bool:
    """Whether one item of a character class admits only digits."""
    if item is sre.CATEGORY:
        return bool(value in (sre.CATEGORY_DIGIT, sre.CATEGORY_UNI_DIGIT))
    if item is sre.LITERAL:
        return chr(value) in _ASCII_DIGITS
    if item is sre.RANGE:
        return bool(ord("0") <= value[0] <= value[1] <= ord("9"))
    return False  # a negated class, another category, ...


def holds_any(text: str, literals: tuple[str, ...]) -> bool:
    for literal in literals:
        if literal in text:
            return True
    return False


@dataclass(frozen=True)
class CommentThreadPatterns:
    """What a comment thread looks like from its text (see comment_thread in rules.yaml)."""

    buttons: tuple[re.Pattern[str], ...] = ()  # a whole line: "Reply", "Antworten", "Like (3)"
    signatures: tuple[re.Pattern[str], ...] = ()  # a whole line: "Karl says:", "Mila, 3 hours ago"
    timestamps: tuple[re.Pattern[str], ...] = ()  # a whole line: "12 March 2024 at 14:05", "vor 2 Stunden"


_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}  # fmt: skip
# Atomic groups and possessive repeats are new in 3.11's parser.
_ATOMIC_GROUP = getattr(sre, "ATOMIC_GROUP", None)
_REPEATS = tuple(getattr(sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre, name))
_FLAG_LETTERS = (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE), ("a", re.ASCII))


class _AnyStart(Exception):
    """The first character of a match cannot be told from this pattern (a backreference, ...)."""


def first_char_probe(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that matches one character exactly when `pattern` can match a text starting with
    it: the alternatives its matches may begin with, read from the parsed pattern and compiled with
    its flags, so the regex engine itself decides case-insensitive and class membership. None when
    that cannot be told (backreferences, ...) or when the pattern can match the empty text. A
    paragraph rule whose probe rejects a text's first character cannot match that text; the
    remaining rules are still tried in file order, so the first match is the same."""
    try:
        alternatives, nullable = _first_chars(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    except _AnyStart:
        return None
    if nullable or not alternatives:
        return None
    return re.compile("|".join(alternatives), pattern.flags)


def _first_chars(items: list[tuple[Any, Any]]) -> tuple[list[str], bool]:
    """(one-character regexes, nullable) for a parsed sequence: what its first character may be,
    and whether it can match nothing at all."""
    found: list[str] = []
    for op, av in items:
        if op is sre.SUBPATTERN:
            _, add, remove, sub = av
            inner, nullable = _first_chars(list(sub))
            if add or remove:
                scope = "(?" + _flag_letters(add) + ("-" + _flag_letters(remove) if remove else "") + ":"
                inner = [f"{scope}{one})" for one in inner]
            found += inner
        elif _ATOMIC_GROUP is not None and op is _ATOMIC_GROUP:
            inner, nullable = _first_chars(list(av))
            found += inner
        elif op is sre.BRANCH:
            nullable = False
            for branch in av[1]:
                inner, empty = _first_chars(list(branch))
                found += inner
                nullable = nullable or empty
        elif op in _REPEATS:
            inner, empty = _first_chars(list(av[2]))
            found += inner
            nullable = empty or av[0] == 0
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            nullable = True  # zero width: the next item gives the character (a superset: fine)
        elif op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            found.append(_one_char(op, av))
            nullable = False
        else:
            raise _AnyStart
        if not nullable:
            return found, False
    return found, True


def _one_char(op: Any, av: Any) -> str:
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is sre.NOT_LITERAL:
        return f"[^{_in_class(chr(av))}]"
    if op is sre.ANY:
        return "."
    parts, negate = [], ""
    for item, value in av:
        if item is sre.NEGATE:
            negate = "^"
        elif item is sre.LITERAL:
            parts.append(_in_class(chr(value)))
        elif item is sre.RANGE:
            parts.append(f"{_in_class(chr(value[0]))}-{_in_class(chr(value[1]))}")
        elif item is sre.CATEGORY and value in _CATEGORIES:
            parts.append(_CATEGORIES[value])
        else:
            raise _AnyStart
    return f"[{negate}{''.join(parts)}]"


def _in_class(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else re.escape(char) if char.isspace() else char


def _flag_letters(flags: int) -> str:
    return "".join(letter for letter, bit in _FLAG_LETTERS if flags & bit)


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which every match of `pattern` contains, as written (the pattern's flags
    decide their case), read from the parsed pattern: a run of literal characters, or a group that
    must match whose every alternative holds such a run (the set whose shortest literal is
    longest). None when none can be told (only classes and repeats, ...)."""
    return _required(list(sre_parse.parse(pattern.pattern, pattern.flags)))


def span_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """required_literals of a case-sensitive pattern: a span rule is not run on a paragraph that
    holds none of them (`in`), as it could not match there."""
    return None if pattern.flags & re.IGNORECASE else required_literals(pattern)


def literal_probe(pattern: re.Pattern[str]) -> LiteralProbe | None:
    """For a pattern whose match may start with any run of characters (".{0,250}\\bcontributed
    to this story"), the probe of its required literals: a paragraph the probe finds nothing in
    cannot match, and one search for a literal is far cheaper than the rule's backtracking over
    every start. None for other patterns (an anchored one fails at its first characters, sooner
    than a probe can run)."""
    items = list(sre_parse.parse(pattern.pattern, pattern.flags))
    literals = _required(items)
    if not literals or not _leads_with_any(items):
        return None
    return LiteralProbe(literals, pattern.flags)


@dataclass(frozen=True)
class LiteralProbe:
    """Literals one of which a rule's match must hold, with the rule's flags; made once, when the
    rules load. `pattern` joins them, so that the regex engine decides case as the rule would;
    `test` is what the paragraph loop runs, truthy where a literal is found. sre reads a
    case-insensitive literal one position and one character at a time (4 us for "All rights
    reserved" in 260 characters); in ASCII text, where ignoring the case of ASCII literals is
    lower() on both sides (no other character folds to an ASCII one), `in` tests of the lowered
    text (`lowered`: the literals lowered, when all are ASCII and case is ignored) find the same
    literals in a tenth of that (issue 27). Other texts and literals: the pattern's search."""

    literals: tuple[str, ...]
    flags: int
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)
    lowered: tuple[str, ...] | None = field(init=False, compare=False, repr=False)
    test: Callable[[str], object] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        pattern = re.compile("|".join(map(re.escape, self.literals)), self.flags)
        caseless = bool(self.flags & re.IGNORECASE) and all(map(str.isascii, self.literals))
        lowered = tuple(literal.lower() for literal in self.literals) if caseless else None
        for name, value in (("pattern", pattern), ("lowered", lowered), ("test", _probe_test(pattern, lowered))):
            object.__setattr__(self, name, value)  # frozen: derived once, here

    def __reduce__(self) -> tuple[type[LiteralProbe], tuple[tuple[str, ...], int]]:
        return LiteralProbe, (self.literals, self.flags)  # made again from its own fields (`test` is a closure)


def _probe_test(pattern: re.Pattern[str], lowered: tuple[str, ...] | None) -> Callable[[str], object]:
    if lowered is None:
        return pattern.search
    search = pattern.search

    def test(text: str) -> object:
        return holds_any(text.lower(), lowered) if text.isascii() else search(text)

    return test


def _leads_with_any(items: list[tuple[Any, Any]]) -> bool:
    """Whether a parsed sequence may begin with a repeat of any character (".{0,120}", ".*?")."""
    if not items:
        return False
    op, av = items[0]
    if op is sre.SUBPATTERN:
        return _leads_with_any(list(av[3]))
    if op is sre.BRANCH:
        return any(_leads_with_any(list(branch)) for branch in av[1])
    if op in _REPEATS:
        body = list(av[2])
        return [entry[0] for entry in body] == [sre.ANY] or _leads_with_any(body)
    return False


def _required(items: list[tuple[Any, Any]]) -> tuple[str, ...] | None:
    """The most selective literals one of which a match of this parsed sequence contains."""
    found: list[tuple[str, ...] | None] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        found.append((run,) if run else None)
        run = ""
        if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            found.append(_required(list(av[3])))
        elif _ATOMIC_GROUP is not None and op is _ATOMIC_GROUP:
            found.append(_required(list(av)))
        elif op is sre.BRANCH:
            found.append(_any_branch(av[1]))
        elif op in _REPEATS and av[0] >= 1:  # a repeat that must match at least once
            found.append(_required(list(av[2])))
    found.append((run,) if run else None)
    known = [literals for literals in found if literals]
    return max(known, key=lambda literals: (min(map(len, literals)), -len(literals)), default=None)


def _any_branch(branches: list[Any]) -> tuple[str, ...] | None:
    """One literal of each alternative, when every alternative has some."""
    found: list[str] = []
    for branch in branches:
        literals = _required(list(branch))
        if literals is None:
            return None
        found += literals
    return tuple(found)


def window_reach(rules: Iterable[Rule]) -> tuple[float, float]:
    """(head, tail): none of these rules applies to a paragraph at index >= head and more than tail
    from the end (count - index > tail), as no head or tail window of theirs takes it in; infinite
    when one has no window."""
    head = tail = 0
    for rule in rules:
        if not rule.windowed:
            return math.inf, math.inf
        head, tail = max(head, rule.head or 0), max(tail, rule.tail or 0)
    return head, tail


def _may_start(rule: Rule, char: str) -> bool:
    return rule.first_char is None or rule.first_char.fullmatch(char) is not None


# Up to this many literals, a span screen tests each with `in` rather than search one regex for all.
_FEW_LITERALS = 4

# A rule as the paragraph loop reads it: (requires, windowed, its probe's test, pattern.fullmatch,
# rule), looked up once per rule set instead of once per paragraph and rule.
_Search = Callable[[str], "re.Match[str] | None"]
Candidate = tuple[str | None, bool, Callable[[str], object] | None, _Search, Rule]


@dataclass(frozen=True)
class Selection:
    """The rules that apply to one kind of article (a language; all rules or only the head/tail
    ones), and, per paragraph length, the paragraph rules whose max_words admits it, in order."""

    span_rules: tuple[Rule, ...]
    paragraph_rules: tuple[Rule, ...]
    _for_words: dict[int, tuple[Candidate, ...]] = field(default_factory=dict, compare=False, repr=False)
    _for_start: dict[tuple[int, str], tuple[Candidate, ...]] = field(default_factory=dict, compare=False, repr=False)
    _reach: dict[int, tuple[float, float]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def span_checks(self) -> tuple[tuple[Rule, str | None, tuple[str, ...] | None, bool], ...]:
        """Each span rule as the paragraph loop checks it: (rule, its one literal or None, its
        literals, whether a window or max_words bounds where it applies)."""
        return tuple(
            (r, r.literals[0] if r.literals and len(r.literals) == 1 else None, r.literals,
             r.windowed or r.max_words is not None)
            for r in self.span_rules
        )  # fmt: skip

    @cached_property
    def span_reach(self) -> tuple[float, float]:
        return window_reach(self.span_rules)

    @cached_property
    def paragraph_reach(self) -> tuple[float, float]:
        """window_reach of every paragraph rule here: no paragraph length reaches further (reach)."""
        return window_reach(self.paragraph_rules)

    @cached_property
    def all_windowed(self) -> bool:
        """Whether every paragraph rule here has a head or tail window (the re-check's rules)."""
        return all(r.windowed for r in self.paragraph_rules)

    def reach(self, words: int) -> tuple[float, float]:
        """window_reach of the paragraph rules that a paragraph of this many words may meet."""
        band = bisect_left(self._limits, words)
        found = self._reach.get(band)
        if found is None:
            found = self._reach[band] = window_reach(c[4] for c in self.for_words(words))
        return found

    @cached_property
    def span_screen(self) -> Callable[[str], object] | None:
        """Whether a text holds any literal of any span rule, when every span rule has some
        (span_literals): a paragraph it finds nothing in is left as it is. Many literals: one regex
        search instead of one per literal; a few (the re-check's rules): `in` tests, as sre's search
        for an alternation tries each position in turn (5 us for two literals in 500 characters, the
        two `in` tests 0.3 us; issue 27)."""
        needed = [r.literals for r in self.span_rules]
        if not needed or not all(needed):
            return None
        literals = tuple(dict.fromkeys(one for some in needed if some for one in some))
        if len(literals) <= _FEW_LITERALS:
            return lambda text: holds_any(text, literals)
        return re.compile("|".join(re.escape(one) for one in literals)).search

    @cached_property
    def _limits(self) -> list[int]:
        return sorted({r.max_words for r in self.paragraph_rules if r.max_words is not None})

    def for_words(self, words: int) -> tuple[Candidate, ...]:
        """The paragraph rules (in file order) that a paragraph of this many words may meet."""
        band = bisect_left(self._limits, words)  # lengths between two max_words limits meet the same rules
        found = self._for_words.get(band)
        if found is None:
            found = self._for_words[band] = tuple(
                (r.requires, r.windowed, r.probe.test if r.probe is not None else None, r.pattern.fullmatch, r)
                for r in self.paragraph_rules
                if r.max_words is None or words <= r.max_words
            )
        return found

    def candidates(self, text: str, words: int) -> tuple[Candidate, ...]:
        """The paragraph rules (in file order) that may match the whole of a text of this many
        words: for_words, less those whose matches cannot start with the text's first character
        (most prose skips most rules without running their patterns)."""
        key = (bisect_left(self._limits, words), text[:1])
        found = self._for_start.get(key)
        if found is None:
            found = self._for_start[key] = tuple(
                c for c in self.for_words(words) if not text or _may_start(c[4], text[0])
            )
        return found

    def first_match(
        self, text: str, words: int, at: tuple[int, int] | None = None
    ) -> tuple[Rule, re.Match[str]] | None:
        """The first paragraph rule (in file order) whose pattern matches the whole text, with its
        match; `at` = (index, count) of the paragraph also checks head/tail windows (None: windows
        aside)."""
        for requires, windowed, probe, fullmatch, rule in self.candidates(text, words):
            if requires is not None and requires not in text:
                continue
            if at is not None and windowed and not rule.applies_at(at[0], at[1], words):
                continue
            if probe is not None and not probe(text):
                continue
            match = fullmatch(text)
            if match:
                return rule, match
        return None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    header: HeaderPatterns
    page_dump: PageDumpSettings = SHIPPED.page_dump
    comment_thread: CommentThreadPatterns = CommentThreadPatterns()
    # Per-language selections, filled on first use: one per rule set (so per cleaner), never shared.
    _selections: dict[tuple[str | None, bool], Selection] = field(default_factory=dict, compare=False, repr=False)

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

    def selection(self, language: str | None, windowed_only: bool = False) -> Selection:
        """The rules for an article in this language (only the head/tail ones when windowed_only),
        in file order, with their screens; built on first use and kept with the rule set."""
        key = (language, windowed_only)
        selected = self._selections.get(key)
        if selected is None:

            def wanted(rule: Rule) -> bool:
                return rule.applies_to(language) and (rule.windowed or not windowed_only)

            selected = self._selections[key] = Selection(
                tuple(filter(wanted, self.span_rules)), tuple(filter(wanted, self.paragraph_rules))
            )
        return selected

    def noise_rule(self, text: str, words: int, language: str | None = None) -> Rule | None:
        """The first paragraph rule whose pattern matches the whole text, windows aside."""
        found = self.selection(language).first_match(text, words)
        return found[0] if found else None


def default_rules_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "rules.yaml"))


def shipped_rules_paths() -> list[Path]:
    """rules.yaml (every language), then one file per language (rules_de.yaml, ...)."""
    main = default_rules_path()
    return [main, *sorted(main.parent.glob("rules_*.yaml"))]


def load_rules(extra: list[Path | str] | None = None, page_dump_settings: PageDumpSettings | None = None) -> RuleSet:
    """The shipped rules, then each extra file in order; an extra rule with a known id replaces it.
    Page-dump settings come from the settings (pipeline/data/settings.yaml); a rules file's own
    `page_dump:` section still changes them, as before they moved there."""
    raw_rules: dict[str, dict[str, Any]] = {}
    header: dict[str, list[str]] = {"bylines": [], "datelines": [], "inline_datelines": []}
    page_dump: dict[str, Any] = {}
    thread: dict[str, list[str]] = {"buttons": [], "signatures": [], "timestamps": []}
    for path in [*shipped_rules_paths(), *(extra or [])]:
        data = read_mapping(path, RulesError, "rules", "a mapping with a 'rules' list")
        check_rules_file(path, data)
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
        page_dump=replace(page_dump_settings or SHIPPED.page_dump, **page_dump),
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


# A rules file's top-level keys, and what each holds.
_PATTERN_LISTS = ("bylines", "datelines", "inline_datelines")
_FILE_KEYS = ("rules", "languages", "page_dump", "comment_thread", *_PATTERN_LISTS)
# A rule's keys by type; scope, where, ends_article and languages are read (and checked) by _compile_rule.
_RULE_TEXT = ("category", "pattern", "scope", "where", "requires")
_RULE_FLAGS = ("ignore_case", "enabled")
_RULE_COUNTS = ("max_words", "takes_previous", "takes_next")
_RULE_KEYS = ("id", "ends_article", "languages", *_RULE_TEXT, *_RULE_FLAGS, *_RULE_COUNTS)


def check_rules_file(path: Path | str, data: dict[str, Any]) -> None:
    """Every key of a rules file of the expected type, before any rule is used: a RulesError
    naming the file and the key otherwise (a bad value must not fail a batch halfway)."""
    unknown = sorted(str(key) for key in data if key not in _FILE_KEYS)
    if unknown:
        raise RulesError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(_FILE_KEYS)})")
    for key in _PATTERN_LISTS:
        _check_texts(path, key, data.get(key))
    _check_mapping(path, "comment_thread", data.get("comment_thread"))
    for key, patterns in (data.get("comment_thread") or {}).items():
        _check_texts(path, f"comment_thread.{key}", patterns)
    _check_page_dump(path, data.get("page_dump"))
    rules = data.get("rules")
    if rules is not None and not isinstance(rules, list):
        raise RulesError(f"{path}: rules: expected a list of rules, got {rules!r}")
    for entry in rules or []:
        if isinstance(entry, dict) and "id" in entry:
            _check_rule(f"{path}: rule {entry['id']}", entry)


def _check_mapping(path: Path | str, key: str, value: Any) -> None:
    if value is not None and not isinstance(value, dict):
        raise RulesError(f"{path}: {key}: expected a mapping, got {value!r}")


def _check_texts(path: Path | str, key: str, value: Any) -> None:
    if value is not None and (not isinstance(value, list) or not all(isinstance(item, str) for item in value)):
        raise RulesError(f"{path}: {key}: expected a list of patterns (text), got {value!r}")


def _check_page_dump(path: Path | str, section: Any) -> None:
    _check_mapping(path, "page_dump", section)
    kinds = {item.name: item.type for item in fields(PageDumpSettings)}
    for key, value in (section or {}).items():
        if key not in kinds:
            raise RulesError(f"{path}: page_dump: unknown setting {key!r} (known: {', '.join(sorted(kinds))})")
        try:
            check_value(path, f"page_dump.{key}", kinds[key], value)
        except SettingsError as exc:
            raise RulesError(str(exc)) from None


def _check_rule(where: str, entry: dict[str, Any]) -> None:
    unknown = sorted(str(key) for key in entry if key not in _RULE_KEYS)
    if unknown:
        raise RulesError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_RULE_KEYS)})")
    if isinstance(entry["id"], (bool, list, dict)) or entry["id"] is None:
        raise RulesError(f"{where}: id: expected a name, got {entry['id']!r}")
    for key, value in entry.items():
        if value is None and key in ("requires", *_RULE_COUNTS):  # optional: null is "not set"
            continue
        if key in _RULE_TEXT and not isinstance(value, str):
            raise RulesError(f"{where}: {key}: expected text, got {value!r}")
        if key in _RULE_FLAGS and not isinstance(value, bool):
            raise RulesError(f"{where}: {key}: expected true or false, got {value!r}")
        if key in _RULE_COUNTS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise RulesError(f"{where}: {key}: expected a whole number, 0 or more, got {value!r}")


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
    if category not in CATEGORIES:  # the report, views and vetoes group removals by these names
        raise RulesError(f"{where}: category must be one of {CATEGORIES}, not {category!r}")
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
        if (
            not isinstance(languages, list)
            or not languages
            or not all(_LANGUAGE_CODE.fullmatch(str(code)) for code in languages)
        ):
            raise RulesError(f"{where}: languages must be a list of ISO 639-1 codes like [de, fr], not {languages!r}")
    return Rule(
        first_char=first_char_probe(pattern) if scope == "paragraph" else None,
        literals=(str(requires),) if requires else span_literals(pattern) if scope == "span" else None,
        probe=literal_probe(pattern) if scope == "paragraph" else None,
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
