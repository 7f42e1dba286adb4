"""Line by line: which lines of a full-page text dump belong to the article.

Every line of a dump is scored by a small logistic model over general evidence (see FEATURES):
its length, the share of its language's function words (jusText's stop-word lists), whether it
ends like a sentence or continues the line above (an inline link split out of its paragraph),
whether it reads as a navigation label, how often the page repeats it, how much prose and how
many navigation lines stand around it, where it is relative to the page's headline and to the
densest run of prose (page_dump.article_region). A second model then reads each line's score
beside its neighbours' (jusText's context step, learned): a short line between article lines is
article, one inside a menu is not. Lines scoring at least page_dump.line_threshold (settings.yaml)
are kept.

Beside those general features, the first model reads the line's own words as hashed character
n-grams (each word whole and its 4-grams, digits as 0, the first NGRAM_WORDS words): "Mehr zum
Thema", "Follow us", "Czytaj także" and "Jetzt abonnieren" share no rule but share their kind of
words across sites, and the hashing keeps no word, only one weight per bucket.

The weights (pipeline/clean/dump/line_model.npz: standardization, the general features' weights,
the n-gram buckets' weights, the context model) are fitted by scripts/train_page_lines.py on the
per-line labels of the evaluation sets in ../shared/eval (scrapinghub's gold bodies, the
multilingual set's must-keep / must-drop snippets, WCXB's main content); no page text is stored.
The shipped file holds the weights fitted on scrapinghub and multilingual without n-grams: the
n-gram model measured lower on multilingual drop (README, Cleaning quality). The script reports
cross-validated figures (folds grouped by site, and leave one set out): pages scored through the
whole cleaner with a model fitted without them, which it points the cleaner at with MODEL_ENV (a
path to another .npz file).
"""

from __future__ import annotations

import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.clean.dump.shapes import is_navigation_line, is_prose
from pipeline.clean.language import detect_language
from pipeline.core.arrays import load_arrays
from pipeline.core.settings import PageDumpSettings
from pipeline.core.text import normalize_key, word_count

# CLD2's ISO 639-1 codes -> the names of jusText's stop-word lists (the languages it ships).
STOPLIST_NAMES = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "an": "Aragonese", "hy": "Armenian", "ast": "Asturian",
    "az": "Azerbaijani", "eu": "Basque", "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian", "br": "Breton",
    "bg": "Bulgarian", "ca": "Catalan", "ceb": "Cebuano", "cv": "Chuvash", "hr": "Croatian", "cs": "Czech",
    "da": "Danish", "nl": "Dutch", "en": "English", "eo": "Esperanto", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "gl": "Galician", "ka": "Georgian", "de": "German", "el": "Greek", "gu": "Gujarati",
    "ht": "Haitian", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "is": "Icelandic", "io": "Ido",
    "ig": "Igbo", "id": "Indonesian", "ga": "Irish", "it": "Italian", "jv": "Javanese", "kn": "Kannada",
    "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin", "lv": "Latvian",
    "lt": "Lithuanian", "lb": "Luxembourgish", "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam",
    "mt": "Maltese", "mr": "Marathi", "ne": "Nepali", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk", "oc": "Occitan", "fa": "Persian", "pl": "Polish", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sr": "Serbian", "sh": "Serbo_Croatian",
    "sk": "Slovak", "sl": "Slovenian", "es": "Spanish", "su": "Sundanese", "sw": "Swahili", "sv": "Swedish",
    "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish", "tk": "Turkmen", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk", "wa": "Walloon", "cy": "Welsh",
    "fy": "West_Frisian", "yo": "Yoruba",
}  # fmt: skip

