"""create_agreement: the contract other areas call, the document it renders, what it refuses."""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from arbitration.settlement import agreements as settlement
from arbitration.settlement.models import AgreementStatus
from arbitration.settlement.terms import SettlementTerms
from evidence.services import store
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.i18n import force_locale
from tests.settlement.helpers import TODAY, agreement_for, pdf_text, room_case, three_instalments


def test_create_agreement_renders_stores_and_audits(db_session, tmp_path):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    assert agreement.id and agreement.status == AgreementStatus.AWAITING_SIGNATURES
    assert agreement.version == 1 and agreement.total == Decimal("90000.00") and not agreement.neutral_required
    assert agreement.terms == three_instalments()
    assert store().exists(agreement.unsigned_pdf_sha256)
    text = pdf_text(settlement.read_pdf(agreement.unsigned_pdf_sha256), tmp_path)
    for expected in (case.creditor.legal_name, case.debtor.legal_name, "₹90,000.00", "10 December 2026",
                     "10 January 2027", "10 February 2027", "30,000.00", "Default: if an instalment is not paid",
                     "within 7 days after its due date", "section 10A of the Information Technology Act",
                     case.reference, "invoke arbitration"):
        assert expected in text, expected
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "settlement.created",
                                                        AuditEvent.case_id == case.id)).one()
    payload = json.loads(event.payload)
    assert payload["sha256"] == agreement.unsigned_pdf_sha256 and payload["source"] == "offer"


def test_conciliation_wording_names_the_neutral_and_sections_73_74(db_session, tmp_path):
    case, staff = room_case(CaseStatus.IN_CONCILIATION, neutral=True)
    agreement = agreement_for(case, staff, source="proposal")
    assert agreement.neutral_required
    text = pdf_text(settlement.read_pdf(agreement.unsigned_pdf_sha256), tmp_path)
    assert "section 73" in text and "section 74" in text and "Mediation Act, 2023" in text
    assert case.neutral.name in text


def test_arbitration_wording_is_section_30(db_session, tmp_path):
    case, staff = room_case(CaseStatus.IN_ARBITRATION)
    text = pdf_text(settlement.read_pdf(agreement_for(case, staff).unsigned_pdf_sha256), tmp_path)
    assert "section 30" in text and "award on agreed terms" in text


def test_a_second_live_agreement_is_refused_until_the_first_is_cancelled(db_session):
    case, staff = room_case()
    first = agreement_for(case, staff)
    with pytest.raises(DomainError, match="already has a settlement agreement"):
        agreement_for(case, staff)
    settlement.cancel(first, staff, "The debtor asked for other dates")
    second = agreement_for(case, staff, SettlementTerms.lump_sum("50000", date(2026, 12, 1), today=TODAY))
    assert second.version == 2 and settlement.live_agreement(case) is second


@pytest.mark.parametrize("status", [CaseStatus.NOTICE_SERVED, CaseStatus.SETTLED, CaseStatus.CLOSED])
def test_refused_outside_the_room(db_session, status):
    case, staff = room_case(status)
    with pytest.raises(DomainError, match="only while the parties"):
        agreement_for(case, staff)


@pytest.mark.parametrize("terms, source, message", [
    (None, "offer", "terms are missing"), ("x", "offer", "terms are missing"),
    (three_instalments(), "", "where the settlement terms came from"),
    (three_instalments(), "x" * 41, "where the settlement terms came from")])
def test_bad_inputs(db_session, terms, source, message):
    case, staff = room_case()
    with pytest.raises(DomainError, match=message):
        settlement.create_agreement(case, terms, source=source, actor=staff)


def test_cancel_refuses_without_reason_or_when_signed(db_session):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    with pytest.raises(DomainError, match="Say briefly why the agreement is cancelled"):
        settlement.cancel(agreement, staff, " ")
    with force_locale("hi"), pytest.raises(DomainError, match="संक्षेप में बताएँ कि करार क्यों रद्द"):
        settlement.cancel(agreement, staff, "  ab  ")
    agreement.status = AgreementStatus.SIGNED
    with pytest.raises(DomainError, match="“Cancel” is not possible while the agreement is signed"):
        settlement.cancel(agreement, staff, "changed my mind")
