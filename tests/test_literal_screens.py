"""The literal screens of rules (rules.required_literals): a span rule is not run on a paragraph
holding none of the literals its matches must contain, and a paragraph rule that may start
anywhere is not tried where its literal probe finds nothing. Neither may ever skip a match."""

from __future__ import annotations

import re

import pytest

from pipeline.clean.rules import literal_probe, load_rules, required_literals, span_literals

from .test_first_char import _texts
from .test_language_rules import CASES as LANGUAGE_CASES
from .test_rules import CASES


@pytest.mark.parametrize(
    ("pattern", "flags", "literals"),
    [
        (r"Share this", 0, ("Share this",)),
        (r"(?:Posted by|Published by) .{1,40}? View all", 0, (" View all",)),
        (r"(?:Posted by|Published on) \w+", 0, ("osted by", "ublished on")),
        (r"(?:Bewerten:\s*)?Teilen(?: Sie dies)? mit:", 0, ("Teilen",)),
        (r".{0,250}\bcontributed (?:reporting )?to this (?:report|story)", 0, ("contributed ",)),
        (r"(?:ab)+cd", 0, ("ab",)),
        (r"x(?i:Foo)", 0, ("x",)),  # the case-insensitive group is not read
        (r"\w+ \d+", 0, (" ",)),
    ],
)
def test_required_literals(pattern: str, flags: int, literals: tuple[str, ...]) -> None:
    assert required_literals(re.compile(pattern, flags)) == literals


@pytest.mark.parametrize("pattern", [r"\w+", r"(?:ab)?\d", r"a|\d", r"(?=Foo)\w+", r"(?i:foo)"])
def test_no_literals_when_a_match_may_hold_none(pattern: str) -> None:
    assert required_literals(re.compile(pattern)) is None


def test_span_literals_refuse_case_insensitive_patterns() -> None:
    assert span_literals(re.compile("Foo bar", re.IGNORECASE)) is None


def test_probe_only_for_patterns_that_may_start_anywhere() -> None:
    assert literal_probe(re.compile(r"Share this .{0,20}")) is None  # anchored: fails at its start
    probe = literal_probe(re.compile(r".{0,120}\bAll rights reserved\.?", re.IGNORECASE))
    assert probe is not None and probe.test("© 2024 ACME. ALL RIGHTS RESERVED")
    assert not probe.test("The rights of all were reserved.")


def test_every_shipped_rule_match_passes_its_literal_screen() -> None:
    """Wherever a shipped rule matches a line of the test fixtures or a must-go or must-survive line
    of the rule tests (a span rule anywhere in it, a paragraph rule the whole of it), its literals
    are there."""
    rules = load_rules().rules
    assert any(r.probe for r in rules) and any(r.literals for r in rules if r.scope == "span")
    matched = 0
    lines = [line for case in [*CASES, *LANGUAGE_CASES] for line in case[-2:]]
    for text in [*_texts(), *lines]:
        for rule in rules:
            if rule.scope == "span" and rule.literals and rule.pattern.search(text):
                matched += 1
                assert any(literal in text for literal in rule.literals), (rule.id, text)
            if rule.probe is not None and rule.pattern.fullmatch(text):
                matched += 1
                assert rule.probe.test(text), (rule.id, text)
    assert matched >= 20
