"""Issue 27 (text-cleaning CPU), third pass: each cheaper path gives what the code it replaced gave.
printable() against str.isprintable and has_digit() against a \\d search, over every code point;
the ISO date check against strptime; a rule's literal probe as the loop runs it against the probe's
search; the span screen of a few literals against the regex of them; needs_digit against the
matches of the shipped byline patterns; Removal's own __init__ against the dataclass it stays;
the cleaner's step list read once against a list changed between articles; a file read in chunks
against its bytes; a file name's suffix against its Path's."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import pickle
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import Cleaner, RawArticle, read_file
from pipeline.clean.dates import _valid_iso_date
from pipeline.clean.rules import Rule, Selection, literal_probe, load_rules, needs_digit, required_literals
from pipeline.clean.steps import ApplyRules, _rule_places
from pipeline.core.document import Removal
from pipeline.core.text import has_digit, printable
from pipeline.ingest.readers import READ_CHUNK, ReadError, _suffix

from .test_first_char import _texts
from .test_text_clean_fast_paths import BYLINE_LINES

RULES = load_rules()  # once: loading compiles every pattern
CODE_POINTS = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
TEXTS = st.text(alphabet=st.sampled_from("aZ 09٣\t\n\x7f\x00é©Kſ\u212a.:|"), max_size=30)


def test_printable_is_isprintable_for_every_code_point() -> None:
    for char in CODE_POINTS:
        assert printable(char) == char.isprintable(), hex(ord(char))
        assert printable(f"ab{char}cd") == f"ab{char}cd".isprintable(), hex(ord(char))
    assert printable("") is True


def test_has_digit_is_a_digit_search_for_every_code_point() -> None:
    digit = re.compile(r"\d")
    for char in CODE_POINTS:
        assert has_digit(f"ab{char}") == bool(digit.search(f"ab{char}")), hex(ord(char))


@given(TEXTS)
def test_printable_and_has_digit_on_texts(text: str) -> None:
    assert printable(text) == text.isprintable()
    assert has_digit(text) == bool(re.search(r"\d", text))


def _strptime_date(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("year", ["0000", "0001", "0999", "1900", "2000", "2023", "2024", "2100", "9999", "٢٠٢٤"])
def test_the_iso_date_check_is_strptime(year: str) -> None:
    for month in [*(f"{m:02d}" for m in range(100)), "٠٣"]:
        for day in [*(f"{d:02d}" for d in range(100)), "١٥"]:
            value = f"{year}-{month}-{day}"
            assert _valid_iso_date(value) == _strptime_date(value), value


# Case variants and neighbours of the shipped probes' literals, in ASCII and not.
PROBE_TEXTS = st.lists(
    st.sampled_from(
        ["All rights reserved", "ALL RIGHTS RESERVED", "all rightſ reserved", "App", "APP", "Lizenz", "LIZENZ",
         "contributed ", "Contributed ", "Enter your E", "Tous droits réservés", "TOUS DROITS RÉSERVÉS", "é", "x",
         "Getty Images", "AFP", "Reuters", "\u212a", " "]
    ),
    max_size=6,
).map("".join)  # fmt: skip


@given(PROBE_TEXTS)
@settings(max_examples=500, deadline=None)
def test_each_shipped_probe_as_run_finds_what_its_search_finds(text: str) -> None:
    for rule in RULES.rules:
        if rule.probe is not None:
            assert bool(rule.probe.test(text)) == bool(rule.probe.pattern.search(text)), (rule.id, text)


@pytest.mark.parametrize(
    ("pattern", "flags", "lowered"),
    [
        (r".{0,20}\bAll rights reserved", re.IGNORECASE, ("all rights reserved",)),
        (r".{0,20}\bAll rights reserved", 0, None),  # case kept: the pattern's search
        (r".{0,20}\bTous droits réservés", re.IGNORECASE, None),  # a literal beyond ASCII: sre folds its case
        (r".{0,20}(?:Getty Images|AFP)", re.IGNORECASE, ("getty images", "afp")),
    ],
)
def test_a_probe_is_made_once_from_its_rules_literals_and_flags(pattern: str, flags: int, lowered: object) -> None:
    """The probe's pattern, and the lowered literals of its `in` tests, come from the rule's own
    pattern when the rules load; a pickled probe is made again from its literals and flags."""
    compiled = re.compile(pattern, flags)
    probe = literal_probe(compiled)
    assert probe is not None and probe.literals == required_literals(compiled) and probe.flags == compiled.flags
    assert probe.pattern.pattern == "|".join(map(re.escape, probe.literals)) and probe.lowered == lowered
    assert (probe.test == probe.pattern.search) == (lowered is None)  # `in` tests only where lowered
    copy = pickle.loads(pickle.dumps(probe))
    assert copy == probe and copy.lowered == probe.lowered
    for text in ("ALL RIGHTS RESERVED", "all rights", "TOUS DROITS RÉSERVÉS", "© AFP", "\u212a"):
        assert bool(copy.test(text)) == bool(probe.pattern.search(text)) == bool(probe.test(text))
    assert Rule("x", "agency", compiled, probe=probe) == Rule("x", "agency", compiled)  # not the rule's identity


SCREENED = st.lists(st.sampled_from(["Associated Press", "Thomson Reuters", "Press", "x", "©", ":"]), max_size=4)


@given(SCREENED.map(" ".join))
def test_the_span_screen_of_a_few_literals_finds_what_their_regex_finds(text: str) -> None:
    for selection in (RULES.selection(None, True), RULES.selection("en", True)):
        screen = selection.span_screen
        assert screen is not None
        literals = [one for rule in selection.span_rules for one in rule.literals or ()]
        assert 0 < len(literals) <= 4  # the re-check's: tested with `in`
        assert bool(screen(text)) == bool(re.search("|".join(map(re.escape, literals)), text))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d{4}", True),
        (r"(?:Datum|Fecha): \d", True),
        (r"a|\d", False),
        (r"\d?x", False),
        (r"[0-9]+", True),
        (r"[0-9a]", False),
        (r"[^\d]", False),
        (r"(?:x\d|\d{2}y)z", True),
        (r"(?i:jan)\w*", False),
        (r"5", True),
        (r"\D", False),
    ],
)
def test_needs_digit(pattern: str, expected: bool) -> None:
    assert needs_digit(re.compile(pattern)) is expected


def test_every_byline_match_holds_a_digit_where_its_pattern_needs_one() -> None:
    header = RULES.header
    needing = [pattern for pattern, _, needs in header.screened_bylines if needs]
    assert needing  # the date byline
    matched = 0
    for line in [*_texts(), *BYLINE_LINES]:
        for pattern in needing:
            if pattern.fullmatch(line):
                matched += 1
                assert has_digit(line), (pattern.pattern, line)
    assert matched >= 3


def test_removal_is_still_the_frozen_dataclass() -> None:
    removal = Removal("rule", "ad", "text", 3, "span")
    assert removal == Removal(rule="rule", category="ad", text="text", position=3, scope="span", score=None)
    assert hash(removal) == hash(Removal("rule", "ad", "text", 3, "span"))
    assert Removal("r", "ad", "t", 1).scope == "paragraph" and Removal("r", "ad", "t", 1).score is None
    assert dataclasses.replace(removal, text="other").text == "other"
    assert pickle.loads(pickle.dumps(removal)) == removal
    assert dataclasses.astuple(removal) == ("rule", "ad", "text", 3, "span", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        removal.text = "changed"  # type: ignore[misc]


def test_the_step_list_is_read_when_the_cleaner_is_built_and_cannot_change_under_it() -> None:
    cleaner = Cleaner.from_files()
    body = "A title of the piece\n\nAdvertisement\n\nThe body of the piece goes on."
    raw = RawArticle(source_file="a.txt", text=body)
    assert "apply_rules" in cleaner.clean(raw).removed_by_step
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaner.steps = []  # type: ignore[misc]
    with pytest.raises(TypeError):
        cleaner.steps[0] = cleaner.steps[1]  # type: ignore[index]
    without = dataclasses.replace(cleaner, steps=[step for step in cleaner.steps if not isinstance(step, ApplyRules)])
    assert "apply_rules" not in without.clean(raw).removed_by_step
    assert "apply_rules" in cleaner.clean(raw).removed_by_step  # the first cleaner keeps its list
    seen: list[str] = []
    recorder = dataclasses.replace(cleaner, steps=[lambda article: seen.append(article.source_file)], stats={})
    assert recorder.clean(raw).removed_by_step.keys() == {"parse", "function", "recheck_windowed_rules"}
    assert seen == ["a.txt"] and "function" not in cleaner.stats


@pytest.mark.parametrize("gz", [False, True])
def test_a_file_of_many_chunks_is_read_whole_and_the_cap_still_holds(tmp_path: Path, gz: bool) -> None:
    text = "word " * (3 * READ_CHUNK // 5) + "end"
    path = tmp_path / ("big.txt.gz" if gz else "big.txt")
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    [article] = read_file(path)
    assert isinstance(article, RawArticle) and article.text == text
    [refused] = read_file(path, max_bytes=2 * READ_CHUNK)
    assert isinstance(refused, ReadError) and "larger than" in refused.reason


@pytest.mark.parametrize("language", [None, "en", "de"])
def test_the_recheck_visits_every_paragraph_a_window_takes_in(language: str | None) -> None:
    selection: Selection = RULES.selection(language, True)
    for count in range(0, 40):
        places = set(_rule_places(selection, count))
        for index in range(count):
            for words in (1, 5, 10, 30, 50, 100):
                head, tail = selection.reach(words)
                if index < head or count - index <= tail:
                    assert index in places, (count, index, words)


def test_a_name_s_suffix_is_the_one_its_path_has() -> None:
    alphabet = ["a", ".", "x", "txt", " ", "\\", "..", "/", ".gz", "é"]
    names = ["".join(parts) for size in range(5) for parts in itertools.product(alphabet, repeat=size)]
    for name in names:
        assert _suffix(name) == Path(name).suffix, repr(name)
