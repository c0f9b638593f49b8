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

    Row-locks the case first so two requests cannot both move it from the same state.
    """
    db.session.flush()
    db.session.refresh(case, with_for_update=True)
    transition = check(case, action, actor_role(actor))
    before: CaseStatus = case.status
    case._status = transition.target
    case.status_changed_at = utcnow()
    audit.record(f"case.{action}", actor=actor, case=case,
                 payload={"from": before.value, "to": transition.target.value, **(payload or {})})
    return transition
