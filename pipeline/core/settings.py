"""The cleaner's thresholds as data: pipeline/data/settings.yaml, one typed section per part.

The shipped file holds every value with a comment saying why; a user's settings file (the
`--settings FILE` option of `clean` and `eval`, or the NEWSCLEAN_SETTINGS environment variable,
which `run`, `backfill` and the DAG's workers inherit) changes any of them, section by section,
key by key. A file that names an unknown section or key, or gives a value of the wrong type or
out of range, is refused with its path and the key. Settings are plain frozen data handed to
each cleaner: nothing is read or changed behind a cleaner's back while it runs.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from pipeline.core.yaml_files import read_mapping

SETTINGS_ENV = "NEWSCLEAN_SETTINGS"


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class InputSettings:
    max_record_bytes: int


@dataclass(frozen=True)
class RepetitionSettings:
    min_span_chars: int  # CollapseRepeatedSpan
    near_ratio: float  # DropDuplicateParagraphs
    min_words_exact: int
    min_words_near: int


@dataclass(frozen=True)
class RuleContextSettings:
    """What ApplyRules reads around a matched line (link lines, the comment thread's start)."""

    article_prose_words: int
    link_line_words: int
    furniture_line_words: int
    form_lines: int
    form_line_words: int


@dataclass(frozen=True)
class LanguageSettings:
    sample_chars: int
    prose_words: int
    min_prose_chars: int


@dataclass(frozen=True)
class TextSettings:
    """Plain text: paragraphs (split_paragraphs) and the header (extract_header)."""

    wrap_max_chars: int
    header_scan_paragraphs: int
    short_dek_words: int
    dateline_max_words: int
    section_max_words: int
    section_max_chars: int
    headline_min_words: int
    headline_max_words: int
    headline_max_chars: int
    dek_min_words: int
    dek_max_words: int


@dataclass(frozen=True)
class HtmlSettings:
    """HTML pages: when the quick extraction pass under-delivered, and the main container."""

    cascade_min_prose_words: int
    cascade_container_factor: int
    cascade_kept_share: float
    cascade_prose_block_words: int
    main_share: float
    main_prose_words: int
    after_main_words: int
    header_words: int
    link_block_share: float
    link_list_share: float
    list_min_items: int
    lead_min_words: int
    lead_max_link_share: float


@dataclass(frozen=True)
class PageDumpSettings:
    """When a text is a full-page dump, and how its article region and lines are found."""

    min_lines: int
    short_words: int
    short_share: float
    prose_words: int
    sentence_words: int
    sentence_chars: int
    gap_lines: int
    merge_chars: int
    anchor_window: int
    anchor_min_chars: int
    anchor_share: float
    furniture_run: int
    furniture_total: int
    first_share: float
    unique_prose: bool
    line_threshold: float
    line_gap: int
    min_kept_chars: int
    paragraph_max_lines: int
    extend_threshold: float
    extend_gap: int
    headline_prose: bool


@dataclass(frozen=True)
class LearnedSettings:
    """A paragraph is boilerplate for a source once it occurs in at least min_articles of the
    source's articles and in at least min_share of them; paragraphs under min_words words are
    never learned ("Yes.", a dateline, a sign-off are legitimately common)."""

    min_articles: int
    min_share: float
    min_words: int
    title_affix_max_words: int


@dataclass(frozen=True)
class ChecksSettings:
    """The quality checks run after a publish (pipeline/report/checks.py)."""

    max_removal_ratio: float


@dataclass(frozen=True)
class QuarantineSettings:
    """An article is quarantined when it loses max_ratio of its input or more, or when its removal
    ratio is over its source's mean + sigmas standard deviations and min_excess above the mean, in
    a source with at least min_source_articles stored articles."""

    max_ratio: float
    sigmas: float
    min_excess: float
    min_source_articles: int


@dataclass(frozen=True)
class LimitsSettings:
    """Bounds on the work one document may cause (pipeline/clean/cleaner.py)."""

    seconds_per_document: float


@dataclass(frozen=True)
class DriftSettings:
    """Per-source drift (pipeline/report/drift.py): each source's last batch against the medians of
    its previous window_batches batches (dated within window_days of it; 0: any), judged once the
    baseline holds min_baseline_batches and the last batch min_inputs inputs of the source."""

    window_batches: int
    window_days: int
    min_baseline_batches: int
    min_inputs: int
    max_rejected_increase: float
    body_length_ratio: float
    max_removal_change: float
    max_quarantine_increase: float
    max_non_article_increase: float
    max_rule_mix_distance: float


@dataclass(frozen=True)
class DatesSettings:
    """No date of an article is more than days_after_fetch days after its fetch day: the input's
    fetch time, else the batch's date (pipeline/clean/dates.py: latest_date). The date printed
    by an HTML page's headline: the text read around it and when it beats the markup's
    (pipeline/clean/html/metadata.py: _printed_over_markup); learned_choice: the ranker chooses among
    the page's candidate days (pipeline/clean/html/date_candidates.py)."""

    days_after_fetch: int
    printed_before_chars: int
    printed_after_chars: int
    printed_min_gap_days: int
    learned_choice: bool


@dataclass(frozen=True)
class PageTypeSettings:
    """Whether a run keeps the HTML pages the page-type model judges not articles (issue 23)."""

    keep_non_articles: bool


@dataclass(frozen=True)
class CompletenessSettings:
    """When an article flagged isAccessibleForFree: false counts as cut (pipeline/clean/completeness.py)."""

    paywalled_max_words: int


@dataclass(frozen=True)
class FurnitureModelSettings:
    """Issue 23: the paragraph furniture model (pipeline/clean/furniture.py), per input form; a
    paragraph scoring at least threshold is removed unless it has more than max_words words;
    veto_sources: the sources (articles.source) it never touches."""

    html: bool
    extracted: bool
    dump: bool
    threshold: float
    max_words: int
    veto_sources: tuple[str, ...]


@dataclass(frozen=True)
class EmbeddedServerSettings:
    """Issue 27: what the embedded PostgreSQL (no DATABASE_URL) starts with, for a load
    (pipeline/store/db.py writes it to the data folder's newsclean.conf; a user's server is never
    changed). shared_buffers: share_of_memory of the machine's memory, within [min_mb, max_mb]."""

    shared_buffers_share_of_memory: float
    shared_buffers_min_mb: int
    shared_buffers_max_mb: int
    max_wal_size_mb: int
    checkpoint_timeout_min: int


@dataclass(frozen=True)
class Settings:
    input: InputSettings
    repetition: RepetitionSettings
    rule_context: RuleContextSettings
    language: LanguageSettings
    text: TextSettings
    html: HtmlSettings
    page_dump: PageDumpSettings
    learned: LearnedSettings
    checks: ChecksSettings
    quarantine: QuarantineSettings
    limits: LimitsSettings
    drift: DriftSettings  # issue 26
    dates: DatesSettings
    page_types: PageTypeSettings
    completeness: CompletenessSettings
    furniture_model: FurnitureModelSettings  # issue 23, item 2
    embedded_server: EmbeddedServerSettings  # issue 27, the publish from 10k to 200k


# Values that are shares (of lines, characters, words) or ratios: between 0 and 1.
_UNIT_INTERVAL = {"short_share", "anchor_share", "first_share", "line_threshold", "near_ratio", "min_share",
                  "max_ratio", "cascade_kept_share", "main_share", "min_excess", "link_block_share",
                  "link_list_share", "lead_max_link_share", "max_removal_ratio",
                  "max_rejected_increase", "body_length_ratio", "max_removal_change", "max_quarantine_increase",
                  "max_non_article_increase", "max_rule_mix_distance", "threshold",
                  "shared_buffers_share_of_memory"}  # fmt: skip
# Whole numbers for which 0 makes no sense (a record cap of 0 bytes would reject every input).
_POSITIVE = {"max_record_bytes", "window_batches", "min_baseline_batches", "shared_buffers_min_mb",
             "shared_buffers_max_mb", "max_wal_size_mb", "checkpoint_timeout_min"}  # fmt: skip

T = TypeVar("T")


def shipped_settings_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "settings.yaml"))


