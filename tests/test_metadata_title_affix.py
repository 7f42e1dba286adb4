"""Issue 24: a title prefix/suffix a source's titles share ("… | Example Times") is learned per source
in the learn pass, like its boilerplate lines, and removed from the title in the clean pass
(clean/learned.py: title_affix_keys, StripLearnedTitleAffix), audited as rule learned:<source>."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline import Cleaner, RawArticle
from pipeline.clean.learned import StripLearnedTitleAffix, line_hash, title_affix_keys
from pipeline.core.settings import SHIPPED
from pipeline.run.runner import run_batch
from pipeline.store.line_stats import learned_rules

WORDS = "harbor market school garden bridge river council ferry budget road steel lanes".split()


@pytest.mark.parametrize(
    ("title", "keys"),
    [
        ("Bridge to be rebuilt | Example Times", ["title suffix: Example Times", "title prefix: Bridge to be rebuilt"]),
        ("Opinion – Bridge to be rebuilt", ["title suffix: Bridge to be rebuilt", "title prefix: Opinion"]),
        ("Opinion: Bridge to be rebuilt", []),  # a colon after a word is the headline's own
        ("Bridge to be rebuilt", []),  # no separator: no segment
        (None, []),
        # a segment of more than 6 words is part of the headline, not a label
        ("Bridge | the council said it would rebuild the bridge", ["title prefix: Bridge"]),
    ],
)
def test_title_affix_keys(title: str | None, keys: list[str]) -> None:
    assert title_affix_keys(title, SHIPPED.learned) == keys


def learned_suffix(source: str, key: str = "title suffix: Example Times") -> StripLearnedTitleAffix:
    return StripLearnedTitleAffix({source: frozenset({line_hash(key)})})


@pytest.mark.parametrize(
    ("title", "source", "kept", "removed"),
    [
        ("Bridge to be rebuilt | Example Times", "example.org", "Bridge to be rebuilt", "Example Times"),
        # the same key after normalization; the removal holds the title's own text
        ("Bridge to be rebuilt – EXAMPLE TIMES", "example.org", "Bridge to be rebuilt", "EXAMPLE TIMES"),
        ("Bridge to be rebuilt | Example Times", "other.org", "Bridge to be rebuilt | Example Times", None),
        ("Bridge to be rebuilt | Example Post", "example.org", "Bridge to be rebuilt | Example Post", None),
        ("Example Times", "example.org", "Example Times", None),  # a title that is only the segment stays
    ],
)
def test_a_learned_suffix_leaves_the_title(title: str, source: str, kept: str, removed: str | None) -> None:
    cleaner = Cleaner.from_files()
    article = cleaner.clean(RawArticle(source_file="a.jsonl", text="The council voted.", title=title, source=source))
    learned_suffix("example.org")(article)
    assert article.title == kept
    removals = [(r.rule, r.text) for r in article.removed if r.rule.startswith("learned:")]
    assert removals == ([("learned:example.org", f"title suffix: {removed}")] if removed else [])


def write_batch(folder: Path, rng: random.Random) -> Path:
    """One source whose 8 titles end with its name, another whose titles end with their section."""
    folder.mkdir()
    records = []
    for number in range(8):
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(20)).capitalize() + "." for _ in range(3))
        headline = f"Story {number} about the {rng.choice(WORDS)} and the {rng.choice(WORDS)}"
        records.append({"source": "example.org", "title": f"{headline} | Example Times", "text": body})
        section = ("Sport", "Politics", "Culture", "Weather", "Travel", "Money", "Science", "Food")[number]
        records.append({"source": "other.org", "title": f"{headline} | {section}", "text": body + " Other."})
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def test_a_source_suffix_is_learned_and_removed_in_one_batch(engine: sa.Engine, tmp_path: Path) -> None:
    run_batch(engine, write_batch(tmp_path / "batch", random.Random(5)), "2024-03-01")
    with engine.connect() as connection:
        titles: dict[str, list[str]] = dict(
            connection.execute(sa.text("SELECT source, array_agg(title ORDER BY title) FROM articles GROUP BY 1")).all()
        )
        removed = connection.execute(
            sa.text("SELECT rule, text, count(*) FROM removals WHERE rule LIKE 'learned:%' GROUP BY 1, 2")
        ).all()
    assert len(titles["example.org"]) == 8 and not any("Example Times" in title for title in titles["example.org"])
    assert all(title.startswith("Story ") for title in titles["example.org"])
    assert all(" | " in title for title in titles["other.org"])  # every section once: nothing learned
    assert removed == [("learned:example.org", "title suffix: Example Times", 8)]
    learned = {(source, sample) for source, _, _, _, sample in learned_rules(engine)}
    assert learned == {("example.org", "title suffix: Example Times")}
