"""Issue 23, item 2: the furniture model's structural evidence for HTML input — each extracted
block's place in the page (pipeline/clean/html/blocks.py: block_structures), carried to the
paragraph by its position (Article.block_structure), and the second stage over the neighbours'
scores (pipeline/clean/furniture.py: context_features); the training script fits both
deterministically (scripts/train_furniture.py)."""

from __future__ import annotations

import dataclasses
import io
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from pipeline import Cleaner, RawArticle
from pipeline.clean.furniture import (
    CONTEXT_FEATURES,
    FEATURES,
    context_features,
    current_model,
    furniture_scores,
    paragraph_features,
    structure_buckets,
)
from pipeline.clean.html.blocks import STRUCTURE_FEATURES
from pipeline.clean.html.extract import extract_html
from pipeline.core.document import BlockStructure
from pipeline.core.settings import SHIPPED, Settings

from .test_furniture_model import article_of, script_page, training_script

# Written for this test: a menu, an article whose body holds a linked promo box, a related-posts
# section and a footer. Class names in three spellings (kebab, camelCase, snake) and a generated id.
PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Harbour bridge approved</title></head>
<body>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<main>
<article class="story-body" id="post-1234">
<h1>Harbour bridge approved after twenty years</h1>
<div class="articleText">
<p>The council approved the new harbour bridge on Tuesday after a debate that lasted most of the evening.</p>
<p>Construction is expected to begin in the spring and to last about two years, the mayor told reporters.</p>
<p>Residents of the old port district had campaigned for the crossing since the ferry service was cut back.</p>
<p class="promo_box"><a href="/newsletter">Get our morning briefing in your inbox every day</a></p>
<p>Work on the approach roads will close the harbour car park for three months from April, the council said.</p>
</div>
</article>
<section class="relatedPosts"><h2>More stories</h2>
<ul><li><a href="/a">Ferry fares to rise again in the autumn</a></li>
<li><a href="/b">New cycle lanes planned for the seafront</a></li></ul>
</section>
</main>
<footer><p>Copyright 2024 Harbour News</p></footer>
</body></html>"""


def html_on(settings: Settings = SHIPPED) -> Settings:
    return dataclasses.replace(settings, furniture_model=dataclasses.replace(settings.furniture_model, html=True))


def feature(structure: BlockStructure, name: str) -> float:
    return structure.features[STRUCTURE_FEATURES.index(name)]


def test_each_block_gets_its_place_in_the_page() -> None:
    page = extract_html(PAGE, structure=True)
    assert len(page.structure) == len(page.in_order) == 5
    texts = [text for text, _ in page.in_order]
    promo = texts.index("Get our morning briefing in your inbox every day")
    for index, structure in enumerate(page.structure):
        assert len(structure.features) == len(STRUCTURE_FEATURES)
        assert feature(structure, "found again in the page") == 1.0
        assert feature(structure, "inside the main container") == 1.0
        assert feature(structure, "position among the extractor's blocks") == pytest.approx(index / 4)
        assert structure.tokens[:3] == ("t0:p", "t1:div", "t2:article")
        assert "path:p<div<article" in structure.tokens
        # the ancestors' class/id words, split and lower-cased; the id's number is not a word
        assert {"c1:article", "c1:text", "c1:story", "c1:body", "c1:post"} <= set(structure.tokens)
        names = [token.split(":", 1)[1] for token in structure.tokens if token.startswith("c")]
        assert not any(character.isdigit() for name in names for character in name)
    assert feature(page.structure[promo], "link share") == 1.0
    assert feature(page.structure[promo], "in a container named as furniture") == 1.0
    assert {"c0:promo", "c0:box"} <= set(page.structure[promo].tokens)
    assert feature(page.structure[promo - 1], "the block after was dropped by structure") == 1.0
    assert feature(page.structure[promo + 1], "the block before was dropped by structure") == 1.0
    assert feature(page.structure[0], "link share") == 0.0
    assert feature(page.structure[0], "log siblings of its tag") == pytest.approx(np.log1p(4))


def test_the_structure_is_read_only_when_the_model_is_on_for_html() -> None:
    """Off (as shipped), nothing is computed and the blocks are the same."""
    asked, plain = extract_html(PAGE, structure=True), extract_html(PAGE)
    assert plain.structure == [] and plain.in_order == asked.in_order
    assert Cleaner.from_files().clean(RawArticle(source_file="a.html", html=PAGE)).block_structure == {}


def test_each_paragraph_keeps_its_blocks_structure_through_the_cleaner() -> None:
    settings = html_on()
    article = Cleaner.from_files(settings=settings).clean(RawArticle(source_file="a.html", html=PAGE))
    page = extract_html(PAGE, structure=True)
    assert article.paragraphs
    for paragraph in article.paragraphs:
        block = page.in_order[paragraph.position][0]
        assert article.block_structure[paragraph.position] == page.structure[paragraph.position]
        assert paragraph.text in block or block in paragraph.text


def test_the_model_reads_the_structure() -> None:
    """HTML paragraphs are scored with their blocks' structure: the same texts score otherwise
    without it, and text input has none (its structure columns stay zero)."""
    page = extract_html(PAGE, structure=True)
    texts = [text for text, _ in page.in_order]
    structures: list[BlockStructure | None] = list(page.structure)
    model = current_model()
    assert len(model.structure_weights) and np.any(model.structure_weights)
    with_structure = furniture_scores(texts, "en", "html", model, structures)
    assert not np.array_equal(with_structure, furniture_scores(texts, "en", "html", model))
    rows = paragraph_features(texts, "en", "extracted")
    first = FEATURES.index("has the block's place in the page")
    assert not rows[:, first:].any() and paragraph_features(texts, "en", "html", structures)[:, first].all()
    assert structure_buckets(None, 64) == []
    assert len(structure_buckets(structures[0], 64)) == len(page.structure[0].tokens)


@pytest.mark.parametrize(
    ("margins", "expected"),
    [
        ([2.0], [[2.0, 0, 0, 0, 0, 0]]),
        (
            [1.0, -2.0, 3.0],
            [
                [1.0, 0.0, -2.0, 0.5, -2.0, -2.0],  # mean of -2 and 3
                [-2.0, 1.0, 3.0, 2.0, 3.0, 1.0],
                [3.0, -2.0, 0.0, -0.5, -2.0, -2.0],  # mean of 1 and -2
            ],
        ),
    ],
)
def test_the_second_stage_reads_the_neighbours_margins(margins: list[float], expected: list[list[float]]) -> None:
    found = context_features(np.array(margins))
    assert found.shape == (len(margins), len(CONTEXT_FEATURES))
    assert found.tolist() == expected


def structured_pages(script: ModuleType) -> list[Any]:
    """Pages whose furniture and text share their words; only the block's container tells them apart."""
    pages = []
    line = "Read the full story on the harbour bridge here"
    for number in range(12):
        texts = [
            "The council met on Tuesday and voted on the budget for the year ahead.",
            line,
            "Residents had campaigned for the crossing for many years before the vote.",
            line,
        ]
        page: Any = script_page(script, texts, None, [], [], site=f"site{number}.org")
        article = page.cleaned.article
        article.html_source = True
        body = BlockStructure((1.0,) + (0.0,) * (len(STRUCTURE_FEATURES) - 1), ("t0:p", "c1:story"))
        promo = BlockStructure((1.0,) + (0.0,) * (len(STRUCTURE_FEATURES) - 1), ("t0:p", "c0:promo"))
        article.block_structure = {0: body, 1: body, 2: body, 3: promo}
        page.labels = [0.0, 0.0, 0.0, 1.0]
        pages.append(page)
    return pages


def test_the_fit_learns_the_container_and_writes_the_same_bytes_twice() -> None:
    script = training_script()
    pages = structured_pages(script)
    rows = script.build_rows(pages, 1 << 10, 40)
    sites = [page.site for page in pages]
    first, again = script.fit(rows, sites), script.fit(rows, sites)
    assert len(first["context_weights"]) == len(CONTEXT_FEATURES) + 1
    scores_ = script.predict(first, rows)
    promo = rows.labelled & (rows.labels == 1)
    assert scores_[promo].min() > scores_[rows.labelled & (rows.labels == 0)].max()
    written = []
    for model in (first, again):
        buffer = io.BytesIO()
        script.write_model(model, buffer)
        written.append(buffer.getvalue())
    assert written[0] == written[1]


def test_text_input_has_no_structure() -> None:
    article = article_of(["Lead.", "Follow us"], "en", "extracted")
    assert article.block_structure == {}