def load_settings(path: Path | str | None = None) -> Settings:
    """The shipped settings, changed by a user's file: `path`, else $NEWSCLEAN_SETTINGS when set."""
    return _load(path if path is not None else os.environ.get(SETTINGS_ENV) or None)


def _load(override: Path | str | None) -> Settings:
    merged = _read(shipped_settings_path())
    files: dict[str, Path | str] = {key: shipped_settings_path() for key in _keys(merged)}
    if override is not None:
        for section, values in _read(override).items():
            if section not in merged:
                known = ", ".join(sorted(merged))
                raise SettingsError(f"{override}: unknown section {section!r} (known: {known})")
            if not isinstance(values, dict):
                raise SettingsError(f"{override}: {section}: expected a mapping of settings, got {values!r}")
            for key, value in values.items():
                if key not in merged[section]:
                    known = ", ".join(sorted(merged[section]))
                    raise SettingsError(f"{override}: unknown setting {section}.{key} (known: {known})")
                merged[section][key] = value
                files[f"{section}.{key}"] = override
    return _build(Settings, merged, files)


def _read(path: Path | str) -> dict[str, Any]:
    return read_mapping(path, SettingsError, "settings", "a mapping of sections (repetition:, text:, ...)")


def _keys(data: dict[str, Any]) -> list[str]:
    return [f"{section}.{key}" for section, values in data.items() if isinstance(values, dict) for key in values]


