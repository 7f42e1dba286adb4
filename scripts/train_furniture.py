"""Fit the paragraph furniture model (pipeline/data/furniture_model.npz) on ../shared/eval and report it.

Usage:
  python scripts/train_furniture.py --folds 5 --by site       # K models, each fold's sites held out
  python scripts/train_furniture.py --leave-out wcxb-dev      # fit without one set, score that set
  python scripts/train_furniture.py --write                   # fit on every page, write the shipped file

What is labelled: every page of the three sets in each input form (html, extracted, dump), cleaned
by the whole cleaner with the furniture model off; the paragraphs that survive are what the model
will judge. A paragraph is furniture (1) or text (0):
- scrapinghub: text when half of its tokens stand in a run of 3 tokens the gold body holds, or the
  gold body holds it whole; furniture when at most FURNITURE_SHARE of its tokens do; else unlabelled;
- wcxb-dev: the same against the page's main content, then a `with` snippet inside it (or it inside
  one) makes it text, a `without` snippet furniture (case folded, as WCXB compares);
- multilingual: a must-keep snippet makes it text, a must-drop one furniture; the rest unlabelled.
Paragraphs weigh the square root of their word count; each set's weights are scaled to the same total.

The learner: a logistic regression (Newton, L2 on standardized features: train_page_lines.fit_newton)
over the FEATURES and one n-gram score, the sum of the paragraph's hashed n-gram buckets'
log-count ratios (furniture against text, clean/dump/line_model.py's hashing, BUCKETS buckets)
counted on other sites (INNER_FOLDS folds by site); that weight then multiplies the ratios counted
on every training row, which is what the file stores per bucket. numpy at run time.
The threshold is chosen inside the training pages (nested): out-of-fold scores from INNER_FOLDS
folds by site, then the lowest score at which at most MAX_TEXT_SHARE of the characters removed are
labelled text. Every split is by site (the host of the page's URL): no site is in training and test.

Every page form is cleaned once through the whole cleaner (Cleaner.from_files) with the model off:
the figures before, and the paragraphs to label (--cache keeps them). Held-out pages are then
cleaned again through the whole cleaner with their fold's model (named by
$NEWSCLEAN_FURNITURE_MODEL, the fold's threshold in its settings, every form on). Only weights
are stored: no page text leaves ../shared/eval. Deterministic: folds come from crc32 of the site,
Newton starts from zeros, the model file is written with fixed zip timestamps.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import io
import json
import os
import pickle
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_page_lines import fit_newton, gold_shares, site_fold, site_of, wcxb_sites  # noqa: E402

from pipeline.clean import furniture  # noqa: E402
from pipeline.clean.cleaner import Cleaner  # noqa: E402
from pipeline.clean.dump.line_model import line_ngrams  # noqa: E402
from pipeline.clean.html.page_type import holds_back  # noqa: E402
from pipeline.core.document import Article, BlockStructure  # noqa: E402
from pipeline.core.settings import load_settings  # noqa: E402
from pipeline.evaluation import scores, wcxb  # noqa: E402

SETS = ("scrapinghub", "multilingual", "wcxb-dev")
FORMS = furniture.FORMS
BUCKETS = 1 << 15  # n-gram hash buckets: 128 KiB of float32 weights
STRUCTURE_BUCKETS = 1 << 13  # tag-path and class/id token buckets (HTML input): 32 KiB
FURNITURE_SHARE = 0.2  # a paragraph with at most this share of its tokens in the gold body is furniture
ALPHA = 1.0  # added to every bucket's weighted count (a bucket seen once says little)
INNER_FOLDS = 3
MAX_TEXT_SHARE = 0.02  # of the characters the model removes in the inner folds, at most this much text
THRESHOLDS = np.round(np.arange(0.5, 0.995, 0.01), 2)
MODEL_PATH = furniture.SHIPPED_MODEL
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Job:
    """One page in one form to clean (model None: the furniture model off)."""

    set_name: str
    form: str
    page_id: str
    path: str  # the input file (wcxb: its .html.gz, made into the form's text by the worker)
    wcxb_page: wcxb.Page | None = None


@dataclass
class Cleaned:
    """A page's article as the cleaner left it, and what the set's metric reads of it."""

    article: Article | None
    body: str
    held: bool

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.article.paragraphs] if self.article else []

    @property
    def structures(self) -> list[BlockStructure | None]:
        """Each surviving paragraph's block in the page (HTML input; None elsewhere)."""
        if not self.article:
            return []
        return [self.article.block_structure.get(p.position) for p in self.article.paragraphs]

    @property
    def language(self) -> str | None:
        return self.article.language if self.article else None


