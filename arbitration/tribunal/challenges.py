"""s.13 challenges: a party challenges the arbitrator, with reasons, within fifteen days of learning
of the constitution or of a disclosed circumstance; the arbitrator decides first (s.13(2)). Upheld,
the arbitrator withdraws and the mandate ends (s.14/s.15); rejected, the proceedings go on and the
party may raise it against the award (s.13(5))."""
from __future__ import annotations

from typing import Any

from arbitration.tribunal.appointments import current_appointment
from arbitration.tribunal.models import AppointmentStatus, Challenge, ChallengeDecision
from arbitration.tribunal.states import APPOINTMENT
from portal import audit, lifecycle
from portal.accounts import Side, User, side_of
from portal.cases import Case
from portal.errors import DomainError
from portal.extensions import db
from portal.types import IST, utcnow

MAX_REASONS = 4000


def pending_challenge(case: Case) -> Challenge | None:
    appointment = current_appointment(case)
    if appointment is None:
        return None
    return next((c for c in appointment.challenges if c.decision == ChallengeDecision.PENDING), None)


def file(actor: Any, case: Case, reasons: str) -> Challenge:
    side = side_of(actor, case)
    if side not in (Side.CREDITOR, Side.DEBTOR):
        raise DomainError("Only a party challenges the arbitrator.")
    appointment = current_appointment(case)
    if appointment is None:
        raise DomainError("There is no arbitrator to challenge yet.")
    if appointment.status == AppointmentStatus.CHALLENGED:
        raise DomainError("A challenge is already waiting for the arbitrator's decision.")
    deadline = appointment.challenge_deadline
    if deadline is not None and utcnow() > deadline:
        shown = deadline.astimezone(IST).strftime("%d %b %Y, %H:%M IST")
        raise DomainError(f"The time to challenge closed on {shown} (s.13(2): fifteen days).")
    text = (reasons or "").strip()
    if not text:
        raise DomainError("Give the reasons for the challenge.")
    if len(text) > MAX_REASONS:
        raise DomainError(f"Keep the reasons under {MAX_REASONS} characters.")
    challenge = Challenge(appointment=appointment, side=side, filed_by_id=actor.id, reasons=text,
                          filed_at=utcnow(), decision=ChallengeDecision.PENDING, decision_reasons="")
    db.session.add(challenge)
    db.session.flush()
    lifecycle.fire(APPOINTMENT, appointment, "arbitrator_challenged", actor, case=case, payload={
        "appointment_id": appointment.id, "challenge_id": challenge.id, "side": side.value})
    return challenge  # the arbitrator is told by the notifications ("arbitration.arbitrator_challenged")


def decide(actor: User, challenge: Challenge, *, upheld: bool, reasons: str) -> Challenge:
    appointment = challenge.appointment
    case = appointment.case
    if challenge.decision != ChallengeDecision.PENDING or appointment.neutral_id != actor.id:
        raise DomainError("This challenge is not waiting for your decision.")
    text = (reasons or "").strip()
    if not text:
        raise DomainError("Give the reasons for the decision.")
    if len(text) > MAX_REASONS:
        raise DomainError(f"Keep the reasons under {MAX_REASONS} characters.")
    challenge.decision = ChallengeDecision.UPHELD if upheld else ChallengeDecision.REJECTED
    challenge.decision_reasons, challenge.decided_at = text, utcnow()
    db.session.flush()
    # The decision is the challenge's own record (the notifications close on it); the appointment's
    # move follows it. Upheld, the arbitrator withdraws; a substitute is appointed the same way (s.15(2)).
    audit.record("arbitration.challenge_decided", actor=actor, case=case,
                 payload={"challenge_id": challenge.id, "decision": challenge.decision.value})
    lifecycle.fire(APPOINTMENT, appointment, "arbitrator_removed" if upheld else "challenge_rejected", actor,
                   case=case, payload={"appointment_id": appointment.id, "challenge_id": challenge.id})
    if upheld:
        case.neutral_id = None
    db.session.flush()
    return challenge  # the parties are told by the notifications ("arbitration.challenge_decided")
