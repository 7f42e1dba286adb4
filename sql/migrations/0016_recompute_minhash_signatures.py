"""MinHash signatures are now computed by rensa instead of datasketch (same shingles, same
128 x 32-bit layout, other hash functions): recompute every stored signature from its article's
body and rebuild the LSH index from them, so clusters of old and new articles stay comparable.
Streams the corpus; on a fresh database it does nothing."""

from __future__ import annotations

import io
from typing import Any

from pipeline.corpus.minhash import MinHasher, signature_bytes

CHUNK = 5_000


def upgrade(connection: Any) -> None:
    hasher = MinHasher()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE recomputed (article_id bigint PRIMARY KEY, minhash bytea) ON COMMIT DROP")
        with connection.cursor(name="signed_bodies") as bodies:
            bodies.itersize = CHUNK
            bodies.execute(
                "SELECT a.article_id, a.body FROM articles a JOIN article_signatures s USING (article_id)"
                " ORDER BY a.article_id"
            )
            buffer = io.StringIO()
            for article_id, body in bodies:
                buffer.write(f"{article_id}\t\\\\x{signature_bytes(hasher.signature(body)).hex()}\n")
                if buffer.tell() > 8 << 20:
                    _flush(cursor, buffer)
                    buffer = io.StringIO()
            _flush(cursor, buffer)
        cursor.execute(
            "UPDATE article_signatures s SET minhash = r.minhash FROM recomputed r WHERE s.article_id = r.article_id"
        )
        cursor.execute("TRUNCATE lsh_bands")
        cursor.execute(
            "INSERT INTO lsh_bands (band, bucket, article_id)"
            " SELECT g.band, newsclean_band_bucket(s.minhash, g.band), s.article_id"
            " FROM article_signatures s CROSS JOIN generate_series(0, 31) AS g(band) ORDER BY 1, 2, 3"
        )


def _flush(cursor: Any, buffer: io.StringIO) -> None:
    buffer.seek(0)
    cursor.copy_expert("COPY recomputed FROM STDIN", buffer)