@dataclass
class Page:
    job: Job
    site: str
    gold: str | None
    with_: list[str]
    without: list[str]
    cleaned: Cleaned | None = None
    labels: list[float | None] = dataclasses.field(default_factory=list)


# --- cleaning (in worker processes) -----------------------------------------------------------


@lru_cache(maxsize=2)
def _cleaner(model: str | None, threshold: float) -> Cleaner:
    """With a model: every form on at the threshold. Without: the step left out, but HTML pages'
    block structure read (the html form on is what asks the parse for it)."""
    base = load_settings()
    forms = {form: model is not None or form == "html" for form in FORMS}
    settings = dataclasses.replace(
        base, furniture_model=dataclasses.replace(base.furniture_model, threshold=threshold, **forms)
    )
    if model:
        os.environ[furniture.MODEL_ENV] = model
    cleaner = Cleaner.from_files(settings=settings)
    if model is None:
        steps = [step for step in cleaner.steps if not isinstance(step, furniture.DropModelFurniture)]
        cleaner = dataclasses.replace(cleaner, steps=steps)
    return cleaner


def clean_job(task: tuple[Job, str | None, float]) -> Cleaned:
    job, model, threshold = task
    cleaner = _cleaner(model, threshold)
    if job.wcxb_page is None:
        article = scores._clean_one(cleaner, Path(job.path), scores.INPUT_SUFFIXES[job.form])
    else:
        with tempfile.TemporaryDirectory(prefix="furniture-") as tmp:
            html = gzip.decompress(job.wcxb_page.html_path.read_bytes()).decode("utf-8", errors="replace")
            article, _ = wcxb._clean_one(cleaner, wcxb.make_input(job.form, job.wcxb_page, html, Path(tmp)))
    held = article is not None and holds_back(article, cleaner.settings.page_types.keep_non_articles)
    return Cleaned(article, "" if held else _body(job, article), held)


def _body(job: Job, article: Article | None) -> str:
    return wcxb.reader_text(article) if job.wcxb_page is not None else scores.predicted_body(article)


def clean_all(jobs: list[Job], model: str | None, threshold: float, workers: int) -> Iterator[Cleaned]:
    """Each job's Cleaned, in order, as the workers finish them."""
    tasks = [(job, model, threshold) for job in jobs]
    if workers <= 1:
        yield from map(clean_job, tasks)
        return
    with Pool(workers) as pool:
        yield from pool.imap(clean_job, tasks, chunksize=4)


# --- pages and labels -------------------------------------------------------------------------


def plain_pages(eval_dir: Path, set_name: str, forms: tuple[str, ...]) -> Iterator[Page]:
    folder = eval_dir / set_name
    urls: dict[str, str] = {}
    if (folder / "urls.tsv").exists():
        urls = dict(line.split("\t", 1) for line in (folder / "urls.tsv").read_text().splitlines() if line)
    for html in sorted(folder.glob("*.html")):
        page_id = html.stem
        gold_path, snippets_path = folder / f"{page_id}.gold.txt", folder / f"{page_id}.snippets.json"
        labels = json.loads(snippets_path.read_text(encoding="utf-8")) if snippets_path.exists() else {}
        site = site_of((urls.get(page_id) or labels.get("url") or page_id).strip())
        gold = gold_path.read_text(encoding="utf-8") if gold_path.exists() else None
        for form in forms:
            path = folder / f"{page_id}{scores.INPUT_SUFFIXES[form]}"
            if path.exists():
                job = Job(set_name, form, page_id, str(path))
                yield Page(job, site, gold, labels.get("with") or [], labels.get("without") or [])


def wcxb_pages(eval_dir: Path, forms: tuple[str, ...]) -> Iterator[Page]:
    folder = eval_dir / "wcxb-dev"
    sites = wcxb_sites(folder)
    for labelled in wcxb.pages(folder):
        for form in forms:
            job = Job("wcxb-dev", form, labelled.page_id, str(labelled.html_path), labelled)
            site = sites.get(labelled.page_id, labelled.page_id)
            yield Page(job, site, labelled.reference, labelled.with_, labelled.without)


