"""MinHash signatures with LSH bands for near-duplicate article clusters (rensa).

Pure functions here; the statistics and the LSH index live in PostgreSQL (see store/), so a
batch costs what the batch holds, not what the corpus holds.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pipeline.core.text import key_words

if TYPE_CHECKING:  # numpy is imported where signatures are made: cleaning alone never needs it
    import numpy as np

NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1 - (1 - J^4)^32: 0.9998 at J=0.7, 0.87 at J=0.5, 0.003 at J=0.1
MATCH_JACCARD = 0.5  # estimated Jaccard of word 4-gram shingles for two bodies to be one story
SHINGLE_WORDS = 4


SEED = 1  # fixed: every process, every run computes the same signatures


class MinHasher:
    """MinHash signatures (NUM_PERM x 32 bits) of article bodies over the set of their word
    4-gram shingles (case folded), computed by rensa (Rust; 3x faster than datasketch's batch
    update here, and deterministic for a seed). Signatures made before migration 0016 came from
    datasketch; that migration recomputed them."""

    def __init__(self) -> None:
        from rensa import RMinHash  # imported here: cleaning alone never needs it

        self._minhash = RMinHash

    def signature(self, text: str) -> np.ndarray:
        # the \w+ words of the case-folded text (key_words finds them without a regex in ASCII text)
        tokens = key_words(text.casefold())
        if len(tokens) >= SHINGLE_WORDS:
            # every shingle, repeats kept: a minimum over the list is the minimum over its set, and
            # building the set cost more than hashing the ~0.1 repeat per article (issue 27)
            grams = list(map(" ".join, zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False)))
        else:
            grams = [" ".join(tokens)]
        minhash = self._minhash(NUM_PERM, SEED)
        minhash.update(grams)  # the minimum over the shingles: order does not matter
        import numpy as np

        return np.asarray(minhash.digest(), dtype=np.uint32)


def signature_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(data, dtype="<u4")


def band_buckets(signature: np.ndarray) -> list[tuple[int, int]]:
    """(band, bucket) of each LSH band: the first 8 bytes of the MD5 of the band's 16 bytes, signed;
    the server computes the same with newsclean_band_bucket() (migration 0012)."""
    raw = signature.astype("<u4").tobytes()
    size = ROWS * 4
    return [
        (band, int.from_bytes(hashlib.md5(raw[band * size : (band + 1) * size]).digest()[:8], "big", signed=True))
        for band in range(BANDS)
    ]


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float((a == b).mean())


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # the smaller key becomes the root, so a cluster's name never depends on arrival order
            low, high = sorted((root_a, root_b))
            self.parent[high] = low
