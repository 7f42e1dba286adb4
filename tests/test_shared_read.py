"""Issue 27: each input is read, decoded and split once per run. The learn step stages its read
of a shard (store/parsed.py) and the clean step cleans the staged records: the published corpus is
the one a run that reads every input twice would publish, the clean step reads no input, and a
retried learn shard replaces its staged read."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.cleaner import Cleaner, parse
from pipeline.clean.structure import split_paragraphs
from pipeline.core.document import Paragraph, RawArticle
from pipeline.core.settings import SHIPPED
from pipeline.core.text import decode_entities
from pipeline.corpus.learn import learnable_lines, read_once
from pipeline.ingest.readers import ReadError
from pipeline.run import flow
from pipeline.run.runner import run_batch
from pipeline.store import parsed
from pipeline.store.tables import PARSED

from .conftest import ROOT, reset_schema, scalar, snapshot

sys.path.insert(0, str(ROOT / "bench"))
from corpus import noisy_article  # noqa: E402

TEXTS = {
    "blank-line paragraphs": "First paragraph of the story, long enough to count.\n\nSecond one, also long enough.",
    "one per line": "A line that is a whole paragraph.\nAnother line, another paragraph of the article.",
    "hard-wrapped": "This paragraph was wrapped at\na narrow width by the sender\nand reads as one block.\n\nEnd.",
    "character references": "Tom &amp; Jerry said &quot;no&quot; to the plan.\n\nAnd &#8212; then left for good.",
    "twice escaped": "Fish &amp;amp; chips were served.\n\nThe end of the story came after a while.",
    "empty": "",
    "only blank lines": "\n\n\r\n  \n",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_read_once_splits_as_parse_and_learns_as_before(text: str) -> None:
    raw = RawArticle(source_file="a.txt", text=text, source="example", title="Story | Example Times")
    learned = read_once(raw, SHIPPED)
    assert raw.paragraphs == split_paragraphs(decode_entities(text), SHIPPED.text.wrap_max_chars)
    assert learned == learnable_lines(RawArticle(source_file="a.txt", text=text, source="example",
                                                 title="Story | Example Times"), SHIPPED.learned)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab &;#x12\n\r\t.\u00a0é"), max_size=300))
def test_read_once_is_the_split_and_the_counts_of_two_reads(text: str) -> None:
    raw = RawArticle(source_file="a.txt", text=text, source="s")
    learned = read_once(raw, SHIPPED)
    assert raw.paragraphs == parse(RawArticle(source_file="a.txt", text=text, source="s")).paragraphs
    assert learned == learnable_lines(RawArticle(source_file="a.txt", text=text, source="s"), SHIPPED.learned)


def test_read_once_leaves_an_html_page_to_the_cleaner() -> None:
    raw = RawArticle(source_file="a.html", html="<html><body><p>A paragraph of the page.</p></body></html>")
    read_once(raw, SHIPPED)
    assert raw.paragraphs is None


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_a_staged_split_cleans_to_the_same_article(text: str) -> None:
    cleaner = Cleaner.from_files(learned={"example": frozenset({1, 2})})
    raw = RawArticle(source_file="a.txt", text=text, source="example", title="Story | Example Times")
    plain = cleaner.clean(dataclasses.replace(raw))
    read_once(raw, SHIPPED)
    _, staged = parsed.decode_chunk(parsed.encode_chunk([parsed.encode_record(0, raw)]))[0]
    assert dataclasses.asdict(cleaner.clean(staged)) == dataclasses.asdict(plain)  # type: ignore[arg-type]


def test_every_field_of_a_raw_article_is_staged_in_its_order() -> None:
    assert [f.name for f in dataclasses.fields(RawArticle)] == [*parsed._RAW_FIELDS, "paragraphs"]


texts = st.text(max_size=200)  # any code point, lone surrogates and NULs included
raw_articles = st.builds(
    RawArticle,
    source_file=texts,
    line=st.none() | st.integers(0, 2**31 - 1),
    text=st.none() | texts,
    html=st.none() | texts,
    title=st.none() | texts,
    url=st.none() | texts,
    source=st.none() | texts,
    title_given=st.booleans(),
    encoding=st.none() | st.sampled_from(["utf-8", "cp1252"]),
    repairs=st.lists(texts, max_size=3).map(tuple),
    paragraphs=st.none()
    | st.lists(st.tuples(texts, st.lists(texts, max_size=3)), max_size=4).map(
        lambda split: [Paragraph(text, index, lines) for index, (text, lines) in enumerate(split)]
    ),
)
read_errors = st.builds(ReadError, texts, texts, st.none() | st.integers(0, 2**31 - 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), raw_articles | read_errors), max_size=5))
def test_a_chunk_comes_back_as_it_was_staged(records: list[tuple[int, RawArticle | ReadError]]) -> None:
    payload = parsed.encode_chunk([parsed.encode_record(position, result) for position, result in records])
    # a text article with its paragraphs travels without its text: parse reads only the paragraphs
    staged = [
        (p, dataclasses.replace(r, text="") if getattr(r, "paragraphs", None) is not None else r) for p, r in records
    ]
    assert parsed.decode_chunk(payload) == staged


def test_a_chunk_of_another_format_fails_loudly() -> None:
    import marshal

    with pytest.raises(parsed.ParsedFormatError, match="format 99"):
        parsed.decode_chunk(marshal.dumps((99, ())))
    with pytest.raises(parsed.ParsedFormatError, match="cannot be read"):
        parsed.decode_chunk(b"not a chunk")


# ---------------------------------------------------------------- whole runs, real PostgreSQL


def write_batch(folder: Path, articles: int) -> None:
    """Two sources with a footer each, in files of 120 records (chunks of 100 break inside a
    file), a record with character references, a bad JSON line, an empty and a binary file."""
    rng = random.Random(3)
    folder.mkdir()
    for part in range(0, articles, 120):
        lines = []
        for i in range(part, min(articles, part + 120)):
            source = f"outlet{i % 2}"
            text = (
                noisy_article(rng, i) + f"\n\nRead {source} every morning: the daily edition is in your inbox at six."
            )
            lines.append(json.dumps({"id": str(i), "source": source, "text": text}))
        (folder / f"part{part:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    odd = [{"id": "amp", "source": "outlet0", "text": "Tom &amp; Jerry met &quot;again&quot; at the park on Monday."}]
    (folder / "zodd.jsonl").write_text(json.dumps(odd[0]) + "\n{not json\n", encoding="utf-8")
    (folder / "zempty.txt").write_bytes(b"")
    (folder / "zbinary.txt").write_bytes(bytes(range(256)) * 4)


def run_in_steps(engine, folder: Path, batch: str, after_learn=None) -> None:  # type: ignore[no-untyped-def]
    """The steps of a run one by one, in this process, 2 files a shard; after_learn() between the
    learn and the clean step."""
    run = flow.plan(engine, batch, folder, f"test-{batch}", files_per_shard=2)
    assert run.shards > 2
    for shard in range(run.shards):
        flow.learn_shard(engine, run, shard)
    if after_learn:
        after_learn(run)
    flow.merge_learned(engine, run)
    for shard in range(run.shards):
        flow.clean_shard(engine, run, shard)
    flow.publish(engine, run)


def test_the_clean_step_reads_no_input_and_publishes_what_two_reads_publish(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "batch"
    write_batch(folder, 300)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    run_batch(engine, copy, "2024-05-01", files_per_shard=2)  # an ordinary run, its inputs left in place
    expected = snapshot(engine, volatile=False)
    reset_schema(engine)

    def inputs_gone(run: flow.BatchRun) -> None:
        shutil.rmtree(folder)
        folder.mkdir()  # the same path, empty: a clean step that read its inputs would find nothing
        staged = scalar(engine, f"SELECT count(*) FROM {run.stage}.{PARSED.table}")
        assert staged >= run.shards  # every shard with records staged them, more than one chunk in some

    run_in_steps(engine, folder, "2024-05-01", after_learn=inputs_gone)
    published = snapshot(engine, volatile=False)
    published["batches"] = [row[:1] + row[2:] for row in published["batches"]]  # input_path differs
    expected["batches"] = [row[:1] + row[2:] for row in expected["batches"]]
    assert published == expected
    reasons = {row[1:] for row in published["rejected_inputs"]}
    assert any(file.endswith("zodd.jsonl") and line == 2 for file, line, _ in reasons)
    assert any(file.endswith("zbinary.txt") for file, _, _ in reasons)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM",  # the staged rows gone: the clean step reads its inputs itself
        "DROP TABLE",  # a run staged by code older than the staged read, cleaned by this code (an upgrade mid-run)
    ],
)
def test_without_a_staged_read_the_clean_step_reads_its_inputs(engine, tmp_path: Path, statement: str) -> None:  # type: ignore[no-untyped-def]
    """Against an ordinary run, run by run: the same corpus, whether the shard's stage_parsed rows
    or the whole table are missing when the clean step runs."""
    folder = tmp_path / "batch"
    write_batch(folder, 250)

    def no_staged_read(run: flow.BatchRun) -> None:
        from sqlalchemy import text

        with engine.begin() as connection:
            connection.execute(text(f"{statement} {run.stage}.{PARSED.table}"))

    run_in_steps(engine, folder, "b1", after_learn=no_staged_read)
    read_twice = snapshot(engine, volatile=False)
    reset_schema(engine)
    run_in_steps(engine, folder, "b1")
    assert snapshot(engine, volatile=False) == read_twice
    assert read_twice["articles"]


def test_a_retried_learn_shard_replaces_its_staged_read(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "batch"
    write_batch(folder, 130)
    run = flow.plan(engine, "b1", folder, "test-retry", files_per_shard=1)
    flow.learn_shard(engine, run, 1)
    query = f"SELECT count(*) FROM {run.stage}.{PARSED.table} WHERE shard = 1"
    assert scalar(engine, query) == 1  # shard 1 is the second file: 10 records, one chunk
    flow.learn_shard(engine, run, 1)
    assert scalar(engine, query) == 1
