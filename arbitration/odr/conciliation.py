"""Conciliation: a party asks the institution for a conciliator; the platform admin appoints a user
with the NEUTRAL role, which starts conciliation (and opens the private sessions)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from arbitration.odr import mail as room_mail
from arbitration.odr.models.room import ConciliationRequest
from arbitration.odr.room import actor_side
from arbitration.odr.states import CONCILIATION_REQUEST, RequestStatus
from portal import audit, lifecycle
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.cases.models import Case
from portal.cases.transitions import fire
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

MAX_REASON = 1000


def open_request(case: Case) -> ConciliationRequest | None:
    return db.session.scalar(select(ConciliationRequest).where(
        ConciliationRequest.case_id == case.id, ConciliationRequest.status == RequestStatus.OPEN)
        .order_by(ConciliationRequest.id))


def open_requests() -> list[ConciliationRequest]:
    """Every request still waiting for the institution, oldest first."""
    return list(db.session.scalars(select(ConciliationRequest).where(
        ConciliationRequest.status == RequestStatus.OPEN).order_by(ConciliationRequest.created_at)))


def request_conciliator(actor: Any, case: Case, reason: str = "") -> ConciliationRequest:
    """Ask for a conciliator; one open request per case is enough (a second is refused, 409)."""
    side = actor_side(actor, case)
    if side is None:
        raise DomainError("Only a party to the case asks for a conciliator.")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters.")
    if open_request(case) is not None:
        raise DomainError("A conciliator has already been requested for this case; the institution "
                          "will appoint one.")
    req = ConciliationRequest(case_id=case.id, side=side, requested_by_id=actor.id, reason=reason)
    db.session.add(req)
    db.session.flush()
    lifecycle.begin(CONCILIATION_REQUEST, req, RequestStatus.OPEN, actor, action="conciliation_requested",
                    case=case, payload={"request_id": req.id, "side": side.value})
    return req


def neutrals() -> list[User]:
    """The users the institution may appoint: active, with the NEUTRAL role."""
    return list(db.session.scalars(select(User).where(User.role == Role.NEUTRAL, User.active.is_(True))
                                   .order_by(User.name)))


def appoint_neutral(actor: User, case: Case, neutral: User | None) -> None:
    """Appoint `neutral` to the case and start conciliation; closes the case's open requests."""
    if neutral is None or neutral.role != Role.NEUTRAL or not neutral.active:
        raise DomainError("Only an active user registered as a neutral can be appointed.")
    previous = case.neutral_id
    case.neutral_id = neutral.id
    fire(case, "start_conciliation", actor, payload={"neutral_id": neutral.id})
    now = utcnow()
    payload = {"neutral_id": neutral.id, "previous_neutral_id": previous}
    requests = list(db.session.scalars(select(ConciliationRequest).where(
        ConciliationRequest.case_id == case.id, ConciliationRequest.status == RequestStatus.OPEN)
        .order_by(ConciliationRequest.id)))
    # The appointment answers each open request (one, normally: a second is refused), audited as
    # "odr.neutral_appointed"; an appointment nobody asked for is recorded under the same name.
    for req in requests:
        lifecycle.fire(CONCILIATION_REQUEST, req, "neutral_appointed", actor, case=case,
                       payload=payload | {"requests": [req.id]},
                       changes={"neutral_id": neutral.id, "decided_by_id": actor.id, "decided_at": now})
    if not requests:
        audit.record("odr.neutral_appointed", actor=actor, case=case, payload=payload | {"requests": []})
    db.session.flush()
    room_mail.neutral_appointed(case, neutral)