def all_pages(eval_dir: Path, forms: tuple[str, ...], wcxb_share: int) -> list[Page]:
    """Every page form; of wcxb-dev, the sites of one share in wcxb_share (crc32 of the site)."""
    found = [page for name in ("scrapinghub", "multilingual") for page in plain_pages(eval_dir, name, forms)]
    return found + [page for page in wcxb_pages(eval_dir, forms) if site_fold("sample:" + page.site, wcxb_share) == 0]


def label(page: Page) -> list[float | None]:
    assert page.cleaned is not None
    texts = page.cleaned.texts
    fold = page.job.set_name == "wcxb-dev"  # WCXB compares snippets case-insensitively

    def key(text: str) -> str:
        return scores.snippet_key(text).lower() if fold else scores.snippet_key(text)

    labels: list[float | None] = [None] * len(texts)
    if page.gold:
        gold_key = key(page.gold)
        for index, share in enumerate(gold_shares(texts, page.gold)):
            if share >= 0.5 or key(texts[index]) in gold_key:
                labels[index] = 0.0
            elif share <= FURNITURE_SHARE:
                labels[index] = 1.0
    for value, snippets in ((1.0, page.without), (0.0, page.with_)):  # a must-keep wins
        wanted = [key(s) for s in snippets if key(s)]
        for index, text in enumerate(texts):
            own = key(text)
            if any(s in own or (len(own) >= 20 and own in s) for s in wanted):
                labels[index] = value
    return labels


# --- the model --------------------------------------------------------------------------------


@dataclass
class Rows:
    dense: np.ndarray
    ngrams: sparse.csr_matrix
    structure: sparse.csr_matrix  # the block's tag-path and class/id token buckets (HTML input)
    labels: np.ndarray  # 1 furniture, 0 text (0 too where unlabelled: see labelled)
    weights: np.ndarray
    chars: np.ndarray
    eligible: np.ndarray  # what the step may remove: not the first paragraph, not over max_words
    page: np.ndarray  # index into the page list
    labelled: np.ndarray  # the rows the fit and the threshold read; the others are neighbours only
    sequence: np.ndarray  # the paragraph's index among its page's survivors; -1: a rule's removal


# Removals by steps rather than by a named rule: structure, region, repetition, learned, repairs.
NOT_RULES = ("repeat.", "learned:", "page.", "html.", "residue.", "date.", "unstorable")


@dataclass
class Example:
    dense: np.ndarray
    grams: list[int]
    tokens: list[int]  # structure buckets
    label: float | None  # None: unlabelled, a neighbour for the second stage only
    text: str
    eligible: bool  # a paragraph the step may remove: it counts for the threshold
    sequence: int = -1  # its index among the page's survivors (-1: a rule's removal)


def page_examples(page: Page, buckets: int, max_words: int, rule_examples: bool) -> Iterator[Example]:
    """The page's surviving paragraphs, labelled or not (features as the step computes them: over
    the survivors; the unlabelled ones are the second stage's neighbours) and, with rule_examples,
    the whole paragraphs a named rule removed as furniture examples (features over the survivors
    and them in input order), which teach the n-grams the furniture vocabulary of every language
    the rules know; they never count for the threshold."""
    assert page.cleaned is not None and page.cleaned.article is not None
    texts, structures = page.cleaned.texts, page.cleaned.structures
    dense = furniture.paragraph_features(texts, page.cleaned.language, page.job.form, structures)
    for index, value in enumerate(page.labels):
        words = len(_TOKEN.findall(texts[index]))
        eligible = index > 0 and words <= max_words
        tokens = furniture.structure_buckets(structures[index], STRUCTURE_BUCKETS)
        grams = line_ngrams(texts[index], buckets)
        yield Example(dense[index], grams, tokens, value, texts[index], eligible, index)
    if not rule_examples:
        return
    article = page.cleaned.article
    removed = [r for r in article.removed if r.scope == "paragraph" and not r.rule.startswith(NOT_RULES)]
    if not removed:
        return
    order = sorted([(p.position, 0, p.text) for p in article.paragraphs] + [(r.position, 1, r.text) for r in removed])
    structures = [article.block_structure.get(position) for position, _, _ in order]
    whole = furniture.paragraph_features([text for _, _, text in order], article.language, page.job.form, structures)
    for (_, was_removed, text), row, structure in zip(order, whole, structures, strict=True):
        if was_removed:
            tokens = furniture.structure_buckets(structure, STRUCTURE_BUCKETS)
            yield Example(row, line_ngrams(text, buckets), tokens, 1.0, text, False)


