"""Where the page-dump path loses must-keep text (issue 23, item 5): every lost unit, attributed to
what removed it, with the line model scored held out.

Usage:
  python scripts/attribute_dump_losses.py --cache /tmp/pages.pkl        # 5 folds by site, main's model
  python scripts/attribute_dump_losses.py --model FILE                   # one model file for every page
  python scripts/attribute_dump_losses.py --save /tmp/records.pkl        # also record each dump page
  python scripts/attribute_dump_losses.py --screen /tmp/records.pkl --variant extend_threshold=0.3,extend_gap=1
                                    # other keep rules (page_dump settings) replayed on the held-out scores

Each page of ../shared/eval that the cleaner takes for a full-page dump is cleaned through the whole
cleaner with a line model fitted without its fold's sites (scripts/train_page_lines.py's fit, with
the shipped model's features and sets: no n-grams, scrapinghub + multilingual, columns 0-24, no
after-neighbour features, threshold 0.5), named by $NEWSCLEAN_DUMP_LINE_MODEL. The units:

- multilingual: each must-keep snippet (`with`), lost when the body does not hold it;
- wcxb-dev (article pages): each `with` snippet, case-insensitive, against the dek and body;
- scrapinghub: the gold tokens of each dump line (the share of its tokens in a run of 3 the gold
  holds, as the training labels), lost with the line.

A lost unit's lines are looked up in the dump's lines, and the first line that did not reach the body
names the cause: the region step (page.outside_article / page.boilerplate_line), a named rule, the
duplicate step, the header (taken as headline or dek), a span removal inside a kept line, or a text
never taken for a dump. Region losses are then placed against the lines the region step kept: no
must-keep line of the page kept (the wrong region), before the first kept line (cut at the start),
after the last (cut at the end), between them (inside the region); and whether the < min_kept_chars
fallback (the densest run) decided the page. Only counts and page ids are printed: no page text
(--save writes the pages' lines to a local pickle for --screen: keep it out of the repository).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import train_page_lines as training  # noqa: E402

from pipeline.clean.cleaner import Cleaner  # noqa: E402
from pipeline.clean.dump import line_model  # noqa: E402
from pipeline.clean.dump.region import KeepArticleRegion, article_region  # noqa: E402
from pipeline.clean.dump.shapes import is_prose  # noqa: E402
from pipeline.core.document import Article  # noqa: E402
from pipeline.evaluation import scores, wcxb  # noqa: E402
from pipeline.ingest.readers import ReadError, read_file  # noqa: E402

REGION_RULES = ("page.outside_article", "page.boilerplate_line")
SCORE_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.01)


@dataclass
class RegionView:
    """What the region step saw and kept on one page."""

    texts: list[str]
    kept: set[int]
    scores: np.ndarray
    fallback: bool


class RecordingRegion:
    """KeepArticleRegion, recording its lines, what it kept and the line model's scores."""

    name: ClassVar[str] = KeepArticleRegion.name
    once: ClassVar[bool] = True

    def __init__(self, step: KeepArticleRegion) -> None:
        self.step = step
        self.view: RegionView | None = None

    def __call__(self, article: Article) -> None:
        self.view = None
        self.step(article)
        if not article.page_dump:
            return
        kept = {p.position: p.text for p in article.paragraphs}
        dropped = {r.position: r.text for r in article.removed if r.rule in REGION_RULES}
        both = kept | dropped
        texts = [both[index] for index in range(len(both))]
        settings = self.step.settings
        region = article_region(texts, settings)
        found = line_model.article_scores(texts, settings, region)
        passed = sum(len(t) for t, s in zip(texts, found, strict=True) if s >= settings.line_threshold)
        self.view = RegionView(texts, set(kept), found, passed < settings.min_kept_chars)


