"""Issue 23, item 2: the trained paragraph furniture model (pipeline/clean/furniture.py), its
settings per input form and per source, its audit (rule model.furniture with its score) and its
training script (scripts/train_furniture.py)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import Cleaner, RawArticle
from pipeline.clean.furniture import (
    CATEGORY,
    FEATURES,
    MODEL_ENV,
    RULE,
    SHIPPED_MODEL,
    DropModelFurniture,
    current_model,
    furniture_scores,
    input_form,
    load_model,
    paragraph_features,
)
from pipeline.clean.provenance import cleaning_provenance
from pipeline.core.document import Article, Paragraph
from pipeline.core.settings import SHIPPED, Settings, SettingsError, load_settings

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
ALL_FORMS = {"html": True, "extracted": True, "dump": True}
# The shipped threshold (1.0: the inner folds found no lower score at which the model's removals are
# furniture enough) removes nothing; the tests read the model at an even odds threshold instead.
EVEN_ODDS = 0.5

# Prose a reader came for, written for these tests in several languages: one-sentence paragraphs,
# quotes, list items of a list article. The model must never take them (issue 23: removing real
# text is worse than leaving noise).
MUST_KEEP = {
    "en": [
        "The council approved the new budget for the harbour district on Tuesday evening after a long debate.",
        "It passed by nine votes to four.",
        "“We have waited for this bridge for twenty years,” said Maria Lopez, who runs the ferry kiosk.",
        "1. Check the tyre pressure before a long drive.",
        "2. Pack water, a torch and a warm blanket.",
        "Nobody was hurt.",
        "Work is expected to start in the spring and to last two years.",
    ],
    "de": [
        "Der Stadtrat hat am Dienstag den neuen Haushalt für den Hafenbezirk nach langer Debatte beschlossen.",
        "Die Entscheidung fiel knapp aus.",
        "„Wir warten seit zwanzig Jahren auf diese Brücke“, sagte die Anwohnerin Petra Vogel.",
        "Verletzt wurde niemand.",
        "Die Bauarbeiten sollen im Frühjahr beginnen und zwei Jahre dauern.",
    ],
    "pl": [
        "Rada miasta przyjęła we wtorek nowy budżet dla dzielnicy portowej po długiej debacie radnych.",
        "Nikt nie został ranny.",
        "„Czekamy na ten most od dwudziestu lat” – powiedziała mieszkanka Anna Nowak.",
        "Prace mają się rozpocząć wiosną i potrwać dwa lata.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes el nuevo presupuesto para el barrio del puerto tras un largo debate.",
        "Nadie resultó herido.",
        "«Llevamos veinte años esperando este puente», dijo la vecina Lucía Martín.",
        "Las obras empezarán en primavera y durarán dos años.",
    ],
}


def settings_with(**changes: object) -> Settings:
    model = dataclasses.replace(SHIPPED.furniture_model, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(SHIPPED, furniture_model=model)


def article_of(texts: list[str], language: str, form: str = "extracted", source: str = "example.org") -> Article:
    article = Article("a.txt", [Paragraph(text, n, [text]) for n, text in enumerate(texts)], source=source)
    article.language = language
    article.html_source, article.page_dump = form == "html", form == "dump"
    return article


@pytest.mark.parametrize("form", ["html", "extracted", "dump"])
@pytest.mark.parametrize("language", sorted(MUST_KEEP))
def test_prose_is_never_removed(language: str, form: str) -> None:
    article = article_of(list(MUST_KEEP[language]), language, form)
    DropModelFurniture(settings_with(**ALL_FORMS, threshold=EVEN_ODDS).furniture_model)(article)
    assert [p.text for p in article.paragraphs] == MUST_KEEP[language]
    assert article.removed == []


def test_the_form_of_an_article() -> None:
    assert [input_form(article_of(["x"], "en", form)) for form in ("html", "extracted", "dump")] == [
        "html",
        "extracted",
        "dump",
    ]


texts = st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(texts, st.sampled_from(["en", "de", "pl", "es", None]), st.sampled_from(["html", "extracted", "dump"]))
def test_scores_are_probabilities_and_the_same_every_time(found: list[str], language: str | None, form: str) -> None:
    model = current_model()
    first = furniture_scores(found, language, form, model)
    again = furniture_scores(list(found), language, form, load_model(SHIPPED_MODEL))
    assert first.shape == (len(found),)
    assert np.all((first >= 0) & (first <= 1))
    assert np.array_equal(first, again)


def test_features_match_their_names() -> None:
    rows = paragraph_features(MUST_KEEP["en"], "en", "html")
    assert rows.shape == (len(MUST_KEEP["en"]), len(FEATURES))
    model = current_model()
    assert len(model.means) == len(model.scales) == len(FEATURES) == len(model.weights) - 1


def test_scores_are_the_same_in_another_process() -> None:
    """No hash() randomness, no state: a fresh interpreter gives the same scores, bit for bit."""
    code = (
        "import json; from pipeline.clean.furniture import current_model, furniture_scores; "
        f"print(json.dumps(furniture_scores({MUST_KEEP['de']!r}, 'de', 'dump', current_model()).tolist()))"
    )
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(done.stdout) == furniture_scores(MUST_KEEP["de"], "de", "dump", current_model()).tolist()


def test_the_first_paragraph_and_long_ones_are_never_removed() -> None:
    """Even at threshold 0 (everything scores above it): the paragraph under the headline stays, so
    no article is emptied, and so does any paragraph over max_words words."""
    long = " ".join(["word"] * 41) + "."
    article = article_of(["Follow us", "Subscribe", long, "Share"], "en")
    DropModelFurniture(settings_with(**ALL_FORMS, threshold=0.0, max_words=40).furniture_model)(article)
    assert [p.text for p in article.paragraphs] == ["Follow us", long]
    assert [(r.rule, r.category, r.text) for r in article.removed] == [
        (RULE, CATEGORY, "Subscribe"),
        (RULE, CATEGORY, "Share"),
    ]
    assert all(r.score is not None and 0 <= r.score <= 1 for r in article.removed)


@pytest.mark.parametrize("form", ["html", "extracted", "dump"])
def test_a_form_switched_off_is_left_alone(form: str) -> None:
    article = article_of(["Lead.", "Follow us", "Subscribe"], "en", form)
    others = {name: name != form for name in ALL_FORMS}
    DropModelFurniture(settings_with(**others, threshold=0.0).furniture_model)(article)
    assert len(article.paragraphs) == 3 and article.removed == []


@pytest.mark.parametrize(("veto", "removed"), [((), 2), (("example.org",), 0), (("other.org",), 2)])
def test_a_vetoed_source_is_left_alone(veto: tuple[str, ...], removed: int) -> None:
    article = article_of(["Lead.", "Follow us", "Subscribe"], "en", source="example.org")
    DropModelFurniture(settings_with(**ALL_FORMS, threshold=0.0, veto_sources=veto).furniture_model)(article)
    assert len(article.removed) == removed


def test_veto_sources_is_read_from_a_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("furniture_model:\n  veto_sources: [example.org, news.example.com]\n", encoding="utf-8")
    assert load_settings(path).furniture_model.veto_sources == ("example.org", "news.example.com")
    path.write_text("furniture_model:\n  veto_sources: example.org\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="furniture_model.veto_sources: expected a list of strings"):
        load_settings(path)


def test_the_model_file_is_small_and_named_in_the_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert SHIPPED_MODEL.stat().st_size < 3 * 1024 * 1024
    names = [name for name, _ in cleaning_provenance().parts]
    assert "data/furniture_model.npz" in names
    other = tmp_path / "other.npz"
    other.write_bytes(SHIPPED_MODEL.read_bytes())
    monkeypatch.setenv(MODEL_ENV, str(other))
    assert f"${MODEL_ENV}" in [name for name, _ in cleaning_provenance().parts]


RUN_ARTICLE = [
    "Harbour bridge approved after twenty years",
    "The council approved the new harbour bridge on Tuesday after a debate that lasted most of the evening.",
    "Construction is expected to begin in the spring and to last about two years, the mayor said.",
    "Residents of the old port district had campaigned for the crossing since the ferry was cut back.",
    "Jetzt abonnieren",
]


def test_a_run_audits_the_models_removals_with_their_score(engine: sa.Engine, db_url: sa.URL, tmp_path: Path) -> None:
    """A real `run` (a subprocess, as a user types it) with the model on for text: every removal of
    rule model.furniture is stored with its category and score, the score the model gives the
    paragraph in this process; rules' removals have none."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "story.txt").write_text("\n\n".join(RUN_ARTICLE) + "\n", encoding="utf-8")
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("furniture_model:\n  extracted: true\n  threshold: 0.0\n", encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": db_url.render_as_string(hide_password=False),
        "NEWSCLEAN_SETTINGS": str(settings_file),
    }
    done = run_cli("run", "--input", str(batch), "--batch", "2024-05-01", env=env)
    assert done.returncode == 0, done.stderr
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT category, text, score FROM removals WHERE rule = :rule ORDER BY seq"), {"rule": RULE}
        ).all()
        unscored = connection.execute(
            sa.text("SELECT count(*) FROM removals WHERE rule <> :rule AND score IS NOT NULL"), {"rule": RULE}
        ).scalar_one()
        body = connection.execute(sa.text("SELECT body FROM articles")).scalar_one()
    assert rows and unscored == 0
    article = Cleaner.from_files(settings=settings_with(extracted=True, threshold=0.0)).clean(
        RawArticle(source_file="story.txt", text="\n\n".join(RUN_ARTICLE))
    )
    expected = {r.text: r.score for r in article.removed if r.rule == RULE}
    assert [(category, text) for category, text, _ in rows] == [(CATEGORY, text) for text in expected]
    assert [score for _, _, score in rows] == pytest.approx(list(expected.values()), abs=1e-4)
    assert "Jetzt abonnieren" not in body


