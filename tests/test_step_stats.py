"""Steps keep counts: each article's removals per step add up to its audit, step by step, and the
cleaner's counters (Cleaner.stats) add up over the articles it cleaned."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline import Cleaner, RawArticle, read_file
from pipeline.clean.steps import ParagraphFilter, StepStats, Verdict
from pipeline.core.document import Article, Paragraph, Removal
from pipeline.ingest.readers import ReadError

from .conftest import FIXTURES, SHARED, cli_json

GOLDEN = FIXTURES / "golden"
INPUTS = sorted([*(FIXTURES / "articles").glob("*.txt"), *GOLDEN.glob("*.html"), *GOLDEN.glob("*.txt")])
SEEDS = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").exists() else []


def owner(removal: Removal) -> str:
    """The step that records each kind of removal (the recheck round's rules count as rules)."""
    if removal.rule.startswith("html."):
        return "parse"
    if removal.rule.startswith("page."):
        return "keep_article_region"
    if removal.rule.startswith("learned:"):
        return "drop_learned_boilerplate"
    if removal.rule == "model.furniture":  # issue 23: the paragraph furniture model
        return "drop_model_furniture"
    if removal.rule == "repeat.span":
        return "collapse_repeated_span"
    if removal.rule == "repeat.title":
        return "extract_header" if removal.scope == "line" else "drop_title_repeats"
    if removal.rule in ("repeat.exact", "repeat.near"):
        return "drop_duplicate_paragraphs"
    return "apply_rules"


def by_owner(counts: dict[str, int]) -> Counter[str]:
    merged: Counter[str] = Counter()
    for name, count in counts.items():
        merged["apply_rules" if name == "recheck_windowed_rules" else name] += count
    return +merged


def clean_file(cleaner: Cleaner, path: Path) -> list[Article]:
    return [cleaner.clean(r) for r in read_file(path, path.name) if not isinstance(r, ReadError)]


@pytest.mark.parametrize("path", [*INPUTS, *SEEDS], ids=lambda p: p.name)
def test_counts_per_step_equal_the_audit_per_rule(path: Path) -> None:
    cleaner = Cleaner.from_files()
    articles = clean_file(cleaner, path)
    assert articles
    for article in articles:
        assert sum(article.removed_by_step.values()) == len(article.removed)
        assert by_owner(article.removed_by_step) == Counter(owner(r) for r in article.removed)
    # the cleaner's counters are the sums over its articles
    total: Counter[str] = Counter()
    for article in articles:
        total.update(article.removed_by_step)
    assert {name: stats.removed for name, stats in cleaner.stats.items() if stats.removed} == +total


def test_every_fixture_removes_something_and_the_counters_see_it() -> None:
    cleaner = Cleaner.from_files()
    for path in INPUTS:
        clean_file(cleaner, path)
    removed = {name: stats.removed for name, stats in cleaner.stats.items()}
    for name in ("apply_rules", "extract_header", "parse", "collapse_repeated_span"):
        assert removed[name] > 0, name
    assert all(stats.seconds >= 0 for stats in cleaner.stats.values())


def test_steps_that_run_once_are_not_repeated_in_recheck_rounds() -> None:
    cleaner = Cleaner.from_files()
    articles = [article for path in INPUTS for article in clean_file(cleaner, path)]
    runs = {name: stats.runs for name, stats in cleaner.stats.items()}
    for name in ("parse", "keep_article_region", "detect_language", "extract_header"):
        assert runs[name] == len(articles), name
    # collapse_repeated_span runs before the header and again with the rules
    assert runs["collapse_repeated_span"] >= 2 * len(articles)
    assert runs["apply_rules"] >= len(articles) and runs["recheck_windowed_rules"] >= len(articles)


class DropShouting(ParagraphFilter):
    """A paragraph filter as a user would write one: all-caps paragraphs go."""

    name: ClassVar[str] = "drop_shouting"

    def judge(self, article: Article) -> Callable[[Paragraph], Verdict]:
        return lambda p: ("custom.shouting", "furniture") if p.text.isupper() else None


def test_a_paragraph_filter_owns_the_loop_and_is_counted_under_its_name() -> None:
    shipped = Cleaner.from_files()
    cleaner = dataclasses.replace(shipped, steps=[*shipped.steps, DropShouting()])
    text = "\n\n".join(
        [
            "The harbour authority said on Monday that the new wall would be finished by the spring.",
            "THE MAYOR SPEAKS TO THE PRESS AT NOON",
            "Engineers said the old wall had been damaged by the storms of the last two winters.",
        ]
    )
    article = cleaner.clean(RawArticle(source_file="a.txt", text=text))
    assert [r.rule for r in article.removed] == ["custom.shouting"]
    assert article.removed_by_step["drop_shouting"] == 1
    stats = cleaner.stats["drop_shouting"]
    assert stats == StepStats(removed=1, seconds=stats.seconds, runs=1)
    assert "MAYOR" not in article.body


def test_clean_json_has_steps_adding_up_to_removed() -> None:
    for path in INPUTS[:3]:
        for got in cli_json(str(path)):
            assert list(got["steps"])[0] == "parse"
            assert sum(got["steps"].values()) == len(got["removed"])
            json.dumps(got["steps"])  # plain counts, no timings: the output stays deterministic