FEATURES = (
    "log chars",
    "log words",
    "stop-word share",
    "language has a stop-word list",
    "ends like a sentence",
    "continues the line above (starts lower-case or with punctuation)",
    "navigation label",
    "digit share",
    "log times the page repeats it",
    "prose line",
    "log chars of its paragraph (inline fragments joined)",
    "stop-word share of its paragraph",
    "its paragraph ends like a sentence",
    "log prose chars within 3 lines",
    "log prose chars within 10 lines",
    "share of navigation labels within 5 lines",
    "stop-word share within 5 lines",
    "relative position in the page",
    "below the headline",
    "log lines below the headline",
    "above the headline",
    "inside the densest run of prose",
    "log lines from that run",
    "no headline found",
    "log lines of its paragraph",
    # Page-type evidence and the article's end (issue 23, item 5, second round): appended, so that
    # a model file fitted before them reads the first len(its means) columns.
    "share of short lines on the page",
    "share of navigation labels on the page",
    "below the densest run of prose",
    "log longest navigation run between it and the headline (else the densest run's start)",
    "share of prose lines within 10 lines standing alone (no prose line above)",
    "a short line with a digit within 2 lines above (a comment's date)",
    "log times the page repeats its shape within 2 lines (prose among other shapes)",
    # The densest run cut where a long run of navigation labels stands between it and its anchor
    # (issue 23, item 5, third round): article_region merges a prose thread under the article's
    # footer or share bar into the run; past such a run a line is past the article's end.
    "inside the densest run, cut at a run of CUT_NAVIGATION_RUN navigation labels from its anchor",
    "log lines from the cut run, for a line of the densest run past the cut",
)
NEIGHBOUR_FEATURES = (
    "score",
    "score of the line above",
    "score of the line below",
    "mean score within 2 lines",
    "mean score within 5 lines",
    "mean score within 15 lines",
    "higher score of the lines above and below",
)
PAGE_COLUMNS = FEATURES.index("share of short lines on the page")  # where page_features' columns start
CUT_COLUMNS = FEATURES.index(  # where cut_region_features' columns start
    "inside the densest run, cut at a run of CUT_NAVIGATION_RUN navigation labels from its anchor"
)
# Read after NEIGHBOUR_FEATURES + FEATURES by the second model (appended for the same reason).
AFTER_NEIGHBOUR_FEATURES = (
    "mean score of the 10 lines above",
    "mean score of the 10 lines below",
    "lowest 5-line mean score between it and the page's best-scoring 11 lines (a valley: the article ended)",
)
_TOKEN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?…:;\"”»)]$")
_CONTINUES = re.compile(r"[,.;:!?)\]}%’”»]")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:·•-]{1,2}\s+")
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
NGRAM_WORDS = 12  # furniture says what it is in its first words; prose lines are judged by the rest
# A feature's definition, fitted with this value (refit after a change): a footer, a tag list or a
# link list is this many labels in a row, a share bar inside an article (Facebook, X, Email) fewer.
CUT_NAVIGATION_RUN = 5
MODEL_ENV = "NEWSCLEAN_DUMP_LINE_MODEL"  # another model file (the training script's held-out folds)
SHIPPED_MODEL = Path(__file__).with_name("line_model.npz")


@dataclass(frozen=True)
class LineModel:
    """The two logistic models' numbers (each weights vector ends with its bias)."""

    line_means: np.ndarray
    line_scales: np.ndarray
    line_weights: np.ndarray
    ngram_weights: np.ndarray  # one per hash bucket; empty: the model reads no n-grams
    context_means: np.ndarray
    context_scales: np.ndarray
    context_weights: np.ndarray


def load_model(path: Path) -> LineModel:
    """The model in the file; read again once the file is replaced (a long-lived worker)."""
    return load_arrays(path, LineModel)


def current_model() -> LineModel:
    """The shipped model, or the one MODEL_ENV names."""
    return load_model(Path(os.environ.get(MODEL_ENV) or SHIPPED_MODEL))


@lru_cache(maxsize=1 << 16)
def word_buckets(word: str, buckets: int) -> tuple[int, ...]:
    """The hash buckets of one case-folded word: the word whole and its character 4-grams
    (crc32: the same buckets in every process, unlike hash())."""
    padded = f"<{word.translate(_DIGITS_AS_ZERO)}>"
    grams = [padded, *(padded[k : k + 4] for k in range(len(padded) - 3))]
    return tuple(zlib.crc32(gram.encode("utf-8")) % buckets for gram in grams)


