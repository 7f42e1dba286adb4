"""The paragraph furniture model (issue 23, item 2): what survived the rules and the learned
boilerplate, read once more by a trained classifier.

The shipped rules are the precise, named layer; this step catches the furniture no rule names
("Mehr zum Thema", "Czytaj także", "Jetzt abonnieren" in a site's own words). Each paragraph of the
article as the earlier steps left it is scored by a logistic model over general evidence (FEATURES:
its length, its language's function words, punctuation, case, digits, its place in the article, its
neighbours' shape, the input form) and the hashed character n-grams of its first words (the dump
line model's hashing, clean/dump/line_model.py: one weight per bucket, no word stored). A paragraph
scoring at least the threshold (settings furniture_model:) goes, audited as rule `model.furniture`,
category furniture, with its score (Removal.score, removals.score). Never the first paragraph (the
one under the headline), so an article is never emptied, never a paragraph over max_words words,
never an article of a vetoed source, never an input form the settings leave off.

The weights (pipeline/data/furniture_model.npz) are fitted by scripts/train_furniture.py on the
labelled paragraphs of ../shared/eval's three sets, as the cleaner leaves them without this step;
MODEL_ENV names another file (the training script's held-out folds). Scores are a pure function of
the article's paragraphs, language and form: the same input always gives the same removals.
"""

from __future__ import annotations

import math
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import numpy as np

from pipeline.clean.dump.line_model import ngram_scores, stop_words
from pipeline.clean.html.blocks import STRUCTURE_FEATURES
from pipeline.core.arrays import load_arrays
from pipeline.core.document import Article, BlockStructure, Removal
from pipeline.core.settings import SHIPPED, FurnitureModelSettings

RULE = "model.furniture"
CATEGORY = "furniture"
MODEL_ENV = "NEWSCLEAN_FURNITURE_MODEL"  # another model file (the training script's held-out folds)
SHIPPED_MODEL = Path(__file__).resolve().parents[1] / "data" / "furniture_model.npz"
FORMS = ("html", "extracted", "dump")

FEATURES = (
    "log chars",
    "log words",
    "stop-word share",
    "language has a stop-word list",
    "ends like a sentence",
    "starts with a capital",
    "digit share",
    "capital share of letters",
    "punctuation share",
    "ends with a colon",
    "holds a separator (| • › » ·)",
    "capitalized share of words",
    "holds a URL, an address or a handle",
    "three words or fewer",
    "relative position",
    "first",
    "last",
    "log paragraphs before",
    "log paragraphs after",
    "log paragraphs",
    "share of the article's words after it",
    "log words of the paragraph above",
    "log words of the paragraph below",
    "the paragraph above ends like a sentence",
    "the paragraph below ends like a sentence",
    "log paragraphs sharing its first two words",
    "html",
    "dump",
    # HTML input only (zeros for text): where the paragraph's block sat in the page
    "has the block's place in the page",
    *STRUCTURE_FEATURES,
)
# The second stage's inputs, per paragraph, from the first stage's margins (log-odds).
CONTEXT_FEATURES = (
    "own margin",
    "margin of the paragraph above (0 for the first)",
    "margin of the paragraph below (0 for the last)",
    "mean margin of the two above and the two below",
    "highest margin of the paragraphs above and below",
    "lowest margin of the paragraphs above and below",
)
_TOKEN = re.compile(r"\w+")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_DIGITS = re.compile(r"\d+")
_PUNCTUATION = re.compile(r"[^\w\s]+")
_SENTENCE_END = re.compile(r"[.!?…\"”»)]$")
_SEPARATOR = re.compile(r"[|•›»·]")
_ADDRESS = re.compile(r"https?://|www\.|@\w|\w@\w")


@dataclass(frozen=True)
class FurnitureModel:
    """The logistic model's numbers: standardization, the general weights (bias last), one weight
    per n-gram hash bucket and one per structure-token hash bucket (tag path, class/id words)."""

    means: np.ndarray
    scales: np.ndarray
    weights: np.ndarray
    ngram_weights: np.ndarray
    structure_weights: np.ndarray
    # the second stage (CONTEXT_FEATURES, bias last): each first-stage margin read beside its
    # neighbours' (a short line between article paragraphs is text, one in a run of furniture is
    # not); empty: the first stage alone
    context_weights: np.ndarray