@dataclass
class Tally:
    """Per set: lost units by cause, region losses by place, pages by kind."""

    units: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    lost: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    region_places: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    pages: Counter[str] = field(default_factory=Counter)
    details: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    lost_scores: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    lost_prose: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    lost_distance: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    worst: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class PageRecord:
    """One dump page as the region step saw it, for screening other keep rules (--save): its lines,
    held-out scores, what the region step kept, what later steps removed, and its labels' lines."""

    set_name: str
    page_id: str
    texts: list[str]
    scores: np.ndarray
    kept: set[int]
    region: tuple[int, int] | None
    ruled: set[int]  # lines the region step kept and a later step removed
    keep_units: list[tuple[list[int], float, bool]]  # (lines, weight, found in the output)
    drop_units: list[tuple[list[int], bool]]  # (lines, absent from the output)


@dataclass
class Unit:
    lines: list[int]  # the dump lines that hold it (empty: not found among them)
    weight: float  # 1 a snippet, its gold tokens a scrapinghub line
    found: bool  # the output holds it


def line_fates(article: Article, view: RegionView) -> dict[int, str]:
    """Per dump line that did not reach the body: what took it."""
    body = {p.position for p in article.paragraphs}
    fates: dict[int, str] = {}
    for removal in article.removed:
        if removal.scope == "paragraph" and removal.position not in fates and removal.position not in body:
            fates[removal.position] = removal.rule
    headers = {t for t in (article.title, article.subtitle) if t}
    for index, text in enumerate(view.texts):
        if index not in body and index not in fates:
            fates[index] = "header (headline or dek)" if text in headers else "gone, no removal"
    return fates


def span_rule(article: Article, lines: list[int]) -> str:
    spans = [r.rule for r in article.removed if r.scope != "paragraph" and r.position in lines]
    return f"span: {spans[0]}" if spans else "kept lines, not found as one text"


def cause_of(unit: Unit, article: Article, view: RegionView | None, fates: dict[int, str]) -> str:
    if view is None:
        return "never taken for a dump"
    if not unit.lines:
        return "not in the dump's lines"
    for index in unit.lines:
        if index in fates:
            rule = fates[index]
            if rule in REGION_RULES or rule.startswith(("header", "gone")):
                return rule
            return "rule: dedup" if "duplicate" in rule or "repeat" in rule else f"rule: {rule}"
    return span_rule(article, unit.lines)


def region_place(index: int, view: RegionView, wanted_kept: bool) -> str:
    if not wanted_kept:
        return "wrong region (no must-keep line kept)"
    if not view.kept:
        return "nothing kept"
    if index < min(view.kept):
        return "cut short at the start"
    if index > max(view.kept):
        return "cut short at the end"
    return "inside the region, dropped"


def place_detail(place: str, index: int, view: RegionView) -> str:
    """Where a line the region step cut stands: against the headline at the start, in how long a
    dropped stretch inside the region."""
    if place.startswith("cut short at the start"):
        headline = line_model.headline_line(view.texts)
        where = "no headline" if headline is None else "below the headline" if index > headline else "above it"
        return f"start, {where}"
    if place.startswith("inside"):
        low, high = index, index
        while low - 1 not in view.kept:
            low -= 1
        while high + 1 not in view.kept:
            high += 1
        length = high - low + 1
        size = "4-5" if length <= 5 else "6-10" if length <= 10 else "11+"
        return f"inside, a dropped stretch of {size} lines"
    return place


def distance_bin(index: int, kept: set[int]) -> str:
    if not kept:
        return "no kept line"
    gap = min(abs(index - k) for k in kept)
    return "1" if gap == 1 else "2-3" if gap <= 3 else "4-10" if gap <= 10 else "11+"


def score_bin(score: float) -> str:
    for low, high in zip(SCORE_BINS, SCORE_BINS[1:], strict=False):
        if low <= score < high:
            return f"{low:.1f}-{min(high, 1.0):.1f}"
    return "?"


