"""The tamper-evident ledger: append-only audit events hash-chained globally and per case.

Each event's hash is SHA-256(prev_hash + canonical JSON of the entry). `audit_heads` holds the
tip of each chain; taking its row with UPDATE serialises writers so chains never fork.
Checking the chains (`verify()`) lives in portal.audit_check.
"""
from __future__ import annotations

import enum
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from blinker import Namespace
from flask import g, has_request_context
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column

from portal.database import insert_rows, reserve_ids
from portal.extensions import db
from portal.paging import Page, PageArgs, keyset_page
from portal.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.audit_check import VerifyReport

_signals = Namespace()
# Sent once per event, in the writer's transaction, after the event is flushed:
# `recorded.send(event, case=case, actor=actor)`. Listeners (notifications) add rows in the same
# transaction and write side effects to the outbox (portal/outbox.py); an exception in a listener aborts the
# writer's transaction, so listeners must refuse nothing the writer has already done.
recorded = _signals.signal("audit-recorded")
# Sent once per append, after `recorded` has been sent for each of its events, with the (event, case)
# pairs in order: `recorded_many.send(pairs, actor=actor)`. For listeners that do the same work for
# many events at once (notifications, webhooks: one read for a batch's cases, not one per event);
# the same rules as `recorded`.
recorded_many = _signals.signal("audit-recorded-many")

GENESIS = "0" * 64
GLOBAL_CHAIN = "global"


