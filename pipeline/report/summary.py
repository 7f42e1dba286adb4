"""The batch report: what a run of a batch did, read back from the ledger and the tables, so the
report of `run`, of `report` and of the DAG is one and the same and covers the whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from pipeline.store.sql import statement

SHOWN_REJECTED = 20


@dataclass
class BatchReport:
    batch_id: str
    input_path: str
    status: str = "published"
    runs: int = 1
    files: int = 0
    articles: int = 0  # the articles the batch owns (no batch with a higher id delivers them)
    articles_delivered: int = 0  # owned or not
    other_versions: int = 0  # owned articles still holding the version of a batch that dropped them
    articles_written: int | None = None  # known only right after the publish
    paragraphs_kept: int = 0
    captions: int = 0
    quarantined: int = 0
    removed_by_category: dict[str, int] = field(default_factory=dict)
    # articles having each metadata field: title, published, authors, agencies, seo_title, updated
    metadata: dict[str, int] = field(default_factory=dict)
    rejected_count: int = 0
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # the first SHOWN_REJECTED
    # issue 23: pages judged not articles, per page type: held back (rejected) and kept
    held_back: dict[str, int] = field(default_factory=dict)
    kept_non_articles: dict[str, int] = field(default_factory=dict)
    # per source with incomplete articles (a paywall or a teaser cut them): (articles, incomplete)
    incomplete_by_source: dict[str, tuple[int, int]] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    timings: dict[str, Any] = field(default_factory=dict)  # per step, known only right after a run

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id, "input_path": self.input_path, "status": self.status, "runs": self.runs,
            "files": self.files, "articles": self.articles, "articles_delivered": self.articles_delivered,
            "other_versions": self.other_versions, "articles_written": self.articles_written,
            "paragraphs_kept": self.paragraphs_kept, "captions": self.captions, "quarantined": self.quarantined,
            "removed_by_category": self.removed_by_category, "metadata": self.metadata, "rejected": self.rejected_count,
            "rejected_inputs": [{"source_file": f, "line": n or None, "reason": r} for f, n, r in self.rejected],
            **self._page_type_json(),
            "seconds": round(self.seconds, 3), "error": self.error,
            **({"timings": self.timings} if self.timings else {}),
        }  # fmt: skip

    def to_row(self) -> dict[str, Any]:
        """The report as one flat row (for CSV): figures, then pieces removed per category."""
        row = {k: v for k, v in self.to_json().items() if not isinstance(v, (dict, list))}
        row.update({f"removed_{category}": count for category, count in sorted(self.removed_by_category.items())})
        return row

    def render(self) -> str:
        removed = sum(self.removed_by_category.values())
        written = f" ({self.articles_written} new or changed rows written)" if self.articles_written is not None else ""
        lines = [
            f"batch {self.batch_id}  ({self.input_path})",
            f"  status:      {self.status}" + (f": {self.error}" if self.error else ""),
            f"  files:       {self.files}",
            f"  articles:    {self.articles} loaded{written}",
            *self._ownership_lines(),
            f"  paragraphs:  {self.paragraphs_kept} kept, {removed} pieces removed",
        ]
        for category, count in sorted(self.removed_by_category.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"      {category:<12} {count}")
        lines.append(f"  captions:    {self.captions}")
        if self.metadata:
            having = ", ".join(f"{name} {count}" for name, count in self.metadata.items())
            lines.append(f"  metadata:    articles with {having}")
        lines.append(
            f"  quarantined: {self.quarantined}"
            # the command a person types next, as the README gives it (`pipeline` alone is no command)
            + (" (newsclean quarantine list --batch " + self.batch_id + ")" if self.quarantined else "")
        )
        lines += self._page_type_lines()
        lines.append(f"  rejected:    {self.rejected_count}")
        for name, line, reason in self.rejected:
            lines.append(f"      {name}{f':{line}' if line else ''}: {reason}")
        if self.rejected_count > len(self.rejected):
            lines.append(f"      ... and {self.rejected_count - len(self.rejected)} more (table rejected_inputs)")
        lines.append(f"  time:        {self.seconds:.2f} s")
        return "\n".join(lines)

    def _page_type_json(self) -> dict[str, Any]:
        return {
            "not_articles_held_back": self.held_back, "not_articles_kept": self.kept_non_articles,
            "incomplete_by_source": {
                source or "": {"articles": articles, "incomplete": incomplete}
                for source, (articles, incomplete) in self.incomplete_by_source.items()
            },
        }  # fmt: skip

    def _page_type_lines(self) -> list[str]:
        """Issue 23: the pages held back or kept as not articles, the incomplete share per source."""
        lines = []
        for label, counts in (("held back", self.held_back), ("kept", self.kept_non_articles)):
            if counts:
                kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
                lines.append(f"  not articles {label}: {sum(counts.values())} ({kinds})")
        for source, (articles, incomplete) in self.incomplete_by_source.items():
            lines.append(
                f"  incomplete:  {source or '(no source)'}: {incomplete} of {articles} articles cut by a paywall "
                f"or a teaser ({incomplete / articles:.0%})"
            )
        return lines

    def _ownership_lines(self) -> list[str]:
        """Where the batch's deliveries and its owned articles differ (another batch owns them)."""
        lines = []
        if self.articles_delivered > self.articles:
            more = self.articles_delivered - self.articles
            lines.append(f"      {more} more delivered, owned by a later batch (article_deliveries)")
        if self.other_versions:
            lines.append(
                f"      {self.other_versions} handed over from a batch that dropped them, with its version"
                " until this batch is rerun"
            )
        return lines


