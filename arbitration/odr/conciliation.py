"""Conciliation: a party asks the institution for a conciliator; the platform admin appoints a user
with the NEUTRAL role, which starts conciliation. Like an arbitrator (A&C s.12(1)), the conciliator
then discloses, in the Sixth Schedule's form, anything that could raise doubts about its independence
and impartiality (s.67(1): it assists the parties independently and impartially) and accepts; only
then does it act (private sessions, proposals, authenticating the settlement, s.73-s.74)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from arbitration.odr import mail as room_mail
from arbitration.odr.models.room import ConciliationRequest, ConciliatorAcceptance
from arbitration.odr.room import actor_side
from arbitration.odr.states import CONCILIATION_REQUEST, RequestStatus
from arbitration.tribunal import conflicts, disclosure
from arbitration.tribunal.appointments import DisclosureIncomplete
from arbitration.tribunal.appointments import may_act as tribunal_may_act
from portal import audit, lifecycle
from portal.accounts import Role, User
from portal.cases import Case, CaseStatus, fire
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
    case = joinedload(ConciliationRequest.case)
    return list(db.session.scalars(select(ConciliationRequest).where(
        ConciliationRequest.status == RequestStatus.OPEN)
        .options(case.joinedload(Case.creditor), case.joinedload(Case.debtor))  # the page names both
        .order_by(ConciliationRequest.created_at)))


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
    """Appoint `neutral` to the case and start conciliation; closes the case's open requests. The
    conciliator acts once it has disclosed and accepted (`accept`)."""
    if neutral is None or neutral.role != Role.NEUTRAL or not neutral.active:
        raise DomainError("Only an active user registered as a neutral can be appointed.")
    conflicts.check(case, neutral)  # a declared tie to a party or its counsel refuses it (as for arbitrators)
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


def acceptance(case: Case, neutral_id: int | None) -> ConciliatorAcceptance | None:
    if neutral_id is None:
        return None
    return db.session.scalar(select(ConciliatorAcceptance).where(
        ConciliatorAcceptance.case_id == case.id, ConciliatorAcceptance.neutral_id == neutral_id))


def may_act(case: Case, user: Any) -> bool:
    """The neutral on the case acts once it has disclosed and accepted as conciliator; an arbitrator
    acts on its own accepted appointment (arbitration.tribunal), which also answers here."""
    user_id = getattr(user, "id", None)
    if case is None or user_id is None or case.neutral_id != user_id:
        return False
    return acceptance(case, user_id) is not None or tribunal_may_act(case, user)


def accept(actor: User, case: Case, raw_disclosure: dict[str, str]) -> ConciliatorAcceptance:
    """The appointed conciliator files its disclosure and accepts; the parties are told (the
    notifications listen to "odr.conciliator_accepted")."""
    if case.neutral_id != actor.id or case.status != CaseStatus.IN_CONCILIATION:
        raise DomainError("You are not the conciliator appointed in this case.")
    if acceptance(case, actor.id) is not None:
        raise DomainError("You have already disclosed and accepted in this case.")
    conflicts.check(case, actor)
    answers, problems = disclosure.validate(raw_disclosure)
    if problems:
        raise DisclosureIncomplete(problems)
    row = ConciliatorAcceptance(case_id=case.id, neutral_id=actor.id, disclosure=answers,
                                accepted_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("odr.conciliator_accepted", actor=actor, case=case,
                 payload={"acceptance_id": row.id, "neutral_id": actor.id, "side": "neutral"})
    return row