def load_model(path: Path) -> FurnitureModel:
    """The model in the file; read again once the file is replaced (a long-lived worker)."""
    return load_arrays(path, FurnitureModel)


def current_model() -> FurnitureModel:
    """The shipped model, or the one MODEL_ENV names."""
    return load_model(Path(os.environ.get(MODEL_ENV) or SHIPPED_MODEL))


def input_form(article: Article) -> str:
    """html (extracted from a page by the cleaner), dump (a full-page text dump) or extracted
    (any other text: an extractor's output, a feed's body)."""
    return "html" if article.html_source else "dump" if article.page_dump else "extracted"


@lru_cache(maxsize=128)
def _stops(language: str | None) -> frozenset[str]:
    return stop_words(language)  # jusText reads its list from disk on every call


def _ends_sentence(text: str) -> float:
    return 1.0 if _SENTENCE_END.search(text) else 0.0


def _lead(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold())[:2])


def paragraph_features(
    texts: list[str], language: str | None, form: str, structures: list[BlockStructure | None] | None = None
) -> np.ndarray:
    """One row of FEATURES per paragraph text, in article order; `structures`: each paragraph's
    block in the page (HTML input), None where there is none."""
    stops = _stops(language)
    count = len(texts)
    words = [_TOKEN.findall(text) for text in texts]
    sizes = [len(found) for found in words]
    total = sum(sizes) or 1
    after = np.cumsum(sizes[::-1])[::-1] - np.array(sizes) if count else np.zeros(0)
    leads = [_lead(text) for text in texts]
    lead_counts = Counter(leads)
    rows = np.zeros((count, len(FEATURES)))
    for index, text in enumerate(texts):
        found, size = words[index], sizes[index]
        # counted at C speed (map over a C method, a regex's sub): this runs for every paragraph
        letters = _NOT_LETTER.sub("", text)
        capitals = sum(map(str.isupper, letters))
        rows[index] = (
            math.log1p(len(text)),
            math.log1p(size),
            sum(map(stops.__contains__, map(str.lower, found))) / size if size and stops else 0.0,
            1.0 if stops else 0.0,
            _ends_sentence(text),
            1.0 if text[:1].isupper() else 0.0,
            (len(text) - len(_DIGITS.sub("", text))) / max(1, len(text)),
            capitals / len(letters) if letters else 0.0,
            (len(text) - len(_PUNCTUATION.sub("", text))) / max(1, len(text)),
            1.0 if text.rstrip().endswith(":") else 0.0,
            1.0 if _SEPARATOR.search(text) else 0.0,
            sum(map(str.isupper, [word[0] for word in found])) / size if size else 0.0,
            1.0 if _ADDRESS.search(text) else 0.0,
            1.0 if size <= 3 else 0.0,
            index / (count - 1) if count > 1 else 0.0,
            1.0 if index == 0 else 0.0,
            1.0 if index == count - 1 else 0.0,
            math.log1p(index),
            math.log1p(count - 1 - index),
            math.log1p(count),
            after[index] / total,
            math.log1p(sizes[index - 1]) if index else 0.0,
            math.log1p(sizes[index + 1]) if index + 1 < count else 0.0,
            _ends_sentence(texts[index - 1]) if index else 1.0,
            _ends_sentence(texts[index + 1]) if index + 1 < count else 1.0,
            math.log(lead_counts[leads[index]]) if leads[index] else 0.0,
            1.0 if form == "html" else 0.0,
            1.0 if form == "dump" else 0.0,
            *_structure_row(structures[index] if structures else None),
        )
    return rows


_NO_STRUCTURE = (0.0,) * (len(STRUCTURE_FEATURES) + 1)


def _structure_row(structure: BlockStructure | None) -> tuple[float, ...]:
    return _NO_STRUCTURE if structure is None else (1.0, *structure.features)