def load_report(engine: sa.Engine, batch_id: str, articles_written: int | None = None) -> BatchReport:
    """The report of a batch from the ledger and the tables."""
    with engine.connect() as connection:
        ledger = connection.execute(sa.text(statement("report_ledger")), {"b": batch_id}).one_or_none()
        if ledger is None:
            raise LookupError(f"no batch {batch_id!r} in the ledger")
        removed = connection.execute(sa.text(statement("report_removed_by_category")), {"b": batch_id}).all()
        other_versions = connection.execute(sa.text(statement("report_other_versions")), {"b": batch_id}).scalar()
        metadata = connection.execute(sa.text(statement("report_metadata")), {"b": batch_id}).one()
        rejected = connection.execute(
            sa.text(statement("report_rejected")), {"b": batch_id, "limit": SHOWN_REJECTED}
        ).all()
        page_types = connection.execute(sa.text(statement("report_page_types")), {"b": batch_id}).all()
        incomplete = connection.execute(sa.text(statement("report_incomplete")), {"b": batch_id}).all()
    return BatchReport(
        batch_id=batch_id,
        input_path=ledger.input_path,
        status=ledger.status,
        runs=ledger.runs,
        files=ledger.files_seen,
        articles=ledger.articles_loaded,
        articles_delivered=ledger.articles_delivered,
        other_versions=int(other_versions or 0),
        articles_written=articles_written,
        paragraphs_kept=ledger.paragraphs_kept,
        captions=ledger.captions_kept,
        quarantined=ledger.articles_quarantined,
        removed_by_category={category: int(count) for category, count in removed},
        metadata={name: int(count) for name, count in metadata._mapping.items()},
        rejected_count=ledger.inputs_rejected,
        rejected=[(f, line, reason) for f, line, reason in rejected],
        held_back={kind: int(n) for kind, fate, n in page_types if fate == "held back"},
        kept_non_articles={kind: int(n) for kind, fate, n in page_types if fate == "kept"},
        incomplete_by_source={source: (int(articles), int(n)) for source, articles, n in incomplete},
        seconds=ledger.seconds or 0.0,
        error=ledger.error,
    )