def build_rows(pages: list[Page], buckets: int, max_words: int, rule_examples: bool = True) -> Rows:
    dense_parts, labels, weights, chars, eligible, owner, labelled, sequence = [], [], [], [], [], [], [], []
    indptr, indices, values = [0], [], []
    structure = _Sparse()
    totals: dict[str, float] = {}
    for number, page in enumerate(pages):
        if page.cleaned is None or page.cleaned.article is None:
            continue
        for example in page_examples(page, buckets, max_words, rule_examples):
            dense_parts.append(example.dense)
            indices.extend(example.grams)
            values.extend([1 / np.sqrt(len(example.grams))] * len(example.grams))
            indptr.append(len(indices))
            structure.add(example.tokens)
            labels.append(example.label or 0.0)
            labelled.append(example.label is not None)
            sequence.append(example.sequence)
            weight = float(np.sqrt(max(1, len(_TOKEN.findall(example.text)))))
            weights.append(weight)
            if example.label is not None:
                totals[page.job.set_name] = totals.get(page.job.set_name, 0.0) + weight
            chars.append(len(example.text))
            eligible.append(example.eligible)
            owner.append(number)
    mean = sum(totals.values()) / max(1, len(totals))
    factor = {name: mean / total for name, total in totals.items()}
    sets = [pages[k].job.set_name for k in owner]
    ngrams = sparse.csr_matrix(
        (np.array(values), np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(labels), buckets)
    )
    return Rows(
        np.array(dense_parts).reshape(len(labels), len(furniture.FEATURES)),
        ngrams,
        structure.matrix(STRUCTURE_BUCKETS),
        np.array(labels, dtype=float),
        np.array(weights) * np.array([factor.get(s, 1.0) for s in sets]),
        np.array(chars, dtype=float),
        np.array(eligible, dtype=bool),
        np.array(owner, dtype=np.int64),
        np.array(labelled, dtype=bool),
        np.array(sequence, dtype=np.int64),
    )


class _Sparse:
    """Rows of hash buckets, each weighing 1/sqrt(its count), built into a CSR matrix."""

    def __init__(self) -> None:
        self.indptr: list[int] = [0]
        self.indices: list[int] = []
        self.values: list[float] = []

    def add(self, buckets: list[int]) -> None:
        self.indices.extend(buckets)
        self.values.extend([1 / np.sqrt(len(buckets))] * len(buckets) if buckets else [])
        self.indptr.append(len(self.indices))

    def matrix(self, width: int) -> sparse.csr_matrix:
        shape = (len(self.indptr) - 1, width)
        return sparse.csr_matrix(
            (np.array(self.values), np.array(self.indices, dtype=np.int64), np.array(self.indptr)), shape=shape
        )


def subset(rows: Rows, mask: np.ndarray) -> Rows:
    return Rows(*(getattr(rows, f.name)[mask] for f in dataclasses.fields(Rows)))


Model = dict[str, np.ndarray]


def log_count_ratios(rows: Rows, part: str = "ngrams") -> np.ndarray:
    """Per hash bucket of `part` (ngrams or structure): log P(bucket | furniture) - log P(bucket |
    text), from weighted counts with ALPHA added to each (NBSVM's log-count ratio: closed form, a
    second per fit)."""
    present = getattr(rows, part).copy()
    present.data[:] = 1.0
    furniture_counts = present.T @ (rows.weights * rows.labels) + ALPHA
    text_counts = present.T @ (rows.weights * (1 - rows.labels)) + ALPHA
    return np.asarray(np.log(furniture_counts / furniture_counts.sum()) - np.log(text_counts / text_counts.sum()))


def inner_folds(rows: Rows, sites: list[str]) -> np.ndarray:
    return np.array([site_fold("inner:" + sites[k], INNER_FOLDS) for k in rows.page])


