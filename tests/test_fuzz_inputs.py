"""Fuzzing a batch (hypothesis): random JSONL records and .txt files under random file names
(control characters, non-UTF-8 bytes, any script), with links out of the batch beside them. Every
run finishes, leaves no ledger row `running`, every input file and every JSONL line ends in
`articles` or `rejected_inputs`, and nothing outside the batch folder is read."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipeline.ingest.storage import printable
from pipeline.run.flow import BatchError
from pipeline.run.runner import run_batch

SECRET = "outside-marker-7f3a"
_batches = itertools.count(1)

# Any character a name may hold on POSIX but "/" and NUL; no backslash, since an escaped control
# character reads as one (the documented limit of printable names); not hidden (".", "_" first).
name_chars = st.characters(blacklist_characters="/\x00\\", blacklist_categories=("Cs",))
utf8_names = st.text(name_chars, min_size=1, max_size=24).filter(
    lambda n: not n.startswith((".", "_")) and n not in ("link", "up")  # the links every batch has
)
byte_names = st.binary(min_size=1, max_size=12).filter(
    lambda b: b"/" not in b and b"\x00" not in b and b"\\" not in b and not b.startswith((b".", b"_"))
)
names = st.one_of(utf8_names, byte_names.map(os.fsdecode))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**4000), max_value=10**4000),  # json.dumps writes up to 4300 digits
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),  # any code point, lone surrogates and NUL included (json.dumps escapes them)
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)
)
record_fields = st.fixed_dictionaries(
    {},
    optional={key: values for key in ("text", "html", "title", "url", "source", "id", "published")},
)
# Garbage lines: never blank (a letter), no line end, no byte-order mark (which would make the
# whole file UTF-16/32 and its lines others than written).
raw_lines = st.binary(max_size=60).filter(
    lambda b: (
        b"\r" not in b
        and b"\n" not in b
        and any(chr(c).isalnum() for c in b if c < 128)
        and not b.startswith((b"\xff", b"\xfe", b"\x00\x00"))
    )
)
# Numbers Python will not read (over 4300 digits) and nesting deeper than its recursion limit.
too_much = st.one_of(
    st.integers(4301, 6000).map(lambda n: b'{"text": "x", "id": ' + b"7" * n + b"}"),
    st.integers(1000, 100_000).map(lambda n: b'{"text": ' + b"[" * n + b"]" * n + b"}"),
)
lines = st.one_of(
    record_fields.map(lambda r: ("record", r)),
    raw_lines.map(lambda b: ("raw", b)),
    too_much.map(lambda b: ("raw", b)),
)
files = st.dictionaries(
    names,
    st.one_of(
        st.tuples(st.just(".jsonl"), st.lists(lines, min_size=0, max_size=6), st.sampled_from([b"\n", b"\r\n", b"\r"])),
        st.tuples(st.just(".txt"), st.text(max_size=300), st.just(b"")),
    ),
    min_size=1,
    max_size=5,
)


def jsonl_bytes(items: list[tuple[str, Any]], ending: bytes, token: str) -> tuple[bytes, set[int], int]:
    """The file's bytes, the lines that must each end loaded or rejected, and how many it has.

    A record's text and title start with a token of its file and line, so no two are one article;
    a record with a URL string is the same article as another with the same URL (identity, by
    design), so its line is only required to end somewhere when the file is checked as a whole."""
    encoded, required = [], set()
    for number, (kind, item) in enumerate(items, start=1):
        if kind == "raw":
            encoded.append(item)
            required.add(number)
            continue
        unique = {
            key: f"{token}-{number} {value}" if isinstance(value, str) and key in ("text", "html", "title") else value
            for key, value in item.items()
        }
        encoded.append(json.dumps(unique).encode("utf-8"))
        if not isinstance(item.get("url"), str):
            required.add(number)
    return ending.join(encoded) + (ending if encoded else b""), required, len(encoded)


def utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def outcomes(engine: sa.Engine, batch: str) -> tuple[set[tuple[str, int | None]], set[tuple[str, int]]]:
    with engine.connect() as connection:
        loaded = connection.execute(
            sa.text("SELECT source_file, source_line FROM articles WHERE batch_id = :b"), {"b": batch}
        )
        loaded_set = {(file, line) for file, line in loaded}
        rejected = connection.execute(
            sa.text("SELECT source_file, line FROM rejected_inputs WHERE batch_id = :b"), {"b": batch}
        )
        return loaded_set, {(file, line) for file, line in rejected}


# No shrinking: every example is a whole run; a failure is reported as found (with its seed).
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batch_files=files)
def test_every_input_ends_loaded_or_rejected_and_nothing_outside_is_read(
    engine: sa.Engine, tmp_path: Path, batch_files: dict[str, tuple[str, Any, bytes]]
) -> None:
    batch = f"fuzz{next(_batches):04d}"
    root = tmp_path / batch
    outside = root / "outside"
    folder = root / "batch"
    outside.mkdir(parents=True)
    folder.mkdir()
    (outside / "secret.txt").write_text(f"Secret headline\n\n{SECRET} " * 20, encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "up.txt").symlink_to("../outside/secret.txt")
    (folder / "folder").symlink_to(outside)
    expected_lines: dict[str, tuple[set[int], int]] = {name: (set(), 0) for name in ("link.txt", "up.txt", "folder")}
    for name, (suffix, content, ending) in batch_files.items():
        path = folder / f"{name}{suffix}"
        if suffix == ".jsonl":
            data, required, count = jsonl_bytes(content, ending, f"{batch}-{len(expected_lines)}")
            path.write_bytes(data)
            # a name that is not UTF-8 is refused as a whole, unread: no line of it ends anywhere
            expected_lines[printable(path.name)] = (required, count) if utf8(path.name) else (set(), 0)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
            expected_lines[printable(path.name)] = set(), 0
    try:
        run_batch(engine, folder, batch)
    except BatchError:
        pass  # every input rejected: recorded and raised, as documented
    with engine.connect() as connection:
        status = connection.execute(sa.text("SELECT status FROM batches WHERE batch_id = :b"), {"b": batch}).scalar()
        leaked = connection.execute(
            sa.text("SELECT count(*) FROM articles WHERE body LIKE :m OR title LIKE :m"), {"m": f"%{SECRET}%"}
        ).scalar()
    assert status in ("published", "failed")
    assert leaked == 0
    loaded, rejected = outcomes(engine, batch)
    ended = {file for file, _ in loaded | rejected}
    assert ended == set(expected_lines), ended ^ set(expected_lines)
    for file, (required, count) in expected_lines.items():
        lines_ended = {line for name, line in loaded | rejected if name == file and line}
        assert required <= lines_ended <= set(range(1, count + 1)), (file, lines_ended, required, count)
    shutil.rmtree(root)
