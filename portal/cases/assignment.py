"""Who acts for the creditor on a case: an advocate the organisation has engaged is assigned (one
case or many), reassigned, or declines with a reason; the e-mails go after commit.

Services take the actor, flush, never commit. Authorization (who may ask) is the views' business
through portal.accounts.policy; the rules of the case itself (engaged, status) are checked here.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal import audit
from portal.accounts import Engagement, Role, User
from portal.audit import AuditEvent
from portal.cases.models import Case
from portal.cases.states import ADVOCATE_CHANGEABLE
from portal.errors import DomainError
from portal.extensions import db

ASSIGNED = "case.advocate_assigned"
REASSIGNED = "case.advocate_reassigned"
DECLINED = "case.advocate_declined"
NOT_ENGAGED = ("That is not an advocate your organisation has engaged. Invite them from the Team "
               "page first, or choose one of your advocates.")
MAX_REASON = 2000


def engaged_advocates(org_id: int) -> list[User]:
    """The organisation's advocate pool: engaged, active advocate accounts, by name."""
    return list(db.session.scalars(
        select(User).join(Engagement, Engagement.advocate_id == User.id)
        .where(Engagement.org_id == org_id, User.role == Role.ADVOCATE, User.active.is_(True))
        .order_by(User.name, User.id)))


def _is_engaged(org_id: int, advocate: User) -> bool:
    if advocate.role != Role.ADVOCATE or not advocate.active:
        return False
    return db.session.scalar(select(Engagement.id).where(
        Engagement.org_id == org_id, Engagement.advocate_id == advocate.id)) is not None


def find_engaged_advocate(org_id: int, email: str) -> User:
    """The engaged advocate with this e-mail address. An unknown address and an advocate the
    organisation has not engaged get the same refusal: whether an address has an account is not
    revealed."""
    wanted = (email or "").strip().lower()
    for advocate in engaged_advocates(org_id):
        if advocate.email.lower() == wanted:
            return advocate
    raise DomainError(f"“{wanted[:254]}” is not the e-mail address of an advocate your organisation "
                      "has engaged. Invite them from the Team page first, or leave it empty.")


def usual_advocate(org_id: int) -> User | None:
    """The default for a new claim: the only engaged advocate, else the one assigned most recently
    (if still engaged), else nobody."""
    pool = engaged_advocates(org_id)
    if len(pool) == 1:
        return pool[0]
    by_id = {a.id: a for a in pool}
    recent = db.session.scalars(
        select(AuditEvent.payload).join(Case, Case.id == AuditEvent.case_id)
        .where(Case.creditor_org_id == org_id, AuditEvent.action.in_((ASSIGNED, REASSIGNED)))
        .order_by(AuditEvent.seq.desc()).limit(20))
    for payload in recent:
        advocate = by_id.get(json.loads(payload).get("advocate_id"))
        if advocate is not None:
            return advocate
    return None


def _check_changeable(case: Case) -> None:
    if case.status not in ADVOCATE_CHANGEABLE:
        status = case.status.value.replace("_", " ")
        raise DomainError(f"The advocate of {case.reference} cannot be changed while the case is "
                          f"{status}." + (" The advocate returns or signs the notice first."
                                          if status == "notice in review" else ""))


def assign_advocate(actor: User, case: Case, advocate: User) -> bool:
    """Make `advocate` the case's advocate (a first assignment or a change); False if they already
    were."""
    _check_changeable(case)
    if not _is_engaged(case.creditor_org_id, advocate):
        raise DomainError(NOT_ENGAGED)
    if case.advocate_id == advocate.id:
        return False
    previous = case.advocate_id
    case.advocate_id, case.advocate = advocate.id, advocate
    payload = {"advocate_id": advocate.id}
    if previous is not None:
        payload["previous_advocate_id"] = previous
    audit.record(REASSIGNED if previous is not None else ASSIGNED, actor=actor, case=case, payload=payload)
    return True


def assign_new_cases(actor: User, cases: list[Case], advocates: list[User | None]) -> None:
    """First assignments of cases just created (the form, the API, the import): one engagement check
    per advocate, the audit events in one batch."""
    groups: dict[int, tuple[User, list[Case]]] = {}
    for case, advocate in zip(cases, advocates, strict=True):
        if advocate is not None:
            groups.setdefault(advocate.id, (advocate, []))[1].append(case)
    events = []
    for advocate, assigned in groups.values():
        if not _is_engaged(actor.org_id, advocate):
            raise DomainError(NOT_ENGAGED)
        for case in assigned:
            case.advocate_id, case.advocate = advocate.id, advocate
            events.append((ASSIGNED, case, {"advocate_id": advocate.id}))
    if events:
        audit.record_many(events, actor=actor)


@dataclass
class BulkResult:
    assigned: list[Case]
    unchanged: list[Case]
    refused: list[tuple[Case, str]]


def assign_many(actor: User, cases: Iterable[Case], advocate: User) -> BulkResult:
    """Assign one advocate to many cases; a case that cannot take it is listed with the reason and
    left as it was."""
    if not _is_engaged(actor.org_id, advocate):
        raise DomainError(NOT_ENGAGED)
    result = BulkResult([], [], [])
    for case in cases:
        try:
            changed = assign_advocate(actor, case, advocate)
        except DomainError as exc:  # raised before anything changed on that case
            result.refused.append((case, str(exc)))
        else:
            (result.assigned if changed else result.unchanged).append(case)
    return result


def decline(actor: User, case: Case, reason: str) -> None:
    """The assigned advocate declines the case; it is left without an advocate. The event names the
    staff member who assigned it (`staff_id`): they and the organisation's administrators are told."""
    text = (reason or "").strip()
    if not text:
        raise DomainError("Give your reason for declining: the creditor will see it.")
    if len(text) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters.")
    if actor.role != Role.ADVOCATE or case.advocate_id != actor.id:
        raise DomainError("Only the advocate assigned to the case can decline it.")
    _check_changeable(case)
    assigner_id = _last_assigner_id(case)
    case.advocate_id, case.advocate = None, None
    payload = {"advocate_id": actor.id, "reason": text}
    if assigner_id is not None:
        payload["staff_id"] = assigner_id
    audit.record(DECLINED, actor=actor, case=case, payload=payload)


@dataclass(frozen=True)
class Decline:
    advocate_id: int | None
    advocate_name: str
    reason: str
    at: datetime


def _latest_event(case: Case) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id,
                                 AuditEvent.action.in_((ASSIGNED, REASSIGNED, DECLINED)))
        .order_by(AuditEvent.case_seq.desc()).limit(1))


def last_decline(case: Case) -> Decline | None:
    """Why the case has no advocate, if its last advocate declined it (the reason is kept on the
    audit event, the record of it)."""
    if case.advocate_id is not None or case.id is None:
        return None
    event = _latest_event(case)
    if event is None or event.action != DECLINED:
        return None
    data = event.data
    advocate = db.session.get(User, data.get("advocate_id"))
    return Decline(data.get("advocate_id"), advocate.name if advocate else "The advocate",
                   data.get("reason", ""), event.created_at)


def _last_assigner_id(case: Case) -> int | None:
    return db.session.scalar(
        select(AuditEvent.actor_id).where(AuditEvent.case_id == case.id,
                                          AuditEvent.action.in_((ASSIGNED, REASSIGNED)))
        .order_by(AuditEvent.case_seq.desc()).limit(1))
