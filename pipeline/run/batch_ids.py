"""Batch ids: one validation for every entry point (the CLI, the DAG's params, backfill days).

A batch id names a ledger row and reaches file and schema names, so it is restricted to a safe
alphabet: letters, digits, '-', '_' and '.', at most 128 characters, starting with a letter or a
digit, and never '..'.
"""

from __future__ import annotations

import re

MAX_LENGTH = 128
PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
RULE = f"letters, digits, '-', '_' and '.', starting with a letter or digit, no '..', at most {MAX_LENGTH} characters"


class BatchIdError(ValueError):
    """A batch id outside the safe pattern; the message names the id and the rule."""


def validate_batch_id(batch_id: object) -> str:
    if not isinstance(batch_id, str) or not batch_id:
        raise BatchIdError(f"batch id {batch_id!r} is empty; a batch id is {RULE}")
    if len(batch_id) > MAX_LENGTH:
        raise BatchIdError(f"batch id {batch_id[:40]!r}... is {len(batch_id)} characters long; a batch id is {RULE}")
    if not PATTERN.fullmatch(batch_id) or ".." in batch_id:
        raise BatchIdError(f"batch id {batch_id!r} is not allowed; a batch id is {RULE}")
    return batch_id
