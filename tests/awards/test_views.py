"""The award's pages end to end: the acting arbitrator drafts, is refused finalising with the missing
s.31 elements named, finalises and signs; the debtor reads and downloads the signed award through its
personal link; the claimant records a court's extension and a challenge; bad input gets a clear 4xx
and nothing is kept."""
from decimal import Decimal

from sqlalchemy import select

from arbitration.awards import making as awards
from arbitration.awards.models import AwardStatus
from notices.serving.documents import ServedDocument
from notices.serving.models import Dispatch
from notices.serving.states import DispatchStatus
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.awards.helpers import awarding_case, complete_fields, validates_with_pyhanko
from tests.conftest import csrf_from
from tests.debtor.guest import login_guest

COMPLETE = {
    "claimant": "Claimant Pvt Ltd", "respondent": "Debtor LLP", "agreement": "Clause 18 of the agreement",
    "seat": "Pune", "award_date": today_ist().isoformat(), "reasons": "The goods were accepted.\n\nThe claim is proved.",
    "principal": "118000.00", "pre_rate": "18", "pre_from": "2026-02-25", "pre_to": "2026-11-23",
    "pre_amount": "15600.00", "post_basis": "statutory", "post_current_rate": "7.00", "post_directed_rate": "",
    "costs": "25000", "costs_borne_by": "respondent"}


def page(client, case, status=200):
    resp = client.get(f"/arbitration/{case.reference}/award")
    assert resp.status_code == status, resp.get_data(as_text=True)[:800]
    return resp


def post(client, case, suffix, data=None):
    token = csrf_from(page(client, case))
    return client.post(f"/arbitration/{case.reference}/award{suffix}", data={"csrf_token": token, **(data or {})})


def test_draft_refused_finalise_sign_and_parties_read(client, auth, db_session, outbox, acting):
    a = awarding_case()
    auth.login_as(a.staff)
    assert "has not made the award yet" in page(client, a.case).get_data(as_text=True)
    assert client.get(f"/arbitration/{a.case.reference}/award.pdf").status_code == 404
    auth.login_as(a.neutral)
    # Appointed but not yet accepted and disclosed: it reads the page and may not draft.
    assert "has not made the award yet" in page(client, a.case).get_data(as_text=True)
    assert post(client, a.case, "/start").status_code == 403 and awards.award_for(a.case) is None
    acting.add(a.case.id)
    assert post(client, a.case, "/start").status_code == 302
    award = awards.award_for(a.case)
    assert award.respondent == a.case.debtor.legal_name

    bad = post(client, a.case, "", {**COMPLETE, "principal": "lots"})
    assert bad.status_code == 422 and awards.award_for(a.case).principal is None
    bad = post(client, a.case, "", {**COMPLETE, "post_basis": "whatever"})
    assert bad.status_code == 422
    assert post(client, a.case, "", {**COMPLETE, "reasons": "", "seat": ""}).status_code == 302
    refused = post(client, a.case, "/finalise")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "The award cannot be finalised: missing reasons, seat." in body
    assert awards.award_for(a.case).status == AwardStatus.DRAFT

    assert post(client, a.case, "", COMPLETE).status_code == 302
    assert post(client, a.case, "/finalise").status_code == 302
    assert client.get(f"/arbitration/{a.case.reference}/award.pdf").status_code == 200  # the unsigned PDF
    auth.login_as(a.staff)
    assert "has not made the award yet" in page(client, a.case).get_data(as_text=True)  # not signed yet
    auth.login_as(a.neutral)
    assert post(client, a.case, "/sign").status_code == 302
    award = awards.award_for(a.case)
    assert award.status == AwardStatus.SERVED and a.case.status == CaseStatus.AWARDED
    (dispatch,) = db.session.scalars(select(Dispatch).where(Dispatch.document_id == award.served_document_id))
    assert dispatch.status == DispatchStatus.SENT
    assert post(client, a.case, "/start").status_code == 403  # the award is made: no second one
    document = db.session.get(ServedDocument, award.served_document_id)
    verified = client.get(f"/verify/{document.verification_code}")  # the code printed for the respondent
    body = verified.get_data(as_text=True)
    assert verified.status_code == 200 and award.signed_pdf_sha256 in body and "signed arbitral award" in body

    # The served award shows on the claimant's side with its delivery and its certificate.
    auth.login_as(a.staff)
    for path in (f"/cases/{a.case.reference}", f"/served/{document.id}/delivery",
                 f"/served/{document.id}/delivery-proof.pdf"):
        assert client.get(path).status_code == 200, path
    assert "Service of the arbitral award" in client.get(f"/served/{document.id}/delivery").get_data(as_text=True)
    assert f"/served/{document.id}/delivery-proof.pdf" in page(client, a.case).get_data(as_text=True)
    auth.logout()
    login_guest(client, a.case, outbox)
    body = page(client, a.case).get_data(as_text=True)
    assert "Arbitral award" in body and "Challenge possible until" in body
    pdf = client.get(f"/arbitration/{a.case.reference}/award.pdf")
    assert pdf.status_code == 200 and validates_with_pyhanko(pdf.data)


