"""Audit events are append-only: the ORM refuses to change or delete them, in a flush or in bulk,
and on PostgreSQL a trigger refuses even raw SQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, text, update
from sqlalchemy.orm import aliased

from portal import audit
from portal.audit import AuditEvent, AuditImmutable

TABLE = AuditEvent.__table__


def test_flushing_a_changed_event_is_refused(ledger, db_session):
    event = ledger.events[2]
    event.payload = '{"note":"rewritten"}'
    with pytest.raises(AuditImmutable, match="cannot be changed"):
        db_session.flush()


def test_flushing_a_deleted_event_is_refused(ledger, db_session):
    db_session.delete(ledger.events[2])
    with pytest.raises(AuditImmutable, match="cannot be deleted"):
        db_session.flush()


BULK = {
    "orm update": lambda ev: update(AuditEvent).where(AuditEvent.id == ev.id).values(action="x"),
    "orm delete": lambda ev: delete(AuditEvent).where(AuditEvent.id == ev.id),
    "table update": lambda ev: update(TABLE).where(TABLE.c.id == ev.id).values(action="x"),
    "table delete": lambda ev: delete(TABLE).where(TABLE.c.id == ev.id),
    "aliased update": lambda ev: update(aliased(AuditEvent)).values(action="x"),
    "alias delete": lambda ev: delete(TABLE.alias()),
}


@pytest.mark.parametrize("how", sorted(BULK))
def test_bulk_statements_through_the_session_are_refused(ledger, db_session, how):
    with pytest.raises(AuditImmutable, match="cannot be changed or deleted"):
        db_session.execute(BULK[how](ledger.events[2]))
    assert audit.verify().ok


def test_legacy_query_update_and_delete_are_refused(ledger, db_session):
    query = db_session.query(AuditEvent).filter(AuditEvent.id == ledger.events[2].id)
    with pytest.raises(AuditImmutable):
        query.update({"action": "x"}, synchronize_session=False)
    with pytest.raises(AuditImmutable):
        query.delete(synchronize_session=False)
    assert audit.verify().ok


@pytest.mark.postgres
@pytest.mark.parametrize("sql,operation", [
    ("UPDATE audit_events SET payload = '{}' WHERE id = :id", "UPDATE"),
    ("DELETE FROM audit_events WHERE id = :id", "DELETE"),
    # CASCADE: other tables (attention items, checkpoints) point at events; the trigger still refuses.
    ("TRUNCATE audit_events CASCADE", "TRUNCATE"),
])
def test_postgresql_refuses_raw_changes(ledger, db_session, sql, operation):
    refusal = f"audit_events is append-only: {operation} refused"
    with pytest.raises(sa.exc.DBAPIError, match=refusal) as refused, db_session.begin_nested():
        db_session.execute(text(sql), {"id": ledger.events[2].id})
    assert refused.value.orig.sqlstate == "42501"  # insufficient_privilege
    assert audit.verify().ok


@pytest.mark.postgres
def test_postgresql_trigger_is_on_for_ordinary_sessions(db_session):
    """The trigger fires in the default replication role; only a superuser switching it off (as the
    tamper tests do on purpose) gets past it, and verify() still catches what they did."""
    assert db_session.scalar(text("SHOW session_replication_role")) == "origin"
    enabled = db_session.execute(text(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass "
        "AND NOT tgisinternal ORDER BY tgname")).all()
    assert [tuple(r) for r in enabled] == [("audit_events_no_change", "O"), ("audit_events_no_truncate", "O")]
