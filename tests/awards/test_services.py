"""The award end to end at the service level: drafted pre-filled, refused while an s.31 element is
missing, finalised, signed with the arbitrator's DSC (validates with pyHanko), made (AWARDED), served
on each party through the dispatch pipeline with a delivery-proof certificate, the s.34 windows, the
close; and an award on agreed terms (s.30) from a signed settlement."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from arbitration.awards import making as awards
from arbitration.awards import serving as award_service
from arbitration.awards.models import AwardSide, AwardStatus
from arbitration.settlement.models import AgreementStatus, SettlementAgreement
from evidence.checkpoints import AuditCheckpoint
from notices.models import Notice
from notices.serving.documents import DocumentKind, ServedDocument
from notices.serving.models import DeliveryProof, Dispatch
from notices.serving.states import DispatchStatus, ServedDocumentStatus
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.types import IST
from tests.awards.helpers import awarding_case, complete_fields, validates_with_pyhanko
from tests.serving.helpers import delivered


def ledger(case) -> set[str]:
    return {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id))}


def made_award(a):
    award = awards.start(a.neutral, a.case)
    awards.update(a.neutral, award, complete_fields())
    awards.finalise(a.neutral, award)
    awards.sign(a.neutral, award)
    commit()  # eager Celery: the dispatch and the proof certificate run after the commit
    return award


def test_draft_is_prefilled_and_refused_until_complete(db_session):
    a = awarding_case()
    award = awards.start(a.neutral, a.case)
    assert award.claimant == a.case.creditor.legal_name and award.respondent == a.case.debtor.legal_name
    with pytest.raises(DomainError, match="already has an award"):
        awards.start(a.neutral, a.case)
    with pytest.raises(DomainError) as refused:
        awards.finalise(a.neutral, award)
    assert str(refused.value).startswith("The award cannot be finalised: missing ")
    for element in ("reasons", "date", "seat", "amount awarded", "post-award interest", "costs"):
        assert element in str(refused.value)
    awards.update(a.neutral, award, complete_fields(seat=""))
    with pytest.raises(DomainError, match=r"^The award cannot be finalised: missing seat\.$"):
        awards.finalise(a.neutral, award)
    assert award.status == AwardStatus.DRAFT and award.unsigned_pdf_sha256 is None
    awards.update(a.neutral, award, complete_fields())
    assert award.post_rate == Decimal("9.00")  # s.31(7)(b): 2% above the 7% current rate
    awards.finalise(a.neutral, award)
    with pytest.raises(DomainError, match="Only a draft"):
        awards.update(a.neutral, award, complete_fields())
    awards.reopen(a.neutral, award)
    assert award.status == AwardStatus.DRAFT


def test_sign_make_serve_with_proof_then_close_after_s34(db_session, outbox):
    a = awarding_case()
    award = made_award(a)
    assert a.case.status == CaseStatus.AWARDED and award.status == AwardStatus.SERVED
    signed = awards.read_pdf(award.signed_pdf_sha256)
    assert validates_with_pyhanko(signed)
    # A served document in its own right, in the tribunal's name: no Notice row poses as it (16.5).
    notice = db.session.get(ServedDocument, award.served_document_id)
    assert notice.kind == DocumentKind.AWARD and notice.signed_pdf_sha256 == award.signed_pdf_sha256
    assert notice.sender == "the arbitral tribunal" and notice.signatory == a.neutral.name
    assert notice.status == ServedDocumentStatus.SERVING  # dispatched; received only on proof
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.case_id == a.case.id)) == 0
    (dispatch,) = db.session.scalars(select(Dispatch).where(Dispatch.document_id == notice.id))
    assert dispatch.status == DispatchStatus.SENT and dispatch.address == "debtor@example.in"
    assert dispatch.notice_id is None
    assert db.session.scalar(select(DeliveryProof).where(DeliveryProof.document_id == notice.id))
    mails = outbox()
    debtor_mail = next(m for m in mails if "debtor@example.in" in m["To"])
    assert any(p.get_content() == signed for p in debtor_mail.iter_attachments())
    # The tribunal's award in its own words, never a creditor's notice asking for payment (issue 16.5).
    assert debtor_mail["Subject"].startswith("Arbitral award in arbitration")
    body = debtor_mail.get_body(("plain",)).get_content()
    assert "sole arbitrator" in body and "section 34" in body
    assert "legal notice" not in (body + debtor_mail["Subject"]).lower() and "asks for payment" not in body
    assert [p.get_filename() for p in debtor_mail.iter_attachments()] == [f"arbitral-award-{a.case.reference}.pdf"]
    assert any(a.staff.email in m["To"] and "signed award" in m["Subject"] for m in mails)
    assert {"case.make_award", "award.served", "served_document.created", "served_document.serve",
            "delivery.dispatched", "delivery.proof_issued"} <= ledger(a.case)
    assert any(c.reason == "award served" for c in db.session.scalars(select(AuditCheckpoint)))

    # The claimant received it when signed; the respondent's copy was only dispatched (our relay's
    # 250, IT Act s.13(1)): its receipt waits for a delivery report or a sign of retrieval.
    (claimant, _), (respondent, _) = [(d, w) for _side, d, w in award_service.windows(award)]
    assert claimant == award.signed_at.astimezone(IST).date() and respondent is None
    today = claimant
    with pytest.raises(DomainError, match="respondent's receipt"):
        award_service.close(a.staff, award, today)
    dispatch.designated = True
    delivered(notice)  # s.13(2)(a)(i): the DSN shows it entered the designated address: receipt
    assert notice.status == ServedDocumentStatus.RECEIVED and notice.received_at is not None
    _side, received, window = award_service.windows(award)[1]
    assert received == claimant and window.closes_on > received + timedelta(days=88)
    with pytest.raises(DomainError, match="s.34 window is open"):
        award_service.close(a.staff, award, today)
    with pytest.raises(DomainError, match="1 to 30 days"):
        award_service.record_extension(a.staff, award, 31)
    award_service.record_extension(a.staff, award, 30)
    assert award_service.windows(award)[1][2].closes_on == window.closes_on + timedelta(days=30)
    award_service.close(a.staff, award, window.closes_on + timedelta(days=31))
    assert a.case.status == CaseStatus.CLOSED and "section 36" in award.closing_note


def test_challenge_keeps_it_open_and_payment_closes(db_session):
    a = awarding_case()
    a.case.debtor.contacts[0].designated = True
    award = made_award(a)
    later = today_ist() + timedelta(days=400)
    with pytest.raises(DomainError, match="future"):
        award_service.record_challenge(a.staff, award, later, "Petition", today_ist())
    with pytest.raises(DomainError, match="which court"):
        award_service.record_challenge(a.staff, award, today_ist(), "  ", today_ist())
    award_service.record_challenge(a.staff, award, today_ist(), "Comm. Court Pune, AP 12/2027", today_ist())
    with pytest.raises(DomainError, match="challenge under s.34"):
        award_service.close(a.staff, award, later)
    from portal.cases.transitions import fire

    fire(a.case, "mark_paid", a.staff)
    award_service.close(a.staff, award, today_ist())
    assert a.case.status == CaseStatus.CLOSED and award.closing_note == "The award was paid."


def test_service_needs_an_address_and_signing_a_finalised_award(db_session):
    a = awarding_case()
    award = awards.start(a.neutral, a.case)
    awards.update(a.neutral, award, complete_fields())
    with pytest.raises(DomainError, match="Finalise the award"):
        awards.sign(a.neutral, award)
    awards.finalise(a.neutral, award)
    a.case.debtor.contacts.clear()
    a.case.debtor.postal_address = ""
    with pytest.raises(DomainError, match="no e-mail or postal address"):
        awards.sign(a.neutral, award)


def test_consent_award_records_the_signed_settlement(db_session, outbox):
    a = awarding_case(CaseStatus.SETTLED)
    with pytest.raises(DomainError, match="agreed terms"):
        awards.start(a.neutral, a.case, consent=True)
    settlement = SettlementAgreement(case_id=a.case.id, source="offer", terms_json="{}",
                                     total=Decimal("100000.00"), status=AgreementStatus.SIGNED,
                                     unsigned_pdf_sha256="0" * 64, final_pdf_sha256="1" * 64)
    db.session.add(settlement)
    db.session.flush()
    with pytest.raises(DomainError, match="while the arbitration is running"):
        awards.start(a.neutral, a.case)
    award = awards.start(a.neutral, a.case, consent=True)
    assert award.consent and award.settlement_id == settlement.id and award.principal == Decimal("100000.00")
    awards.update(a.neutral, award, complete_fields(reasons="", principal=settlement.total))
    awards.finalise(a.neutral, award)  # no reasons needed (s.31(3)(a))
    awards.sign(a.neutral, award)
    commit()
    assert a.case.status == CaseStatus.SETTLED and award.status == AwardStatus.SERVED
    assert validates_with_pyhanko(awards.read_pdf(award.signed_pdf_sha256))
    assert {s.side for s in award.services} == {AwardSide.CLAIMANT, AwardSide.RESPONDENT}


def test_only_the_accepted_arbitrator_records_a_settlement_award(db_session):
    from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
    from portal.accounts.policy import Action, can
    from portal.types import utcnow
    from tests.factories import NeutralFactory

    a = awarding_case(CaseStatus.SETTLED)
    assert not awards.may_record_settlement(a.case, a.neutral)  # never accepted: not the arbitrator
    db.session.add(Appointment(case_id=a.case.id, neutral_id=a.neutral.id, how=AppointmentHow.INSTITUTION,
                               status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                               disclosure_filed_at=utcnow(), answered_at=utcnow(), agreed_at=utcnow()))
    db.session.flush()
    assert awards.may_record_settlement(a.case, a.neutral) and can(a.neutral, Action.DRAFT_AWARD, a.case)
    assert not awards.may_record_settlement(a.case, NeutralFactory())
    assert not can(a.staff, Action.DRAFT_AWARD, a.case)
    a.case._status = CaseStatus.PAID
    assert not awards.may_record_settlement(a.case, a.neutral)


def test_the_award_goes_in_the_language_the_respondent_was_addressed_in(db_session, outbox):
    from notices.models import NoticeLanguage
    from tests.debtor.guest import signed_notice_record

    a = awarding_case()
    signed_notice_record(a.case).language = NoticeLanguage.HINDI  # the s.21 request went in Hindi
    award = made_award(a)
    document = db.session.get(ServedDocument, award.served_document_id)
    assert document.language == "hi"
    debtor_mail = next(m for m in outbox() if "debtor@example.in" in m["To"])
    assert debtor_mail["Subject"].startswith("मध्यस्थता") and "मध्यस्थ पंचाट" in debtor_mail["Subject"]
    assert [p.get_filename() for p in debtor_mail.iter_attachments()] == [f"arbitral-award-{a.case.reference}.pdf"]