class AuditImmutable(RuntimeError):
    """Audit events are append-only."""


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # The audit page reads a case's events newest first, a page at a time (migration keyset).
    __table_args__ = (UniqueConstraint("case_id", "case_seq"),
                      Index("ix_audit_events_case_id_created_at_id", "case_id", "created_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case_seq: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(80), index=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    case_prev_hash: Mapped[str | None] = mapped_column(String(64))
    case_hash: Mapped[str | None] = mapped_column(String(64))

    @property
    def data(self) -> dict:
        return json.loads(self.payload)


class AuditHead(db.Model):
    __tablename__ = "audit_heads"

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"cannot put Decimal {value} in an audit payload")
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _refuse_floats(value.value, type(value).__name__)
    raise TypeError(f"cannot put {type(value).__name__} in an audit payload")


def _refuse_floats(value: Any, where: str = "payload") -> Any:
    """Floats have no single decimal spelling: a hash over one could not be recomputed reliably."""
    if isinstance(value, float):
        raise TypeError(f"floats are not allowed in audit payloads ({where}); use Decimal or str")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_floats(key, where)
            _refuse_floats(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_floats(item, f"{where}[{index}]")
    return value


def _holds_float(value: Any) -> bool:
    """`_refuse_floats`' question, asked without building the path of every value it passes (the
    path is only needed for the message, once a float is found)."""
    todo = [value]
    while todo:
        item = todo.pop()
        kind = item.__class__
        if kind is str or kind is int or kind is Decimal or item is None:
            continue
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            todo.extend(item.values())
            todo.extend(item)
        elif isinstance(item, list | tuple):
            todo.extend(item)
    return False


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text; Decimal, date and enum as strings."""
    if _holds_float(value):
        _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default, allow_nan=False)


def entry_json(*, seq: int, case_id: int | None, case_seq: int | None, actor_id: int | None,
               actor_role: str, action: str, payload: Any, created_at: datetime) -> str:
    """The canonical text an event's hashes cover: every stored field but the hashes themselves."""
    return canonical_json({
        "seq": seq, "case_id": case_id, "case_seq": case_seq, "actor_id": actor_id,
        "actor_role": actor_role, "action": action, "payload": payload,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    })


def chain_hash(prev_hash: str, entry: str) -> str:
    return hashlib.sha256((prev_hash + entry).encode()).hexdigest()


def _insert_ignore(session: Session):
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(AuditHead).on_conflict_do_nothing()


def _advance(session: Session, chain: str, by: int = 1) -> tuple[int, str]:
    """Lock the chain's head row, bump its sequence by `by`; return (new last seq, previous hash).

    The row lock (PostgreSQL) or write lock (SQLite) is held to commit, so chains never fork.
    """
    stmt = (update(AuditHead).where(AuditHead.chain == chain).values(seq=AuditHead.seq + by)
            .returning(AuditHead.seq, AuditHead.hash)
            .execution_options(synchronize_session=False))
    row = session.execute(stmt).first()
    if row is None:
        session.execute(_insert_ignore(session), [{"chain": chain, "seq": 0, "hash": GENESIS}])
        row = session.execute(stmt).first()
    return row[0], row[1]


_HEADS_PER_LOCK = 1_000  # chains locked and read per statement (bound parameters)


def _lock_case_heads(session: Session, per_case: Counter) -> dict[int, list]:
    """Lock the case chains' heads and read where each stands: {case id: [last seq, last hash]}.

    One case (the usual event) bumps its head in place, as `_advance` does; many (an import's new
    cases) are locked and read with `SELECT ... FOR UPDATE` in chunks, so the statements do not
    grow with the cases (the caller writes every head back in one executemany)."""
    if len(per_case) == 1:
        (cid, count), = per_case.items()
        case_last, case_prev = _advance(session, f"case:{cid}", count)
        return {cid: [case_last - count, case_prev]}
    chains = {f"case:{cid}": cid for cid in per_case}
    names = sorted(chains)
    state: dict[int, list] = {}
    for first in range(0, len(names), _HEADS_PER_LOCK):
        # In a fixed order (by chain), as every writer locks them, so two imports cannot deadlock.
        rows = session.execute(select(AuditHead.chain, AuditHead.seq, AuditHead.hash)
                               .where(AuditHead.chain.in_(names[first:first + _HEADS_PER_LOCK]))
                               .order_by(AuditHead.chain).with_for_update())
        for chain, seq, last_hash in rows:
            state[chains[chain]] = [seq, last_hash]
    return state


def _api_key_id() -> int | None:
    """The API key this request came with (portal.apikeys sets it): every event it causes names it."""
    if not has_request_context():
        return None
    return getattr(g, "api_key_id", None)


# Inside `batched()`: the events `record` was given, appended together when the block ends.
_batch: ContextVar[list | None] = ContextVar("sulah_audit_batch", default=None)


def record(action: str, *, actor: Any | None, case: Any | None = None,
           payload: dict | None = None, session: Session | None = None) -> AuditEvent | None:
    """Append an event in the caller's transaction (flushes, never commits). Inside `batched()` the
    event is appended when the block ends, and this returns None."""
    pending = _batch.get()
    if pending is not None and session is None:
        pending.append((action, case, payload, actor))
        return None
    return record_many([(action, case, payload)], actor=actor, session=session)[0]


@contextmanager
def batched() -> Iterator[None]:
    """Many writers' events in one append: every `record` inside the block (fire(), the timeline...)
    is held, then appended in order when the block ends, still in the caller's transaction, taking
    each chain's head once (one head update per chain) instead of once per event. Listeners hear
    each event then. A block that raises appends nothing (its transaction is rolled back)."""
    if _batch.get() is not None:  # already inside one: the outer block appends
        yield
        return
    pending: list = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    # Runs of one actor at a time (record_many dates and signs a run with its actor); in order.
    while pending:
        actor = pending[0][3]
        run = 1
        while run < len(pending) and pending[run][3] is actor:
            run += 1
        record_many([(action, case, payload) for action, case, payload, _ in pending[:run]], actor=actor)
        del pending[:run]


def record_many(entries: list[tuple[str, Any | None, dict | None]], *, actor: Any | None,
                session: Session | None = None) -> list[AuditEvent]:
    """Append several (action, case, payload) events in order, taking each chain's lock once."""
    session = session or db.session
    # Refuse a bad payload before any head moves: a caller that catches the error must not
    # commit a head that points past the last event.
    via_key = _api_key_id()
    payloads = [canonical_json(({"api_key_id": via_key} | (payload or {})) if via_key else (payload or {}))
                for _, _, payload in entries]
    if any(case is not None and case.id is None for _, case, _ in entries):
        session.flush()
    created_at = utcnow()
    actor_id = getattr(actor, "id", None)
    actor_role = getattr(getattr(actor, "role", None), "value", None) or "system"
    last, prev = _advance(session, GLOBAL_CHAIN, len(entries))
    seq = last - len(entries)
    per_case = Counter(case.id for _, case, _ in entries if case is not None)
    if len(per_case) > 1:  # create missing chain heads in one statement
        session.execute(_insert_ignore(session),
                        [{"chain": f"case:{cid}", "seq": 0, "hash": GENESIS} for cid in per_case])
    case_state = _lock_case_heads(session, per_case)
    rows = []
    for (action, case, _), payload_json in zip(entries, payloads, strict=True):
        seq += 1
        case_id = case.id if case is not None else None
        case_seq = case_prev = case_hash = None
        if case_id is not None:
            state = case_state[case_id]
            state[0] += 1
            case_seq = state[0]
        entry = entry_json(seq=seq, case_id=case_id, case_seq=case_seq, actor_id=actor_id,
                           actor_role=actor_role, action=action, payload=json.loads(payload_json),
                           created_at=created_at)
        if case_id is not None:
            case_prev = state[1]
            case_hash = state[1] = chain_hash(case_prev, entry)
        row_hash = chain_hash(prev, entry)
        rows.append({"seq": seq, "case_id": case_id, "case_seq": case_seq, "actor_id": actor_id,
                     "actor_role": actor_role, "action": action, "payload": payload_json,
                     "created_at": created_at, "prev_hash": prev, "hash": row_hash,
                     "case_prev_hash": case_prev, "case_hash": case_hash})
        prev = row_hash
    heads = [{"chain": GLOBAL_CHAIN, "seq": last, "hash": prev}] + [
        {"chain": f"case:{cid}", "seq": state[0], "hash": state[1]} for cid, state in case_state.items()]
    session.execute(update(AuditHead), heads)  # ORM bulk UPDATE by primary key (one executemany)
    events = _insert_events(session, rows)
    session.flush()  # what the caller left pending goes in too, as it did when events were flushed
    if recorded.receivers:
        for (_, case, _), ev in zip(entries, events, strict=True):
            recorded.send(ev, case=case, actor=actor)
    if recorded_many.receivers:
        pairs = [(ev, case) for (_, case, _), ev in zip(entries, events, strict=True)]
        recorded_many.send(pairs, actor=actor)
    return events


def _insert_events(session: Session, rows: list[dict]) -> list[AuditEvent]:
    """Insert the events' rows without the unit of work (an import writes thousands: COPY on
    PostgreSQL, portal.database.insert_rows) and return them as persistent AuditEvent objects, as a
    flush would have left them. One event is one INSERT that returns its key."""
    table = AuditEvent.__table__
    session.flush()  # the rows the events point at (a case, a user) go first
    if len(rows) == 1:
        rows[0]["id"] = session.execute(table.insert().values(**rows[0]).returning(table.c.id)).scalar_one()
    else:
        for row, key in zip(rows, reserve_ids(table, len(rows), session), strict=True):
            row["id"] = key
        insert_rows(table, rows, session)
    events = []
    manager = AuditEvent.__mapper__.class_manager
    for row in rows:
        # As a query loads a row: the instance without its constructor, its columns as loaded
        # values; the session then holds it as stored, not as new.
        ev = manager.new_instance()
        ev.__dict__.update(row)
        make_transient_to_detached(ev)
        events.append(ev)
    session.add_all(events)
    return events


def verify(session: Session | None = None) -> VerifyReport:
    """Walk the global chain and every case chain from the stored rows (see portal.audit_check).

    Returns a VerifyReport naming the first broken link of each broken chain.
    """
    from portal.audit_check import verify_chains

    return verify_chains(session or db.session)


def events_for_case(case_id: int, session: Session | None = None) -> list[AuditEvent]:
    session = session or db.session
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)
                                .order_by(AuditEvent.case_seq)))


def events_page(case_id: int, args: PageArgs, session: Session | None = None) -> Page:
    """A page of the case's events, newest first (ties on the time broken by id): one statement,
    read from the index on (case_id, created_at, id)."""
    stmt = select(AuditEvent).where(AuditEvent.case_id == case_id)
    return keyset_page(session or db.session, stmt, AuditEvent.created_at, AuditEvent.id, tag="audit",
                       args=args, scalars=True)


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditImmutable("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditImmutable("audit events cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state):
    # Covers update(AuditEvent), delete(AuditEvent) and the same on the bare table or an alias.
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and table.is_derived_from(AuditEvent.__table__):
            raise AuditImmutable("audit events cannot be changed or deleted")
