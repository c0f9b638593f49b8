"""The transactional outbox: every task (and so every e-mail and SMS) is written as a row in the same
transaction as the change that causes it, then published to the broker by the relay.

`enqueue` adds the row (a rolled-back transaction leaves nothing to send). After the commit the
relay publishes the transaction's rows at once, best effort; the beat's `relay` publishes whatever
is still pending (the broker was down) and publishes again what was published but never ran (the
broker lost it). A published task carries the row's id as its task id, and `claim` / `finished`
(called by the task base class in portal/celery.py) make it run once per row however often it is
published. This module is the only place that hands work to the broker.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Index, String, Text, delete, func, inspect, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import TRANSACTION_PREFIX, after_commit, commit, rollback
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
# Per transaction (portal.database drops names with its TRANSACTION_PREFIX at commit and rollback).
_NEW = TRANSACTION_PREFIX + "outbox_new"
_KEYS = TRANSACTION_PREFIX + "outbox_keys"


class OutboxMessage(db.Model):
    """One task to publish: its name, its JSON arguments and when it may run."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "done_at", "published_at"),
                      Index("ix_outbox_messages_key", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(120))
    arguments: Mapped[str] = mapped_column(Text)           # JSON: [args, kwargs]
    eta: Mapped[datetime | None] = mapped_column(UTCDateTime)
    key: Mapped[str | None] = mapped_column(String(200))   # what it is about, for reading the table
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publications: Mapped[int] = mapped_column(default=0)
    # A worker running it holds it until `started_at + OUTBOX_LEASE_SECONDS`.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    runs: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


def enqueue(task: Any, *args: Any, eta: datetime | None = None, key: str | None = None,
            **kwargs: Any) -> OutboxMessage | None:
    """Write `task(*args, **kwargs)` into the outbox in the current transaction (flushes). `task` is
    a Celery task or its name. With a `key`, a second enqueue under it in the same transaction is
    dropped (one proof refresh for many events) and returns None."""
    return _write(task, [(args, kwargs, key)], eta)[0]


def _write(task: Any, calls: list[tuple[tuple, dict, str | None]], eta: datetime | None) -> list:
    """The rows of `calls` ((args, kwargs, key) each), written with one flush; None for a call whose
    key this transaction has used already."""
    session = db.session()
    keys = session.info.setdefault(_KEYS, set())
    name = task if isinstance(task, str) else task.name
    rows: list[OutboxMessage | None] = []
    for args, kwargs, key in calls:
        if key is not None:
            if key in keys:
                rows.append(None)
                continue
            keys.add(key)
        row = OutboxMessage(task=name, arguments=json.dumps([list(args), kwargs]), eta=eta, key=key)
        session.add(row)
        rows.append(row)
    if not any(rows):
        return rows
    session.flush()
    new = session.info.get(_NEW)
    if new is None:
        new = session.info[_NEW] = []
        after_commit(lambda: publish_now(new))
    new.extend(row.id for row in rows if row is not None)
    return rows


def enqueue_coalesced(task: Any, *args: Any, key: str, delay: float) -> OutboxMessage | None:
    """Enqueue `task(*args)` to run `delay` seconds from now, unless a row under `key` is already
    waiting to start (written by any transaction, not yet taken by a worker): a burst of causes
    then makes one run, not one each. Returns None when it joined a waiting row.

    For idempotent work that reads the committed state when it runs (a certificate rebuilt from
    the timeline). A cause committed just after the waiting row's run began is left to the next
    cause or to that work's own sweep."""
    return enqueue_coalesced_many(task, [(args, key)], delay=delay)[0]


def enqueue_coalesced_many(task: Any, calls: list[tuple[tuple, str]], *, delay: float) -> list:
    """`enqueue_coalesced` for many (args, key) pairs: the waiting rows read in one statement and
    the new rows written with one flush. Returns the row written for each pair, or None."""
    used = db.session().info.get(_KEYS, set())  # written by this transaction: waiting already
    asked = sorted({key for _, key in calls if key not in used})
    waiting = set(db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.key.in_(asked), OutboxMessage.done_at.is_(None), OutboxMessage.started_at.is_(None),
        OutboxMessage.runs < current_app.config["OUTBOX_MAX_RUNS"]))) if asked else set()
    todo = [(args, key) for args, key in calls if key not in waiting]
    eta = utcnow() + timedelta(seconds=delay) if delay > 0 else None
    written = iter(_write(task, [(args, {}, key) for args, key in todo], eta))
    return [None if key in waiting else next(written) for _, key in calls]


def publish_now(ids: list[int]) -> int:
    """After a commit: publish the transaction's rows at once. A broker that cannot be reached
    leaves them pending for the relay; the request that wrote them has succeeded regardless."""
    if current_app.extensions["celery"].conf.task_always_eager:
        return _publish(list(ids))
    try:
        return _publish(list(ids))
    except SQLAlchemyError as exc:  # the database went away after the commit: the relay has them
        log.warning("outbox: %d message(s) left for the relay: %s", len(ids), exc)
        db.session.remove()
        return 0


