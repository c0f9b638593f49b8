"""Verifying the audit ledger: recompute every hash from the stored rows and name each chain's first break.

Reads plain rows (never ORM objects, whose cached state could hide an edit made behind the session)
and reads timestamps raw, so a value edited into something unreadable is reported rather than raised.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import String, column, select, table, type_coerce
from sqlalchemy.orm import Session

from portal.audit import GENESIS, GLOBAL_CHAIN, AuditEvent, AuditHead, chain_hash, entry_json

CASE_PREFIX = "case:"
# Checks of the ledger against witnesses kept outside the database, registered by the package that
# keeps them (evidence/checkpoints.py: the sealed checkpoints). Each takes the session and returns
# (how many it checked, what it found wrong); a ledger rewritten and rehashed wholesale passes the
# chain walk but not these.
Witness = Callable[[Session], tuple[int, list[str]]]
WITNESSES: list[Witness] = []


@dataclass(frozen=True)
class Break:
    """The first broken link of one chain: where it is, which stored row, and what is wrong."""

    chain: str            # "global" or "case:<id>"
    position: int         # the link's sequence number in that chain
    event_id: int | None  # the row at fault (None when only the chain's head disagrees)
    reason: str
    case_reference: str | None = None

    @property
    def case_id(self) -> int | None:
        return int(self.chain.removeprefix(CASE_PREFIX)) if self.chain != GLOBAL_CHAIN else None

    def __str__(self) -> str:
        where = ("global chain" if self.case_id is None
                 else f"case {self.case_reference or '?'} chain (case id {self.case_id})")
        row = f" (audit event id {self.event_id})" if self.event_id is not None else ""
        return f"{where}, event #{self.position}{row}: {self.reason}"


@dataclass
class VerifyReport:
    checked: int = 0
    chains: int = 0
    breaks: list[Break] = field(default_factory=list)
    head_hash: str = GENESIS  # the global chain's last hash: record it elsewhere to anchor the ledger
    witnessed: int = 0        # checkpoints checked against the ledger
    contradictions: list[str] = field(default_factory=list)  # what the witnesses found wrong

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.contradictions

    @property
    def problems(self) -> list[str]:
        return [str(b) for b in self.breaks] + self.contradictions


LEDGER_COLUMNS = (AuditEvent.id, AuditEvent.seq, AuditEvent.case_id, AuditEvent.case_seq, AuditEvent.actor_id,
            AuditEvent.actor_role, AuditEvent.action, AuditEvent.payload,
            type_coerce(AuditEvent.created_at, String).label("created_at"),
            AuditEvent.prev_hash, AuditEvent.hash, AuditEvent.case_prev_hash, AuditEvent.case_hash)


def stored_entry(row) -> str:
    """The canonical entry recomputed from a stored row; ValueError says why it cannot be read."""
    created_at = row.created_at
    if isinstance(created_at, str):  # SQLite keeps text; PostgreSQL's driver returns a datetime
        try:
            created_at = datetime.fromisoformat(created_at)
        except ValueError:
            raise ValueError("its timestamp is unreadable") from None
    if not isinstance(created_at, datetime):
        raise ValueError("its timestamp is missing")
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    try:
        payload = json.loads(row.payload)
    except (TypeError, ValueError):
        raise ValueError("its payload is not valid JSON") from None
    return entry_json(seq=row.seq, case_id=row.case_id, case_seq=row.case_seq, actor_id=row.actor_id,
                      actor_role=row.actor_role, action=row.action, payload=payload, created_at=created_at)


class ChainWalk:
    """Follows one chain link by link and keeps its first break."""

    def __init__(self, chain: str) -> None:
        self.chain, self.count, self.last_hash = chain, 0, GENESIS
        self.broken: Break | None = None

    def step(self, row, position: int | None, stored_prev: str | None, stored: str | None) -> None:
        self.count += 1
        expected, prev, self.last_hash = self.count, self.last_hash, stored
        if self.broken:
            return
        if position != expected:
            found = f"#{position}" if position is not None else "an event with no number"
            self._break(expected, row.id, f"event #{expected} is missing (the next one found is {found})")
            return
        if stored_prev != prev:
            self._break(expected, row.id, f"its prev_hash does not match the hash of event #{expected - 1}"
                        " (a link was rewritten or removed)")
            return
        try:
            recomputed = chain_hash(prev, stored_entry(row))
        except ValueError as exc:
            self._break(expected, row.id, f"{exc}: edited after it was written")
            return
        if recomputed != stored:
            self._break(expected, row.id,
                        f"its contents ({row.action}) do not match its hash: edited after it was written")

    def finish(self, head: AuditHead | None) -> None:
        """Compare the chain's end with its head row; that catches events removed from the end."""
        if self.broken:
            return
        if head is None:
            if self.count:
                self._break(self.count, None, "the chain's head row is missing")
        elif head.seq != self.count:
            self._break(head.seq, None, f"the chain's head records {head.seq} events but "
                        f"{self.count} were found (events at the end were removed)")
        elif head.hash != self.last_hash:
            self._break(head.seq, None, "the chain's head hash differs from its last event's hash")

    def _break(self, position: int, event_id: int | None, reason: str) -> None:
        self.broken = Break(self.chain, position, event_id, reason)


def verify_chains(session: Session) -> VerifyReport:
    """Walk the global chain, then every case chain in case order; report each chain's first break."""
    heads = {h.chain: h for h in session.scalars(
        select(AuditHead).execution_options(populate_existing=True))}
    walk = ChainWalk(GLOBAL_CHAIN)
    global_rows = select(*LEDGER_COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    for row in session.execute(global_rows):
        walk.step(row, row.seq, row.prev_hash, row.hash)
    walk.finish(heads.pop(GLOBAL_CHAIN, None))
    report = VerifyReport(checked=walk.count, head_hash=walk.last_hash)
    walks = [walk]
    current: ChainWalk | None = None
    case_rows = (select(*LEDGER_COLUMNS).where(AuditEvent.case_id.is_not(None))
                 .order_by(AuditEvent.case_id, AuditEvent.case_seq).execution_options(yield_per=1000))
    for row in session.execute(case_rows):
        if current is None or current.chain != f"{CASE_PREFIX}{row.case_id}":
            if current is not None:
                current.finish(heads.pop(current.chain, None))
            current = ChainWalk(f"{CASE_PREFIX}{row.case_id}")
            walks.append(current)
        current.step(row, row.case_seq, row.case_prev_hash, row.case_hash)
    if current is not None:
        current.finish(heads.pop(current.chain, None))
    for chain, head in sorted(heads.items()):  # case chains whose every event has gone
        orphan = ChainWalk(chain)
        orphan.finish(head)
        walks.append(orphan)
    report.chains = len(walks)
    report.breaks = _with_case_references(session, [w.broken for w in walks if w.broken])
    for witness in WITNESSES:
        checked, contradictions = witness(session)
        report.witnessed += checked
        report.contradictions += contradictions
    return report


# The ledger sits below the cases package: it reads the case references by table, not by model.
_CASES = table("cases", column("id"), column("reference"))


def _with_case_references(session: Session, breaks: list[Break]) -> list[Break]:
    ids = {b.case_id for b in breaks if b.case_id is not None}
    if not ids:
        return breaks
    refs = dict(session.execute(select(_CASES.c.id, _CASES.c.reference).where(_CASES.c.id.in_(ids))).all())
    return [replace(b, case_reference=refs.get(b.case_id)) if b.case_id is not None else b
            for b in breaks]