def line_ngrams(line: str, buckets: int) -> list[int]:
    """The hash buckets of the line's first NGRAM_WORDS words, case folded ("ß" as "ss")."""
    return [bucket for word in _TOKEN.findall(line.casefold())[:NGRAM_WORDS] for bucket in word_buckets(word, buckets)]


def ngram_scores(lines: Sequence[str], weights: np.ndarray) -> np.ndarray:
    """Per line: the n-gram weights of its buckets, summed and divided by the square root of
    their count (each bucket weighs 1/sqrt(n) in the line's feature vector)."""
    if not len(weights):
        return np.zeros(len(lines))
    flat: list[int] = []
    counts = np.zeros(len(lines), dtype=np.intp)
    for index, line in enumerate(lines):
        found = line_ngrams(line, len(weights))
        flat.extend(found)
        counts[index] = len(found)
    running = np.concatenate([[0.0], np.cumsum(weights[np.array(flat, dtype=np.intp)])])
    ends = np.cumsum(counts)
    return np.asarray((running[ends] - running[ends - counts]) / np.sqrt(np.maximum(counts, 1)))


def stop_words(language: str | None) -> frozenset[str]:
    """jusText's stop-word list for an ISO 639-1 code (read from the installed package), or empty."""
    name = STOPLIST_NAMES.get(language or "")
    if name is None:
        return frozenset()
    import justext  # the lists ship inside jusText (already installed with trafilatura)

    return frozenset(justext.get_stoplist(name))


def page_language(lines: Sequence[str]) -> str | None:
    """The page's language from its longer lines (menus say little and are often English)."""
    sample = "\n".join(line for line in lines if word_count(line) >= 8)[:3000]
    return detect_language(sample) or detect_language("\n".join(lines)[:3000])


def stop_share(text: str, stops: frozenset[str]) -> float:
    tokens = _TOKEN.findall(text.lower())
    return sum(token in stops for token in tokens) / len(tokens) if tokens else 0.0


def continues(previous: str, line: str) -> bool:
    """`line` is the rest of `previous`'s paragraph: a link or emphasis split out of a sentence."""
    return not _SENTENCE_END.search(previous) and (line[:1].islower() or bool(_CONTINUES.match(line)))


def paragraphs_of(lines: Sequence[str], max_lines: int) -> list[tuple[int, int]]:
    """(first, last) line index of each paragraph, inline fragments joined: a line that continues
    the one above; and a run of up to max_lines lines, none of which ends a sentence until the last
    does, when a continued line is among them (a sentence whose links each became a text node of
    their own). Without one, such a run is a byline, a timestamp and a comment, or a menu."""
    spans: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        if spans and continues(lines[index - 1], line):
            spans[-1] = (spans[-1][0], index)
        else:
            spans.append((index, index))
    joined: list[tuple[int, int]] = []
    k = 0
    while k < len(spans):
        end = _sentence_run_end(lines, spans, k, max_lines)
        joined.append((spans[k][0], spans[end][1]))
        k = end + 1
    return joined


def _sentence_run_end(lines: Sequence[str], spans: Sequence[tuple[int, int]], k: int, max_lines: int) -> int:
    """The last span of the sentence that starts with span k (k itself when there is none)."""
    first, end = spans[k][0], k
    while (
        not _SENTENCE_END.search(lines[spans[end][1]])
        and end + 1 < len(spans)
        and spans[end + 1][1] - first < max_lines
    ):
        end += 1
    continued = any(last > start for start, last in spans[k : end + 1])
    return end if end > k and continued and _SENTENCE_END.search(lines[spans[end][1]]) else k


def headline_line(lines: Sequence[str]) -> int | None:
    """The line where the page repeats its <title> (the dump's first line) as its headline: the
    whole title, one of its parts (site name split off), or a line holding most of the title."""
    if not lines:
        return None
    title = normalize_key(lines[0])
    parts = {normalize_key(part) for part in _TITLE_SEPARATORS.split(lines[0]) if word_count(part) >= 2}
    for index in range(1, len(lines)):
        key = normalize_key(lines[index])
        if word_count(lines[index]) < 2 or len(key) < 12:
            continue
        if key in parts or (len(key) >= 0.5 * len(title) and key in title):
            return index
        if len(title) >= 20 and title in key and len(key) <= 1.5 * len(title):
            return index
    return None


