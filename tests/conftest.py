from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline import Cleaner, RawArticle

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
EXPECTED_FIELDS = (
    "title",
    "subtitle",
    "section",
    "authors",
    "published",
    "updated",
    "dateline",
    "paragraphs",
    "captions",
)


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, or a skip when this machine does not have it (users' machines don't)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner.from_files()


@pytest.fixture
def clean_text(cleaner: Cleaner):  # type: ignore[no-untyped-def]
    def run(text: str, **meta: Any):  # type: ignore[no-untyped-def]
        return cleaner.clean(RawArticle(source_file="test.txt", text=text, **meta))

    return run


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd)


def cli_json(*args: str) -> list[dict[str, Any]]:
    done = run_cli("clean", "--json", *args)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


# ---------------------------------------------------------------- PostgreSQL
TEST_DATABASE = "newsclean_test"


@pytest.fixture(scope="session")
def db_url():  # type: ignore[no-untyped-def]
    """DATABASE_URL when set (a scratch database: tests drop and recreate its public schema),
    else a newsclean_test database on the embedded server."""
    from pipeline.db import embedded_url, normalize_url

    if os.environ.get("DATABASE_URL"):
        return normalize_url(os.environ["DATABASE_URL"])
    return embedded_url(TEST_DATABASE)


def reset_schema(engine) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from pipeline.migrate import migrate

    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
        stages = connection.execute(
            sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'newsclean\\_stage\\_%'")
        ).scalars()
        for stage in list(stages):
            connection.execute(sa.text(f"DROP SCHEMA {stage} CASCADE"))
    migrate(engine)


@pytest.fixture
def engine(db_url):  # type: ignore[no-untyped-def]
    from pipeline.db import create_engine

    engine = create_engine(db_url)
    reset_schema(engine)
    yield engine
    engine.dispose()


SNAPSHOT_QUERIES = {
    "articles": "SELECT article_id, article_key, source, url, external_id, source_file, source_line, title, subtitle,"
    " section, authors, published_at, updated_at, dateline, body, paragraph_count, removed_count, removed_chars,"
    " input_chars, content_hash, batch_id, cluster_id, search::text, language, encoding, status, quarantine_reason,"
    " loaded_at FROM articles ORDER BY article_key",
    "paragraphs": "SELECT a.article_key, p.position, p.source_position, p.text FROM paragraphs p"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "captions": "SELECT a.article_key, c.position, c.text, c.credit FROM captions c JOIN articles a USING (article_id)"
    " ORDER BY 1, 2",
    "removals": "SELECT a.article_key, r.seq, r.position, r.rule, r.category, r.scope, r.text FROM removals r"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "rejected_inputs": "SELECT batch_id, source_file, line, reason, rejected_at FROM rejected_inputs ORDER BY 1, 2, 3",
    "source_line_counts": "SELECT source, line_hash, articles FROM source_line_counts ORDER BY 1, 2",
    "source_stats": "SELECT source, articles FROM source_stats ORDER BY 1",
    "article_signatures": "SELECT a.article_key, s.minhash FROM article_signatures s JOIN articles a USING (article_id)"
    " ORDER BY 1",
    "lsh_bands": "SELECT b.band, b.bucket, a.article_key FROM lsh_bands b JOIN articles a USING (article_id)"
    " ORDER BY 1, 2, 3",
    "batches": "SELECT batch_id, input_path, status, files_seen, articles_loaded, paragraphs_kept, pieces_removed,"
    " captions_kept, inputs_rejected, articles_quarantined, error FROM batches ORDER BY 1",
    "batch_line_counts": "SELECT * FROM batch_line_counts ORDER BY 1, 2, 3",
    "batch_source_counts": "SELECT * FROM batch_source_counts ORDER BY 1, 2",
    "source_line_samples": "SELECT * FROM source_line_samples ORDER BY 1, 2",
    "source_removal_stats": "SELECT source, articles, round(ratio_sum::numeric, 9), round(ratio_squares::numeric, 9)"
    " FROM source_removal_stats ORDER BY 1",
    "quarantine_decisions": "SELECT article_key, content_hash, decision, note FROM quarantine_decisions ORDER BY 1",
    "learned_vetoes": "SELECT source, line_hash, note FROM learned_vetoes ORDER BY 1, 2",
    # staging of runs that never published: none once a run of the batch has published
    "staging": "SELECT count(*) FROM staging_runs UNION ALL"
    " SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'newsclean_stage_%'",
}


def snapshot(engine, volatile: bool = True) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """Every row of every table (ledger timestamps and run counts aside). volatile=False also
    leaves out ids and load/rejection times, to compare databases built by different runs."""
    import sqlalchemy as sa

    result = {}
    with engine.connect() as connection:
        for table, query in SNAPSHOT_QUERIES.items():
            if not volatile:
                query = query.replace("article_id, article_key", "article_key").replace(", loaded_at", "")
                query = query.replace(", rejected_at", "")
            result[table] = [tuple(row) for row in connection.execute(sa.text(query))]
    return result


def scalar(engine, query: str, **params: Any) -> Any:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    with engine.connect() as connection:
        return connection.execute(sa.text(query), params).scalar()