def out_of_fold_ngram_scores(rows: Rows, sites: list[str], part: str = "ngrams") -> np.ndarray:
    """Each row's n-gram (or structure-token) score from ratios counted on the other inner folds'
    sites: the weight the score earns is then the one unseen sites deserve."""
    inner = inner_folds(rows, sites)
    found = np.zeros(len(rows.labels))
    for fold in range(INNER_FOLDS):
        held = inner == fold
        found[held] = getattr(rows, part)[held] @ log_count_ratios(subset(rows, ~held), part)
    return found


PARTS = ("ngrams", "structure")  # the hashed parts, each one score (and one Newton weight)


def fit_first(rows: Rows, sites: list[str]) -> Model:
    """Newton (L2, standardized) over FEATURES plus one score per hashed part; each score's weight
    is then folded into the ratios counted on every row, so that the cleaner adds bucket weights.
    Labelled rows only."""
    rows = subset(rows, rows.labelled)
    parts = [out_of_fold_ngram_scores(rows, sites, part) for part in PARTS]
    dense = np.column_stack([rows.dense, *parts])
    means, scales, w = fit_newton(dense, rows.labels, rows.weights)
    width = rows.dense.shape[1]
    betas = w[width:-1] / scales[width:]  # the hashed scores' weights, unstandardized
    bias = w[-1] - float(betas @ means[width:])
    return {
        "means": means[:width],
        "scales": scales[:width],
        "weights": np.append(w[:width], bias),
        "ngram_weights": (betas[0] * log_count_ratios(rows, "ngrams")).astype(np.float32),
        "structure_weights": (betas[1] * log_count_ratios(rows, "structure")).astype(np.float32),
        "context_weights": np.zeros(0),
    }


CONTEXT = True  # the second stage (--no-context: the first stage alone)


def fit(rows: Rows, sites: list[str]) -> Model:
    """The first stage on every labelled row; then the second stage (Newton over
    furniture.CONTEXT_FEATURES) on first-stage margins that are out of fold (INNER_FOLDS folds by
    site), as the cleaner meets unseen sites' margins."""
    model = fit_first(rows, sites)
    if not CONTEXT:
        return model
    inner = np.array([site_fold("context:" + sites[k], INNER_FOLDS) for k in rows.page])
    margins = np.zeros(len(rows.labels))
    for fold in range(INNER_FOLDS):
        held = inner == fold
        margins[held] = first_margins(fit_first(subset(rows, ~held), sites), subset(rows, held))
    context = context_rows(rows, margins)
    use = rows.labelled & (rows.sequence >= 0)
    means, scales, w = fit_newton(context[use], rows.labels[use], rows.weights[use])
    raw = w[:-1] / scales  # unstandardized: the cleaner multiplies the raw context features
    model["context_weights"] = np.append(raw, w[-1] - float(raw @ means))
    return model


def first_margins(model: Model, rows: Rows) -> np.ndarray:
    margin = ((rows.dense - model["means"]) / model["scales"]) @ model["weights"][:-1] + model["weights"][-1]
    margin = margin + rows.ngrams @ model["ngram_weights"].astype(float)
    return np.asarray(margin + rows.structure @ model["structure_weights"].astype(float))


def context_rows(rows: Rows, margins: np.ndarray) -> np.ndarray:
    """furniture.context_features per page (its survivors are consecutive rows, in order); a rule's
    removal has no neighbours."""
    found = np.zeros((len(margins), len(furniture.CONTEXT_FEATURES)))
    found[:, 0] = margins
    in_page = np.flatnonzero(rows.sequence >= 0)
    if len(in_page):
        for group in np.split(in_page, np.flatnonzero(np.diff(rows.page[in_page])) + 1):
            found[group] = furniture.context_features(margins[group])
    return found


def predict(model: Model, rows: Rows) -> np.ndarray:
    margin = first_margins(model, rows)
    if len(model["context_weights"]):
        margin = context_rows(rows, margin) @ model["context_weights"][:-1] + model["context_weights"][-1]
    return np.asarray(1 / (1 + np.exp(-margin)))