def attribute(tally: Tally, page_id: str, units: list[Unit], article: Article | None, view: RegionView | None) -> None:
    if article is None:
        return
    fates = line_fates(article, view) if view is not None else {}
    wanted = {index for unit in units for index in unit.lines}
    wanted_kept = bool(view is not None and wanted & view.kept)
    kinds: set[str] = set()
    lost_here = 0.0
    for unit in units:
        tally.units["all"] += unit.weight
        if unit.found:
            continue
        cause = cause_of(unit, article, view, fates)
        tally.lost[cause] += unit.weight
        lost_here += unit.weight
        if view is None or cause not in REGION_RULES:
            kinds.add("rules after the cut" if cause.startswith(("rule", "span", "header")) else cause)
            continue
        first = next(index for index in unit.lines if fates.get(index) in REGION_RULES)
        place = region_place(first, view, wanted_kept)
        kinds.add(place + (" (fallback)" if view.fallback else ""))
        tally.region_places[place + (" (fallback)" if view.fallback else "")] += unit.weight
        tally.details[place_detail(place, first, view)] += unit.weight
        tally.lost_scores[score_bin(float(view.scores[first]))] += unit.weight
        shape = "prose" if is_prose(view.texts[first], training.dump_settings()) else "not prose"
        tally.lost_prose[shape] += unit.weight
        tally.lost_distance[distance_bin(first, view.kept)] += unit.weight
    for kind in kinds:
        tally.pages[kind] += 1
    if lost_here:
        tally.worst.append((lost_here, page_id))


def clean_text(cleaner: Cleaner, path: Path, name: str | None = None) -> Article | None:
    for found in read_file(path, name):
        return None if isinstance(found, ReadError) else cleaner.clean(found)
    return None


Units = tuple[list[Unit], list[Unit]]  # must-keep units (found: kept), must-drop units (found: absent)


def multilingual_units(folder: Path, page_id: str, article: Article | None, view: RegionView | None) -> Units:
    labels = json.loads((folder / f"{page_id}.snippets.json").read_text(encoding="utf-8"))
    body = scores.snippet_key(scores.predicted_body(article))
    texts = view.texts if view else []
    keys = {key: [scores.snippet_key(s) for s in labels.get(key) or []] for key in ("with", "without")}
    return (
        [Unit(training.snippet_lines(texts, s), 1.0, s in body) for s in keys["with"]],
        [Unit(training.snippet_lines(texts, s), 1.0, s not in body) for s in keys["without"]],
    )


def scrapinghub_units(folder: Path, page_id: str, article: Article | None, view: RegionView | None) -> Units:
    """Each dump line as a unit of its tokens: must-keep when half of them are the gold's (the
    training labels), must-drop otherwise."""
    gold = (folder / f"{page_id}.gold.txt").read_text(encoding="utf-8")
    if view is None:  # not a page dump: its gold tokens are not counted line by line
        return [], []
    body = {p.position for p in article.paragraphs} if article else set()
    shares = training.gold_shares(view.texts, gold)
    keep: list[Unit] = []
    drop: list[Unit] = []
    for index, share in enumerate(shares):
        tokens = len(training._TOKEN.findall(view.texts[index]))
        if share >= 0.5:
            keep.append(Unit([index], share * tokens, index in body))
        elif tokens:
            drop.append(Unit([index], tokens, index not in body))
    return keep, drop


def wcxb_units(page: wcxb.Page, article: Article | None, view: RegionView | None) -> Units:
    text = wcxb.reader_text(article).lower()
    texts = view.texts if view else []
    return (
        [Unit(training.snippet_lines(texts, s, fold_case=True), 1.0, s.lower() in text) for s in page.with_],
        [Unit(training.snippet_lines(texts, s, fold_case=True), 1.0, s.lower() not in text) for s in page.without],
    )


def record(set_name: str, page_id: str, article: Article | None, view: RegionView | None, units: Units) -> PageRecord:
    """The page for screening (only a page dump's: view is its region step's)."""
    assert view is not None
    body = {p.position for p in article.paragraphs} if article else set()
    return PageRecord(
        set_name,
        page_id,
        view.texts,
        view.scores,
        view.kept,
        article_region(view.texts, training.dump_settings()),
        view.kept - body,
        [(unit.lines, unit.weight, unit.found) for unit in units[0]],
        [(unit.lines, unit.found) for unit in units[1]],
    )