def relay(limit: int = 500) -> dict:
    """Publish pending rows, and again those published long ago that never ran (the broker lost
    them); forget rows finished a week ago. Runs on the beat; safe to run anywhere, any time."""
    cfg = current_app.config
    now = utcnow()
    grace = now - timedelta(seconds=cfg["OUTBOX_REPUBLISH_SECONDS"])
    lease = now - timedelta(seconds=cfg["OUTBOX_LEASE_SECONDS"])
    candidates = db.session.execute(select(OutboxMessage.id, OutboxMessage.published_at,
                                           OutboxMessage.publications).where(
        OutboxMessage.done_at.is_(None), OutboxMessage.runs < cfg["OUTBOX_MAX_RUNS"],
        or_(OutboxMessage.started_at.is_(None), OutboxMessage.started_at <= lease),
        or_(OutboxMessage.published_at.is_(None),
            (OutboxMessage.published_at <= grace)
            & or_(OutboxMessage.eta.is_(None), OutboxMessage.eta <= grace)))
        .order_by(OutboxMessage.id).limit(limit)).all()
    _end()
    # Published and not run yet may also mean a long queue: each further publication waits twice
    # as long as the one before, so a slow worker is not buried under copies.
    ids = [row_id for row_id, published_at, publications in candidates
           if published_at is None or published_at <= now - timedelta(
               seconds=cfg["OUTBOX_REPUBLISH_SECONDS"] * 2 ** min(max(publications - 1, 0), 6))]
    published = _publish(ids)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.done_at <= now - timedelta(days=7)))
    commit()
    return {"due": len(ids), "published": published}


def enqueue_missing(task: Any, ids: list[int], prefix: str) -> list[int]:
    """For a sweep: enqueue `task(id)` under the key "<prefix>:<id>" for each id that has no row
    waiting to start (the relay sees to those, so they do not pile up); returns the ids enqueued. A
    row that started and did not finish may have lost its worker: it does not count."""
    keys = {item: f"{prefix}:{item}" for item in ids}
    waiting = set(db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.key.in_(list(keys.values())), OutboxMessage.done_at.is_(None),
        OutboxMessage.started_at.is_(None), OutboxMessage.runs < current_app.config["OUTBOX_MAX_RUNS"]))
    ) if keys else set()
    missing = [item for item, key in keys.items() if key not in waiting]
    for item in missing:
        enqueue(task, item, key=keys[item])
    return missing


def taken_over(keys: list[str]) -> int:
    """Rows under these keys that wait to start are done: another task did their work in this
    transaction (a burst claimed their dispatches), so their own run would find nothing to do. If
    that work is lost after all (its worker dies), the sweep that looks after it enqueues it again."""
    if not keys:
        return 0
    return db.session.execute(update(OutboxMessage).where(
        OutboxMessage.key.in_(keys), OutboxMessage.done_at.is_(None), OutboxMessage.started_at.is_(None))
        .values(done_at=utcnow(), last_error="taken over by another task")).rowcount


_installed: set[str] = set()


def installed() -> bool:
    """The outbox's table exists (checked until it does, then remembered for the process)."""
    url = str(db.engine.url)
    if url not in _installed and inspect(db.engine).has_table(OutboxMessage.__tablename__):
        _installed.add(url)
    return url in _installed


def pending_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.done_at.is_(None))) or 0


def _publish(ids: list[int]) -> int:
    celery_app = current_app.extensions["celery"]
    eager = bool(celery_app.conf.task_always_eager)
    found = select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.done_at.is_(None))
    rows = [(r.id, r.task, r.arguments, r.eta)
            for r in db.session.scalars(found.order_by(OutboxMessage.id))] if ids else []
    _end()
    published, ran = [], 0
    for row_id, name, arguments, eta in rows:
        args, kwargs = json.loads(arguments)
        options: dict[str, Any] = {"task_id": f"{TASK_ID_PREFIX}{row_id}"}
        if eta is not None and eta > utcnow():
            options["eta"] = eta
        if eager:  # tests: the task runs here and now; its errors are the test's to see
            _mark_published([row_id])
            celery_app.tasks[name].apply_async(args, kwargs, **options)
            ran += 1
            continue
        try:
            # One try: a broker that is down must not hold up the request that committed the row.
            celery_app.tasks[name].apply_async(args, kwargs, retry=True, retry_policy={"max_retries": 0},
                                               **options)
        except Exception as exc:  # noqa: BLE001 (any broker failure: the relay tries again later)
            log.warning("outbox: broker unavailable, %d message(s) left for the relay: %s",
                        len(rows) - len(published), exc)
            break
        published.append(row_id)
    _mark_published(published)
    return len(published) + ran


def _mark_published(ids: list[int]) -> None:
    if not ids:
        return
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
        published_at=utcnow(), publications=OutboxMessage.publications + 1))
    commit()


def _end() -> None:
    """End a read: on SQLite a transaction may hold the write lock from its BEGIN."""
    rollback()


def row_id(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    suffix = task_id.removeprefix(TASK_ID_PREFIX)
    return int(suffix) if suffix.isdigit() else None


def claim(message_id: int) -> bool:
    """Take the row for this run; False when it has run already or another worker is running it
    (a duplicate publication). Its own transaction, committed before the task starts."""
    now = utcnow()
    lease = now - timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    taken = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.done_at.is_(None),
        or_(OutboxMessage.started_at.is_(None), OutboxMessage.started_at <= lease))
        .values(started_at=now, runs=OutboxMessage.runs + 1)
        .execution_options(synchronize_session=False)).rowcount  # the commit expires the session's objects
    commit()
    return taken == 1


def finished(message_id: int, error: BaseException | None = None) -> None:
    """The run ended: done, or released (with its error) for the task's own retry or the relay."""
    rollback()  # whatever the task left open is not ours to commit
    values: dict[str, Any] = {"started_at": None}
    if error is None:
        values["done_at"] = utcnow()
    else:
        values["last_error"] = f"{type(error).__name__}: {error}"[:2000]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
                       .execution_options(synchronize_session=False))  # the commit expires the objects
    commit()
