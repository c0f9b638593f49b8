"""The arbitral tribunal: who may act as arbitrator in a case (`may_act`, the single check every
arbitration part calls), and the appointment services (institutional appointment, a name proposed
by one party and agreed by the other, the neutral's acceptance with its s.12 disclosure)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from arbitration.odr.models.room import ConciliationRequest
from arbitration.tribunal import authority, conflicts, disclosure
from arbitration.tribunal import mail as tribunal_mail
from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
from arbitration.tribunal.states import APPOINTMENT
from portal import audit, lifecycle
from portal.accounts import Role, Side, User, side_of
from portal.cases import Case, CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

# Post-award acts (correction, additional award, s.33) are the arbitrator's too.
ACTING_STATUSES = frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED})
# A pending challenge does not suspend the mandate: the arbitrator decides it first (s.13(2)-(4)).
STANDING_STATUSES = frozenset({AppointmentStatus.ACCEPTED, AppointmentStatus.CHALLENGED})


def current_appointment(case: Case) -> Appointment | None:
    """The appointment that constitutes the tribunal (accepted, possibly under challenge)."""
    return db.session.scalar(select(Appointment).where(
        Appointment.case_id == case.id, Appointment.status.in_(STANDING_STATUSES))
        .order_by(Appointment.id.desc()).limit(1))


def may_act(case: Case, user: Any) -> bool:
    """True only for the accepted arbitrator with a filed disclosure, while the case is in arbitration
    (or awarded, for post-award acts). A conciliator in case.neutral_id is not the arbitrator (s.80)."""
    if case is None or user is None or getattr(user, "id", None) is None:
        return False
    if getattr(user, "role", None) != Role.NEUTRAL or case.status not in ACTING_STATUSES:
        return False
    if case.neutral_id != user.id:
        return False
    appointment = current_appointment(case)
    return (appointment is not None and appointment.neutral_id == user.id
            and appointment.disclosure_filed_at is not None
            # s.12(5): a Seventh Schedule relationship (with a party or its counsel) that arises or comes
            # to light later makes the arbitrator ineligible at once; it cannot act (s.14(1)(a)).
            and not conflicts.conflicts(case, user))


def cases_awaiting_tribunal() -> list[tuple[Case, Appointment | None]]:
    """Cases in arbitration with no tribunal constituted, oldest first, with any name on the table."""
    standing = select(Appointment.case_id).where(Appointment.status.in_(STANDING_STATUSES))
    cases = db.session.scalars(select(Case).where(Case._status == CaseStatus.IN_ARBITRATION,
                                                  Case.id.not_in(standing))
                               # what the page shows of each, and its agreement (who may appoint)
                               .options(joinedload(Case.creditor), joinedload(Case.debtor),
                                        selectinload(Case.arbitration_basis))
                               .order_by(Case.status_changed_at)).all()
    pending: dict[int, Appointment] = {}
    if cases:  # the newest proposed appointment of each case, as pending_appointment reads it
        for appointment in db.session.scalars(select(Appointment).where(
                Appointment.case_id.in_([c.id for c in cases]),
                Appointment.status == AppointmentStatus.PROPOSED).order_by(Appointment.id)):
            pending[appointment.case_id] = appointment
    return [(case, pending.get(case.id)) for case in cases]


def appointments_for(case: Case) -> list[Appointment]:
    return list(db.session.scalars(select(Appointment).where(Appointment.case_id == case.id)
                                   .order_by(Appointment.id)))


def pending_appointment(case: Case) -> Appointment | None:
    """The name on the table: awaiting the other party's agreement or the neutral's answer."""
    return db.session.scalar(select(Appointment).where(
        Appointment.case_id == case.id, Appointment.status == AppointmentStatus.PROPOSED)
        .order_by(Appointment.id.desc()).limit(1))


def invitations_for(neutral: User) -> list[Appointment]:
    """Appointments the neutral has been asked to accept (the parties' agreement, or the institution)."""
    case = joinedload(Appointment.case)
    return [a for a in db.session.scalars(select(Appointment).where(
        Appointment.neutral_id == neutral.id, Appointment.status == AppointmentStatus.PROPOSED)
        .options(case.joinedload(Case.creditor), case.joinedload(Case.debtor))  # the page names both
        .order_by(Appointment.id)) if a.awaiting_neutral]


def invitation(neutral: User, appointment_id: int) -> Appointment | None:
    """One of the neutral's own appointments; another neutral's is None (a 404 for the view)."""
    found = db.session.get(Appointment, appointment_id)
    return found if found is not None and found.neutral_id == neutral.id else None


def was_conciliator(case: Case, neutral: User) -> bool:
    """s.80: a conciliator may not act as arbitrator in the same dispute."""
    appointed = db.session.scalar(select(ConciliationRequest.id).where(
        ConciliationRequest.case_id == case.id, ConciliationRequest.neutral_id == neutral.id).limit(1))
    # A neutral on the case before any arbitral appointment stood is the conciliator.
    return appointed is not None or (case.neutral_id == neutral.id and current_appointment(case) is None)


def check_eligible(case: Case, neutral: User | None) -> User:
    if neutral is None or neutral.role != Role.NEUTRAL or not neutral.active:
        raise DomainError("Only an active neutral on the panel can be appointed.")
    if was_conciliator(case, neutral):
        raise DomainError(f"{neutral.name} acted as conciliator in this case and may not be its "
                          "arbitrator (Arbitration Act s.80).")
    conflicts.check(case, neutral)
    return neutral


def _open_for_appointment(case: Case) -> None:
    if case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("An arbitrator is appointed only while the case is in arbitration.")
    if current_appointment(case) is not None:
        raise DomainError("The tribunal is already constituted in this case.")
    pending = pending_appointment(case)
    if pending is not None and pending.awaiting_neutral:
        raise DomainError(f"{pending.neutral.name} has been asked already; wait for their answer.")


def _lapse_proposals(actor: Any, case: Case) -> None:
    for old in list(db.session.scalars(select(Appointment).where(
            Appointment.case_id == case.id, Appointment.status == AppointmentStatus.PROPOSED))):
        lifecycle.fire(APPOINTMENT, old, "proposal_lapsed", actor, case=case,
                       payload={"appointment_id": old.id})


def appoint_by_institution(actor: User, case: Case, neutral: User | None) -> Appointment:
    """The platform admin, as the arbitral institution, names the arbitrator; the neutral must accept."""
    if actor.role != Role.ADMIN:
        raise DomainError("Only the institution appoints without the parties' agreement.")
    authority.check_may_appoint(case)  # s.11: only where the parties made it the appointing authority
    _open_for_appointment(case)
    neutral = check_eligible(case, neutral)
    _lapse_proposals(actor, case)  # the parties did not agree: the institution's name replaces theirs
    now = utcnow()
    appointment = Appointment(case_id=case.id, neutral_id=neutral.id, how=AppointmentHow.INSTITUTION,
                              agreed_by_id=actor.id, agreed_at=now, created_at=now, decline_reason="")
    lifecycle.begin(APPOINTMENT, appointment, AppointmentStatus.PROPOSED, actor,
                    action="arbitrator_nominated",
                    case=case, payload={"neutral_id": neutral.id, "how": "institution"})
    tribunal_mail.invited(appointment)
    return appointment


def propose(actor: Any, case: Case, neutral: User | None) -> Appointment:
    """A party proposes a name; it stands only if the other party agrees (never the creditor alone)."""
    side = side_of(actor, case)
    if side not in (Side.CREDITOR, Side.DEBTOR):
        raise DomainError("Only a party proposes an arbitrator.")
    _open_for_appointment(case)
    neutral = check_eligible(case, neutral)
    _lapse_proposals(actor, case)  # a counter-proposal replaces the name the other side put forward
    appointment = Appointment(case_id=case.id, neutral_id=neutral.id, how=AppointmentHow.AGREED,
                              proposed_by_id=actor.id, proposed_by_side=side, created_at=utcnow(),
                              decline_reason="")
    # The other side is told by the notifications ("arbitration.arbitrator_proposed").
    lifecycle.begin(APPOINTMENT, appointment, AppointmentStatus.PROPOSED, actor, action="arbitrator_proposed",
                    case=case, payload={"neutral_id": neutral.id, "neutral_name": neutral.name,
                                        "side": side.value})
    return appointment


def agree(actor: Any, appointment: Appointment) -> Appointment:
    """The other party agrees to the proposed name; the neutral is then invited to accept."""
    case = appointment.case
    side = side_of(actor, case)
    if not appointment.awaiting_party:
        raise DomainError("There is no proposal waiting for your agreement.")
    if side not in (Side.CREDITOR, Side.DEBTOR):
        raise DomainError("Only a party agrees to an arbitrator.")
    if side == appointment.proposed_by_side:
        raise DomainError("Your side proposed this name: the other party must agree to it. "
                          "No party appoints the arbitrator alone.")
    check_eligible(case, appointment.neutral)
    appointment.agreed_by_id, appointment.agreed_at = actor.id, utcnow()
    db.session.flush()
    audit.record("arbitration.arbitrator_agreed", actor=actor, case=case,
                 payload={"appointment_id": appointment.id, "side": side.value})
    tribunal_mail.invited(appointment)
    return appointment


def accept(actor: User, appointment: Appointment, raw_disclosure: dict[str, str]) -> Appointment:
    """The neutral files the Sixth Schedule disclosure and accepts: the tribunal is constituted."""
    if appointment.neutral_id != actor.id or not appointment.awaiting_neutral:
        raise DomainError("This appointment is not waiting for your answer.")
    case = appointment.case
    if case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("The case is no longer in arbitration.")
    check_eligible(case, actor)
    answers, problems = disclosure.validate(raw_disclosure)
    if problems:
        raise DisclosureIncomplete(problems)
    now = utcnow()
    note_notice_received(actor, appointment, at=now)  # answering proves receipt of the notice, at the latest
    deadline = disclosure.deadline_from(now)
    previous, case.neutral_id = case.neutral_id, actor.id
    lifecycle.fire(APPOINTMENT, appointment, "arbitrator_accepted", actor, case=case, changes={
        "disclosure": answers, "disclosure_filed_at": now, "answered_at": now,
        "challenge_deadline": deadline},
        payload={"appointment_id": appointment.id, "neutral_id": actor.id, "previous_neutral_id": previous,
                 "neutral_name": actor.name, "how": appointment.how.value,
                 "challenge_deadline": deadline.isoformat()})
    return appointment  # the parties are told by the notifications ("arbitration.arbitrator_accepted")


def note_notice_received(actor: User, appointment: Appointment, at: datetime | None = None) -> None:
    """s.23(4) runs from the arbitrator's receipt of written notice of its appointment: the first time
    the invited neutral opens the invitation in its own account (IT Act s.13(2)(a)(ii): it retrieved
    the record). Recorded once; later openings change nothing."""
    if (appointment.neutral_id != actor.id or not appointment.awaiting_neutral
            or appointment.notice_received_at is not None):
        return
    appointment.notice_received_at = at or utcnow()
    db.session.flush()
    audit.record("arbitration.appointment_notice_received", actor=actor, case=appointment.case, payload={
        "appointment_id": appointment.id, "received_at": appointment.notice_received_at.isoformat()})


def decline(actor: User, appointment: Appointment, reason: str) -> Appointment:
    if appointment.neutral_id != actor.id or not appointment.awaiting_neutral:
        raise DomainError("This appointment is not waiting for your answer.")
    lifecycle.fire(APPOINTMENT, appointment, "arbitrator_declined", actor, payload={
        "appointment_id": appointment.id}, changes={
        "answered_at": utcnow(), "decline_reason": (reason or "").strip()[:1000]})
    return appointment


class DisclosureIncomplete(DomainError):
    """The Sixth Schedule form was not fully answered; `problems` lists each item (a 422 for views)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
