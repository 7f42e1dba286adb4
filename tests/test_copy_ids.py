"""Staged copy ids (issue 27, the publish from 10k to 200k): unique in a run, ordered within a
shard, and spread by PostgreSQL's bigint hash, which the publish's hash joins on copy_id use.

With the shard in the high half ((shard << 32) | number) the hash folded it into the number, so a
batch of 20 shards had ~1 hash value in 19 and the joins' bucket chains grew with the batch.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from pipeline.run.flow import MAX_SHARDS, SHARD_BITS, staged_copy_id

shards = st.integers(min_value=0, max_value=(1 << SHARD_BITS) - 1)
numbers = st.integers(min_value=0, max_value=1 << 40)


@given(shards, numbers, shards, numbers)
def test_copy_ids_are_unique(shard: int, number: int, other_shard: int, other_number: int) -> None:
    same = (shard, number) == (other_shard, other_number)
    assert (staged_copy_id(shard, number) == staged_copy_id(other_shard, other_number)) == same


@given(shards, numbers, numbers)
def test_copy_ids_keep_the_order_within_a_shard(shard: int, number: int, other_number: int) -> None:
    # publish_choose_copies breaks its last ties by copy_id: copies of one file, hence of one shard
    assert (staged_copy_id(shard, number) < staged_copy_id(shard, other_number)) == (number < other_number)


@pytest.mark.parametrize("shard", [-1, 1 << SHARD_BITS])
def test_a_shard_out_of_range_is_refused(shard: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        staged_copy_id(shard, 0)


def test_every_shard_the_plan_can_make_fits() -> None:
    assert staged_copy_id(MAX_SHARDS - 1, 0) < 1 << SHARD_BITS


def _distinct_hashes(db_url: sa.URL, ids: list[int]) -> int:
    from pipeline.store.db import create_engine

    engine = create_engine(db_url)
    with engine.connect() as connection:
        query = sa.text("SELECT count(DISTINCT hashint8(x)) FROM unnest(CAST(:ids AS bigint[])) x")
        distinct = int(connection.execute(query, {"ids": ids}).scalar_one())
    engine.dispose()
    return distinct


@pytest.mark.parametrize(("shard_count", "per_shard"), [(20, 10_200), (64, 3_000), (2, 50_000)])
def test_postgres_hashes_every_copy_id_apart(db_url: sa.URL, shard_count: int, per_shard: int) -> None:
    ids = [staged_copy_id(shard, number) for shard in range(shard_count) for number in range(per_shard)]
    # as apart as 32-bit hashes of distinct values can be (a birthday collision in ~40,000 ids)
    assert _distinct_hashes(db_url, ids) >= 0.999 * len(ids)
    # the encoding before: the hash saw number ^ shard, under twice the larger of the two
    before = [(shard << 32) | number for shard in range(shard_count) for number in range(per_shard)]
    assert _distinct_hashes(db_url, before) < 2 * max(per_shard, shard_count)