def training_script() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))  # it reuses train_page_lines' helpers
    spec = importlib.util.spec_from_file_location("train_furniture", ROOT / "scripts" / "train_furniture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_furniture"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def script_page(
    script: ModuleType, texts: list[str], gold: str | None, with_: list[str], without: list[str], site: str = "a.org"
) -> object:
    article = article_of(texts, "en")
    job = script.Job("scrapinghub" if gold else "multilingual", "extracted", "p1", "p1.extracted.txt")
    page = script.Page(job, site, gold, with_, without)
    page.cleaned = script.Cleaned(article, "\n".join(texts), False)
    return page


def test_paragraphs_are_labelled_from_the_gold_body_and_the_snippets() -> None:
    script = training_script()
    texts = [
        "The council approved the harbour bridge on Tuesday evening.",
        "Follow us on social media",
        "Yes.",
        "Half of this sentence is in the gold body but the rest of it is not there at all.",
    ]
    gold = "The council approved the harbour bridge on Tuesday evening.\n\nYes.\n\nHalf of this sentence is in the gold"
    assert script.label(script_page(script, texts, gold, [], [])) == [0.0, 1.0, 0.0, None]
    # snippets: a must-drop inside the paragraph makes it furniture, a must-keep text (it wins)
    snippets = script_page(script, texts, None, ["Tuesday evening"], ["Follow us", "on Tuesday"])
    assert script.label(snippets) == [0.0, 1.0, None, None]


def test_the_fit_is_deterministic_and_learns_the_labels() -> None:
    script = training_script()
    pages = []
    for number in range(12):
        texts = [f"Story {number}: the council met and voted on the budget for the year."] * 1 + [
            "The harbour bridge will be rebuilt next spring, the mayor said on Monday.",
            "Jetzt abonnieren" if number % 2 else "Follow us",
            "Residents had campaigned for the crossing for many years before the vote.",
        ]
        page = script_page(script, texts, None, [], [], site=f"site{number}.org")
        page.labels = [0.0, 0.0, 1.0, 0.0]
        pages.append(page)
    rows = script.build_rows(pages, 1 << 10, 40)
    sites = [page.site for page in pages]
    first, again = script.fit(rows, sites), script.fit(rows, sites)
    assert all(np.array_equal(first[name], again[name]) for name in first)
    scores_ = script.predict(first, rows)
    assert scores_[rows.labels == 1].min() > scores_[rows.labels == 0].max()


# Furniture in four languages that no shipped rule names (written for this test; the first test
# below checks that the rules leave them), each after a lead paragraph of prose.
UNNAMED_FURNITURE = {
    "en": ["Tap here for the full gallery", "Our picks this week"],
    "de": ["Hier geht es zur Bildergalerie", "Unsere Empfehlungen der Woche"],
    "pl": ["Kliknij tutaj, aby zobaczyć galerię", "Nasze propozycje tygodnia"],
    "es": ["Pulsa aquí para ver la galería", "Nuestras recomendaciones de la semana"],
}


def furniture_article(language: str) -> str:
    return "\n\n".join([MUST_KEEP[language][0], *UNNAMED_FURNITURE[language], MUST_KEEP[language][-1]])


@pytest.mark.parametrize("language", sorted(UNNAMED_FURNITURE))
def test_no_shipped_rule_names_this_furniture(language: str) -> None:
    article = Cleaner.from_files().clean(RawArticle(source_file="a.txt", text=furniture_article(language)))
    assert all(line in [p.text for p in article.paragraphs] for line in UNNAMED_FURNITURE[language])


@pytest.mark.xfail(
    strict=True,
    reason="the shipped model scores these lines about as high as short prose (README: Paragraph furniture model); "
    "strict: a model that learns them makes this pass, and the marker must then go",
)
@pytest.mark.parametrize("language", sorted(UNNAMED_FURNITURE))
def test_the_model_removes_furniture_no_rule_names(language: str) -> None:
    cleaner = Cleaner.from_files(settings=settings_with(**ALL_FORMS, threshold=EVEN_ODDS))
    article = cleaner.clean(RawArticle(source_file="a.txt", text=furniture_article(language)))
    removed = [r.text for r in article.removed if r.rule == RULE]
    assert removed == UNNAMED_FURNITURE[language]
