"""Near-duplicate clusters, assigned inside the publish before the articles are written.

Candidates (a shared LSH band bucket) are verified by estimated Jaccard as they stream from the
server, so memory grows with the matched pairs, not with the batch; an article without a match
keeps its cluster, or is its own (publish_write_articles.sql). A cluster is named by the smallest
article_key among its members, so the name does not depend on the order batches arrive in.
"""

from __future__ import annotations

import io
from typing import Any

from pipeline.corpus.minhash import MATCH_JACCARD, UnionFind, estimated_jaccard, signature_from_bytes
from pipeline.store.sql import statement

FETCH_ROWS = 5_000


def assign_clusters(connection: Any, cursor: Any) -> None:
    """Fill batch_clusters (article_key, cluster_id) for the matched articles to write and
    cluster_update (stored clusters renamed, stored articles named), apply the renames, and leave
    new_bands for the LSH index insert."""
    cursor.execute(statement("cluster_new_bands"))
    clusters = UnionFind()
    names: set[str] = set()  # stored cluster names a match touched
    unnamed: set[str] = set()  # matched stored articles that have no cluster yet (loaded before clusters)
    with connection.cursor(name="lsh_candidates") as candidates:  # a server-side cursor: streamed
        candidates.itersize = FETCH_ROWS
        candidates.execute(statement("cluster_candidates"))
        for key, signature, other_key, stored, other_cluster, other_signature in candidates:
            mine, theirs = signature_from_bytes(bytes(signature)), signature_from_bytes(bytes(other_signature))
            if estimated_jaccard(mine, theirs) < MATCH_JACCARD:
                continue
            clusters.union(key, other_key)
            if other_cluster is not None:
                clusters.union(other_key, other_cluster)
                names.add(other_cluster)
            elif stored:
                unnamed.add(other_key)
    cursor.execute(statement("cluster_previous"), {"keys": sorted(clusters.parent)})
    for key, previous in cursor.fetchall():
        clusters.union(key, previous)
        names.add(previous)
    _write(cursor, "batch_clusters (article_key text PRIMARY KEY, cluster_id text)",
           ((key, clusters.find(key)) for key in sorted(clusters.parent)))  # fmt: skip
    renames = [("cluster", name, clusters.find(name)) for name in sorted(names) if clusters.find(name) != name]
    named = [("article", key, clusters.find(key)) for key in sorted(unnamed)]
    _write(cursor, "cluster_update (kind text, match text, cluster text)", [*renames, *named])
    cursor.execute(statement("cluster_rename"))


def _write(cursor: Any, table: str, rows: Any) -> None:
    """A temporary table of the given rows, analyzed (it is joined to corpus tables)."""
    cursor.execute(f"CREATE TEMP TABLE {table} ON COMMIT DROP")
    cursor.copy_expert(
        f"COPY {table.split(' ', 1)[0]} FROM STDIN", io.StringIO("".join("\t".join(r) + "\n" for r in rows))
    )
    cursor.execute(f"ANALYZE {table.split(' ', 1)[0]}")
