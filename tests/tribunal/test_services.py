"""The tribunal's services: who may act (may_act), the institution's appointment and the parties'
agreed one (never the creditor alone), the Sixth Schedule disclosure, the Seventh Schedule conflict
check, s.80, continuing disclosure and the s.13 challenge window."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from arbitration.odr.models.room import ConciliationRequest, RequestStatus
from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import challenges, disclosure, panel
from arbitration.tribunal.models import AppointmentStatus, ChallengeDecision, Ground
from portal.accounts.policy import Side
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from tests.factories import NeutralFactory
from tests.tribunal.helpers import actions, full_disclosure, guest_of, world

S = CaseStatus


def constituted(w):
    appointment = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    return tribunal.accept(w.neutral, appointment, full_disclosure())


def test_institution_appoints_and_the_neutral_accepts_with_its_disclosure(app, db_session):
    w = world()
    appointment = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    assert appointment.awaiting_neutral and tribunal.invitations_for(w.neutral) == [appointment]
    assert not tribunal.may_act(w.case, w.neutral) and w.case.neutral_id is None
    tribunal.accept(w.neutral, appointment, full_disclosure())
    assert appointment.status == AppointmentStatus.ACCEPTED and w.case.neutral_id == w.neutral.id
    assert appointment.disclosure["ongoing"] == 3
    assert appointment.disclosure["relationships"] == {"answer": "no", "details": ""}
    assert timedelta(days=14, hours=23) < appointment.challenge_deadline - utcnow() <= timedelta(days=15)
    assert tribunal.may_act(w.case, w.neutral)
    # Never opened before answering: the answer itself proves the notice of appointment arrived (s.23(4)).
    assert appointment.notice_received_at == appointment.answered_at
    assert actions(w.case)[-3:] == ["arbitration.arbitrator_nominated", "arbitration.appointment_notice_received",
                                    "arbitration.arbitrator_accepted"]
    # Post-award acts stay the arbitrator's; outside arbitration nobody acts.
    w.case._status = S.AWARDED
    assert tribunal.may_act(w.case, w.neutral)
    w.case._status = S.CLOSED
    assert not tribunal.may_act(w.case, w.neutral)


def test_may_act_is_only_for_the_accepted_disclosed_arbitrator(app, db_session):
    w = world()
    other = NeutralFactory()
    constituted(w)
    assert not tribunal.may_act(w.case, other)
    assert not tribunal.may_act(w.case, w.staff) and not tribunal.may_act(w.case, w.admin)
    assert not tribunal.may_act(w.case, guest_of(w.case))
    assert not tribunal.may_act(w.case, None)
    # A neutral merely named on the case (the conciliator) does not act as arbitrator.
    v = world()
    v.case.neutral_id = v.neutral.id
    assert not tribunal.may_act(v.case, v.neutral)


def test_the_creditor_never_appoints_alone(app, db_session):
    w = world()
    proposal = tribunal.propose(w.staff, w.case, w.neutral)
    assert proposal.awaiting_party and proposal.proposed_by_side == Side.CREDITOR
    for same_side in (w.staff, w.advocate):
        with pytest.raises(DomainError, match="other party must agree"):
            tribunal.agree(same_side, proposal)
    with pytest.raises(DomainError, match="already been asked|waiting"):
        tribunal.accept(w.neutral, proposal, full_disclosure())  # not agreed yet: no invitation
    assert tribunal.invitations_for(w.neutral) == [] and w.case.neutral_id is None
    tribunal.agree(w.debtor, proposal)
    assert proposal.awaiting_neutral and tribunal.invitations_for(w.neutral) == [proposal]
    tribunal.accept(w.neutral, proposal, full_disclosure())
    assert tribunal.may_act(w.case, w.neutral)


def test_the_debtor_through_its_link_proposes_and_the_creditor_agrees(app, db_session):
    w = world()
    guest = guest_of(w.case)
    proposal = tribunal.propose(guest, w.case, w.neutral)
    assert proposal.proposed_by_id is None and proposal.proposed_by_side == Side.DEBTOR
    with pytest.raises(DomainError):
        tribunal.agree(guest, proposal)
    tribunal.agree(w.advocate, proposal)
    assert proposal.awaiting_neutral


def test_a_counter_proposal_replaces_the_first_and_the_institution_overrides_both(app, db_session):
    w = world()
    first = tribunal.propose(w.staff, w.case, w.neutral)
    second = tribunal.propose(w.debtor, w.case, NeutralFactory())
    assert first.status == AppointmentStatus.REMOVED and second.awaiting_party
    nominated = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    assert second.status == AppointmentStatus.REMOVED and nominated.awaiting_neutral
    with pytest.raises(DomainError, match="has been asked already"):
        tribunal.propose(w.staff, w.case, NeutralFactory())
    with pytest.raises(DomainError, match="Only the institution"):
        tribunal.appoint_by_institution(w.staff, w.case, w.neutral)


def test_a_seventh_schedule_relationship_blocks_appointment_and_acceptance(app, db_session):
    w = world()
    w.case.creditor.gstin = "29ABCDE1234F1Z5"
    panel.declare(w.neutral, ground=Ground.DIRECTOR, counterpart_name="Some Other Name", gstin="29abcde1234f1z5")
    with pytest.raises(DomainError, match="director or manager of Some Other Name.*the creditor"):
        tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    with pytest.raises(DomainError, match="Seventh Schedule"):
        tribunal.propose(w.debtor, w.case, w.neutral)
    # Declared after the invitation: the check runs again on acceptance.
    clean = NeutralFactory()
    invited = tribunal.appoint_by_institution(w.admin, w.case, clean)
    panel.declare(clean, ground=Ground.SAME_LAW_FIRM, counterpart_name="x", email=w.advocate.email.upper())
    with pytest.raises(DomainError, match="same law firm as x, which is the creditor's advocate"):
        tribunal.accept(clean, invited, full_disclosure())
    assert invited.awaiting_neutral and w.case.neutral_id is None


def test_names_match_without_company_suffixes(app, db_session):
    w = world()
    w.case.debtor.legal_name = "Sahyadri Traders Private Limited"
    panel.declare(w.neutral, ground=Ground.CONSULTANT, counterpart_name="SAHYADRI TRADERS PVT. LTD.")
    with pytest.raises(DomainError, match="a consultant to SAHYADRI TRADERS PVT. LTD., which is the debtor"):
        tribunal.appoint_by_institution(w.admin, w.case, w.neutral)


def test_the_conciliator_may_not_be_the_arbitrator(app, db_session):
    w = world()
    db.session.add(ConciliationRequest(case_id=w.case.id, side=Side.DEBTOR, reason="",
                                       status=RequestStatus.APPOINTED, neutral_id=w.neutral.id))
    db.session.flush()
    with pytest.raises(DomainError, match="s.80"):
        tribunal.appoint_by_institution(w.admin, w.case, w.neutral)


def test_an_incomplete_disclosure_is_refused_item_by_item(app, db_session):
    w = world()
    appointment = tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    bad = full_disclosure(experience=" ", ongoing="three", relationships="yes", time="", seventh_schedule="")
    with pytest.raises(tribunal.DisclosureIncomplete) as refused:
        tribunal.accept(w.neutral, appointment, bad)
    assert refused.value.problems == [
        "Prior experience: this item must be answered.",
        "Number of ongoing arbitrations: give a whole number (0 if none).",
        "Item 5: list the circumstances you disclose.",
        "Item 6: answer yes or no.",
        "Confirm that no Seventh Schedule relationship applies, or decline the appointment."]
    assert appointment.awaiting_neutral and appointment.disclosure_filed_at is None


def test_continuing_disclosure_reopens_the_challenge_window(app, db_session):
    w = world()
    appointment = constituted(w)
    appointment.challenge_deadline = utcnow() - timedelta(days=1)
    with pytest.raises(DomainError, match="time to challenge closed on"):
        challenges.file(w.staff, w.case, "Doubts.")
    with pytest.raises(DomainError, match="Describe"):
        disclosure.file_update(w.neutral, appointment, "  ")
    disclosure.file_update(w.neutral, appointment, "I have since joined a chamber that advised the debtor.")
    assert appointment.challenge_deadline > utcnow() + timedelta(days=14)
    challenge = challenges.file(guest_of(w.case), w.case, "The new chamber advised the respondent.")
    assert challenge.side == Side.DEBTOR and challenge.filed_by_id is None
    assert appointment.status == AppointmentStatus.CHALLENGED
    assert tribunal.may_act(w.case, w.neutral)  # the arbitrator decides the challenge first (s.13(2))
    with pytest.raises(DomainError, match="already waiting"):
        challenges.file(w.staff, w.case, "Again.")


def test_a_rejected_challenge_keeps_the_mandate_an_upheld_one_ends_it(app, db_session):
    w = world()
    appointment = constituted(w)
    first = challenges.file(w.staff, w.case, "The arbitrator sat with the debtor's director on a board.")
    with pytest.raises(DomainError, match="reasons"):
        challenges.decide(w.neutral, first, upheld=False, reasons="")
    challenges.decide(w.neutral, first, upheld=False, reasons="The board was a charity; no interest.")
    assert first.decision == ChallengeDecision.REJECTED and appointment.status == AppointmentStatus.ACCEPTED
    second = challenges.file(w.debtor, w.case, "Fresh doubts.")
    challenges.decide(w.neutral, second, upheld=True, reasons="To avoid any doubt I withdraw.")
    assert appointment.status == AppointmentStatus.REMOVED and w.case.neutral_id is None
    assert not tribunal.may_act(w.case, w.neutral)
    assert "arbitration.challenge_decided" in actions(w.case)
    # A substitute is appointed the same way (s.15(2)).
    assert tribunal.appoint_by_institution(w.admin, w.case, NeutralFactory()).awaiting_neutral


def test_appointment_needs_a_case_in_arbitration_and_an_active_neutral(app, db_session):
    w = world(S.IN_NEGOTIATION)
    with pytest.raises(DomainError, match="only while the case is in arbitration"):
        tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    v = world()
    with pytest.raises(DomainError, match="active neutral"):
        tribunal.appoint_by_institution(v.admin, v.case, v.staff)
    v.neutral.active = False
    with pytest.raises(DomainError, match="active neutral"):
        tribunal.propose(v.staff, v.case, v.neutral)


def test_the_panel_filters_and_the_listing_keeps_money_exact(app, db_session):
    hindi = NeutralFactory(name="Arbitrator Hindi")
    panel.update_profile(hindi, expertise="Construction, MSME supply disputes", languages="English, Hindi",
                         fee_schedule="Per hearing", base_fee=Decimal("25000.005"), available=True,
                         availability_note="")
    assert panel.listing_of(hindi).base_fee == Decimal("25000.01")
    found = panel.browse(expertise="msme", language="hindi")
    assert [e.user for e in found] == [hindi]
    assert panel.browse(expertise="msme", language="tamil") == []
    with pytest.raises(DomainError, match="between"):
        panel.update_profile(hindi, expertise="", languages="", fee_schedule="", base_fee=Decimal("-1"),
                             available=False, availability_note="")
