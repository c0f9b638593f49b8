"""The tamper-evident ledger: append-only audit events hash-chained globally and per case.

Each event's hash is SHA-256(prev_hash + canonical JSON of the entry). `audit_heads` holds the
tip of each chain; taking its row with UPDATE serialises writers so chains never fork.
"""
from __future__ import annotations

import enum
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

GENESIS = "0" * 64
GLOBAL_CHAIN = "global"


class AuditImmutable(RuntimeError):
    """Audit events are append-only."""


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("case_id", "case_seq"),)

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
    if isinstance(value, Decimal | date | datetime):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot put {type(value).__name__} in an audit payload")


def canonical_json(value: Any) -> str:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in audit payloads")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default, allow_nan=False)


def _entry(seq, case_id, case_seq, actor_id, actor_role, action, payload_json, created_at) -> str:
    return canonical_json({
        "seq": seq, "case_id": case_id, "case_seq": case_seq, "actor_id": actor_id,
        "actor_role": actor_role, "action": action, "payload": json.loads(payload_json),
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    })


def chain_hash(prev_hash: str, entry: str) -> str:
    return hashlib.sha256((prev_hash + entry).encode()).hexdigest()


def _insert_ignore(session: Session):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AuditHead).on_conflict_do_nothing()


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


def record(action: str, *, actor: Any | None, case: Any | None = None,
           payload: dict | None = None, session: Session | None = None) -> AuditEvent:
    """Append an event in the caller's transaction (flushes, never commits)."""
    return record_many([(action, case, payload)], actor=actor, session=session)[0]


def record_many(entries: list[tuple[str, Any | None, dict | None]], *, actor: Any | None,
                session: Session | None = None) -> list[AuditEvent]:
    """Append several (action, case, payload) events in order, taking each chain's lock once."""
    session = session or db.session
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
    case_state = {}
    for cid, count in per_case.items():
        case_last, case_prev = _advance(session, f"case:{cid}", count)
        case_state[cid] = [case_last - count, case_prev]
    events = []
    for action, case, payload in entries:
        seq += 1
        payload_json = canonical_json(payload or {})
        case_id = case.id if case is not None else None
        case_seq = None
        if case_id is not None:
            case_state[case_id][0] += 1
            case_seq = case_state[case_id][0]
        entry = _entry(seq, case_id, case_seq, actor_id, actor_role, action, payload_json, created_at)
        ev = AuditEvent(seq=seq, case_id=case_id, case_seq=case_seq, actor_id=actor_id,
                        actor_role=actor_role, action=action, payload=payload_json,
                        created_at=created_at, prev_hash=prev, hash=chain_hash(prev, entry))
        prev = ev.hash
        if case_id is not None:
            ev.case_prev_hash = case_state[case_id][1]
            ev.case_hash = case_state[case_id][1] = chain_hash(ev.case_prev_hash, entry)
        events.append(ev)
    heads = [{"chain": GLOBAL_CHAIN, "hash": prev}] + [
        {"chain": f"case:{cid}", "hash": state[1]} for cid, state in case_state.items()]
    session.execute(update(AuditHead), heads)  # ORM bulk UPDATE by primary key (executemany)
    session.add_all(events)
    session.flush()
    return events


@dataclass
class VerifyReport:
    checked: int = 0
    chains: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_link(ev: AuditEvent, expected_seq: int, prev: str, *, case: bool) -> str | None:
    entry = _entry(ev.seq, ev.case_id, ev.case_seq, ev.actor_id, ev.actor_role, ev.action,
                   ev.payload, ev.created_at)
    label = f"case {ev.case_id} event #{ev.case_seq}" if case else f"global event #{ev.seq}"
    seq, stored_prev, stored = ((ev.case_seq, ev.case_prev_hash, ev.case_hash) if case
                                else (ev.seq, ev.prev_hash, ev.hash))
    if seq != expected_seq:
        return f"{label}: expected sequence {expected_seq} (an event is missing)"
    if stored_prev != prev:
        return f"{label} (id {ev.id}): prev_hash does not match the previous event's hash"
    if chain_hash(prev, entry) != stored:
        return f"{label} (id {ev.id}): contents do not match its hash (edited after writing)"
    return None


def verify(session: Session | None = None) -> VerifyReport:
    """Walk the global chain and every case chain; report the first broken link of each."""
    session = session or db.session
    report = VerifyReport()
    prev, n, broken = GENESIS, 0, False
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)):
        n += 1
        report.checked += 1
        if not broken and (problem := _check_link(ev, n, prev, case=False)):
            report.problems.append(problem)
            broken = True
        prev = ev.hash
    report.chains = 1
    heads = {h.chain: h for h in session.scalars(select(AuditHead))}
    glob = heads.get(GLOBAL_CHAIN)
    if not broken and glob is not None and (glob.seq != n or glob.hash != prev):
        report.problems.append(f"global chain: head says #{glob.seq} but the last event is #{n}")
    current, prev, n, broken = None, GENESIS, 0, False
    stmt = (select(AuditEvent).where(AuditEvent.case_id.is_not(None))
            .order_by(AuditEvent.case_id, AuditEvent.case_seq).execution_options(yield_per=1000))
    for ev in session.scalars(stmt):
        if ev.case_id != current:
            current, prev, n, broken = ev.case_id, GENESIS, 0, False
            report.chains += 1
        n += 1
        if not broken and (problem := _check_link(ev, n, prev, case=True)):
            report.problems.append(problem)
            broken = True
        prev = ev.case_hash
    return report


def events_for_case(case_id: int, session: Session | None = None) -> list[AuditEvent]:
    session = session or db.session
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)
                                .order_by(AuditEvent.case_seq)))


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditImmutable("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditImmutable("audit events cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state):
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        if state.bind_mapper.class_ is AuditEvent:
            raise AuditImmutable("audit events cannot be changed or deleted")
