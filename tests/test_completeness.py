"""Issue 23, item 4: an article cut by a paywall or a teaser is stored with complete = false and
the reason; the prompt itself is removed as paywall furniture (rules with id/category/languages,
audited); an article that merely mentions subscribing stays complete. The views and the report
show the share of incomplete articles per source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline import Cleaner, RawArticle
from pipeline.corpus.identity import content_hash
from pipeline.report.summary import load_report
from pipeline.run.runner import run_batch

from .conftest import ROOT

BODY = {
    "en": [
        "The city council approved the new budget on Monday after a six-hour debate that ran past midnight.",
        "Opposition members said the plan cut too deeply into library funding and promised to revisit it.",
    ],
    "de": [
        "Der Stadtrat hat am Montag nach einer sechsstündigen Debatte den neuen Haushalt für das Jahr beschlossen.",
        "Die Opposition kritisierte, dass der Plan zu stark bei den Bibliotheken spare, und kündigte Widerstand an.",
    ],
    "fr": [
        "Le conseil municipal a adopté lundi le nouveau budget après un débat de six heures qui s'est prolongé tard.",
        "L'opposition estime que le plan réduit trop les crédits des bibliothèques et promet de revenir à la charge.",
    ],
}  # fmt: skip

# (language, the prompt that cuts the article, the rule that removes it)
PROMPTS = [
    ("en", "To view the full story, subscribe to the Daily Courier today.", "en.paywall_teaser"),
    ("en", "Read the full article at courier.example.", "en.paywall_teaser"),
    ("en", "Subscribe to continue reading this story.", "en.paywall"),
    ("de", "Den vollständigen Artikel lesen Sie auf hafenblatt.example.", "de.paywall_teaser"),
    ("de", "Um den ganzen Artikel zu lesen, registrieren Sie sich kostenlos.", "de.paywall_teaser"),
    ("fr", "Lire l'article complet sur courrier.example.", "fr.paywall_teaser"),
    ("fr", "Pour lire l’intégralité de cet article, abonnez-vous dès maintenant.", "fr.paywall_teaser"),
]
# Prose that speaks of subscribing or of a full story: the article is whole.
MENTIONS = [
    ("en", "Readers who subscribe to the paper's print edition will get the full story of the vote on Sunday."),
    ("en", "The council said residents could read the full report at the town hall library from Tuesday."),
    ("de", "Wer die Zeitung abonnieren möchte, kann das künftig auch am Kiosk am Bahnhof tun, sagte der Verleger."),
    ("fr", "Les habitants peuvent lire l'article complet sur le panneau d'affichage de la mairie, a précisé le maire."),
]


def _clean(cleaner: Cleaner, language: str, last: str) -> tuple[bool, str | None, list[tuple[str, str, str]]]:
    text = "Council approves budget\n\n" + "\n\n".join([*BODY[language], last])
    article = cleaner.clean(RawArticle(source_file="story.txt", text=text))
    removed = [(r.rule, r.category, r.text) for r in article.removed]
    assert article.language == language
    return article.complete, article.incomplete_reason, removed


@pytest.mark.parametrize(("language", "prompt", "rule"), PROMPTS)
def test_a_paywall_prompt_is_removed_and_the_article_marked_incomplete(
    cleaner: Cleaner, language: str, prompt: str, rule: str
) -> None:
    complete, reason, removed = _clean(cleaner, language, prompt)
    assert (rule, "paywall", prompt) in removed
    assert not complete
    assert reason == f"paywall prompt removed ({rule})"


@pytest.mark.parametrize(("language", "mention"), MENTIONS)
def test_an_article_that_mentions_subscribing_stays_complete(cleaner: Cleaner, language: str, mention: str) -> None:
    complete, reason, removed = _clean(cleaner, language, mention)
    assert (complete, reason) == (True, None)
    assert all(category != "paywall" for _, category, _ in removed)


WORDS = (
    "council harbour budget river school bridge station market hospital museum festival farmers ferry court "
    "library tram airport housing energy water police teachers drivers workers parks roads taxes votes mayor "
    "engineers"
).split()


def _sentence(seed: int) -> str:
    """A sentence of 20 words of its own: no two are duplicates for the repetition step."""
    return "The " + " ".join(WORDS[(j * (seed + 2)) % len(WORDS)] for j in range(1, 20)) + "."


def _page(free: str, paragraphs: int) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Council approves budget",
                     "datePublished": "2024-05-02", "isAccessibleForFree": free})  # fmt: skip
    body = "".join(f"<p>{_sentence(i)}</p>" for i in range(paragraphs))
    return (
        f'<html><head><script type="application/ld+json">{ld}</script></head>'
        f"<body><article><h1>Council approves budget</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("free", "paragraphs", "complete"),
    [("False", 2, False), ("false", 3, False), ("False", 12, True), ("True", 2, True)],
)
def test_is_accessible_for_free_false_over_a_short_body_is_incomplete(
    cleaner: Cleaner, free: str, paragraphs: int, complete: bool
) -> None:
    article = cleaner.clean(RawArticle(source_file="story.html", html=_page(free, paragraphs)))
    assert article.complete is complete
    assert (article.incomplete_reason or "").startswith("" if complete else "isAccessibleForFree: false and ")


@pytest.fixture
def loaded(engine: sa.Engine, tmp_path: Path) -> sa.Engine:
    stories = [
        ("courier", "Council approves budget", PROMPTS[0][1]),
        ("courier", "Library cuts debated", MENTIONS[0][1]),
        ("herald", "Council approves budget", MENTIONS[1][1]),
    ]
    for number, (source, headline, last) in enumerate(stories):
        folder = tmp_path / "2024-05-02" / source
        folder.mkdir(parents=True, exist_ok=True)
        text = f"{headline}\n\n" + "\n\n".join([*BODY["en"], last])
        (folder / f"story{number}.txt").write_text(text, encoding="utf-8")
    run_batch(engine, tmp_path / "2024-05-02", "2024-05-02")
    return engine


def test_completeness_is_stored_and_shown_per_source(loaded: sa.Engine, db_url: sa.URL) -> None:
    with loaded.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT source, complete, incomplete_reason FROM clean_articles ORDER BY 1, 2")
        ).all()
        comments = connection.execute(
            sa.text(
                "SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname IN"
                " ('articles', 'clean_articles') AND a.attname IN ('page_type', 'complete', 'incomplete_reason')"
                " AND col_description(c.oid, a.attnum) IS NOT NULL"
            )
        ).scalar_one()
    assert [tuple(r) for r in rows] == [
        ("courier", False, "paywall prompt removed (en.paywall_teaser)"),
        ("courier", True, None),
        ("herald", True, None),
    ]
    assert comments == 6
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "query", "incomplete_share_per_source", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shares = {
        row["source"]: (row["incomplete"], float(row["incomplete_share"]))
        for row in map(json.loads, done.stdout.splitlines())
    }
    assert shares == {"courier": (1, 0.5), "herald": (0, 0.0)}
    report = load_report(loaded, "2024-05-02")
    assert report.incomplete_by_source == {"courier": (2, 1)}
    assert "incomplete:  courier: 1 of 2 articles cut by a paywall or a teaser (50%)" in report.render()


def test_articles_without_a_source_are_shown_as_unknown(engine: sa.Engine, tmp_path: Path) -> None:
    """A file at the batch's top has no source folder: the share per source names it '(unknown)',
    as the other per-source views do, not an empty cell."""
    batch = tmp_path / "2024-05-03"
    batch.mkdir()
    (batch / "story.txt").write_text("Council approves budget\n\n" + "\n\n".join([*BODY["en"], PROMPTS[0][1]]))
    run_batch(engine, batch, "2024-05-03")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM incomplete_articles_per_source")).all()
    assert [tuple(row) for row in rows] == [("(unknown)", 1, 1, 1)]


@pytest.mark.parametrize("field", ["complete", "incomplete_reason", "page_type"])
def test_the_content_hash_sees_completeness_and_page_type(cleaner: Cleaner, field: str) -> None:
    """A rerun rewrites an article whose flag changed (a new paywall rule, a new page-type model)
    even when its text did not: the flags are part of the article's JSON and so of its hash."""
    article = cleaner.clean(RawArticle(source_file="a.txt", text="A headline\n\n" + "Plain story text here. " * 20))
    before = content_hash(article.to_json())
    setattr(article, field, {"complete": False, "incomplete_reason": "paywall", "page_type": "listing"}[field])
    assert content_hash(article.to_json()) != before