def fold_models(args: argparse.Namespace, workdir: Path) -> dict[int, Path]:
    """Per fold, a model fitted without that fold's sites, as main's shipped model is fitted."""
    training.COLUMNS, training.AFTER = list(range(25)), False
    # train_page_lines.py run as a script pickles its pages as __main__.Page
    sys.modules["__main__"].Page = training.Page  # type: ignore[attr-defined]
    pages = training.load_pages(args.eval_dir, 0, args.cache)
    for page in pages:
        if page.rows.shape[1] != len(line_model.FEATURES):
            training.featurize(page)
        page.ngrams = training.ngram_matrix(page.lines, 0)
    paths = {}
    for fold in range(args.folds):
        chosen = [
            p
            for p in pages
            if p.set_name in ("scrapinghub", "multilingual") and training.site_fold(p.site, args.folds) != fold
        ]
        paths[fold] = workdir / f"fold{fold}.npz"
        training.write_model(training.fit_with_threshold(chosen, training.ALPHA, 0.5), paths[fold])
    return paths


def run(args: argparse.Namespace, models: dict[int, Path] | None) -> tuple[dict[str, Tally], list[PageRecord]]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    records: list[PageRecord] = []

    def account(name: str, page_id: str, article: Article | None, view: RegionView | None, units: Units) -> None:
        attribute(tallies[name], page_id, units[0], article, view)
        if view is not None:
            records.append(record(name, page_id, article, view, units))

    cleaners: dict[Path, tuple[Cleaner, RecordingRegion]] = {}

    def cleaner_for(site: str) -> tuple[Cleaner, RecordingRegion]:
        path = args.model if models is None else models[training.site_fold(site, args.folds)]
        if path not in cleaners:
            os.environ[line_model.MODEL_ENV] = str(path)
            cleaner = Cleaner.from_files()
            at = next(k for k, step in enumerate(cleaner.steps) if isinstance(step, KeepArticleRegion))
            recorder = RecordingRegion(cleaner.steps[at])  # type: ignore[arg-type]
            cleaner.steps[at] = recorder
            cleaners[path] = (cleaner, recorder)
        os.environ[line_model.MODEL_ENV] = str(path)
        return cleaners[path]

    for name, units_of in (("multilingual", multilingual_units), ("scrapinghub", scrapinghub_units)):
        if name not in args.sets:
            continue
        folder = args.eval_dir / name
        for path, site in training.plain_sites(args.eval_dir, name):
            page_id = path.name[: -len(".dump.txt")]
            cleaner, recorder = cleaner_for(site)
            article = clean_text(cleaner, path, page_id + ".txt")
            account(name, page_id, article, recorder.view, units_of(folder, page_id, article, recorder.view))
    if "wcxb-dev" in args.sets:
        sites = training.wcxb_sites(args.eval_dir / "wcxb-dev")
        with tempfile.TemporaryDirectory(prefix="wcxb-attribute-") as tmp:
            for page in wcxb.pages(args.eval_dir / "wcxb-dev"):
                if page.page_type != "article":
                    continue
                cleaner, recorder = cleaner_for(sites.get(page.page_id, page.page_id))
                html = gzip.decompress(page.html_path.read_bytes()).decode("utf-8", errors="replace")
                article = clean_text(cleaner, wcxb.make_input("dump", page, html, Path(tmp)))
                view = recorder.view
                account("wcxb-dev", page.page_id, article, view, wcxb_units(page, article, view))
    return tallies, records


def show(counter: Mapping[str, float], total: float) -> str:
    biggest = sorted(counter.items(), key=lambda item: -item[1])
    return "\n".join(f"    {value:9.1f}  {value / total:6.1%}  {key}" for key, value in biggest)


