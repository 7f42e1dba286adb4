"""Wire origin (issue 26): the agency whose copy an article is, from the marked places only
(dateline, byline, an agency's removed disclaimer, a wire photo credit), never from an agency the
prose quotes; stored with its evidence, inherited by syndicated copies (evidence cluster), and
counted per source and day. Articles hand-written in en, de, fr, es and it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import syndicated_corpus
from pipeline import Cleaner, RawArticle
from pipeline.run.runner import run_batch

from .conftest import ROOT, run_cli

PORTS = "Storm closes ports along the coast"
MUST_MATCH = {
    "en dateline AP": (f"{PORTS}\n\nBELGRADE, Serbia (AP) — Heavy rain closed the ports on Friday, officials said."
                       "\n\nThe storm is expected to last until Sunday, forecasters said.", "ap", "dateline"),
    "en dateline Reuters": ("Britain cuts rates\n\nLONDON (Reuters) - The Bank of England cut interest rates on"
                            " Thursday, its first cut in four years.\n\nMarkets rose after the decision.",
                            "reuters", "dateline"),
    "en byline AP": (f"{PORTS}\n\nBy JANE ROE, Associated Press\n\nHeavy rain closed the ports on Friday, officials"
                     " said.\n\nThe storm is expected to last until Sunday, forecasters said.", "ap", "byline"),
    "en byline Reuters": (f"{PORTS}\n\nBy Jane Roe, Reuters\n\nHeavy rain closed the ports on Friday, officials"
                          " said.\n\nThe storm is expected to last until Sunday.", "reuters", "byline"),
    "en AP footer": (f"{PORTS}\n\nHeavy rain closed the ports on Friday, officials said.\n\nThe storm is expected to"
                     " last until Sunday, forecasters said.\n\nCopyright 2024 The Associated Press. All rights"
                     " reserved. This material may not be published, broadcast, rewritten or redistributed"
                     " without permission.", "ap", "disclaimer"),
    "en AP photo credit": (f"{PORTS}\n\nHeavy rain closed the ports on Friday, officials said.\n\nWaves crash"
                           " against the pier in the harbour on Friday, Nov. 3, 2023. (AP Photo/Jane Roe)\n\nThe"
                           " storm is expected to last until Sunday, forecasters said.", "ap", "credit"),
    "de dateline dpa": ("Regierung plant neues Gesetz\n\nBerlin (dpa) - Die Bundesregierung will noch in diesem Jahr"
                        " ein neues Gesetz vorlegen, wie ein Sprecher sagte.\n\nDer Entwurf soll im Herbst in den"
                        " Bundestag kommen.", "dpa", "dateline"),
    "de dateline dpa/lno": ("Hafen wird ausgebaut\n\nHamburg (dpa/lno) - Der Hamburger Hafen soll bis 2030 ausgebaut"
                            " werden, teilte der Senat am Montag mit.\n\nDie Kosten liegen bei rund zwei Milliarden"
                            " Euro.", "dpa", "dateline"),
    "fr dateline AFP": ("Le gouvernement présente son budget\n\nPARIS (AFP) - Le gouvernement a présenté mercredi son"
                        " projet de budget pour l'année prochaine.\n\nLe texte sera examiné par les députés en"
                        " octobre.", "afp", "dateline"),
    "es dateline EFE": ("El Gobierno aprueba el presupuesto\n\nMadrid, 5 mar (EFE).- El Gobierno aprobó este martes el"
                        " proyecto de presupuestos para el próximo año.\n\nEl texto llegará al Congreso en abril.",
                        "efe", "dateline"),
    "it dateline ANSA": ("Il governo approva la manovra\n\nROMA (ANSA) - Il Consiglio dei ministri ha approvato la"
                         " manovra economica per il prossimo anno.\n\nIl testo passa ora al Parlamento.",
                         "ansa", "dateline"),
}  # fmt: skip
MUST_NOT_MATCH = {
    "en Reuters reported": ("Talks stall over border rules\n\nReuters reported on Monday that the talks had stalled"
                            " over border rules, citing two officials.\n\nThe government declined to comment."),
    "en told the AP, according to AFP": ("Company cuts jobs\n\nThe company told The Associated Press that it would"
                                         " cut 200 jobs, according to AFP and Reuters.\n\nUnions said they would"
                                         " strike."),
    "en agency named before a dash": ("Agency wins award\n\nThe Associated Press (AP) - the news agency - won the"
                                      " prize on Monday, the jury said.\n\nThe ceremony is in May."),
    "en the paper's own copyright": (f"{PORTS}\n\nHeavy rain closed the ports on Friday, officials said.\n\nThe storm"
                                     " is expected to last until Sunday.\n\n© 2024 Example Gazette Ltd. All rights"
                                     " reserved."),
    "de wie dpa berichtete": ("Regierung plant neues Gesetz\n\nWie die Deutsche Presse-Agentur (dpa) berichtete, will"
                              " die Regierung ein neues Gesetz vorlegen.\n\nEin Sprecher sagte der dpa am Montag, der"
                              " Entwurf komme im Herbst."),
    "fr selon l'AFP": ("Le gouvernement présente son budget\n\nSelon l'AFP, le gouvernement a présenté mercredi son"
                       " projet de budget, a appris l'Agence France-Presse de source sûre.\n\nLe texte sera examiné"
                       " en octobre."),
    "es según EFE": ("El Gobierno aprueba el presupuesto\n\nSegún informó la agencia EFE, el Gobierno aprobó el"
                     " proyecto de presupuestos, y Reuters confirmó la noticia.\n\nEl texto llegará al Congreso en"
                     " abril."),
    "de dateline quoted later": ("Regierung plant neues Gesetz\n\nDie Bundesregierung will ein neues Gesetz vorlegen."
                                 "\n\nBerlin (dpa) - so begann die Meldung, die der Sprecher am Montag zitierte."),
}  # fmt: skip


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner.from_files()


@pytest.mark.parametrize("name", sorted(MUST_MATCH))
def test_agency_copy_carries_its_origin_and_evidence(cleaner: Cleaner, name: str) -> None:
    text, agency, evidence = MUST_MATCH[name]
    article = cleaner.clean(RawArticle("story.txt", text=text))
    assert (article.wire_origin, article.wire_evidence) == (agency, evidence)


@pytest.mark.parametrize("name", sorted(MUST_NOT_MATCH))
def test_an_agency_the_text_quotes_is_no_origin(cleaner: Cleaner, name: str) -> None:
    article = cleaner.clean(RawArticle("story.txt", text=MUST_NOT_MATCH[name]))
    assert (article.wire_origin, article.wire_evidence) == (None, None)


AGENCY_WORDS = ["Reuters", "AP", "AFP", "dpa", "EFE", "Associated Press", "Agence France-Presse", "ANSA", "(AFP)"]
PROSE_WORDS = ["the", "minister", "said", "on", "Monday", "according", "to", "reported", "told", "Berlin", "PARIS"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(AGENCY_WORDS + PROSE_WORDS), min_size=6, max_size=30), min_size=2, max_size=5))
def test_agencies_anywhere_in_prose_give_no_origin(cleaner: Cleaner, paragraphs: list[list[str]]) -> None:
    """Prose that names agencies anywhere (no dash after a bracketed agency opening the body) is never agency copy."""
    body = "\n\n".join(" ".join(words).replace("(AFP) ", "(AFP), ") + "." for words in paragraphs)
    article = cleaner.clean(RawArticle("story.txt", text=f"Minister speaks about the budget\n\n{body}"))
    assert article.wire_origin is None


def test_the_anadolu_footer_the_cleaner_removes_still_names_the_agency() -> None:
    [got] = [
        json.loads(line)
        for line in run_cli(
            "clean", "--json", str(ROOT / "tests/fixtures/articles/agency_page.txt")
        ).stdout.splitlines()
    ]
    assert "agency.anadolu_subscription" in {r["rule"] for r in got["removed"]}
    assert (got["wire_origin"], got["wire_evidence"]) == ("anadolu", "disclaimer")


def test_a_users_bylines_file_adds_an_agency_and_a_broken_one_stops_the_command(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Regeringen lägger fram budgeten\n\nSTOCKHOLM (TT) – Regeringen presenterade på onsdagen sin"
                     " budget för nästa år.\n\nRiksdagen röstar i december.\n", encoding="utf-8")  # fmt: skip
    own = tmp_path / "bylines.yaml"
    own.write_text("agencies:\n  - {id: tt, names: [TT, TT Nyhetsbyrån]}\n", encoding="utf-8")
    env = {**os.environ}
    shipped = run_cli("clean", "--json", str(story), env=env)
    env["NEWSCLEAN_BYLINES"] = str(own)
    extended = run_cli("clean", "--json", str(story), env=env)
    assert json.loads(shipped.stdout)["wire_origin"] is None
    assert (json.loads(extended.stdout)["wire_origin"], json.loads(extended.stdout)["wire_evidence"]) == (
        "tt", "dateline"
    )  # fmt: skip
    own.write_text("agencies:\n  - {id: tt, names: TT}\n", encoding="utf-8")
    broken = run_cli("clean", "--json", str(story), env=env)
    assert broken.returncode == 2 and f"{own}: agencies tt: names: a list of strings" in broken.stderr


def test_every_copy_of_an_agency_story_inherits_its_origin(engine: sa.Engine, db_url: sa.URL, tmp_path: Path) -> None:
    """A generated corpus of 500 articles, 2 % of them reprints of agency stories without any mark
    of their origin: each reprint carries the story's agency with evidence cluster; the papers' own
    stories carry none."""
    truth = {}
    for path, text, agency in syndicated_corpus(500, copy_share=0.02):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
        truth[path] = agency
    run_batch(engine, tmp_path, "2024-06-01")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT source_file, wire_origin, wire_evidence FROM articles"))
        stored = {path: (agency, evidence) for path, agency, evidence in rows}
    copies = [path for path in truth if "/copy-" in path]
    assert len(copies) == 10
    assert {path: stored[path] for path in copies} == {path: (truth[path], "cluster") for path in copies}
    originals = [path for path in truth if path.startswith("wire/")]
    assert {path: stored[path] for path in originals} == {path: (truth[path], "dateline") for path in originals}
    assert {stored[path] for path in truth if "/own-" in path} == {(None, None)}

    # The named queries count them: per agency (5 stories and 5 copies: 2 + 2 + 1 + ... by rotation),
    # and per source and day, each agency's share of the source's articles.
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    per_agency = [
        json.loads(line) for line in run_cli("query", "wire_share_per_agency", "--json", env=env).stdout.splitlines()
    ]
    expected = {agency: sum(1 for a in truth.values() if a == agency) for agency in set(truth.values()) - {None}}
    assert {row["agency"]: row["articles"] for row in per_agency} == expected
    assert sum(row["by_cluster"] for row in per_agency) == len(copies)
    per_day = [
        json.loads(line)
        for line in run_cli("query", "wire_share_per_source_per_day", "--json", env=env).stdout.splitlines()
    ]
    papers = {path.split("/")[0] for path in truth}
    for row in per_day:
        in_source = [path for path in truth if path.startswith(row["source"] + "/")]
        assert row["source_articles"] == len(in_source) and row["source"] in papers
        assert row["articles"] == sum(1 for path in in_source if truth[path] == row["agency"])
        assert float(row["share"]) == round(row["articles"] / len(in_source), 3)
    assert {row["source"] for row in per_day} == papers


@pytest.mark.parametrize("originals_first", [True, False], ids=["agency story first", "reprints first"])
def test_reprints_and_their_agency_story_in_different_batches(
    engine: sa.Engine, tmp_path: Path, originals_first: bool
) -> None:
    """The reprints inherit the origin whichever batch brings the agency story: a later batch's
    story names the stored reprints' cluster, a later batch's reprints join the stored story's."""
    batches = {"2024-06-01": tmp_path / "first", "2024-06-02": tmp_path / "second"}
    truth = {}
    for path, text, agency in syndicated_corpus(100, copy_share=0.06):
        goes_first = path.startswith("wire/") == originals_first
        target = batches["2024-06-01" if goes_first else "2024-06-02"] / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        truth[path] = agency
    for batch_id, folder in batches.items():
        run_batch(engine, folder, batch_id)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT source_file, wire_origin, wire_evidence FROM articles"))
        stored = {path: (agency, evidence) for path, agency, evidence in rows}
    copies = [path for path in truth if "/copy-" in path]
    assert len(copies) == 6
    assert {path: stored[path] for path in copies} == {path: (truth[path], "cluster") for path in copies}
