"""The one place a case changes status: check the table, set it, write the audit event."""
from __future__ import annotations

from typing import Any

from portal import audit
from portal.accounts.roles import Role
from portal.cases.models import Case
from portal.cases.states import CaseStatus, Transition, check
from portal.extensions import db
from portal.types import utcnow


def actor_role(actor: Any | None) -> Role:
    return Role.SYSTEM if actor is None else Role(actor.role)


def fire(case: Case, action: str, actor: Any | None, *, payload: dict | None = None) -> Transition:
    """Apply `action` to `case` as `actor` (None = the system) and audit it; flushes, no commit.

    Row-locks the case first and re-reads its status, so two requests cannot both move it from the
    same state. The lock is FOR NO KEY UPDATE: it still excludes another fire(), but not the
    FOR KEY SHARE lock PostgreSQL's foreign-key check takes when another transaction inserts a row
    pointing at this case (an audit event, a payment). Plain FOR UPDATE deadlocks there: that
    writer holds the ledger's head and waits for the case, while we hold the case and wait for
    the head.
    """
    db.session.flush()
    db.session.refresh(case, with_for_update={"key_share": True})
    transition = check(case, action, actor_role(actor))
    before: CaseStatus = case.status
    case._status = transition.target
    case.status_changed_at = utcnow()
    audit.record(f"case.{action}", actor=actor, case=case,
                 payload={"from": before.value, "to": transition.target.value, **(payload or {})})
    return transition
