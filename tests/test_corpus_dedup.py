"""Corpus-level dedup against real Postgres: learned per-source boilerplate, near-duplicate clusters."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline import Cleaner, RawArticle
from pipeline.clean.learned import line_hash
from pipeline.core.settings import SHIPPED
from pipeline.corpus.learn import learnable_lines
from pipeline.run.runner import run_batch
from pipeline.store.db import raw_connection
from pipeline.store.line_stats import learned_rules, veto_learned
from pipeline.store.sql import statement

from .conftest import scalar

FOOTERS = {
    "harborpost": [
        "Harbor Post readers get every story first with our morning app edition.",
        "Send your tips about the waterfront to the Harbor Post newsroom any time.",
    ],
    "valleytimes": [
        "The Valley Times is an independent paper owned by its own readers since 1921.",
        "Valley Times subscribers can read the printed edition online every morning.",
    ],
    "wirenews": [
        "This story was distributed by Wire News to its member papers across the region.",
        "Wire News welcomes corrections sent to its standards desk at any hour.",
    ],
}
SYNDICATED = [
    "Engineers closed the old river bridge on Monday after inspectors found cracks in two of its steel supports.",
    "The bridge carries about 30,000 vehicles a day between the northern suburbs and the city center.",
    "Traffic will be sent over the ring road while the supports are repaired, which could take until spring.",
    "The transport agency said it had asked for the repair budget to be doubled after the inspection.",
]
TOPIC_WORDS = (
    "bridge river traffic repair council engineer inspection budget road steel supports crossing "
    "ferry commuters toll lanes"
).split()


def unrelated_story(rng: random.Random, number: int) -> list[str]:
    """A story on the same topic (bridges) with its own sentences."""
    vocabulary = [f"{w}{number}x{k}" for k in range(40) for w in ("harbor", "market", "school", "garden")]
    paragraphs = []
    for _ in range(4):
        words = [rng.choice(TOPIC_WORDS) if rng.random() < 0.3 else rng.choice(vocabulary) for _ in range(22)]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return paragraphs


def write_batch(root: Path, name: str, first: int, rng: random.Random) -> Path:
    folder = root / name
    for source, footer in FOOTERS.items():
        (folder / source).mkdir(parents=True)
        for n in range(first, first + 3):
            body = unrelated_story(rng, n * 10 + len(source))
            if n == 1:  # the syndicated story, with a source-specific first line and one changed word
                body = [f"{source.upper()} — The story as run by {source}.", *SYNDICATED]
                body[2] = body[2].replace(
                    "30,000", {"harborpost": "30,000", "valleytimes": "31,000", "wirenews": "about 30,000"}[source]
                )
            text = "\n\n".join([f"Bridge story {n} from {source}", *body, "Yes.", *footer])
            (folder / source / f"story{n}.txt").write_text(text, encoding="utf-8")
    return folder


def paragraphs_of(engine: sa.Engine, source: str) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.text("SELECT p.text FROM paragraphs p JOIN articles a USING (article_id) WHERE a.source = :s"),
                {"s": source},
            ).scalars()
        )


def test_learned_boilerplate_and_clusters_over_two_batches(engine: sa.Engine, tmp_path: Path) -> None:
    rng = random.Random(3)
    batch1 = write_batch(tmp_path, "b1", 1, rng)
    batch2 = write_batch(tmp_path, "b2", 4, rng)
    run_batch(engine, batch1, "2024-01-01")
    assert learned_rules(engine) == []  # 3 articles per source: below the 5-article floor
    run_batch(engine, batch2, "2024-01-02")  # learns the footers before cleaning, so cleans itself with them
    run_batch(engine, batch1, "2024-01-01")  # the rerun applies them to the first batch too

    learned = {(source, sample) for source, _, _, _, sample in learned_rules(engine)}
    assert learned == {(source, line) for source, lines in FOOTERS.items() for line in lines}
    for source, footer in FOOTERS.items():
        kept = paragraphs_of(engine, source)
        assert len(kept) > 0 and not set(footer) & set(kept), source
        assert kept.count("Yes.") == 6  # short common lines are never learned
        assert (
            scalar(
                engine,
                "SELECT count(*) FROM removals r JOIN articles a USING (article_id) "
                "WHERE a.source = :s AND r.rule = :rule",
                s=source,
                rule=f"learned:{source}",
            )
            == 12
        )
        # syndicated body text survives in every copy: shared across sources is not boilerplate
        for sentence in (SYNDICATED[0], SYNDICATED[3]):
            assert sentence in kept

    with engine.connect() as connection:
        clusters = dict(
            connection.execute(
                sa.text("SELECT source_file, cluster_id FROM articles WHERE batch_id = '2024-01-01'")
            ).all()
        )
    syndicated = {clusters[f"{source}/story1.txt"] for source in FOOTERS}
    assert len(syndicated) == 1 and None not in syndicated
    others = [cluster for name, cluster in clusters.items() if not name.endswith("story1.txt")]
    assert len(set(others)) == len(others) and not set(others) & syndicated
    assert (
        scalar(engine, "SELECT cluster_size FROM cluster_representatives WHERE cluster_id = :c", c=syndicated.pop())
        == 3
    )
    assert scalar(engine, "SELECT count(*) FROM cluster_representatives") == 16  # 18 articles, 3 in one cluster
    # only lines that recur keep their text: every learned footer, no one-off body paragraph
    samples = scalar(engine, "SELECT count(*) FROM source_line_samples")
    assert samples >= 6 and samples < scalar(engine, "SELECT count(*) FROM source_line_counts")
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM source_line_samples s JOIN source_line_counts c USING (source, line_hash)"
            " WHERE c.articles < 2",
        )
        == 0
    )


def test_rerun_changes_nothing_and_a_veto_brings_the_line_back(engine: sa.Engine, tmp_path: Path) -> None:
    from .conftest import snapshot

    rng = random.Random(5)
    batches = [write_batch(tmp_path, "b1", 1, rng), write_batch(tmp_path, "b2", 4, rng)]
    for folder, batch in zip(batches, ["d1", "d2"], strict=True):
        run_batch(engine, folder, batch)
    run_batch(engine, batches[0], "d1")
    stable = snapshot(engine)
    counts = scalar(engine, "SELECT sum(articles) FROM source_line_counts")
    run_batch(engine, batches[0], "d1")
    run_batch(engine, batches[1], "d2")
    assert snapshot(engine) == stable
    assert scalar(engine, "SELECT sum(articles) FROM source_line_counts") == counts  # no double counting

    line = FOOTERS["valleytimes"][0]
    veto_learned(engine, "valleytimes", line_hash(line), "our own masthead line, keep it")
    run_batch(engine, batches[1], "d2")
    assert paragraphs_of(engine, "valleytimes").count(line) == 3  # back in the rerun batch's articles


def test_a_copy_arriving_in_a_later_batch_joins_the_stored_cluster(engine: sa.Engine, tmp_path: Path) -> None:
    rng = random.Random(5)
    for number, (day, source) in enumerate(
        (("2024-01-01", "valleytimes"), ("2024-01-02", "harborpost"), ("2024-01-03", "wirenews"))
    ):
        folder = tmp_path / day / source
        folder.mkdir(parents=True)
        (folder / "bridge.txt").write_text("\n\n".join([f"Bridge closed ({source})", *SYNDICATED]), encoding="utf-8")
        other = "\n\n".join([f"Another story {number}", *unrelated_story(rng, number)])
        (folder / "other.txt").write_text(other, encoding="utf-8")
        run_batch(engine, tmp_path / day, day)
    with engine.connect() as connection:
        copies = connection.execute(
            sa.text("SELECT article_key, cluster_id FROM articles WHERE source_file LIKE '%bridge.txt'")
        ).all()
        others = connection.execute(
            sa.text("SELECT article_key, cluster_id FROM articles WHERE source_file LIKE '%other.txt'")
        ).all()
    assert len(copies) == 3 and {cluster for _, cluster in copies} == {min(key for key, _ in copies)}
    assert all(key == cluster for key, cluster in others)  # each unrelated story is its own cluster


def test_lsh_candidates_are_found_by_index_probes_not_a_scan(engine: sa.Engine) -> None:
    with raw_connection(engine) as connection, connection.cursor() as cursor:
        cursor.execute("INSERT INTO lsh_bands SELECT i % 32, i * 7919, i FROM generate_series(1, 200000) i")
        cursor.execute("ANALYZE lsh_bands")
        cursor.execute("CREATE TEMP TABLE new_bands (copy_id bigint, article_key text, band smallint, bucket bigint)")
        cursor.execute("INSERT INTO new_bands SELECT i, i::text, i % 32, i * 7919 FROM generate_series(1, 50000) i")
        cursor.execute("ANALYZE new_bands")
        cursor.execute("CREATE TEMP TABLE to_write AS SELECT copy_id, article_key FROM new_bands")
        cursor.execute("CREATE TEMP TABLE stage_signatures (copy_id bigint, minhash bytea)")
        cursor.execute("EXPLAIN " + statement("cluster_candidates"))
        plan = "\n".join(row[0] for row in cursor.fetchall())
        connection.rollback()
    assert "Index Only Scan using lsh_bands_pkey" in plan and "Seq Scan on lsh_bands" not in plan, plan


def test_band_buckets_are_the_same_in_python_and_in_the_server(engine: sa.Engine) -> None:
    from pipeline.corpus.minhash import MinHasher, band_buckets, signature_bytes

    signature = MinHasher().signature(" ".join(SYNDICATED))
    with raw_connection(engine) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(newsclean_band_bucket(%s, g) ORDER BY g) FROM generate_series(0, 31) g",
            (signature_bytes(signature),),
        )
        server = cursor.fetchone()[0]
        connection.rollback()
    assert server == [bucket for _, bucket in band_buckets(signature)]


def test_minhash_signatures_estimate_jaccard_and_are_deterministic() -> None:
    from pipeline.corpus.minhash import MinHasher, estimated_jaccard

    text = " ".join(SYNDICATED)
    edited = text.replace("30,000", "31,000").replace("spring", "summer")
    other = " ".join(unrelated_story(random.Random(1), 7))
    one, two = MinHasher(), MinHasher()
    assert (one.signature(text) == two.signature(text)).all()
    assert estimated_jaccard(one.signature(text), one.signature(edited)) >= 0.7
    assert estimated_jaccard(one.signature(text), one.signature(other)) <= 0.1


PAGE_BODY = "<p>The harbour authority said on Monday that the new sea wall would be finished by spring.</p>"


@pytest.mark.parametrize(
    "head",
    [
        '<script type="application/ld+json">{"@type": "NewsArticle", "url": ["https://one.example/a"]}</script>',
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "url": "https://site.example/"},'
        ' {"@type": "BlogPosting", "url": "https://two.example/b"}]}</script>',
        '<meta name="og:url" content="https://three.example/c">',
        '<link rel="canonical" href="https://four.example/d"><meta property="og:url" content="https://five.example/e">',
        '<link rel="alternate canonical" href="https://six.example/f">',
    ],
    ids=["json-ld url list", "json-ld graph", "og:url as name", "og:url before canonical", "canonical"],
)
def test_the_learn_pass_names_an_html_page_s_source_as_the_cleaner_does(head: str) -> None:
    """Line statistics are counted per source before cleaning; the cleaner must look them up under
    the same source, so both read the page's URL with one function."""
    page = f"<html><head>{head}</head><body><article>{PAGE_BODY}</article></body></html>"
    raw = RawArticle(source_file="page.html", html=page)
    learned_source, _ = learnable_lines(raw, SHIPPED.learned)
    assert learned_source == Cleaner.from_files().clean(raw).source
    assert learned_source is not None and learned_source.endswith(".example")
