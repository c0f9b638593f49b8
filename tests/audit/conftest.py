"""A small ledger to check and to damage: two cases with transitions and notes, and a platform event.

Everything happens inside the test's rolled-back transaction, damage included."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from portal import audit
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.cases.models import Case
from portal.cases.transitions import fire
from tests.factories import CaseFactory, CreditorFactory


@dataclass
class Ledger:
    creditor: User
    case: Case        # three events: case.file, case.start_notice, test.note
    other_case: Case  # two events: test.amount, case.withdraw
    start: int        # the global sequence number before this ledger's first event
    events: list[AuditEvent]

    def case_events(self, case: Case) -> list[AuditEvent]:
        return [e for e in self.events if e.case_id == case.id]


@pytest.fixture
def ledger(db_session) -> Ledger:
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization)
    other = CaseFactory(creditor=creditor.organization)
    start = db_session.scalar(select(func.max(AuditEvent.seq))) or 0
    fire(case, "file", creditor)
    audit.record("test.amount", actor=creditor, case=other,
                 payload={"amount": Decimal("1500.50"), "due": date(2026, 3, 1)})
    audit.record("test.platform", actor=None, payload={"note": "नोटिस भेजा गया"})
    fire(case, "start_notice", None)
    audit.record("test.note", actor=creditor, case=case, payload={"n": 3, "nested": {"b": [1, 2], "a": None}})
    fire(other, "withdraw", creditor)
    events = list(db_session.scalars(select(AuditEvent).where(AuditEvent.seq > start)
                                     .order_by(AuditEvent.seq)))
    assert len(events) == 6
    return Ledger(creditor, case, other, start, events)


def behind_the_orm(session, sql: str, **params) -> None:
    """Run SQL the way an intruder with database access would. On PostgreSQL the append-only
    trigger would refuse, so switch triggers off for this statement (superuser only), then back."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL session_replication_role = replica"))
    session.execute(text(sql), params)
    if postgres:
        session.execute(text("SET LOCAL session_replication_role = origin"))
