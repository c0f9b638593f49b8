"""Blobs that no record cites: removed when the request that stored them fails, and swept later.

A blob is stored before its row is committed (never the reverse: a committed row must not point at
a missing file). So a request that stores a file and then fails leaves a blob behind: its
transaction's rollback removes it (`forget_if_refused`), and a periodic sweep removes any that
escaped (a crash between storing and committing). Every column whose name ends in `sha256`, in any
table, counts as a citation: a hash column that is not a blob (a token's, a payload's) can only
keep a file, never lose one.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import Column, Connection, select, union

from evidence.storage import Storage
from portal.database import on_rollback, reading_only
from portal.extensions import db

log = logging.getLogger(__name__)
# Longer than any transaction: a blob this old with no row citing it was never committed.
GRACE = timedelta(hours=6)
_BATCH = 500


def citing_columns() -> list[Column]:
    return [c for t in db.metadata.sorted_tables for c in t.columns if c.name.endswith("sha256")]


def cited(hashes: Iterable[str], conn: Connection | None = None) -> set[str]:
    """Which of `hashes` a committed row cites. Read on a connection of its own (or `conn`), outside
    the caller's transaction, which may be the one being rolled back."""
    if conn is None:
        with reading_only(), db.engine.connect() as own:
            return cited(hashes, own)
    wanted = list(dict.fromkeys(hashes))
    found: set[str] = set()
    columns = citing_columns()
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start:start + _BATCH]
        query = union(*(select(c.label("sha")).where(c.in_(chunk)) for c in columns))
        found.update(conn.execute(query).scalars())
    return found


def _discard_if_uncited(storage: Storage, sha256: str) -> None:
    try:
        if sha256 not in cited([sha256]):
            storage.discard(sha256)
    except Exception:  # the sweep will find it; a rollback must not fail over a file
        log.exception("could not remove uncited blob %s after a rollback", sha256)


def forget_if_refused(storage: Storage, sha256: str, created: bool) -> None:
    """If this transaction rolls back, remove the blob it created (one that existed before is
    someone else's and stays)."""
    if created:
        on_rollback(lambda: _discard_if_uncited(storage, sha256))


def sweep(storage: Storage, grace: timedelta = GRACE, conn: Connection | None = None) -> int:
    """Remove blobs older than `grace` that no row cites; returns how many."""
    removed = 0
    candidates = list(storage.blobs(time.time() - grace.total_seconds()))
    for start in range(0, len(candidates), _BATCH):
        chunk = candidates[start:start + _BATCH]
        keep = cited(chunk, conn)
        for sha in chunk:
            if sha not in keep:
                storage.discard(sha)
                removed += 1
    if removed:
        log.info("evidence store: removed %d uncited blobs", removed)
    return removed