def line_features(
    lines: Sequence[str],
    settings: PageDumpSettings,
    region: tuple[int, int] | None,
    stops: frozenset[str],
    columns: int = len(FEATURES),
) -> np.ndarray:
    """One row of FEATURES per line, its first `columns` (a model fitted before the page-type
    columns were appended reads fewer, and they are then not computed)."""

    count = len(lines)
    seen = Counter(lines)
    headline = headline_line(lines)
    chars = np.array([len(line) for line in lines], dtype=float)
    tokens = [_TOKEN.findall(line.lower()) for line in lines] if stops else [[] for _ in lines]
    token_counts = [len(found) for found in tokens]
    stop_counts = [sum(token in stops for token in found) for found in tokens]
    shares = np.array([stop / total if total else 0.0 for stop, total in zip(stop_counts, token_counts, strict=True)])
    prose = np.array([is_prose(line, settings) for line in lines], dtype=float)
    navigation = np.array([is_navigation_line(line, settings) for line in lines], dtype=float)
    paragraph_of = [0] * count
    spans = paragraphs_of(lines, settings.paragraph_max_lines)
    for number, (first, last) in enumerate(spans):
        for index in range(first, last + 1):
            paragraph_of[index] = number
    joined = [" ".join(lines[first : last + 1]) for first, last in spans]
    paragraph_shares = [  # = stop_share of the joined text: joining with a space merges no tokens
        sum(stop_counts[first : last + 1]) / total if (total := sum(token_counts[first : last + 1])) else 0.0
        for first, last in spans
    ]

    def sums(values: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(values)])

    prose_sums, navigation_sums = sums(chars * prose), sums(navigation)
    share_sums, char_sums = sums(shares * chars), sums(chars)

    positions = np.arange(count)

    def window(total: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """Per line: the sum of a value over the lines within `radius`, and how many lines that is."""
        low, high = np.maximum(0, positions - radius), np.minimum(count, positions + radius + 1)
        return total[high] - total[low], high - low

    prose_near3, _ = window(prose_sums, 3)
    prose_near10, _ = window(prose_sums, 10)
    navigation_near, near = window(navigation_sums, 5)
    share_near, _ = window(share_sums, 5)
    chars_near, _ = window(char_sums, 5)
    anchor = headline if headline is not None else region[0] if region is not None else None
    rows = np.zeros((count, max(columns, PAGE_COLUMNS)))
    if columns > PAGE_COLUMNS:
        rows[:, PAGE_COLUMNS:CUT_COLUMNS] = page_features(lines, settings, navigation, prose, region, anchor)
    if columns > CUT_COLUMNS:
        rows[:, CUT_COLUMNS : len(FEATURES)] = cut_region_features(navigation, region, anchor)
    for index, line in enumerate(lines):
        words = word_count(line)
        paragraph = joined[paragraph_of[index]]
        below = headline is not None and index > headline
        inside = region is not None and region[0] <= index <= region[1]
        rows[index, :PAGE_COLUMNS] = (
            math.log1p(len(line)),
            math.log1p(words),
            shares[index],
            1.0 if stops else 0.0,
            1.0 if _SENTENCE_END.search(line) else 0.0,
            1.0 if (line[:1].islower() or _CONTINUES.match(line)) else 0.0,
            navigation[index],
            len(_DIGIT.findall(line)) / max(1, len(line)),
            math.log(seen[line]),
            prose[index],
            math.log1p(len(paragraph)),
            paragraph_shares[paragraph_of[index]],
            1.0 if _SENTENCE_END.search(paragraph) else 0.0,
            math.log1p(prose_near3[index]),
            math.log1p(prose_near10[index]),
            navigation_near[index] / near[index],
            share_near[index] / chars_near[index] if chars_near[index] else 0.0,
            index / count,
            1.0 if below else 0.0,
            math.log1p(index - headline) if below and headline is not None else 0.0,
            1.0 if headline is not None and index < headline else 0.0,
            1.0 if inside else 0.0,
            math.log1p(min(abs(index - region[0]), abs(index - region[1]))) if region and not inside else 0.0,
            1.0 if headline is None else 0.0,
            math.log(spans[paragraph_of[index]][1] - spans[paragraph_of[index]][0] + 1),
        )
    return rows[:, :columns]


def line_shapes(
    lines: Sequence[str], settings: PageDumpSettings, navigation: np.ndarray, prose: np.ndarray
) -> list[int]:
    """Per line: 0 prose, 1 navigation label, 2 a short line with a digit (a date, a time, a
    count), 3 anything else (a heading, a short sentence)."""
    return [_shape(line, settings, bool(prose[k]), bool(navigation[k])) for k, line in enumerate(lines)]


def _shape(line: str, settings: PageDumpSettings, prose: bool, navigation: bool) -> int:
    if prose:
        return 0
    if navigation:
        return 1
    return 2 if word_count(line) <= settings.short_words and _DIGIT.search(line) else 3


def page_features(
    lines: Sequence[str],
    settings: PageDumpSettings,
    navigation: np.ndarray,
    prose: np.ndarray,
    region: tuple[int, int] | None,
    anchor: int | None,
) -> np.ndarray:
    """The page-type and article's-end columns of FEATURES (the seven from PAGE_COLUMNS), one row
    per line: a page of many short lines is furniture more than a page of prose; a comment thread
    under the article repeats a shape (a name, a date, a comment, a reply label) whose prose lines
    stand alone, and lies past a run of navigation lines (tags, share bar, related links) from the
    article."""
    count = len(lines)
    shapes = line_shapes(lines, settings, navigation, prose)
    short = sum(word_count(line) <= settings.short_words for line in lines) / count
    padded = [-1, -1, *shapes, -1, -1]
    windows = [tuple(padded[index : index + 5]) for index in range(count)]
    repeats = Counter(windows)
    alone = np.array([prose[k] and (k == 0 or not prose[k - 1]) for k in range(count)], dtype=float)
    alone_sums, prose_counts = np.concatenate([[0.0], np.cumsum(alone)]), np.concatenate([[0], np.cumsum(prose)])
    positions = np.arange(count)
    low, high = np.maximum(0, positions - 10), np.minimum(count, positions + 11)
    prose_near = prose_counts[high] - prose_counts[low]
    alone_near = np.divide(alone_sums[high] - alone_sums[low], prose_near, out=np.zeros(count), where=prose_near > 0)
    dated = [any(shapes[k] == 2 for k in range(max(0, index - 2), index)) for index in range(count)]
    mixed = [0 in window and any(shape > 0 for shape in window) for window in windows]
    below = np.zeros(count)
    if region is not None:
        below[region[1] + 1 :] = 1.0
    return np.column_stack(
        [
            np.full(count, short),
            np.full(count, float(navigation.mean())),
            below,
            np.log1p(_navigation_barrier(navigation, anchor)),
            alone_near,
            np.array(dated, dtype=float),
            [math.log(repeats[window]) if mix else 0.0 for window, mix in zip(windows, mixed, strict=True)],
        ]
    )


def cut_region(navigation: np.ndarray, region: tuple[int, int], anchor: int | None) -> tuple[int, int]:
    """The densest run of prose (first, last) cut at the first run of CUT_NAVIGATION_RUN navigation
    labels on each side of its anchor (the headline when it stands inside the run, else the run's
    first line)."""
    first, last = region
    start = anchor if anchor is not None and first <= anchor <= last else first
    through = _labels_from(navigation, start, first - 1, -1) + _labels_from(navigation, start, last + 1, 1) - 1
    if through >= CUT_NAVIGATION_RUN:  # the anchor stands inside a long run: nothing is left on either side
        return start + 1, start - 1
    return _before_run(navigation, start, first - 1, -1), _before_run(navigation, start, last + 1, 1)


def _labels_from(navigation: np.ndarray, start: int, stop: int, step: int) -> int:
    """How many navigation labels stand in a row from start towards stop (exclusive), start included."""
    count = 0
    for index in range(start, stop, step):
        if not navigation[index]:
            break
        count += 1
    return count


def _before_run(navigation: np.ndarray, start: int, stop: int, step: int) -> int:
    """The last line from start towards stop (exclusive) before a run of CUT_NAVIGATION_RUN labels."""
    run = 0
    for index in range(start, stop, step):
        run = run + 1 if navigation[index] else 0
        if run >= CUT_NAVIGATION_RUN:
            return index - step * run
    return stop - step


def cut_region_features(navigation: np.ndarray, region: tuple[int, int] | None, anchor: int | None) -> np.ndarray:
    """The cut-region columns of FEATURES (its last two), one row per line."""
    count = len(navigation)
    rows = np.zeros((count, 2))
    if region is None:
        return rows
    low, high = cut_region(navigation, region, anchor)
    rows[low : high + 1, 0] = 1.0
    for index in [*range(region[0], low), *range(high + 1, region[1] + 1)]:
        rows[index, 1] = math.log1p(low - index if index < low else index - high)
    return rows


def _navigation_barrier(navigation: np.ndarray, anchor: int | None) -> np.ndarray:
    """Per line: the longest run of navigation labels strictly between the line and the anchor
    line (the headline: a thread under the article lies past its tags, share bar and links)."""
    count = len(navigation)
    barrier = np.zeros(count)
    if anchor is None:
        return barrier
    for span in (range(anchor + 1, count), range(anchor - 1, -1, -1)):
        run = best = 0
        for index in span:
            barrier[index] = best
            run = run + 1 if navigation[index] else 0
            best = max(best, run)
    return barrier


def neighbour_features(scores: np.ndarray) -> np.ndarray:
    """One row of NEIGHBOUR_FEATURES per line, from the first model's scores."""
    count = len(scores)
    total = np.concatenate([[0.0], np.cumsum(scores)])
    above = np.concatenate([[0.0], scores[:-1]])
    below = np.concatenate([scores[1:], [0.0]])

    def mean(radius: int) -> np.ndarray:
        index = np.arange(count)
        low, high = np.maximum(0, index - radius), np.minimum(count, index + radius + 1)
        return np.asarray((total[high] - total[low]) / (high - low))

    return np.column_stack([scores, above, below, mean(2), mean(5), mean(15), np.maximum(above, below)])


def after_neighbour_features(scores: np.ndarray) -> np.ndarray:
    """One row of AFTER_NEIGHBOUR_FEATURES per line: the scores above and below it apart (at the
    article's end the lines below fall, the lines above do not), and the valley between it and the
    page's best-scoring stretch: a line past a stretch of low scores is past the article's end."""
    count = len(scores)
    total = np.concatenate([[0.0], np.cumsum(scores)])
    index = np.arange(count)
    low, high = np.maximum(0, index - 10), np.minimum(count, index + 11)
    above = np.divide(total[index] - total[low], index - low, out=np.zeros(count), where=index > low)
    below = np.divide(total[high] - total[index + 1], high - index - 1, out=np.zeros(count), where=high > index + 1)
    near_low, near_high = np.maximum(0, index - 2), np.minimum(count, index + 3)
    smooth = (total[near_high] - total[near_low]) / (near_high - near_low)
    valley = smooth.copy()
    if count:
        wide_low, wide_high = np.maximum(0, index - 5), np.minimum(count, index + 6)
        best = int(np.argmax((total[wide_high] - total[wide_low]) / (wide_high - wide_low)))
        valley[best:] = np.minimum.accumulate(smooth[best:])
        valley[: best + 1] = np.minimum.accumulate(smooth[: best + 1][::-1])[::-1]
    return np.column_stack([above, below, valley])


def context_rows(scores: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
    """The second model's input: NEIGHBOUR_FEATURES, FEATURES, AFTER_NEIGHBOUR_FEATURES, cut to the
    model's width (a model fitted before the appended features reads their prefix)."""
    both = np.hstack([neighbour_features(scores), rows])
    if width > both.shape[1]:
        both = np.hstack([both, after_neighbour_features(scores)])
    return both[:, :width]


def logistic(
    rows: np.ndarray,
    means: Sequence[float] | np.ndarray,
    scales: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    offset: np.ndarray | float = 0.0,
) -> np.ndarray:
    """P(article) per row: standardized features, then weights (the last weight is the bias), plus
    an offset per row (the n-gram part of the first model)."""
    z = (rows - np.asarray(means)) / np.asarray(scales)
    w = np.asarray(weights)
    return np.asarray(1.0 / (1.0 + np.exp(-(z @ w[:-1] + w[-1] + offset))))


def first_scores(lines: Sequence[str], rows: np.ndarray, model: LineModel) -> np.ndarray:
    """The first model's P(article) per line: its general features and its n-grams."""
    ngrams = ngram_scores(lines, model.ngram_weights)
    return logistic(rows, model.line_means, model.line_scales, model.line_weights, ngrams)


def article_scores(lines: Sequence[str], settings: PageDumpSettings, region: tuple[int, int] | None) -> np.ndarray:
    """P(the line is article text) for every line of a page dump."""
    model = current_model()
    stops = stop_words(page_language(lines))
    rows = line_features(lines, settings, region, stops, len(model.line_means))
    both = context_rows(first_scores(lines, rows, model), rows, len(model.context_means))
    return logistic(both, model.context_means, model.context_scales, model.context_weights)


def article_lines(lines: Sequence[str], settings: PageDumpSettings, region: tuple[int, int] | None) -> list[bool]:
    """Which lines to keep (kept_lines of the line model's scores)."""
    return kept_lines(lines, article_scores(lines, settings, region), settings, region)


def kept_lines(
    lines: Sequence[str], scores: np.ndarray, settings: PageDumpSettings, region: tuple[int, int] | None
) -> list[bool]:
    """Those the model scores at settings.line_threshold or more, the prose at the edges of a stretch
    dropped between them (_grow: extend_threshold, extend_gap), and gaps of up to settings.line_gap
    lines between them; the densest run of prose when the model keeps less than
    settings.min_kept_chars, which is a short article it cannot tell from its page."""
    keep = [bool(score >= settings.line_threshold) for score in scores]
    if settings.extend_threshold < settings.line_threshold:
        _grow(lines, scores, keep, settings)
    if settings.headline_prose:
        _keep_lead(lines, keep, settings)
    kept = [index for index, flag in enumerate(keep) if flag]
    for before, after in zip(kept, kept[1:], strict=False):
        if after - before - 1 <= settings.line_gap:
            keep[before + 1 : after] = [True] * (after - before - 1)
    if sum(len(line) for line, flag in zip(lines, keep, strict=True) if flag) < settings.min_kept_chars and region:
        keep = [flag or region[0] <= index <= region[1] for index, flag in enumerate(keep)]
    return keep


def _grow(lines: Sequence[str], scores: np.ndarray, keep: list[bool], settings: PageDumpSettings) -> None:
    """Keep, in place, each prose line between the first and the last kept line that scores
    settings.extend_threshold or more within settings.extend_gap lines of a kept line, growing from
    the lines it adds (one sweep down and one up, again until nothing is added): a stretch the
    model dropped inside the article gives back the prose at its edges."""
    kept = [index for index, flag in enumerate(keep) if flag]
    if not kept:
        return
    inside = range(kept[0] + 1, kept[-1])
    grown = True
    while grown:
        grown = False
        for order in (inside, reversed(inside)):
            last = kept[0] if order is inside else kept[-1]
            for index in order:
                if keep[index]:
                    last = index
                elif (
                    abs(index - last) <= settings.extend_gap
                    and scores[index] >= settings.extend_threshold
                    and is_prose(lines[index], settings)
                ):
                    keep[index] = grown = True
                    last = index


def _keep_lead(lines: Sequence[str], keep: list[bool], settings: PageDumpSettings) -> None:
    """Keep, in place, the prose lines between the page's headline and the first kept line."""
    headline = headline_line(lines)
    first = next((index for index, flag in enumerate(keep) if flag), None)
    if headline is None or first is None or first <= headline:
        return
    for index in range(headline + 1, first):
        keep[index] = keep[index] or is_prose(lines[index], settings)