def _build(cls: type[T], data: dict[str, Any], files: dict[str, Path | str]) -> T:
    values: dict[str, Any] = {}
    section_types = get_type_hints(cls)  # section name -> its dataclass, as cls declares its fields
    for section in fields(cls):  # type: ignore[arg-type]
        section_type = section_types[section.name]
        given = data.get(section.name)
        if not isinstance(given, dict):
            raise SettingsError(f"{shipped_settings_path()}: missing section {section.name}")
        entries: dict[str, Any] = {}
        for item in fields(section_type):
            name = f"{section.name}.{item.name}"
            if item.name not in given:
                raise SettingsError(f"{shipped_settings_path()}: missing setting {name}")
            entries[item.name] = _check(files.get(name, shipped_settings_path()), name, item.type, given[item.name])
        unknown = set(given) - {item.name for item in fields(section_type)}
        if unknown:
            raise SettingsError(f"{files.get(section.name, shipped_settings_path())}: unknown settings "
                                f"{sorted(f'{section.name}.{key}' for key in unknown)}")  # fmt: skip
        values[section.name] = section_type(**entries)
    return cls(**values)


def check_value(path: Path | str, name: str, kind: Any, value: Any) -> Any:
    """value as a setting of type kind ("int", "float", "bool"), or a SettingsError naming the
    file and the key (also for the `page_dump:` section of a rules file)."""
    return _check(path, name, kind, value)


def _check(path: Path | str, name: str, kind: Any, value: Any) -> Any:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    if kind == "bool":
        if not isinstance(value, bool):
            raise SettingsError(f"{path}: {name}: expected true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{path}: {name}: expected a whole number, got {value!r}")
        if value < 0:
            raise SettingsError(f"{path}: {name}: must not be negative, got {value!r}")
        if value == 0 and name.split(".")[-1] in _POSITIVE:
            raise SettingsError(f"{path}: {name}: must be at least 1, got 0")
        return value
    if kind == "tuple[str, ...]":  # a list of names (sources)
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
            raise SettingsError(f"{path}: {name}: expected a list of strings, got {value!r}")
        return tuple(value)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{path}: {name}: expected a number, got {value!r}")
        if not math.isfinite(value):  # NaN passes every comparison: it would switch a rule off silently
            raise SettingsError(f"{path}: {name}: expected a finite number, got {value!r}")
        if value < 0 or (name.split(".")[-1] in _UNIT_INTERVAL and value > 1):
            bounds = "between 0 and 1" if name.split(".")[-1] in _UNIT_INTERVAL else "not negative"
            raise SettingsError(f"{path}: {name}: must be {bounds}, got {value!r}")
        return float(value)
    raise SettingsError(f"{path}: {name}: unsupported setting type {kind}")


# The shipped values: what every step and function uses unless a cleaner is given others.
SHIPPED: Settings = _load(None)