def report(tallies: dict[str, Tally]) -> None:
    for name, tally in tallies.items():
        total, lost = tally.units["all"], sum(tally.lost.values())
        unit = "gold tokens (lines labelled article)" if name == "scrapinghub" else "must-keep snippets"
        print(f"\n== {name}: {total:.0f} {unit}, {lost:.0f} lost ({lost / max(total, 1):.1%})")
        print("  lost by cause:\n" + show(tally.lost, max(lost, 1)))
        region = sum(tally.region_places.values()) or 1
        print("  region losses by place:\n" + show(tally.region_places, region))
        print("  region losses, in detail:\n" + show(tally.details, region))
        print("  region losses, held-out score of the line:\n" + show(tally.lost_scores, region))
        print("  region losses, the line's shape:\n" + show(tally.lost_prose, region))
        print("  region losses, lines to the nearest kept line:\n" + show(tally.lost_distance, region))
        kinds = "\n".join(f"    {count:9d}  {kind}" for kind, count in tally.pages.most_common())
        print("  pages by kind of loss (a page can have several):\n" + kinds)
        worst = ", ".join(f"{page} ({value:.0f})" for value, page in sorted(tally.worst, reverse=True)[:8])
        print(f"  most lost: {worst}")


def unit_outcome(lines: list[int], before: bool, keep: list[bool], rec: PageRecord) -> bool | None:
    """Whether a unit's lines all reach the body under another keep rule (None: unchanged, its
    outcome through the cleaner stands). The later steps' removals are taken as they were."""
    if not lines:
        return None
    now = all(keep[index] and index not in rec.ruled for index in lines)
    then = all(index in rec.kept and index not in rec.ruled for index in lines)
    return None if now == then else now if before else not now


def screen(records: list[PageRecord], overrides: dict[str, str]) -> str:
    """Per set, the share of must-keep units kept and must-drop units dropped on the dump pages when
    the kept lines come from line_model.kept_lines with these settings (a proxy of the cleaner's
    figures: the later steps' removals as they were; only the direction is to be read)."""
    settings = replace(training.dump_settings(), **{key: yaml.safe_load(value) for key, value in overrides.items()})
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0] * 6)  # kept, wanted, dropped, unwanted, gained, lost
    for rec in records:
        keep = line_model.kept_lines(rec.texts, rec.scores, settings, rec.region)
        total = sums[rec.set_name]
        for lines, weight, found in rec.keep_units:
            now = unit_outcome(lines, True, keep, rec)
            total[0] += weight * (found if now is None else now)
            total[1] += weight
            total[4] += weight * (now is True)
            total[5] += weight * (now is False)
        for lines, absent in rec.drop_units:
            now = unit_outcome(lines, False, keep, rec)
            total[2] += absent if now is None else now
            total[3] += 1
    return "; ".join(
        f"{name} keep {t[0] / t[1]:.4f} (+{t[4]:.0f} -{t[5]:.0f}) drop {t[2] / t[3]:.4f}"
        for name, t in sorted(sums.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", type=Path, help="one model file for every page (default: held-out folds)")
    parser.add_argument("--cache", type=Path, help="train_page_lines.py's pickle of the loaded pages")
    parser.add_argument("--save", type=Path, help="pickle the dump pages' records here (for --screen)")
    parser.add_argument("--sets", type=lambda s: s.split(","), default=list(training.SETS))
    parser.add_argument("--screen", type=Path, help="records saved by --save: screen --variant keep rules on them")
    parser.add_argument("--variant", action="append", default=[], help="page_dump settings, e.g. extend_threshold=0.3")
    args = parser.parse_args()
    if args.screen is not None:
        records = pickle.loads(args.screen.read_bytes())
        for variant in ["", *args.variant]:
            overrides = dict(item.split("=", 1) for item in variant.split(",") if item)
            print(f"{variant or 'as shipped'}: {screen(records, overrides)}", flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="attribute-") as tmp:
        models = None if args.model else fold_models(args, Path(tmp))
        tallies, records = run(args, models)
    report(tallies)
    if args.save is not None:
        args.save.write_bytes(pickle.dumps(records))


if __name__ == "__main__":
    main()