def structure_buckets(structure: BlockStructure | None, buckets: int) -> list[int]:
    """The hash buckets of the block's tag-path and class/id tokens (crc32: the same everywhere)."""
    if structure is None or not buckets:
        return []
    return [zlib.crc32(token.encode("utf-8")) % buckets for token in structure.tokens]


def structure_scores(structures: list[BlockStructure | None], weights: np.ndarray) -> np.ndarray:
    """Per paragraph: its structure buckets' weights summed over the square root of their count."""
    found = np.zeros(len(structures))
    for index, structure in enumerate(structures):
        own = structure_buckets(structure, len(weights))
        if own:
            found[index] = weights[np.array(own, dtype=np.intp)].sum() / math.sqrt(len(own))
    return found


def context_features(margins: np.ndarray) -> np.ndarray:
    """One row of CONTEXT_FEATURES per paragraph of an article (margins in article order)."""
    count = len(margins)
    padded = np.concatenate([[np.nan, np.nan], margins, [np.nan, np.nan]])
    above, below = padded[1 : count + 1], padded[3 : count + 3]
    window = np.column_stack([padded[0:count], above, below, padded[4 : count + 4]])
    seen = ~np.isnan(window)
    mean = np.where(seen.any(1), np.nansum(window, 1) / np.maximum(1, seen.sum(1)), 0.0)
    pair = np.column_stack([above, below])
    both = ~np.isnan(pair)
    highest = np.where(both.any(1), np.max(np.where(both, pair, -np.inf), 1), 0.0)
    lowest = np.where(both.any(1), np.min(np.where(both, pair, np.inf), 1), 0.0)
    return np.column_stack([margins, np.nan_to_num(above), np.nan_to_num(below), mean, highest, lowest])


def second_stage(margins: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The margins read beside their neighbours' (weights: CONTEXT_FEATURES, bias last); the
    first stage's margins when there is no second stage."""
    if not len(weights) or not len(margins):
        return margins
    return np.asarray(context_features(margins) @ weights[:-1] + weights[-1])


def furniture_scores(
    texts: list[str],
    language: str | None,
    form: str,
    model: FurnitureModel,
    structures: list[BlockStructure | None] | None = None,
) -> np.ndarray:
    """P(furniture) per paragraph (`structures`: as paragraph_features takes them)."""
    if not texts:
        return np.zeros(0)
    rows = (paragraph_features(texts, language, form, structures) - model.means) / model.scales
    z = rows @ model.weights[:-1] + model.weights[-1] + ngram_scores(texts, model.ngram_weights)
    if structures:
        z = z + structure_scores(structures, model.structure_weights)
    z = second_stage(z, model.context_weights)
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


@dataclass(frozen=True)
class DropModelFurniture:
    """Remove the paragraphs the furniture model scores at the threshold or more (rule
    model.furniture, with the score), after the rules and the learned boilerplate."""

    settings: FurnitureModelSettings = SHIPPED.furniture_model
    name: ClassVar[str] = "drop_model_furniture"
    once: ClassVar[bool] = True  # scored once on the article the rules left: rescoring would cascade

    def applies(self, article: Article) -> bool:
        enabled = bool(getattr(self.settings, input_form(article)))
        return enabled and len(article.paragraphs) > 1 and (article.source or "") not in self.settings.veto_sources

    def __call__(self, article: Article) -> None:
        if not self.applies(article):
            return
        texts = [paragraph.text for paragraph in article.paragraphs]
        structures = [article.block_structure.get(paragraph.position) for paragraph in article.paragraphs]
        form = input_form(article)
        scores = furniture_scores(texts, article.language, form, current_model(), structures)
        kept = []
        for index, (paragraph, score) in enumerate(zip(article.paragraphs, scores, strict=True)):
            long = len(_TOKEN.findall(paragraph.text)) > self.settings.max_words
            if index == 0 or long or score < self.settings.threshold:
                kept.append(paragraph)
            else:
                article.removed.append(
                    Removal(RULE, CATEGORY, paragraph.text, paragraph.position, "paragraph", round(float(score), 4))
                )
        article.paragraphs = kept
