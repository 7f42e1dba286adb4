"""The first-character screen of paragraph rules (rules.first_char_probe): a rule is skipped for a
paragraph only when no match of its pattern can start with the paragraph's first character."""

from __future__ import annotations

import re

import pytest

from pipeline.clean.rules import first_char_probe, load_rules

from .conftest import FIXTURES


@pytest.mark.parametrize(
    ("pattern", "flags", "starts", "not_starts"),
    [
        (r"Share this", 0, ["S"], ["s", "T"]),
        (r"Share this", re.IGNORECASE, ["S", "s"], ["T"]),
        (r"(?i:share)|Tweet", 0, ["S", "s", "T"], ["t", "x"]),
        (r"\[?(?:Read more|Related)", 0, ["[", "R"], ["r", " "]),
        (r"#?\d*\s*Comments", 0, ["#", "7", " ", "C"], ["c", "x"]),
        (r"[^|\d][^|]{1,4}\|", 0, ["a", "]"], ["|", "5"]),
        (r"[\]\-^a-c]x", 0, ["]", "-", "^", "b"], ["d", "\\"]),
        (r".{0,120}\bAll rights reserved", 0, ["x", "A", " "], ["\n"]),
        (r"(?s:.)x", 0, ["\n", "x"], []),
        # Unicode case folding is the regex engine's: the Kelvin sign matches k case-insensitively.
        (r"km", re.IGNORECASE, ["k", "K", "\u212a"], ["m"]),
        (r"(?=Foo)\w+", 0, ["F", "b", "_"], [" "]),
        (r"(?>Foo|Bar)baz", 0, ["F", "B"], ["b"]),
    ],
)
def test_probe_accepts_exactly_the_possible_first_characters(
    pattern: str, flags: int, starts: list[str], not_starts: list[str]
) -> None:
    probe = first_char_probe(re.compile(pattern, flags))
    assert probe is not None
    for char in starts:
        assert probe.fullmatch(char), (pattern, char)
    for char in not_starts:
        assert not probe.fullmatch(char), (pattern, char)


@pytest.mark.parametrize("pattern", [r"x*", r"(?:a|)b?", r"\b", r"(a)?\1x", r"(a)?(?(1)b|c)"])
def test_probe_is_none_when_the_start_cannot_be_told(pattern: str) -> None:
    """A pattern that can match the empty text has no first character; a backreference or a
    conditional group where the first character is decided is not read: every text is tried."""
    assert first_char_probe(re.compile(pattern)) is None


def test_a_backreference_after_the_first_character_is_fine() -> None:
    probe = first_char_probe(re.compile(r"(?P<x>a)b(?P=x)"))
    assert probe is not None and probe.fullmatch("a") and not probe.fullmatch("b")


def _texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html", ".jsonl", ".md"):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                line = " ".join(line.split())
                if line:
                    texts.append(line)
    return texts


def test_every_shipped_rule_match_passes_its_probe() -> None:
    """Wherever a shipped paragraph rule matches a line of the test fixtures, its probe accepts the
    line's first character (a probe that rejected it would have skipped a match)."""
    rules = [r for r in load_rules().paragraph_rules if r.first_char is not None]
    assert rules
    matched = 0
    for text in _texts():
        for rule in rules:
            if rule.pattern.fullmatch(text):
                matched += 1
                assert rule.first_char is not None and rule.first_char.fullmatch(text[0]), (rule.id, text)
    assert matched > 20