def signed_award(acting):
    """(the case's parties, its award) drafted, finalised and signed by the acting arbitrator."""
    a = awarding_case()
    acting.add(a.case.id)
    award = awards.start(a.neutral, a.case)
    awards.update(a.neutral, award, complete_fields())
    awards.finalise(a.neutral, award)
    awards.sign(a.neutral, award)
    return a, award


def test_claimant_records_extension_and_challenge_with_bad_input_refused(client, auth, db_session, acting):
    a, award = signed_award(acting)
    auth.login_as(a.debtor)
    assert post(client, a.case, "/extension", {"days": "5"}).status_code == 403
    auth.login_as(a.staff)
    assert post(client, a.case, "/extension", {"days": "45"}).status_code == 422
    assert post(client, a.case, "/extension", {"days": "30"}).status_code == 302
    assert awards.award_for(a.case).court_extension_days == 30
    assert post(client, a.case, "/challenge", {"filed_on": "", "note": "x"}).status_code == 422
    assert post(client, a.case, "/challenge", {"filed_on": "2099-01-01", "note": "HC"}).status_code == 409
    assert post(client, a.case, "/challenge", {"filed_on": "2026-11-23", "note": "Comm. Court, AP 1/2026"}
                ).status_code == 302
    body = page(client, a.case).get_data(as_text=True)
    assert "s.34 challenge filed" in body and "stays open until the court decides" in body
    assert post(client, a.case, "/close", {"note": ""}).status_code == 409
    assert a.case.status == CaseStatus.AWARDED
    assert award.total == Decimal("158600.00")


def test_arbitrator_records_a_settlement_as_an_award_on_agreed_terms(client, auth, db_session, outbox):
    from arbitration.settlement.models import AgreementStatus, SettlementAgreement
    from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
    from portal.types import utcnow

    a = awarding_case(CaseStatus.SETTLED)
    db.session.add(Appointment(case_id=a.case.id, neutral_id=a.neutral.id, how=AppointmentHow.INSTITUTION,
                               status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                               disclosure_filed_at=utcnow(), answered_at=utcnow(), agreed_at=utcnow()))
    db.session.add(SettlementAgreement(case_id=a.case.id, source="offer", terms_json="{}",
                                       total=Decimal("90000.00"), status=AgreementStatus.SIGNED,
                                       unsigned_pdf_sha256="0" * 64, final_pdf_sha256="1" * 64))
    auth.login_as(a.neutral)
    assert "Record the settlement as an award (s.30)" in page(client, a.case).get_data(as_text=True)
    assert post(client, a.case, "/start").status_code == 302
    award = awards.award_for(a.case)
    assert award.consent and award.principal == Decimal("90000.00")
    assert post(client, a.case, "", {**COMPLETE, "reasons": "", "principal": "90000"}).status_code == 302
    assert post(client, a.case, "/finalise").status_code == 302  # no reasons needed (s.30)
    assert post(client, a.case, "/sign").status_code == 302
    assert awards.award_for(a.case).status == AwardStatus.SERVED and a.case.status == CaseStatus.SETTLED
    auth.login_as(a.debtor)
    assert "Award on agreed terms (s.30)" in page(client, a.case).get_data(as_text=True)


def test_a_hindi_reading_respondent_reads_the_served_award_page_in_hindi(client, auth, db_session, acting):
    """What a party sees on the award's page (its headings, the s.34 table, the note under it) is in
    its language; the drafting and court steps are staff's and stay English."""
    a, _award = signed_award(acting)
    auth.login_as(a.debtor)
    body = client.get(f"/arbitration/{a.case.reference}/award?lang=hi").get_data(as_text=True)
    for hindi in ("मध्यस्थ पंचाट", "पंचाट में क्या कहा गया है", "मूलधन", "तामील और धारा 34 की अवधि",
                  "चुनौती कब तक दी जा सकती है", "(दावेदार) बनाम", "डिक्री की तरह लागू करने योग्य"):
        assert hindi in body, hindi
    for english in ("What the award says", "Principal", "Pre-award interest", "Challenge possible until",
                    "Service and the s.34 window", "(claimant) v.", "Three months from", "Runs from receipt",
                    "a year from the award", "Download the"):
        assert english not in body, english