def choose_threshold(rows: Rows, scores_: np.ndarray) -> float:
    """The lowest threshold at which at most MAX_TEXT_SHARE of the removed characters are text."""
    for threshold in THRESHOLDS:
        removed = rows.eligible & rows.labelled & (scores_ >= threshold)
        total = rows.chars[removed].sum()
        if total and rows.chars[removed & (rows.labels == 0)].sum() <= MAX_TEXT_SHARE * total:
            return float(threshold)
    return 1.0


def fit_nested(rows: Rows, sites: list[str]) -> tuple[Model, float]:
    """The model on these rows and its threshold, from out-of-fold scores of INNER_FOLDS folds by site."""
    outer = np.array([site_fold("nested:" + sites[k], INNER_FOLDS) for k in rows.page])
    out_of_fold = np.zeros(len(rows.labels))
    for fold in range(INNER_FOLDS):
        held = outer == fold
        out_of_fold[held] = predict(fit(subset(rows, ~held), sites), subset(rows, held))
    return fit(rows, sites), choose_threshold(rows, out_of_fold)


def write_model(model: Model, path: Path) -> None:
    """An .npz file with fixed timestamps: the same model gives the same bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in furniture.FurnitureModel.__dataclass_fields__:
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(model[name]), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue())


# --- scoring ----------------------------------------------------------------------------------


class Scorer:
    """Per set and form, cleaned pages tallied as `newsclean eval` does."""

    def __init__(self) -> None:
        self.plain: dict[tuple[str, str], scores._Tally] = {}
        self.wcxb: dict[str, wcxb._Tally] = {}

    def add(self, page: Page, cleaned: Cleaned) -> None:
        job = page.job
        if job.wcxb_page is not None:
            self.wcxb.setdefault(job.form, wcxb._Tally()).add(job.wcxb_page, cleaned.body, cleaned.held)
            return
        labels = {"with": page.with_, "without": page.without} if page.with_ or page.without else None
        self.plain.setdefault((job.set_name, job.form), scores._Tally()).add(
            job.page_id, cleaned.body, page.gold, labels
        )

    def lines(self) -> Iterator[str]:
        for (name, form), tally in sorted(self.plain.items()):
            figures = tally.figures()
            if figures.get("f1") is not None:
                yield f"{name} {form}: F1 {figures['f1']:.4f} P {figures['precision']:.4f} R {figures['recall']:.4f}"
            else:
                yield f"{name} {form}: keep {figures['snippets_kept']:.4f} drop {figures['snippets_dropped']:.4f}"
        for form, tally_ in sorted(self.wcxb.items()):
            figures_ = tally_.figures()
            every, article = figures_.get("all", {}), figures_.get("article", {})
            yield (
                f"wcxb-dev {form}: all F1 {every.get('f1')} keep {every.get('snippets_kept')} drop "
                f"{every.get('snippets_dropped')}; articles F1 {article.get('f1')} keep "
                f"{article.get('snippets_kept')} drop {article.get('snippets_dropped')}"
            )


def report(title: str, scorer: Scorer) -> None:
    print(title, flush=True)
    for line in scorer.lines():
        print("  " + line, flush=True)


def score_held_out(
    pages: list[Page], chosen: list[int], model: Model, threshold: float, workdir: Path, name: str, workers: int
) -> list[Cleaned]:
    """The chosen pages cleaned again through the whole cleaner, with this model and threshold.
    A page on which the step would remove nothing (no paragraph it may take scores at the
    threshold: the step's own scoring of the survivors it meets, last of the steps) keeps its
    cleaning without the model: the whole cleaner would give the same article."""
    path = workdir / f"{name}.npz"
    write_model(model, path)
    stored = furniture.load_model(path)
    changed = [k for k in chosen if _step_would_remove(pages[k], stored, threshold)]
    again = dict(zip(changed, clean_all([pages[k].job for k in changed], str(path), threshold, workers), strict=True))
    print(f"{name}: {len(changed)} of {len(chosen)} pages cleaned again (the others: nothing scores {threshold:.2f})")
    return [again[k] if k in again else pages[k].cleaned or again[k] for k in chosen]


def _step_would_remove(page: Page, model: furniture.FurnitureModel, threshold: float) -> bool:
    cleaned = page.cleaned
    if cleaned is None or cleaned.article is None or len(cleaned.texts) < 2:
        return cleaned is None
    texts = cleaned.texts
    scored = furniture.furniture_scores(texts, cleaned.language, page.job.form, model, cleaned.structures)
    max_words = load_settings().furniture_model.max_words
    return any(
        index > 0 and len(_TOKEN.findall(texts[index])) <= max_words and score >= threshold
        for index, score in enumerate(scored)
    )


def cross_validate(args: argparse.Namespace, pages: list[Page], rows: Rows, workdir: Path) -> None:
    sites = [page.site for page in pages]
    before, after = Scorer(), Scorer()
    for fold in range(args.folds):
        started = time.perf_counter()
        in_fold = np.array([site_fold(sites[k], args.folds) == fold for k in rows.page])
        model, threshold = fit_nested(subset(rows, ~in_fold), sites)
        threshold = threshold if args.threshold is None else args.threshold
        chosen = [k for k, page in enumerate(pages) if site_fold(page.site, args.folds) == fold]
        scored = score_held_out(pages, chosen, model, threshold, workdir, f"fold{fold}", args.workers)
        for k, cleaned in zip(chosen, scored, strict=True):
            after.add(pages[k], cleaned)
            before.add(pages[k], pages[k].cleaned or cleaned)
        print(f"fold {fold}: threshold {threshold:.2f}, {time.perf_counter() - started:.0f} s", flush=True)
    report(f"before (furniture model off), {args.folds} folds' pages:", before)
    report(f"after, {args.folds} folds by site (each fold cleaned with a model fitted without its sites):", after)


def leave_out(name: str, args: argparse.Namespace, pages: list[Page], rows: Rows, workdir: Path) -> None:
    sites = [page.site for page in pages]
    held = np.array([pages[k].job.set_name == name for k in rows.page])
    model, threshold = fit_nested(subset(rows, ~held), sites)
    threshold = threshold if args.threshold is None else args.threshold
    chosen = [k for k, page in enumerate(pages) if page.job.set_name == name]
    after = Scorer()
    scored = score_held_out(pages, chosen, model, threshold, workdir, "without", args.workers)
    for k, cleaned in zip(chosen, scored, strict=True):
        after.add(pages[k], cleaned)
    report(f"{name}, fitted without it (threshold {threshold:.2f}):", after)


def curve(args: argparse.Namespace, pages: list[Page], rows: Rows) -> None:
    """Paragraph-level held-out figures, no cleaning: each fold's rows scored by a model fitted
    without its sites (5 folds by site), then per set and form, at each threshold, the paragraphs
    the step may remove that score at it or more: their number, the share of their characters
    labelled text (what would be lost) and the share of the labelled furniture characters they hold
    (what would go). Also the threshold fit_nested chooses without each fold and each set."""
    sites = [page.site for page in pages]
    folds = np.array([site_fold(sites[k], args.folds) for k in rows.page])
    scored = np.zeros(len(rows.labels))
    for fold in range(args.folds):
        held = folds == fold
        model, threshold = fit_nested(subset(rows, ~held), sites)
        scored[held] = predict(model, subset(rows, held))
        print(f"fold {fold}: threshold chosen without it {threshold:.2f}", flush=True)
    for name in SETS:
        held = np.array([pages[k].job.set_name == name for k in rows.page])
        print(f"without {name}: threshold chosen {fit_nested(subset(rows, ~held), sites)[1]:.2f}", flush=True)
    for name in SETS:
        for form in FORMS:
            mine = (
                rows.eligible
                & rows.labelled
                & np.array([(pages[k].job.set_name, pages[k].job.form) == (name, form) for k in rows.page])
            )
            furniture_chars = rows.chars[mine & (rows.labels == 1)].sum()
            cells = []
            for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
                removed = mine & (scored >= threshold)
                chars = rows.chars[removed].sum()
                text = rows.chars[removed & (rows.labels == 0)].sum() / chars if chars else 0.0
                caught = rows.chars[removed & (rows.labels == 1)].sum() / furniture_chars if furniture_chars else 0.0
                cells.append(f"{threshold:.1f}: {int(removed.sum())} / text {text:.2f} / furniture {caught:.3f}")
            print(f"{name} {form}: " + "; ".join(cells), flush=True)


def drop_parts(rows: Rows, parts: list[str]) -> None:
    """--without: the structure features zeroed (the model as before them), the second stage off."""
    global CONTEXT
    if "structure" in parts:
        first = furniture.FEATURES.index("has the block's place in the page")
        rows.dense[:, first:] = 0.0
        rows.structure = sparse.csr_matrix(rows.structure.shape)
    if "context" in parts:
        CONTEXT = False


def load(args: argparse.Namespace) -> list[Page]:
    """The page forms cleaned without the model (from the cache when it holds them all)."""
    pages = all_pages(args.eval_dir, tuple(args.forms), args.wcxb_share)
    done: dict[tuple[str, str, str], Cleaned] = {}
    if args.cache and args.cache.exists():
        done = pickle.loads(args.cache.read_bytes())
    todo = [page for page in pages if (page.job.set_name, page.job.form, page.job.page_id) not in done]
    started = time.perf_counter()
    cleaned_all = clean_all([p.job for p in todo], None, 1.0, args.workers)
    for number, (page, cleaned) in enumerate(zip(todo, cleaned_all, strict=True)):
        done[page.job.set_name, page.job.form, page.job.page_id] = cleaned
        if args.cache and (number % 500 == 499 or number == len(todo) - 1):  # a checkpoint: a long pass resumes
            args.cache.write_bytes(pickle.dumps(done))
            print(f"cleaned {number + 1} of {len(todo)} page forms, {time.perf_counter() - started:.0f} s", flush=True)
    for page in pages:
        page.cleaned = done.get((page.job.set_name, page.job.form, page.job.page_id))
    return [page for page in pages if page.cleaned is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval")
    parser.add_argument("--folds", type=int, default=0, help="K models, each scored on the sites it did not see")
    parser.add_argument("--by", choices=["site"], default="site", help="what the folds group (sites only)")
    parser.add_argument("--leave-out", choices=SETS, action="append", default=[], help="fit without this set, score it")
    parser.add_argument("--write", action="store_true", help=f"fit on every page and write {MODEL_PATH.name}")
    parser.add_argument("--forms", type=lambda s: s.split(","), default=list(FORMS))
    parser.add_argument("--wcxb-share", type=int, default=1, help="score 1 in N of wcxb-dev's sites (1: all)")
    parser.add_argument("--no-rule-examples", action="store_true", help="train on the labelled survivors alone")
    parser.add_argument("--threshold", type=float, help="score with this threshold, not the one the inner folds chose")
    parser.add_argument(
        "--without",
        type=lambda s: s.split(","),
        default=[],
        help="leave parts out to compare: structure (the block's place in the page), context (the second stage)",
    )
    parser.add_argument("--curve", action="store_true", help="paragraph-level held-out figures only (no cleaning)")
    parser.add_argument("--only-load", action="store_true", help="clean and cache the pages, nothing else")
    parser.add_argument("--workers", type=int, default=2, help="cleaning processes")
    parser.add_argument("--cache", type=Path, help="pickle of the pages cleaned without the model")
    args = parser.parse_args()
    pages = load(args)
    if args.only_load:
        return
    max_words = load_settings().furniture_model.max_words
    for page in pages:
        page.labels = label(page)
    rows_cache = args.cache.with_suffix(".rows2" if args.no_rule_examples else ".rule_rows2") if args.cache else None
    if rows_cache and rows_cache.exists():
        rows = pickle.loads(rows_cache.read_bytes())
    else:
        rows = build_rows(pages, BUCKETS, max_words, not args.no_rule_examples)
        if rows_cache:
            rows_cache.write_bytes(pickle.dumps(rows))
    furniture_rows = int(rows.labels[rows.labelled].sum())
    count = int(rows.labelled.sum())
    print(f"{len(pages)} page forms, {count} labelled paragraphs ({furniture_rows} furniture)", flush=True)
    drop_parts(rows, args.without)
    if args.curve:
        curve(args, pages, rows)
        return
    with tempfile.TemporaryDirectory(prefix="furniture-model-") as tmp:
        if args.folds:
            cross_validate(args, pages, rows, Path(tmp))
        for name in args.leave_out:
            leave_out(name, args, pages, rows, Path(tmp))
    if args.write:
        # the threshold in use is settings.yaml's, from the held-out folds: only the model is fitted here
        write_model(fit(rows, [page.site for page in pages]), MODEL_PATH)
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
